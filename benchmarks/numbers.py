"""Numbers of several digits, replayed through the real window.

    python -m benchmarks.numbers [FILE.jsonl[.gz]] [--synthetic] [--count N] [--seed N]

Replays every number of a pen-stroke file (default: ../shared/data/unipen_numbers_dev.jsonl.gz,
184 real numbers of 2-5 digits written inside real text) as mouse press/move/release events on the
real canvas of the real window (offscreen), reads the number the window shows and prints
`numbers read right: X%` first, then per number length, then the latency from the last pen-up to
the number shown. `--synthetic` instead composes numbers of 2-8 digits from one writer's own digits
of `uji_digits_dev.jsonl` (natural spacing with seeded jitter; some touching or slightly
overlapping), `--count` of them (default 300) with a fixed seed."""

from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from .report import DEV_STROKES, SHARED_DATA, percentile, write_report  # noqa: E402

DEV_NUMBERS = SHARED_DATA / "unipen_numbers_dev.jsonl.gz"
CANVAS_HEIGHT_FRACTION = 0.45  # numbers are written at this fraction of the canvas height


def compose_number(drawings: list[dict], rng: np.random.Generator, length: int) -> dict:
    """A number written by one writer: `length` of their digit drawings in a row, each scaled to
    about the same height, with natural gaps (seeded; about one in six pairs touch or overlap a
    little) and a slightly wandering baseline. Strokes keep their order, digit after digit."""
    height = 100.0
    picks = [drawings[int(i)] for i in rng.integers(0, len(drawings), length)]
    strokes, label, x, parts = [], "", 0.0, []
    for row in picks:
        pts = np.concatenate([np.asarray(s, float)[:, :2] for s in row["strokes"] if len(s)])
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        size = height * rng.uniform(0.88, 1.08)
        scale = size / max(hi[1] - lo[1], 1e-9)
        width = (hi[0] - lo[0]) * scale
        if width > 0.9 * size:  # a wide drawing (a flat 2) is written narrower, as people do
            scale *= 0.9 * size / width
            width = 0.9 * size
        gap = height * (rng.uniform(-0.06, 0.0) if rng.random() < 0.16 else rng.uniform(0.08, 0.35))
        left = x + (gap if label else 0.0)
        top = rng.normal(0, 0.04) * height + (height - (hi[1] - lo[1]) * scale) * rng.uniform(0.3, 0.7)
        parts.append(0)
        for s in row["strokes"]:
            if len(s):
                a = np.asarray(s, float)[:, :2]
                strokes.append(((a - lo) * scale + [left, top]).tolist())
                parts[-1] += 1
        label += str(int(row["label"]))
        x = left + width
    return {"label": label, "strokes": strokes, "parts": parts}  # parts: strokes per digit


def synthetic_numbers(path: Path = DEV_STROKES, count: int = 300, seed: int = 0) -> list[dict]:
    """`count` numbers of 2-8 digits, each from one writer's own digits (fixed seed)."""
    from digitpad.learning.pendata import read_rows

    by_writer = defaultdict(list)
    for row in read_rows(path):
        by_writer[row["writer"]].append(row)
    writers = sorted(by_writer)
    rng = np.random.default_rng(seed)
    return [
        compose_number(by_writer[writers[int(rng.integers(len(writers)))]], rng, int(rng.integers(2, 9)))
        for _ in range(count)
    ]


def every_digit_alone(numbers: list[dict]) -> float:
    """The share of synthetic numbers whose every digit, drawn alone, the recogniser reads right:
    what a perfect segmentation would score (digit errors are the model's, not the cutting's)."""
    from digitpad.reading.recognizer import Recognizer, load_with_fallback

    recognizer = Recognizer(load_with_fallback(None))
    right = 0
    for number in numbers:
        at, ok = 0, True
        for digit, count in zip(number["label"], number["parts"], strict=True):
            prediction = recognizer.predict_strokes(number["strokes"][at : at + count])
            ok &= prediction is not None and prediction.digit == int(digit)
            at += count
        right += ok
    return right / len(numbers)


def real_numbers(path: Path) -> list[dict]:
    from digitpad.learning.pendata import PenDataError, read_rows

    try:
        rows = read_rows(path)
    except PenDataError as exc:
        raise SystemExit(str(exc)) from None
    return [{"label": str(row["label"]), "strokes": row["strokes"]} for row in rows if row["strokes"]]


def replay(window, numbers: list[dict], app) -> dict:
    from .strokes import replay_one

    by_length = defaultdict(lambda: [0, 0])
    latencies, wrong = [], []
    for number in numbers:
        shown, latency = replay_one(window, number["strokes"], CANVAS_HEIGHT_FRACTION, (0.5, 0.5), app)
        latencies.append(latency)
        tally = by_length[len(number["label"])]
        tally[0] += shown == number["label"]
        tally[1] += 1
        if shown != number["label"]:
            wrong.append([number["label"], shown])
    right = sum(t[0] for t in by_length.values())
    return {
        "accuracy": right / len(numbers),
        "numbers": len(numbers),
        "per_length": {str(k): {"right": v[0], "of": v[1]} for k, v in sorted(by_length.items())},
        "latency_ms": {
            "median": round(percentile(latencies, 50), 2),
            "p95": round(percentile(latencies, 95), 2),
            "max": round(max(latencies), 2),
        },
        "latency_6_digits_ms": _p95_of(latencies, numbers, 6),
        "wrong": wrong,
    }


def _p95_of(latencies, numbers, length: int):
    chosen = [lat for lat, n in zip(latencies, numbers, strict=True) if len(n["label"]) == length]
    return round(percentile(chosen, 95), 2) if chosen else None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=None, help="numbers file (default: the UNIPEN dev numbers)")
    parser.add_argument("--synthetic", action="store_true", help="compose numbers from the UJI dev digits instead")
    parser.add_argument("--count", type=int, default=300, help="synthetic numbers to compose (default 300)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.synthetic:
        source = Path(args.file) if args.file else DEV_STROKES
        numbers = synthetic_numbers(source, args.count, args.seed)
        what = f"{len(numbers)} synthetic numbers of 2-8 digits from {source} (seed {args.seed})"
    else:
        source = Path(args.file) if args.file else DEV_NUMBERS
        numbers = real_numbers(source)
        what = f"{len(numbers)} numbers from {source}"

    from .strokes import open_window

    app, window = open_window()
    canvas = window.draw_page.canvas
    replay(window, numbers[:5], app)  # warm-up: first-call costs are not counted
    result = replay(window, numbers, app)
    window.close()
    print(f"numbers read right: {result['accuracy']:.2%} ({what})")
    if args.synthetic:
        result["every_digit_alone"] = every_digit_alone(numbers)
        print(
            f"  with every digit read right on its own (a perfect cutting's score): {result['every_digit_alone']:.2%}"
        )
    for length, tally in result["per_length"].items():
        print(f"  {length} digits: {tally['right']}/{tally['of']} right")
    lat = result["latency_ms"]
    six = result["latency_6_digits_ms"]
    print(
        f"pen-up->number shown: median {lat['median']:.1f} ms, p95 {lat['p95']:.1f} ms, max {lat['max']:.1f} ms"
        + (f"; p95 for 6-digit numbers {six:.1f} ms" if six is not None else "")
    )
    write_report(
        "numbers-synthetic" if args.synthetic else "numbers",
        {"source": what, "canvas": [canvas.width(), canvas.height()], "model": window.service.loaded.name, **result},
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
