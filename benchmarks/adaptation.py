"""Adaptation to one writer: does fine-tuning on 10 of someone's drawings help them?

    python -m benchmarks.adaptation [FILE.jsonl] [--writers N]

For each writer of a pen-stroke file (default: the dev file), their strokes are rendered
through the canvas's own preprocessing (`strokes_to_mnist`); their first sample of each digit
(10 drawings) are "my samples", the bundled model is fine-tuned on them with the app's recipe
(`digitpad.learning.finetune.fine_tune`, as the Train tab's "Fine-tune on my samples" runs it), and it
is measured on their second samples and on the MNIST test set."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from .report import DEV_STROKES, write_report


def writers_from(path: Path):
    from digitpad.reading.preprocess import strokes_to_mnist

    by_writer = defaultdict(lambda: {"mine": [], "later": []})
    seen = defaultdict(set)
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            row = json.loads(line)
            key = (row["writer"], row["label"])
            image = (strokes_to_mnist(row["strokes"]) * 255).round().astype(np.uint8)
            part = "later" if key in seen else "mine"  # first drawing of a digit: my sample
            seen[key].add(row.get("sample"))
            by_writer[row["writer"]][part].append((image, int(row["label"])))
    return dict(sorted(by_writer.items()))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(DEV_STROKES))
    parser.add_argument("--writers", type=int, default=None, help="only the first N writers")
    args = parser.parse_args(argv)

    from digitpad.learning.data import load_mnist
    from digitpad.learning.finetune import FINE_TUNE_DEFAULTS, MySamples, fine_tune
    from digitpad.reading.recognizer import load_with_fallback

    writers = writers_from(Path(args.file))
    if args.writers:
        writers = dict(list(writers.items())[: args.writers])
    mnist = load_mnist()
    base = load_with_fallback(None)  # the bundled model and its card (its "not a digit" threshold)
    rows = []
    for name, parts in writers.items():
        if not parts["mine"] or not parts["later"]:
            continue
        xm, ym = map(np.array, zip(*parts["mine"], strict=False))
        xl, yl = map(np.array, zip(*parts["later"], strict=False))
        started = time.perf_counter()
        ft = fine_tune(base, MySamples(xm, ym, xl, yl), mnist=mnist)
        seconds = time.perf_counter() - started
        rows.append(
            {
                "writer": name,
                "mine": len(xm),
                "later": len(xl),
                "before": ft.mine_before,
                "after": ft.mine_after,
                "mnist_before": ft.mnist_before,
                "mnist_after": ft.mnist_after,
                "seconds": round(seconds, 1),
            }
        )
        print(
            f"{name}: their later drawings {ft.mine_before:.0%} -> {ft.mine_after:.0%}; "
            f"MNIST {ft.mnist_before:.2%} -> {ft.mnist_after:.2%} ({seconds:.0f} s)",
            flush=True,
        )
    before = float(np.mean([r["before"] for r in rows]))
    after = float(np.mean([r["after"] for r in rows]))
    drops = [(r["mnist_before"] - r["mnist_after"]) * 100 for r in rows]
    summary = {
        "writers": len(rows),
        "mean_accuracy_before": before,
        "mean_accuracy_after": after,
        "helped": sum(r["after"] > r["before"] for r in rows),
        "hurt": sum(r["after"] < r["before"] for r in rows),
        "unchanged": sum(r["after"] == r["before"] for r in rows),
        "mnist_before": rows[0]["mnist_before"],
        "mnist_after_mean": float(np.mean([r["mnist_after"] for r in rows])),
        "mnist_after_min": float(min(r["mnist_after"] for r in rows)),
        "largest_mnist_drop_points": round(max(drops), 3),
        "fine_tune_seconds_median": float(np.median([r["seconds"] for r in rows])),
        "recipe": FINE_TUNE_DEFAULTS,
    }
    print(
        f"\n{len(rows)} writers: mean accuracy on their later drawings {before:.2%} -> {after:.2%}; "
        f"helped {summary['helped']}, hurt {summary['hurt']}, unchanged {summary['unchanged']}"
    )
    print(
        f"MNIST test {summary['mnist_before']:.2%} -> mean {summary['mnist_after_mean']:.2%}, "
        f"min {summary['mnist_after_min']:.2%} (largest drop {summary['largest_mnist_drop_points']:.2f} points)"
    )
    print(f"one fine-tune: median {summary['fine_tune_seconds_median']:.0f} s")
    write_report("adaptation", {"file": str(args.file), "summary": summary, "writers": rows})
    return 0


if __name__ == "__main__":
    sys.exit(main())
