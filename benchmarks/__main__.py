"""Run every benchmark: python -m benchmarks"""

import sys

from . import accuracy, startup, strokes

for bench in (accuracy, startup, strokes):
    print(f"== {bench.__name__}")
    code = bench.main([])
    if code:
        sys.exit(code)
