"""`digitpad --self-test`: proves an installation works, headless, frozen or not."""

from __future__ import annotations

import sys
from typing import TextIO

from digitpad import __version__, resources
from digitpad.learning.data import load_mnist
from digitpad.reading.recognizer import Recognizer, load_checked
from digitpad.storage.model_io import ModelLoadError, sha256_of


def run_self_test(out: TextIO | None = None) -> int:
    out = out or sys.stdout
    problems = []

    def say(line: str) -> None:
        print(line, file=out, flush=True)

    say(f"DigitPad {__version__} self-test")
    model_path = resources.bundled_model_path()
    if not model_path.is_file():
        say(f"FAIL bundled model missing: {model_path}")
        return 1
    digest = sha256_of(model_path)
    say(f"model file: {model_path} ({model_path.stat().st_size} bytes, sha256 {digest[:12]}…)")
    try:
        loaded = load_checked(model_path)
        recognizer = Recognizer(loaded)
    except ModelLoadError as exc:
        say(f"FAIL {exc}")
        return 1
    if loaded.card.sha256 != digest:
        problems.append("bundled model does not match its model card (sha256)")
    accuracy = loaded.card.mnist_test_accuracy
    say(f"model loaded: {loaded.name}, MNIST test accuracy on its card {'?' if accuracy is None else accuracy}")
    digits = resources.selftest_digits()
    for sample in digits:
        prediction = recognizer.predict_strokes(sample["strokes"])
        ok = prediction is not None and prediction.digit == sample["label"]
        got = "nothing" if prediction is None else f"{prediction.digit} ({prediction.confidence:.0%})"
        say(f"{'ok  ' if ok else 'FAIL'} drawn {sample['label']} -> {got}")
        if not ok:
            problems.append(f"drawn {sample['label']} read as {got}")
    if recognizer.predict_strokes([]) is not None:
        problems.append("an empty drawing got a guess")
    try:
        mnist = load_mnist()
        say(f"MNIST: {len(mnist.x_train)} training and {len(mnist.x_test)} test images")
    except Exception as exc:
        problems.append(f"bundled MNIST unusable: {exc}")
    for problem in problems:
        say(f"FAIL {problem}")
    say("self-test passed" if not problems else f"self-test FAILED ({len(problems)} problems)")
    return 0 if not problems else 1
