""" "Not a digit" through the real window.

    python -m benchmarks.rejection [--digits FILE] [--other FILE] [--limit N] [--seed S]

Replays pen-drawn digits and clearly-non-digit characters (defaults: the `dev` rows of the
UNIPEN files in ../shared/data; only the characters the data README lists as clearly not
digits) as mouse events on the real canvas, reads what the window shows, and prints:

    non-digits rejected: X%   (the window showed "Not a digit")
    digits rejected: Y%
    accuracy on digits: Z%    (the right digit shown)

`--limit N` replays a random, seeded subset of N of each."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from .report import SHARED_DATA, percentile, write_report  # noqa: E402
from .strokes import dev_rows, open_window, replay_one  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digits", default=str(SHARED_DATA / "unipen_digits.jsonl.gz"))
    parser.add_argument("--other", default=str(SHARED_DATA / "unipen_other.jsonl.gz"))
    parser.add_argument("--limit", type=int, metavar="N", help="a seeded random subset of N of each")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    import numpy as np

    from digitpad.gui.i18n import not_a_digit_text
    from digitpad.learning.pendata import CLEARLY_NOT_DIGITS

    digits = [row for row in dev_rows(Path(args.digits)) if str(row["label"]).isdigit()]
    others = [row for row in dev_rows(Path(args.other)) if row["label"] in CLEARLY_NOT_DIGITS]
    if args.limit:
        rng = np.random.default_rng(args.seed)
        digits = [digits[i] for i in sorted(rng.permutation(len(digits))[: args.limit])]
        others = [others[i] for i in sorted(rng.permutation(len(others))[: args.limit])]

    app, window = open_window()
    replay_one(window, digits[0]["strokes"], 0.7, (0.5, 0.5), app)  # warm-up
    latencies = []

    def shown(row):
        text, latency = replay_one(window, row["strokes"], 0.7, (0.5, 0.5), app)
        latencies.append(latency)
        return text

    digit_answers = [(shown(row), str(row["label"])) for row in digits]
    other_answers = [(shown(row), row["label"]) for row in others]
    window.close()

    rejected_others = sum(text == not_a_digit_text() for text, _ in other_answers) / len(other_answers)
    rejected_digits = sum(text == not_a_digit_text() for text, _ in digit_answers) / len(digit_answers)
    accuracy = sum(text == label for text, label in digit_answers) / len(digit_answers)
    print(f"non-digits rejected: {rejected_others:.2%}")
    print(f"digits rejected: {rejected_digits:.2%}")
    print(f"accuracy on digits: {accuracy:.2%}")
    per_char = {}
    for text, label in other_answers:
        hits, n = per_char.get(label, (0, 0))
        per_char[label] = (hits + (text == not_a_digit_text()), n + 1)
    worst = sorted(per_char.items(), key=lambda kv: kv[1][0] / kv[1][1])[:8]
    print(
        f"{len(digit_answers)} digits, {len(other_answers)} non-digits; least rejected: "
        + ", ".join(f"{c} {h / n:.0%}" for c, (h, n) in worst)
    )
    print(f"pen-up to shown: median {percentile(latencies, 50):.1f} ms, p95 {percentile(latencies, 95):.1f} ms")
    write_report(
        "rejection",
        {
            "digits_file": args.digits,
            "other_file": args.other,
            "limit": args.limit,
            "seed": args.seed,
            "model": window.service.loaded.card.get("name"),
            "non_digits_rejected": round(rejected_others, 4),
            "digits_rejected": round(rejected_digits, 4),
            "accuracy_on_digits": round(accuracy, 4),
            "digits": len(digit_answers),
            "non_digits": len(other_answers),
            "per_character_rejected": {c: round(h / n, 4) for c, (h, n) in sorted(per_char.items())},
            "latency_ms": {"median": round(percentile(latencies, 50), 2), "p95": round(percentile(latencies, 95), 2)},
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
