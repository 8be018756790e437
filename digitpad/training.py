"""Training with Keras: one engine for the bundled model's recipe, the CLI and the GUI.
Progress callbacks live in `callbacks`, fine-tuning in `finetune`, model cards in `cards`."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .data import Mnist, load_mnist, to_model_input
from .pendata import NOT_A_DIGIT

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
        return 11 if self.uses_pen_data else 10

    def problems(self, n_train: int | None = None) -> list[str]:
        """What is wrong with these values, in words; empty when they are fine."""
        from .architectures import ARCHITECTURES

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


@dataclass
class TrainResult:
    model: object
    config: TrainConfig
    history: dict
    test_accuracy: float
    confusion: np.ndarray
    seconds: float
    stopped_early: bool = False
    card: dict = field(default_factory=dict)


def split_by_group(groups: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (fit, validation): a seeded `fraction` of the groups is held out, whole."""
    unique = np.unique(groups)
    order = np.random.default_rng(seed).permutation(len(unique))
    is_val = np.isin(groups, unique[order[: int(round(len(unique) * fraction))]])
    return np.flatnonzero(~is_val), np.flatnonzero(is_val)


def split_data(config: TrainConfig, mnist: Mnist, pen=None):
    """(x_fit, y_fit), (x_val, y_val), (x_test, y_test) as model input, deterministically.

    `pen` (digitpad.pendata.PenData) joins MNIST's training images; its augmented copies of one
    drawing stay together on one side of the validation split. `train_limit` takes the first N
    MNIST images and a seeded N/2 of the pen renderings."""
    x, y = mnist.x_train, mnist.y_train
    if config.train_limit:
        x, y = x[: config.train_limit], y[: config.train_limit]
    groups = np.arange(len(x))
    if pen is not None:
        pen = pen_for(config, pen)
        rng = np.random.default_rng(config.seed)
        take = np.arange(len(pen.y))
        if config.train_limit:
            take = np.sort(rng.permutation(len(pen.y))[: max(1, config.train_limit // 2)])
        x = np.concatenate([x, pen.x[take]])
        y = np.concatenate([y.astype(np.int64), pen.y[take]])
        groups = np.concatenate([groups, len(groups) + pen.group[take]])
    fit_idx, val_idx = split_by_group(groups, config.validation_split, config.seed)
    x_test, y_test = mnist.x_test, mnist.y_test
    if config.test_limit:
        x_test, y_test = x_test[: config.test_limit], y_test[: config.test_limit]
    return (
        (to_model_input(x[fit_idx]), y[fit_idx].astype(np.int64)),
        (to_model_input(x[val_idx]), y[val_idx].astype(np.int64)),
        (to_model_input(x_test), y_test.astype(np.int64)),
    )


def pen_for(config: TrainConfig, pen):
    """The pen renderings this recipe trains on: one fold of sources, the conflicts left out."""
    from . import pendata

    keep = np.ones(len(pen.y), bool)
    if config.pen_fold:
        keep &= pendata.fold_mask(pen, config.pen_fold)
    if config.clean_negatives:
        keep &= ~np.isin(pen.group, pendata.load_conflicts())
    return pen if keep.all() else pen.subset(keep)


def teacher_targets(teachers, x: np.ndarray, y: np.ndarray, classes: int, weight: float) -> np.ndarray:
    """Soft targets (N, classes): `weight` of the teachers' answer, the rest the label.

    The teachers' digit answers (each renormalised over the ten digits) are averaged; "not a
    digit" is the average of the teachers that have that output, and scales the digits down.
    Computed once on the un-augmented images: augmentation keeps what an image shows."""
    digits, rejects = [], []
    for teacher in teachers:
        probs = np.asarray(teacher.predict(x, batch_size=1000, verbose=0), np.float64)
        digits.append(probs[:, :NOT_A_DIGIT] / probs[:, :NOT_A_DIGIT].sum(axis=1, keepdims=True).clip(1e-12))
        if probs.shape[1] > NOT_A_DIGIT:
            rejects.append(probs[:, NOT_A_DIGIT])
    answer = np.mean(digits, axis=0)
    if classes > NOT_A_DIGIT:
        reject = np.mean(rejects, axis=0) if rejects else np.zeros(len(x))
        answer = np.concatenate([answer * (1 - reject)[:, None], reject[:, None]], axis=1)
    labels = np.eye(classes)[y]
    return (weight * answer + (1 - weight) * labels).astype(np.float32)


def make_dataset(x, y, config: TrainConfig, shuffle: bool, augment: bool):
    from .augment import augment_fn
    from .tfenv import tf

    ds = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        ds = ds.shuffle(len(x), seed=config.seed, reshuffle_each_iteration=True)
    ds = ds.batch(config.batch_size)
    if augment:
        ds = ds.map(augment_fn(config.seed), num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)


def compile_model(model, config: TrainConfig, steps_per_epoch: int):
    """Adam with cosine decay; soft targets (distillation) take the categorical loss."""
    from .tfenv import keras

    schedule = keras.optimizers.schedules.CosineDecay(
        config.learning_rate, decay_steps=max(1, config.epochs * steps_per_epoch), alpha=0.01
    )
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss="categorical_crossentropy" if config.teachers else "sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, classes: int = 10) -> np.ndarray:
    """Counts: rows are the true class, columns the predicted one (column 10: "not a digit")."""
    y_true, y_pred = np.asarray(y_true, np.int64), np.asarray(y_pred, np.int64)
    return np.bincount(y_true * classes + y_pred, minlength=classes * classes).reshape(classes, classes)


def evaluate(model, x, y, threshold: float | None = None, batch_size: int = 500) -> tuple[float, np.ndarray]:
    """Accuracy and confusion (rows: the ten digits; columns: every output of the model), with
    the answers the app shows: on a model with a "not a digit" output, that answer (above
    `threshold`, the model card's) for a digit counts as wrong."""
    from .recognizer import DEFAULT_REJECT_THRESHOLD, classes_of

    probs = model.predict(x, batch_size=batch_size, verbose=0)
    pred = classes_of(probs, DEFAULT_REJECT_THRESHOLD if threshold is None else threshold)
    classes = max(10, probs.shape[1])
    confusion = confusion_matrix(np.asarray(y), pred, classes)[:10]
    return float((pred == y).mean()) if len(y) else float("nan"), confusion


def train(
    config: TrainConfig, callbacks=(), mnist: Mnist | None = None, model=None, pen=None, verbose: int = 0
) -> TrainResult:
    """Train (or, with `model`, continue training) and evaluate on the MNIST test set."""
    from . import architectures
    from .cards import training_card
    from .tfenv import keras

    mnist = mnist if mnist is not None else load_mnist(config.data)
    problems = config.problems(n_train=config.train_limit or len(mnist.x_train))
    if problems:
        raise ValueError(" ".join(problems))
    if pen is None and config.uses_pen_data:
        from . import pendata

        pen = pendata.load()
    keras.utils.set_random_seed(config.seed)
    (x_fit, y_fit), (x_val, y_val), (x_test, y_test) = split_data(config, mnist, pen)
    fit_targets, val_targets = y_fit, y_val
    if config.teachers:
        from .model_io import load_model

        teachers = [load_model(path) for path in config.teachers]
        fit_targets = teacher_targets(teachers, x_fit, y_fit, config.classes, config.distill_weight)
        val_targets = np.eye(config.classes, dtype=np.float32)[y_val]
        del teachers
    fit_ds = make_dataset(x_fit, fit_targets, config, shuffle=True, augment=config.augment)
    val_ds = make_dataset(x_val, val_targets, config, shuffle=False, augment=False) if len(x_val) else None
    steps_per_epoch = int(np.ceil(len(x_fit) / config.batch_size))
    if model is None:
        model = architectures.build(config.arch, total_steps=config.epochs * steps_per_epoch, classes=config.classes)
    compile_model(model, config, steps_per_epoch=steps_per_epoch)
    started = time.perf_counter()
    history = model.fit(
        fit_ds,
        epochs=config.epochs,
        validation_data=val_ds,
        callbacks=list(callbacks),
        verbose=verbose,  # Keras' own output: the CLI's choice (cli._keras_verbosity), none in the GUI
        shuffle=False,  # the dataset shuffles itself
    )
    seconds = time.perf_counter() - started
    calibration = calibrate_rejection(model, x_val, y_val) if config.classes > NOT_A_DIGIT and len(x_val) else {}
    accuracy, confusion = evaluate(model, x_test, y_test, calibration.get("not_a_digit_threshold"))
    epochs_run = len(history.history.get("loss", []))
    result = TrainResult(
        model=model,
        config=config,
        history=history.history,
        test_accuracy=accuracy,
        confusion=confusion,
        seconds=seconds,
        stopped_early=epochs_run < config.epochs,
    )
    result.card = training_card(result, n_test=len(y_test), n_fit=len(x_fit))
    result.card.update(calibration)
    from .tfenv import training_device

    result.card["trained_on"] = training_device()
    return result


REJECT_DIGITS_AT_MOST = 0.002  # of the validation digits: real drawings are rejected more often


def calibrate_rejection(model, x_val, y_val) -> dict:
    """The "not a digit" probability above which a drawing is called not a digit: chosen on
    the run's own validation split (never on dev data) so that at most 0.2% of its digits are
    rejected (a margin: drawings of other people and tablets are rejected more often than the
    validation digits); at least 0.5, so that "not a digit" wins whenever it is likelier."""
    probs = model.predict(x_val, batch_size=500, verbose=0)
    digits = y_val < NOT_A_DIGIT
    threshold = float(np.clip(np.quantile(probs[digits, NOT_A_DIGIT], 1 - REJECT_DIGITS_AT_MOST), 0.5, 0.99))
    rejected = probs[:, NOT_A_DIGIT] > threshold
    return {
        "not_a_digit_threshold": round(threshold, 4),
        "validation_digits_rejected": round(float(rejected[digits].mean()), 4) if digits.any() else None,
        "validation_non_digits_rejected": round(float(rejected[~digits].mean()), 4) if (~digits).any() else None,
    }
