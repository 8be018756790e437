"""Training with Keras: one engine for the bundled model's recipe, the CLI and the GUI.
The recipe is `recipe.TrainConfig`; progress callbacks live in `callbacks`, fine-tuning in
`finetune`. Qt-free; TensorFlow is imported inside the functions that train."""

from __future__ import annotations

import datetime as _dt
import logging
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from digitpad import __version__
from digitpad.classes import DIGITS, NOT_A_DIGIT
from digitpad.learning import architectures, pendata
from digitpad.learning.data import Mnist, load_mnist, to_model_input
from digitpad.learning.pendata import PenData
from digitpad.learning.recipe import TRAINING_DATA, TrainConfig
from digitpad.reading.answers import DEFAULT_REJECT_THRESHOLD, classes_of
from digitpad.storage.cards import ModelCard
from digitpad.storage.model_io import load_model

log = logging.getLogger(__name__)


@dataclass
class TrainResult:
    model: Any  # the trained Keras model
    config: TrainConfig
    history: dict[str, list[float]]
    test_accuracy: float
    confusion: np.ndarray
    seconds: float
    stopped_early: bool = False
    card: ModelCard = field(default_factory=ModelCard)


def split_by_group(groups: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (fit, validation): a seeded `fraction` of the groups is held out, whole."""
    unique = np.unique(groups)
    order = np.random.default_rng(seed).permutation(len(unique))
    is_val = np.isin(groups, unique[order[: int(round(len(unique) * fraction))]])
    return np.flatnonzero(~is_val), np.flatnonzero(is_val)


Arrays = tuple[np.ndarray, np.ndarray]


def split_data(config: TrainConfig, mnist: Mnist, pen: PenData | None = None) -> tuple[Arrays, Arrays, Arrays]:
    """(x_fit, y_fit), (x_val, y_val), (x_test, y_test) as model input, deterministically.

    `pen` (digitpad.learning.pendata.PenData) joins MNIST's training images; its augmented copies of one
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


def pen_for(config: TrainConfig, pen: PenData) -> PenData:
    """The pen renderings this recipe trains on: one fold of sources, the conflicts left out."""
    keep = np.ones(len(pen.y), bool)
    if config.pen_fold:
        keep &= pendata.fold_mask(pen, config.pen_fold)
    if config.clean_negatives:
        keep &= ~np.isin(pen.group, pendata.load_conflicts())
    return pen if keep.all() else pen.subset(keep)


def teacher_targets(teachers: Sequence[Any], x: np.ndarray, y: np.ndarray, classes: int, weight: float) -> np.ndarray:
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


def make_dataset(x: np.ndarray, y: np.ndarray, config: TrainConfig, shuffle: bool, augment: bool) -> Any:
    """A tf.data pipeline: shuffled, batched, augmented on the fly (never inside the model)."""
    from digitpad.learning.augment import augment_fn  # TensorFlow: imported here, not at start-up
    from digitpad.tfenv import tf

    ds = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        ds = ds.shuffle(len(x), seed=config.seed, reshuffle_each_iteration=True)
    ds = ds.batch(config.batch_size)
    if augment:
        ds = ds.map(augment_fn(config.seed), num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)


def compile_model(model: Any, config: TrainConfig, steps_per_epoch: int) -> None:
    """Adam with cosine decay; soft targets (distillation) take the categorical loss."""
    from digitpad.tfenv import keras  # here, not at the top: TensorFlow stays out of start-up

    schedule = keras.optimizers.schedules.CosineDecay(
        config.learning_rate, decay_steps=max(1, config.epochs * steps_per_epoch), alpha=0.01
    )
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss="categorical_crossentropy" if config.teachers else "sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, classes: int = DIGITS) -> np.ndarray:
    """Counts: rows are the true class, columns the predicted one (column 10: "not a digit")."""
    y_true, y_pred = np.asarray(y_true, np.int64), np.asarray(y_pred, np.int64)
    return np.bincount(y_true * classes + y_pred, minlength=classes * classes).reshape(classes, classes)


def per_digit_accuracy(confusion: np.ndarray) -> np.ndarray:
    """(10,) the share of each digit's images answered right, from a confusion matrix."""
    return confusion.diagonal()[:DIGITS] / np.maximum(confusion[:DIGITS].sum(axis=1), 1)


def evaluate(
    model: Any, x: np.ndarray, y: np.ndarray, threshold: float | None = None, batch_size: int = 500
) -> tuple[float, np.ndarray]:
    """Accuracy and confusion (rows: the ten digits; columns: every output of the model), with
    the answers the app shows: on a model with a "not a digit" output, that answer (above
    `threshold`, the model card's) for a digit counts as wrong."""
    probs = model.predict(x, batch_size=batch_size, verbose=0)
    pred = classes_of(probs, DEFAULT_REJECT_THRESHOLD if threshold is None else threshold)
    classes = max(DIGITS, probs.shape[1])
    confusion = confusion_matrix(np.asarray(y), pred, classes)[:DIGITS]
    return float((pred == y).mean()) if len(y) else float("nan"), confusion


def train(
    config: TrainConfig,
    callbacks: Sequence[Any] = (),
    mnist: Mnist | None = None,
    model: Any = None,
    pen: PenData | None = None,
    verbose: int = 0,
) -> TrainResult:
    """Train (or, with `model`, continue training) and evaluate on the MNIST test set."""
    from digitpad.tfenv import keras, training_device  # TensorFlow: imported here, not at start-up

    mnist = mnist if mnist is not None else load_mnist(config.data)
    problems = config.problems(n_train=config.train_limit or len(mnist.x_train))
    if problems:
        raise ValueError(" ".join(problems))
    if pen is None and config.uses_pen_data:
        pen = pendata.load()
    keras.utils.set_random_seed(config.seed)
    (x_fit, y_fit), (x_val, y_val), (x_test, y_test) = split_data(config, mnist, pen)
    fit_targets, val_targets = _targets(config, x_fit, y_fit, y_val)
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
        verbose=verbose,  # Keras' own output: the CLI's choice (cli.keras_verbosity), none in the GUI
        shuffle=False,  # the dataset shuffles itself
    )
    seconds = time.perf_counter() - started
    calibration = calibrate_rejection(model, x_val, y_val) if config.classes > NOT_A_DIGIT and len(x_val) else {}
    accuracy, confusion = evaluate(model, x_test, y_test, calibration.get("not_a_digit_threshold"))
    epochs_run = len(history.history.get("loss", []))
    result = TrainResult(model, config, history.history, accuracy, confusion, seconds, epochs_run < config.epochs)
    card = training_card(result, n_test=len(y_test), n_fit=len(x_fit))
    result.card = ModelCard.from_dict({**card, **calibration, "trained_on": training_device()})
    return result


def _targets(config: TrainConfig, x_fit: np.ndarray, y_fit: np.ndarray, y_val: np.ndarray) -> tuple[Any, Any]:
    """What the model learns: the labels, or with teachers soft targets (and one-hot validation)."""
    if not config.teachers:
        return y_fit, y_val
    teachers = [load_model(path) for path in config.teachers]
    log.info("distilling from %s", ", ".join(config.teachers))
    return (
        teacher_targets(teachers, x_fit, y_fit, config.classes, config.distill_weight),
        np.eye(config.classes, dtype=np.float32)[y_val],
    )


REJECT_DIGITS_AT_MOST = 0.002  # of the validation digits: real drawings are rejected more often


def calibrate_rejection(model: Any, x_val: np.ndarray, y_val: np.ndarray) -> dict[str, Any]:
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


def data_description(config: TrainConfig) -> str:
    if not config.data:
        return TRAINING_DATA[config.training_data]
    mnist = f"MNIST from {Path(config.data).name}"
    return mnist if config.training_data == "mnist" else f"{TRAINING_DATA[config.training_data]} ({mnist})"


def now() -> str:
    return _dt.datetime.now().astimezone().isoformat(timespec="seconds")


def training_card(result: TrainResult, n_test: int, n_fit: int) -> dict[str, Any]:
    """The card of a freshly trained model (before `model_io.save_model` adds the file's name,
    size and hash)."""
    model = result.model
    return {
        "name": f"{result.config.arch.upper()} {_dt.datetime.now():%Y-%m-%d %H:%M}",
        "architecture": result.config.arch,
        "architecture_description": architectures.ARCHITECTURES[result.config.arch],
        "layers": [layer.__class__.__name__ for layer in model.layers],
        "parameters": int(model.count_params()),
        "batchnorm_momentum": next(
            (float(layer.momentum) for layer in model.layers if layer.__class__.__name__ == "BatchNormalization"), None
        ),
        "recipe": asdict(result.config),
        "training_images": n_fit,
        "data": data_description(result.config),
        "classes": int(model.output_shape[-1]),
        "epochs_run": len(result.history.get("loss", [])),
        "training_seconds": round(result.seconds, 1),
        "mnist_test_accuracy": round(result.test_accuracy, 5),
        "mnist_test_images": n_test,
        "created": now(),
        "digitpad_version": __version__,
    }
