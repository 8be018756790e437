"""Run every benchmark: python -m benchmarks"""

import sys

from . import accuracy, adaptation, rejection, startup, strokes, training

for bench in (accuracy, startup, strokes, rejection, training, adaptation):
    print(f"== {bench.__name__}")
    code = bench.main([])
    if code:
        sys.exit(code)
