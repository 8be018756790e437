"""Fine-tuning a model on the user's own samples, mixed with MNIST (and, for a model with a
"not a digit" output, with pen data) so that it keeps reading everyone else. Qt-free: the Train
tab, `benchmarks.adaptation` and the tests all run it through `fine_tune` (or, from the samples
database, `fine_tune_on_store`)."""

from __future__ import annotations

import datetime as _dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from digitpad.classes import NOT_A_DIGIT
from digitpad.learning import pendata
from digitpad.learning.data import Mnist, load_mnist, to_model_input
from digitpad.learning.pendata import PenData
from digitpad.learning.recipe import TrainConfig
from digitpad.learning.training import TrainResult, evaluate, train
from digitpad.reading.answers import card_threshold
from digitpad.reading.recognizer import LoadedModel, load_with_fallback
from digitpad.storage.cards import ModelCard
from digitpad.storage.model_io import inference_copy
from digitpad.storage.samples import read_arrays

log = logging.getLogger(__name__)

FINE_TUNE_DEFAULTS: dict[str, Any] = dict(
    epochs=3, batch_size=64, learning_rate=2e-4, validation_split=0.0, augment=True
)
MNIST_MIX = 6000  # MNIST images mixed in, so that MNIST accuracy does not collapse
PEN_MIX = 3000  # pen renderings (digits and non-digits) mixed in for an eleven-output model
USER_SHARE = 0.25  # the user's samples are oversampled to about this share of the mix
HELD_OUT = 0.25  # of each digit's samples (where it has two or more), kept aside to measure


class FineTuneError(ValueError):
    """Fine-tuning cannot start; the message is meant for the user."""


class BaseModelError(FineTuneError):
    """The active model is unusable, so it cannot be fine-tuned (`reason` says why)."""

    def __init__(self, reason: str):
        super().__init__(
            f"The active model cannot be fine-tuned: {reason}. Choose another model on the Train tab first."
        )
        self.reason = reason


@dataclass
class FineTuneResult:
    result: TrainResult  # the tuned model, its history and MNIST test figures ("after")
    mnist_before: float
    mnist_after: float
    mine_before: float | None  # accuracy on the held-out part of the user's samples
    mine_after: float | None
    n_train: int
    n_heldout: int


@dataclass(frozen=True)
class MySamples:
    """A person's samples: those to learn from, and those held out to measure before and after."""

    x: np.ndarray  # (N, 28, 28) uint8, 255 = ink
    y: np.ndarray
    x_heldout: np.ndarray
    y_heldout: np.ndarray

    @classmethod
    def split(cls, images: np.ndarray, labels: np.ndarray, seed: int = 0) -> MySamples:
        train_idx, heldout_idx = split_user_samples(labels, HELD_OUT, seed)
        return cls(images[train_idx], labels[train_idx], images[heldout_idx], labels[heldout_idx])


def split_user_samples(labels: np.ndarray, heldout: float = HELD_OUT, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, held out): about `heldout` of each digit is kept aside for measuring,
    where a digit has at least two samples."""
    rng = np.random.default_rng(seed)
    train_idx, test_idx = [], []
    for digit in range(NOT_A_DIGIT + 1):  # "not a digit" samples too
        idx = rng.permutation(np.flatnonzero(labels == digit))
        n_test = heldout_count(len(idx), heldout)
        test_idx += idx[:n_test].tolist()
        train_idx += idx[n_test:].tolist()
    return np.array(sorted(train_idx), int), np.array(sorted(test_idx), int)


def heldout_count(n: int, heldout: float = HELD_OUT) -> int:
    """How many of a class's `n` samples are held out: a quarter, at least one, none of one."""
    return max(int(round(n * heldout)), 1) if n >= 2 else 0


def split_sizes(counts: Mapping[int, int], ten_outputs: bool = False) -> tuple[int, int]:
    """(to learn from, held out) for samples counted per class, as `split_user_samples` splits
    them; a ten-output model learns no "not a digit" samples."""
    usable = {label: n for label, n in counts.items() if not (ten_outputs and label == NOT_A_DIGIT)}
    heldout = sum(heldout_count(n) for n in usable.values())
    return sum(usable.values()) - heldout, heldout


def fine_tune_problem(counts: Mapping[int, int]) -> str | None:
    """What is missing before fine-tuning can start, in words; None when it can."""
    total = sum(counts.values())
    if total == 0:
        return "no samples yet"
    if split_sizes(counts)[0] == 0:  # never reached with today's split: every class keeps one
        return "no sample left to learn from"
    return None


def fine_tune_on_store(
    base_path: Path | None,
    samples_path: Path,
    mnist: Mnist | None = None,
    callbacks: Sequence[Any] = (),
    **overrides: Any,
) -> FineTuneResult:
    """Fine-tune the model at `base_path` (None: bundled) on every sample in the database at
    `samples_path`, read here (on the caller's thread: a worker's, for 150,000 samples)."""
    base = load_with_fallback(base_path)
    if base.fallback_reason:  # never tune another model than the one the user chose
        raise BaseModelError(base.fallback_reason)
    images, labels = read_arrays(samples_path)
    problem = fine_tune_problem({int(k): int(v) for k, v in zip(*np.unique(labels, return_counts=True), strict=True)})
    if problem:
        raise FineTuneError(f"Nothing to fine-tune on: {problem}.")
    samples = MySamples.split(images, labels, seed=overrides.get("seed", 0))
    return fine_tune(base, samples, mnist=mnist, callbacks=callbacks, **overrides)


def _mix(mnist: Mnist, samples: MySamples, classes: int, seed: int, pen: PenData | None) -> tuple[Mnist, str]:
    """The training mix: MNIST (and pen data), with the user's samples oversampled to
    USER_SHARE of it; and its description for the card."""
    rng = np.random.default_rng(seed)
    pick = rng.choice(len(mnist.x_train), size=min(MNIST_MIX, len(mnist.x_train)), replace=False)
    x_mix, y_mix = [mnist.x_train[pick]], [mnist.y_train[pick].astype(np.int64)]
    if classes > NOT_A_DIGIT:  # keep the eleventh output alive: pen digits and non-digits too
        pen = pen if pen is not None else pendata.load()
        pen_pick = rng.choice(len(pen.y), size=min(PEN_MIX, len(pen.y)), replace=False)
        x_mix.append(pen.x[pen_pick])
        y_mix.append(pen.y[pen_pick])
    n_mix = sum(len(x) for x in x_mix)
    repeats = max(1, int(round(USER_SHARE / (1 - USER_SHARE) * n_mix / len(samples.x))))
    mixed = Mnist(
        x_train=np.concatenate([*x_mix, np.repeat(samples.x, repeats, axis=0)]),
        y_train=np.concatenate([*y_mix, np.repeat(np.asarray(samples.y, np.int64), repeats, axis=0)]),
        x_test=mnist.x_test,
        y_test=mnist.y_test,
    )
    data = (
        f"MNIST ({len(pick)})"
        + (f" + pen data ({len(x_mix[1])})" if len(x_mix) > 1 else "")
        + f" + {len(samples.x)} of my samples x{repeats}"
    )
    return mixed, data


def _usable(samples: MySamples, classes: int) -> MySamples:
    """A ten-output model cannot learn "not a digit" samples: they are left out for it."""
    if classes > NOT_A_DIGIT:
        return samples
    keep, held = np.asarray(samples.y) < NOT_A_DIGIT, np.asarray(samples.y_heldout) < NOT_A_DIGIT
    return MySamples(samples.x[keep], samples.y[keep], samples.x_heldout[held], samples.y_heldout[held])


def fine_tune(
    base: LoadedModel,
    samples: MySamples,
    mnist: Mnist | None = None,
    callbacks: Sequence[Any] = (),
    pen: PenData | None = None,
    **overrides: Any,
) -> FineTuneResult:
    """Fine-tune a copy of `base`'s model on the user's samples mixed with MNIST; accuracy
    before and after on MNIST's test set and on the held-out samples, as the app answers (with
    the base model's "not a digit" threshold). `overrides`: TrainConfig fields (epochs, seed...)."""
    classes = int(base.model.output_shape[-1])
    samples = _usable(samples, classes)
    if len(samples.x) == 0:
        raise FineTuneError("There are no samples to fine-tune on: save some drawings first.")
    settings = {**FINE_TUNE_DEFAULTS, **overrides}
    mnist = mnist if mnist is not None else load_mnist()
    mixed, data = _mix(mnist, samples, classes, settings.get("seed", 0), pen)
    threshold = card_threshold(base.card)
    x_test = to_model_input(mnist.x_test)
    mnist_before, _ = evaluate(base.model, x_test, mnist.y_test, threshold)
    x_held = to_model_input(samples.x_heldout)
    mine_before = evaluate(base.model, x_held, samples.y_heldout, threshold)[0] if len(x_held) else None
    # The mix is already assembled: train on it as plain data (no second pen-data join).
    arch = base.card.architecture if base.card.architecture in ("cnn", "mlp") else "cnn"
    config = TrainConfig(arch=arch, training_data="mnist", **settings)
    result = train(config, callbacks=callbacks, mnist=mixed, model=inference_copy(base.model))
    result.test_accuracy, result.confusion = evaluate(result.model, x_test, mnist.y_test, threshold)
    mine_after = evaluate(result.model, x_held, samples.y_heldout, threshold)[0] if len(x_held) else None
    result.card = fine_tune_card(
        result.card.updated(mnist_test_accuracy=round(result.test_accuracy, 5)),
        base.card,
        data,
        (mnist_before, mine_before, mine_after),
        len(samples.x_heldout),
    )
    return FineTuneResult(
        result, mnist_before, result.test_accuracy, mine_before, mine_after, len(samples.x), len(samples.x_heldout)
    )


def fine_tune_card(
    card: ModelCard,
    base_card: ModelCard,
    data: str,
    scores: tuple[float, float | None, float | None],
    n_heldout: int,
) -> ModelCard:
    """A fine-tuned model's card: its training card, what it was tuned on, and its `scores`
    (MNIST before; the held-out samples before and after)."""
    mnist_before, mine_before, mine_after = scores
    changes: dict[str, Any] = dict(
        name=f"Fine-tuned {_dt.datetime.now():%Y-%m-%d %H:%M}",
        data=data,
        fine_tuned=True,
        base_model=base_card.name,
        mnist_test_accuracy_before=round(mnist_before, 5),
        my_heldout_accuracy_before=None if mine_before is None else round(mine_before, 5),
        my_heldout_accuracy=None if mine_after is None else round(mine_after, 5),
        my_heldout_samples=n_heldout,
    )
    if base_card.not_a_digit_threshold is not None and card.not_a_digit_threshold is None:
        # tuning runs have no validation split to choose one
        changes["not_a_digit_threshold"] = base_card.not_a_digit_threshold
    return card.updated(**changes)
