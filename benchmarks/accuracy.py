"""MNIST test accuracy of the bundled model (and any other .keras files given).

python -m benchmarks.accuracy [MODEL.keras ...]"""

from __future__ import annotations

import argparse
import sys
import time

from .report import write_report


def main(argv=None) -> int:
    from digitpad import resources
    from digitpad.learning.data import load_mnist, to_model_input
    from digitpad.learning.training import evaluate
    from digitpad.reading.answers import card_threshold
    from digitpad.storage.cards import read_card
    from digitpad.storage.model_io import load_model

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", metavar="MODEL.keras", help="default: the bundled model")
    paths = parser.parse_args(argv).models or [str(resources.bundled_model_path())]
    mnist = load_mnist()
    x, y = to_model_input(mnist.x_test), mnist.y_test
    results = {}
    for path in paths:
        model = load_model(path)
        started = time.perf_counter()
        accuracy, confusion = evaluate(model, x, y, card_threshold(read_card(path)))
        per_digit = confusion.diagonal() / confusion.sum(axis=1)
        results[path] = {
            "accuracy": accuracy,
            "errors": int(len(y) - confusion.trace()),
            "per_digit": [round(float(a), 4) for a in per_digit],
            "parameters": int(model.count_params()),
            "eval_seconds": round(time.perf_counter() - started, 2),
            "card": read_card(path).get("name"),
        }
        print(f"{path}: MNIST test accuracy {accuracy:.2%} ({results[path]['errors']} errors of {len(y)})")
    write_report("accuracy", {"models": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
