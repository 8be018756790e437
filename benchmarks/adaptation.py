"""Adaptation to one writer: does fine-tuning on 10 of someone's drawings help them? Does the
writer memory?

    python -m benchmarks.adaptation [FILE.jsonl] [--writers N]
    python -m benchmarks.adaptation --memory [--model PATH] [--sets uji,unipen-dev] [--adversarial] [--non-digits N]
    python -m benchmarks.adaptation --memory --choose --model A-BASE.keras   # the rule's grid on fold b

`--memory` measures the writer memory instead (benchmarks/memory.py): per writer, the first
drawing of each digit as samples, every later drawing read as the app reads it, with and without
the memory; on the UJI writers and on UNIPEN `dev` grouped by writer. `--choose` runs the fixed
grid of rules (docs/model.md) on fold b's UNIPEN `train` writers with a model that never saw them.

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
    parser.add_argument("--memory", action="store_true", help="measure the writer memory, not fine-tuning")
    parser.add_argument("--model", help="a .keras model (default: the bundled one)")
    parser.add_argument("--sets", default="uji,unipen-dev", help="with --memory: uji, unipen-dev, fold-b")
    parser.add_argument("--adversarial", action="store_true", help="with --memory: each sample also mislabelled")
    parser.add_argument("--non-digits", type=int, default=0, metavar="N", help="with --memory: N samples stored")
    parser.add_argument("--choose", action="store_true", help="with --memory: the rule's grid on fold b")
    args = parser.parse_args(argv)
    if args.memory:
        return memory_main(args)

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


GRID = [(k, weight, margin) for k in (1, 3) for weight in (0.3, 0.5) for margin in (0.6, 0.75, 0.9)]


def memory_main(args) -> int:
    from digitpad.reading.memory import MemoryRule
    from digitpad.reading.recognizer import Recognizer, load_checked, load_with_fallback

    from . import memory

    loaded = load_checked(args.model) if args.model else load_with_fallback(None)
    recognizer = Recognizer(loaded)
    report: dict = {"model": str(loaded.path), "rule": vars(recognizer.memory.rule)}
    if args.choose:
        rows = []
        for k, weight, margin in GRID:
            recognizer.memory.rule = MemoryRule(k, weight, margin)
            result = memory.measure(recognizer, "fold-b")
            rows.append(
                {
                    "k": k,
                    "weight": weight,
                    "margin": margin,
                    **{x: result[x] for x in ("with", "without", "helped", "hurt")},
                }
            )
            print(f"k={k} weight={weight} margin={margin}: " + memory.report_lines(result)[0], flush=True)
        best = max(rows, key=lambda r: (r["with"], -r["hurt"], r["margin"]))
        print(f"chosen (most read right, then fewest writers hurt, then the larger margin): {best}")
        report["grid"], report["chosen"] = rows, best
        write_report("memory-rule", report)
        return 0
    for name in [s.strip() for s in args.sets.split(",") if s.strip()]:
        result = memory.measure(recognizer, name, adversarial=args.adversarial)
        for line in memory.report_lines(result):
            print(line, flush=True)
        report[name] = result
    if args.non_digits:
        result = memory.non_digits_with(recognizer, args.non_digits)
        print(
            f"non-digits rejected: {result['rejected_with']:.2%} with {result['samples']} samples stored, "
            f"{result['rejected_empty']:.2%} with none"
        )
        report["non_digits"] = result
    write_report("adaptation-memory", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
