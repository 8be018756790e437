"""A training recipe: what a model is trained on and how, checked in words before any work.
The defaults are the bundled model's recipe. TensorFlow-free, so the Train tab's form and the
command line can check a recipe at start-up."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from digitpad.classes import CLASSES, DIGITS
from digitpad.learning.architectures import ARCHITECTURES

log = logging.getLogger(__name__)

# What a model can be trained on; the first is the bundled recipe.
TRAINING_DATA = {
    "mnist+pen": "MNIST + pen strokes + not-a-digit",
    "mnist": "MNIST",
}


MAX_EPOCHS = 10_000
MAX_BATCH = 65_536


@dataclass
class TrainConfig:
    """Hyper-parameters; the defaults are the bundled model's recipe."""

    arch: str = "cnn"
    training_data: str = "mnist+pen"  # a key of TRAINING_DATA
    epochs: int = 20
    batch_size: int = 128
    learning_rate: float = 2e-3
    validation_split: float = 0.05
    augment: bool = True
    seed: int = 0
    data: str | None = None  # MNIST .npz; None = the bundled copy
    train_limit: int | None = None  # use only the first N training images (quick runs, tests)
    test_limit: int | None = None
    # Model v4's levers (docs/model.md): pen data of one fold of sources only (screening runs that
    # hold the other fold out), teachers whose averaged answers are distilled into the model, and
    # the non-digit drawings found to be digits in another writer's style left out.
    pen_fold: str | None = None  # "a" or "b" (pendata.SOURCE_FOLDS); None: all sources
    teachers: tuple[str, ...] = ()
    distill_weight: float = 0.5  # of the teachers' answer in each target; the rest is the label
    clean_negatives: bool = False

    @property
    def uses_pen_data(self) -> bool:
        return self.training_data == "mnist+pen"

    @property
    def classes(self) -> int:
        """Ten digits, plus "not a digit" when the data holds non-digits."""
        return CLASSES if self.uses_pen_data else DIGITS

    def problems(self, n_train: int | None = None) -> list[str]:
        """What is wrong with these values, in words; empty when they are fine."""
        out = []
        if self.arch not in ARCHITECTURES:
            out.append(f"Unknown architecture {self.arch!r}.")
        if self.training_data not in TRAINING_DATA:
            out.append(f"Unknown training data {self.training_data!r}; choose from {', '.join(TRAINING_DATA)}.")
        if not isinstance(self.epochs, int) or not 1 <= self.epochs <= MAX_EPOCHS:
            out.append(f"Epochs must be a whole number from 1 to {MAX_EPOCHS}.")
        if not isinstance(self.batch_size, int) or not 1 <= self.batch_size <= MAX_BATCH:
            out.append(f"Batch size must be a whole number from 1 to {MAX_BATCH}.")
        if not (0 < float(self.learning_rate) <= 1):
            out.append("Learning rate must be above 0 and at most 1.")
        if not (0 <= float(self.validation_split) < 0.5):
            out.append("Validation split must be from 0 up to (not including) 0.5.")
        if self.pen_fold is not None and self.pen_fold not in ("a", "b"):
            out.append("The pen-data fold must be a or b.")
        if self.teachers and not (0 < float(self.distill_weight) <= 1):
            out.append("The teachers' weight must be above 0 and at most 1.")
        for name in ("train_limit", "test_limit"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 1):
                out.append(f"{name} must be a whole number of at least 1.")
        if n_train is not None and isinstance(self.batch_size, int):
            n_fit = int(n_train * (1 - float(self.validation_split)))
            if self.batch_size > n_fit:
                out.append(f"Batch size {self.batch_size} is larger than the {n_fit} training images.")
        return out
