"""The model selection protocol (docs/model.md): models compared drawing by drawing.

    python -m benchmarks.selection MODEL [MODEL ...] [--fold a|b] [--name NAME]

Reads the same drawings with every model the way the app reads strokes (the Qt-free reader:
numbers, "not a digit" at the model card's threshold) and MNIST's test images the way the app
answers them, then compares each model with the first (the baseline) by McNemar's exact test
on the drawings where exactly one of the two is right.

The sets that choose (`--fold`): the UNIPEN `train` drawings of the sources of that fold
(digitpad.learning.pendata.SOURCE_FOLDS), which a screening run trained with `--pen-fold` on the other
fold never saw: its digits, and a seeded 2,000 of its clearly-non-digit characters; and MNIST's
test set. The checks, never used to choose: UJI dev (as drawn and as 8-point coarse paths),
UNIPEN `dev` digits and a seeded 1,000 of UNIPEN `dev` non-digits (the rejection benchmark's)."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

from .report import DEV_STROKES, SHARED_DATA, write_report

HELDOUT_NON_DIGITS = 2000
DEV_NON_DIGITS = 1000


def mcnemar(base_right: np.ndarray, other_right: np.ndarray) -> dict:
    """McNemar's exact test: drawings only the baseline reads right (`lost`), only the other
    model reads right (`won`), and the two-sided p-value that the two are equally good."""
    lost = int(np.sum(base_right & ~other_right))
    won = int(np.sum(~base_right & other_right))
    n = lost + won
    tail = sum(math.comb(n, k) for k in range(min(lost, won) + 1)) / 2**n if n else 1.0
    return {"won": won, "lost": lost, "p": round(min(1.0, 2 * tail), 4)}


def _rows(path: Path, split: str | None, labels) -> list[dict]:
    from digitpad.learning.pendata import read_rows

    return [
        row
        for row in read_rows(path, split=split)
        if row["label"] in labels and any(len(stroke) for stroke in row["strokes"])
    ]


def _sample(rows: list[dict], n: int, seed: int = 0) -> list[dict]:
    if len(rows) <= n:
        return rows
    return [rows[i] for i in sorted(np.random.default_rng(seed).permutation(len(rows))[:n])]


def drawing_sets(fold: str | None) -> dict[str, tuple[list[dict], bool]]:
    """name -> (rows, whether they are digits); the choosing sets first."""
    from digitpad.learning.pendata import CLEARLY_NOT_DIGITS, SOURCE_FOLDS, coarse

    digits, others = SHARED_DATA / "unipen_digits.jsonl.gz", SHARED_DATA / "unipen_other.jsonl.gz"
    sets: dict[str, tuple[list[dict], bool]] = {}
    if fold:
        sources = SOURCE_FOLDS[fold]
        in_fold = lambda rows: [row for row in rows if row.get("source") in sources]  # noqa: E731
        sets["heldout-digits"] = (in_fold(_rows(digits, "train", range(10))), True)
        sets["heldout-non-digits"] = (
            _sample(in_fold(_rows(others, "train", CLEARLY_NOT_DIGITS)), HELDOUT_NON_DIGITS),
            False,
        )
    uji = _rows(DEV_STROKES, None, range(10))
    sets["uji"] = (uji, True)
    sets["uji-coarse-8"] = ([{**row, "strokes": coarse(row["strokes"], 8)} for row in uji], True)
    sets["unipen-dev-digits"] = (_rows(digits, "dev", range(10)), True)
    sets["unipen-dev-non-digits"] = (_sample(_rows(others, "dev", CLEARLY_NOT_DIGITS), DEV_NON_DIGITS), False)
    return sets


def answers(recognizer, rows: list[dict]) -> list[str]:
    """What the app shows for each drawing: the number's text, or "-" for "not a digit"."""
    out = []
    for row in rows:
        reading = recognizer.read_strokes(row["strokes"])
        if reading is None:
            out.append("")
        elif reading.is_single and reading.digits[0].prediction.digit is None:
            out.append("-")
        else:
            out.append(reading.text)
    return out


def right(shown: list[str], rows: list[dict], digits: bool) -> np.ndarray:
    if digits:
        return np.array([text == str(row["label"]) for text, row in zip(shown, rows, strict=True)])
    return np.array([text == "-" for text in shown])


def mnist_right(recognizer, mnist) -> np.ndarray:
    from digitpad.learning.data import to_model_input
    from digitpad.reading.answers import classes_of

    probs = np.concatenate(
        [
            recognizer.predict_batch(to_model_input(mnist.x_test[i : i + 1000]))
            for i in range(0, len(mnist.x_test), 1000)
        ]
    )
    return classes_of(probs, recognizer.reject_threshold) == mnist.y_test


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", metavar="MODEL", help=".keras files; the first is the baseline")
    parser.add_argument("--fold", choices=["a", "b"], help="the held-out fold of UNIPEN train sources")
    parser.add_argument("--name", default="selection", help="report name")
    args = parser.parse_args(argv)

    from digitpad.learning.data import load_mnist
    from digitpad.reading.recognizer import Recognizer, load_checked
    from digitpad.storage.cards import read_card

    sets = drawing_sets(args.fold)
    mnist = load_mnist()
    results = {}
    for path in args.models:
        recognizer = Recognizer(load_checked(path))
        per_set = {"mnist-test": {"right": mnist_right(recognizer, mnist)}}
        for name, (rows, digits) in sets.items():
            shown = answers(recognizer, rows)
            per_set[name] = {"right": right(shown, rows, digits), "shown": shown}
        results[path] = per_set

    base = args.models[0]
    names = ["mnist-test", *sets]
    print(f"{'set':24s}" + "".join(f"{Path(m).stem[:22]:>24s}" for m in args.models))
    report = {"fold": args.fold, "baseline": base, "models": {}}
    for name in names:
        cells = []
        for path in args.models:
            ok = results[path][name]["right"]
            cell = f"{ok.mean():.2%}"
            if path != base:
                test = mcnemar(results[base][name]["right"], ok)
                cell += f" +{test['won']}-{test['lost']}" + ("*" if test["p"] < 0.05 else "")
            cells.append(cell)
        print(f"{name:24s}" + "".join(f"{c:>24s}" for c in cells))
    for path in args.models:
        entry = {}
        for name in names:
            ok = results[path][name]["right"]
            entry[name] = {"accuracy": round(float(ok.mean()), 4), "n": int(len(ok))}
            if path != base:
                entry[name]["vs_baseline"] = mcnemar(results[base][name]["right"], ok)
            if name != "mnist-test":
                entry[name]["shown"] = results[path][name]["shown"]
        report["models"][path] = {"card": read_card(path).get("name"), "sets": entry}
    print("(+won -lost: drawings only this model / only the baseline reads right; * p < 0.05, McNemar exact)")
    write_report(args.name, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
