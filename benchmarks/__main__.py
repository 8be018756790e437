"""Run every benchmark of the README's table, each as its command there: python -m benchmarks
(about an hour on 2 cores; the installed app's startup, which needs the built installer, is not
among them)."""

import sys

from . import accuracy, adaptation, explain, numbers, photos, rejection, samples, startup, strokes, training
from .report import SHARED_DATA

RUNS = [
    (accuracy, []),
    (startup, []),
    (strokes, []),
    (
        strokes,
        [str(SHARED_DATA / "unipen_digits.jsonl.gz"), "--placements", "large-centred", "--name", "strokes-unipen-dev"],
    ),
    (strokes, ["--coarse", "8", "--placements", "large-centred"]),
    (rejection, ["--limit", "1000"]),
    (numbers, []),
    (numbers, ["--synthetic"]),
    (photos, []),
    (explain, []),
    (training, ["--skip-full-epoch", "--rounds", "3"]),
    (adaptation, []),
    (samples, []),
]

for bench, args in RUNS:
    print(f"== {bench.__name__} {' '.join(args)}", flush=True)
    code = bench.main(args)
    if code:
        sys.exit(code)
