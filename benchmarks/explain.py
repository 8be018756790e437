"""The evidence maps of "Show why" (integrated gradients, digitpad.reading.explain).

    python -m benchmarks.explain [FILE.jsonl[.gz]] [--limit N]

For every drawing of a pen-stroke file (default: ../shared/data/uji_digits_dev.jsonl) it computes
the map for the answer shown and for the runner-up, and prints the time per map, the share of the
positive evidence on or next to ink (target >= 80%), and how different the two maps are."""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from .report import DEV_STROKES, percentile, write_report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(DEV_STROKES))
    parser.add_argument("--limit", type=int)
    args = parser.parse_args(argv)
    from digitpad.learning.pendata import read_rows
    from digitpad.reading.explain import Explainer, share_on_ink
    from digitpad.reading.preprocess import strokes_to_mnist
    from digitpad.reading.recognizer import Recognizer, load_with_fallback

    recognizer = Recognizer(load_with_fallback(None))
    explainer = Explainer(recognizer.loaded.model)
    rows = read_rows(args.file)[: args.limit] if args.limit else read_rows(args.file)
    seconds, shares, correlations = [], [], []
    for row in rows:
        image = strokes_to_mnist(row["strokes"])
        if image is None:
            continue
        probs = recognizer.predict_batch(image[None])[0]
        shown, runner_up = (int(i) for i in np.argsort(probs)[::-1][:2])
        started = time.perf_counter()
        evidence = explainer.explain(image, shown)
        seconds.append(time.perf_counter() - started)
        shares.append(share_on_ink(evidence, image))
        other = explainer.explain(image, runner_up)
        correlations.append(float(np.corrcoef(evidence.ravel(), other.ravel())[0, 1]))
    print(f"one map: median {percentile(seconds, 50) * 1000:.1f} ms, p95 {percentile(seconds, 95) * 1000:.1f} ms")
    print(f"positive evidence on or next to ink: mean {np.mean(shares):.1%}, lowest {min(shares):.1%}")
    print(f"map for the answer vs the runner-up: median correlation {np.median(correlations):+.2f}")
    write_report(
        "explain",
        {
            "file": args.file,
            "drawings": len(seconds),
            "method": "integrated gradients, 24 steps, blank baseline",
            "ms": {"median": round(percentile(seconds, 50) * 1000, 1), "p95": round(percentile(seconds, 95) * 1000, 1)},
            "share_on_ink": {"mean": round(float(np.mean(shares)), 4), "min": round(float(min(shares)), 4)},
            "correlation_with_runner_up_median": round(float(np.median(correlations)), 3),
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
