"""Fine-tuning a model on the user's own samples, mixed with MNIST (and, for a model with a
"not a digit" output, with pen data) so that it keeps reading everyone else."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .cards import fine_tune_card
from .data import Mnist, load_mnist, to_model_input
from .pendata import NOT_A_DIGIT
from .recognizer import card_threshold
from .training import TrainConfig, TrainResult, evaluate, train


@dataclass
class FineTuneResult:
    result: TrainResult  # the tuned model, its history and MNIST test figures ("after")
    mnist_before: float
    mnist_after: float
    mine_before: float | None  # accuracy on the held-out part of the user's samples
    mine_after: float | None
    n_train: int
    n_heldout: int


FINE_TUNE_DEFAULTS = dict(epochs=3, batch_size=64, learning_rate=2e-4, validation_split=0.0, augment=True)
MNIST_MIX = 6000  # MNIST images mixed in, so that MNIST accuracy does not collapse
PEN_MIX = 3000  # pen renderings (digits and non-digits) mixed in for an eleven-output model
USER_SHARE = 0.25  # the user's samples are oversampled to about this share of the mix


def split_user_samples(labels: np.ndarray, heldout: float = 0.25, seed: int = 0):
    """Indices (train, held out): about `heldout` of each digit is kept aside for measuring,
    where a digit has at least two samples."""
    rng = np.random.default_rng(seed)
    train_idx, test_idx = [], []
    for digit in range(NOT_A_DIGIT + 1):  # "not a digit" samples too
        idx = rng.permutation(np.flatnonzero(labels == digit))
        n_test = int(round(len(idx) * heldout)) if len(idx) >= 2 else 0
        n_test = max(n_test, 1) if len(idx) >= 2 else 0
        test_idx += idx[:n_test].tolist()
        train_idx += idx[n_test:].tolist()
    return np.array(sorted(train_idx), int), np.array(sorted(test_idx), int)


def fine_tune(
    base_model,
    x_mine: np.ndarray,
    y_mine: np.ndarray,
    x_heldout: np.ndarray | None = None,
    y_heldout: np.ndarray | None = None,
    mnist: Mnist | None = None,
    arch: str = "cnn",
    callbacks=(),
    seed: int = 0,
    pen=None,
    base_card: dict | None = None,
    **overrides,
) -> FineTuneResult:
    """Fine-tune a copy of `base_model` on the user's samples mixed with MNIST.

    x_mine: (N, 28, 28) uint8 (255 = ink). Returns accuracy before and after on MNIST's test
    set and on the held-out samples."""
    from .model_io import inference_copy

    classes = int(base_model.output_shape[-1])
    if classes <= NOT_A_DIGIT:  # a ten-output model cannot learn "not a digit" samples
        keep = np.asarray(y_mine) < NOT_A_DIGIT
        x_mine, y_mine = np.asarray(x_mine)[keep], np.asarray(y_mine)[keep]
        if y_heldout is not None and len(y_heldout):
            keep = np.asarray(y_heldout) < NOT_A_DIGIT
            x_heldout, y_heldout = np.asarray(x_heldout)[keep], np.asarray(y_heldout)[keep]
    if len(x_mine) == 0:
        raise ValueError("There are no samples to fine-tune on: save some drawings first.")
    mnist = mnist if mnist is not None else load_mnist()
    rng = np.random.default_rng(seed)
    pick = rng.choice(len(mnist.x_train), size=min(MNIST_MIX, len(mnist.x_train)), replace=False)
    x_mix, y_mix = [mnist.x_train[pick]], [mnist.y_train[pick].astype(np.int64)]
    if classes > NOT_A_DIGIT:  # keep the eleventh output alive: pen digits and non-digits too
        from . import pendata

        pen = pen if pen is not None else pendata.load()
        pen_pick = rng.choice(len(pen.y), size=min(PEN_MIX, len(pen.y)), replace=False)
        x_mix.append(pen.x[pen_pick])
        y_mix.append(pen.y[pen_pick])
    n_mix = sum(len(x) for x in x_mix)
    repeats = max(1, int(round(USER_SHARE / (1 - USER_SHARE) * n_mix / len(x_mine))))
    mixed = Mnist(
        x_train=np.concatenate(x_mix + [np.repeat(x_mine, repeats, axis=0)]),
        y_train=np.concatenate(y_mix + [np.repeat(np.asarray(y_mine, np.int64), repeats, axis=0)]),
        x_test=mnist.x_test,
        y_test=mnist.y_test,
    )
    # Scored as the app answers: with the base model's "not a digit" threshold, before and after.
    threshold = card_threshold(base_card or {})
    x_test = to_model_input(mnist.x_test)
    mnist_before, _ = evaluate(base_model, x_test, mnist.y_test, threshold)
    has_heldout = x_heldout is not None and len(x_heldout) > 0
    x_held = to_model_input(x_heldout) if has_heldout else None
    mine_before = evaluate(base_model, x_held, y_heldout, threshold)[0] if has_heldout else None
    # The mix is already assembled: train on it as plain data (no second pen-data join).
    config = TrainConfig(
        arch=arch if arch in ("cnn", "mlp") else "cnn",
        seed=seed,
        training_data="mnist",
        **{**FINE_TUNE_DEFAULTS, **overrides},
    )
    result = train(config, callbacks=callbacks, mnist=mixed, model=inference_copy(base_model))
    result.test_accuracy, result.confusion = evaluate(result.model, x_test, mnist.y_test, threshold)
    result.card["mnist_test_accuracy"] = round(result.test_accuracy, 5)
    mine_after = evaluate(result.model, x_held, y_heldout, threshold)[0] if has_heldout else None
    data = (
        f"MNIST ({len(pick)})"
        + (f" + pen data ({len(x_mix[1])})" if len(x_mix) > 1 else "")
        + f" + {len(x_mine)} of my samples x{repeats}"
    )
    n_heldout = 0 if not has_heldout else len(x_heldout)
    result.card = fine_tune_card(result.card, base_card, data, mnist_before, mine_before, mine_after, n_heldout)
    return FineTuneResult(
        result,
        mnist_before,
        result.test_accuracy,
        mine_before,
        mine_after,
        len(x_mine),
        0 if not has_heldout else len(x_heldout),
    )
