"""Training with Keras: one engine for the bundled model's recipe, the CLI and the GUI."""

from __future__ import annotations

import datetime as _dt
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from . import __version__
from .data import Mnist, load_mnist, to_model_input


@dataclass
class TrainConfig:
    """Hyper-parameters; the defaults are the bundled model's recipe."""

    arch: str = "cnn"
    epochs: int = 30
    batch_size: int = 128
    learning_rate: float = 2e-3
    validation_split: float = 0.05
    augment: bool = True
    seed: int = 0
    data: str | None = None  # MNIST .npz; None = the bundled copy
    train_limit: int | None = None  # use only the first N training images (quick runs, tests)
    test_limit: int | None = None

    def problems(self, n_train: int | None = None) -> list[str]:
        """What is wrong with these values, in words; empty when they are fine."""
        from .architectures import ARCHITECTURES

        out = []
        if self.arch not in ARCHITECTURES:
            out.append(f"Unknown architecture {self.arch!r}.")
        if not isinstance(self.epochs, int) or self.epochs < 1:
            out.append("Epochs must be a whole number of at least 1.")
        if not isinstance(self.batch_size, int) or self.batch_size < 1:
            out.append("Batch size must be a whole number of at least 1.")
        if not (0 < float(self.learning_rate) <= 1):
            out.append("Learning rate must be above 0 and at most 1.")
        if not (0 <= float(self.validation_split) < 0.5):
            out.append("Validation split must be from 0 up to (not including) 0.5.")
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


def split_data(config: TrainConfig, mnist: Mnist):
    """(x_fit, y_fit), (x_val, y_val), (x_test, y_test) as model input, deterministically."""
    x, y = mnist.x_train, mnist.y_train
    if config.train_limit:
        x, y = x[: config.train_limit], y[: config.train_limit]
    order = np.random.default_rng(config.seed).permutation(len(x))
    n_val = int(round(len(x) * config.validation_split))
    val_idx, fit_idx = order[:n_val], order[n_val:]
    x_test, y_test = mnist.x_test, mnist.y_test
    if config.test_limit:
        x_test, y_test = x_test[: config.test_limit], y_test[: config.test_limit]
    return (
        (to_model_input(x[fit_idx]), y[fit_idx].astype(np.int64)),
        (to_model_input(x[val_idx]), y[val_idx].astype(np.int64)),
        (to_model_input(x_test), y_test.astype(np.int64)),
    )


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
    from .tfenv import keras

    schedule = keras.optimizers.schedules.CosineDecay(
        config.learning_rate, decay_steps=max(1, config.epochs * steps_per_epoch), alpha=0.01
    )
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """10x10 counts: rows are the true digit, columns the predicted one."""
    return np.bincount(y_true * 10 + y_pred, minlength=100).reshape(10, 10)


def evaluate(model, x, y, batch_size: int = 500) -> tuple[float, np.ndarray]:
    probs = model.predict(x, batch_size=batch_size, verbose=0)
    pred = probs.argmax(axis=1)
    return float((pred == y).mean()), confusion_matrix(np.asarray(y), pred)


def train(config: TrainConfig, callbacks=(), mnist: Mnist | None = None, model=None) -> TrainResult:
    """Train (or, with `model`, continue training) and evaluate on the MNIST test set."""
    from . import architectures
    from .tfenv import keras

    mnist = mnist if mnist is not None else load_mnist(config.data)
    problems = config.problems(n_train=config.train_limit or len(mnist.x_train))
    if problems:
        raise ValueError(" ".join(problems))
    keras.utils.set_random_seed(config.seed)
    (x_fit, y_fit), (x_val, y_val), (x_test, y_test) = split_data(config, mnist)
    fit_ds = make_dataset(x_fit, y_fit, config, shuffle=True, augment=config.augment)
    val_ds = make_dataset(x_val, y_val, config, shuffle=False, augment=False) if len(x_val) else None
    steps_per_epoch = int(np.ceil(len(x_fit) / config.batch_size))
    if model is None:
        model = architectures.build(config.arch, total_steps=config.epochs * steps_per_epoch)
    compile_model(model, config, steps_per_epoch=steps_per_epoch)
    started = time.perf_counter()
    history = model.fit(
        fit_ds, epochs=config.epochs, validation_data=val_ds, callbacks=list(callbacks), verbose=0,
        shuffle=False,  # the dataset shuffles itself
    )
    seconds = time.perf_counter() - started
    accuracy, confusion = evaluate(model, x_test, y_test)
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
    result.card = make_card(result, n_test=len(y_test), n_fit=len(x_fit))
    return result


def make_card(result: TrainResult, n_test: int, n_fit: int) -> dict:
    from .architectures import ARCHITECTURES

    model = result.model
    cfg = asdict(result.config)
    return {
        "name": f"{result.config.arch.upper()} {_dt.datetime.now():%Y-%m-%d %H:%M}",
        "architecture": result.config.arch,
        "architecture_description": ARCHITECTURES[result.config.arch],
        "layers": [layer.__class__.__name__ for layer in model.layers],
        "parameters": int(model.count_params()),
        "batchnorm_momentum": next((float(layer.momentum) for layer in model.layers
                                    if layer.__class__.__name__ == "BatchNormalization"), None),
        "recipe": cfg,
        "training_images": n_fit,
        "data": "MNIST" if not cfg["data"] else f"MNIST from {Path(cfg['data']).name}",
        "epochs_run": len(result.history.get("loss", [])),
        "training_seconds": round(result.seconds, 1),
        "mnist_test_accuracy": round(result.test_accuracy, 5),
        "mnist_test_images": n_test,
        "created": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "digitpad_version": __version__,
    }


class LiveProgress:
    """Keras callbacks that turn training into plain progress events for a front end.

    `report(event)` is called (on the training thread) with dicts:
      {"kind": "batch", "epoch", "epochs", "batch", "steps", "x", "loss", "accuracy", "seconds_left"}
      {"kind": "epoch", "epoch", "x", "loss", "accuracy", "val_loss", "val_accuracy"}
    Batch events are rate-limited to `max_rate` per second. Per-batch loss and accuracy are
    recovered from Keras' running epoch means and smoothed (exponential moving average).
    `stop()` (any thread) ends training after the current batch; the weights of the best epoch
    (by validation accuracy, else training accuracy) are restored at the end."""

    def __init__(self, report, max_rate: float = 20.0, smoothing: float = 0.1):
        self.report = report
        self.min_interval = 1.0 / max_rate
        self.smoothing = smoothing
        self.stop_requested = False
        self.callback = self._make_callback()

    def stop(self) -> None:
        self.stop_requested = True

    def _make_callback(self):
        from .tfenv import keras

        owner = self

        class _Callback(keras.callbacks.Callback):
            def on_train_begin(self, logs=None):
                self.epochs = self.params.get("epochs", 1)
                self.steps = self.params.get("steps") or 1
                self.started = time.perf_counter()
                self.last_report = 0.0
                self.ema = {}
                self.best = None
                self.best_score = -1.0
                self.epochs_done = 0

            def on_epoch_begin(self, epoch, logs=None):
                self.epoch = epoch
                self.previous = {}

            def on_train_batch_end(self, batch, logs=None):
                logs = logs or {}
                k = batch + 1
                for key in ("loss", "accuracy"):
                    if key not in logs:
                        continue
                    mean = float(logs[key])
                    value = k * mean - (k - 1) * self.previous.get(key, mean)  # this batch alone
                    self.previous[key] = mean
                    old = self.ema.get(key)
                    self.ema[key] = value if old is None else old + owner.smoothing * (value - old)
                if owner.stop_requested:
                    self.model.stop_training = True
                now = time.perf_counter()
                if now - self.last_report < owner.min_interval and k < self.steps:
                    return
                self.last_report = now
                done = (self.epoch + k / self.steps) / self.epochs
                elapsed = now - self.started
                owner.report({
                    "kind": "batch", "epoch": self.epoch + 1, "epochs": self.epochs,
                    "batch": k, "steps": self.steps, "x": self.epoch + k / self.steps,
                    "loss": self.ema.get("loss"), "accuracy": self.ema.get("accuracy"),
                    "seconds_left": elapsed / done * (1 - done) if done > 0 else None,
                })

            def on_epoch_end(self, epoch, logs=None):
                logs = logs or {}
                self.epochs_done = epoch + 1
                score = logs.get("val_accuracy", logs.get("accuracy", 0.0))
                if score > self.best_score:
                    self.best_score = float(score)
                    self.best = self.model.get_weights()
                owner.report({"kind": "epoch", "epoch": epoch + 1, "x": epoch + 1.0,
                              **{k: float(v) for k, v in logs.items()
                                 if k in ("loss", "accuracy", "val_loss", "val_accuracy")}})

            def on_train_end(self, logs=None):
                if self.best is not None:
                    self.model.set_weights(self.best)
                owner.report({"kind": "evaluating", "epochs_done": self.epochs_done})

        return _Callback()


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
USER_SHARE = 0.25  # the user's samples are oversampled to about this share of the mix


def split_user_samples(labels: np.ndarray, heldout: float = 0.25, seed: int = 0):
    """Indices (train, held out): about `heldout` of each digit is kept aside for measuring,
    where a digit has at least two samples."""
    rng = np.random.default_rng(seed)
    train_idx, test_idx = [], []
    for digit in range(10):
        idx = rng.permutation(np.flatnonzero(labels == digit))
        n_test = int(round(len(idx) * heldout)) if len(idx) >= 2 else 0
        n_test = max(n_test, 1) if len(idx) >= 2 else 0
        test_idx += idx[:n_test].tolist()
        train_idx += idx[n_test:].tolist()
    return np.array(sorted(train_idx), int), np.array(sorted(test_idx), int)


def fine_tune(base_model, x_mine: np.ndarray, y_mine: np.ndarray, x_heldout: np.ndarray | None = None,
              y_heldout: np.ndarray | None = None, mnist: Mnist | None = None, arch: str = "cnn",
              callbacks=(), seed: int = 0, **overrides) -> FineTuneResult:
    """Fine-tune a copy of `base_model` on the user's samples mixed with MNIST.

    x_mine: (N, 28, 28) uint8 (255 = ink). Returns accuracy before and after on MNIST's test
    set and on the held-out samples."""
    from .model_io import inference_copy

    if len(x_mine) == 0:
        raise ValueError("There are no samples to fine-tune on: save some drawings first.")
    mnist = mnist if mnist is not None else load_mnist()
    rng = np.random.default_rng(seed)
    pick = rng.choice(len(mnist.x_train), size=min(MNIST_MIX, len(mnist.x_train)), replace=False)
    repeats = max(1, int(round(USER_SHARE / (1 - USER_SHARE) * len(pick) / len(x_mine))))
    mixed = Mnist(
        x_train=np.concatenate([mnist.x_train[pick], np.repeat(x_mine, repeats, axis=0)]),
        y_train=np.concatenate([mnist.y_train[pick], np.repeat(y_mine, repeats, axis=0)]),
        x_test=mnist.x_test,
        y_test=mnist.y_test,
    )
    x_test = to_model_input(mnist.x_test)
    mnist_before, _ = evaluate(base_model, x_test, mnist.y_test)
    has_heldout = x_heldout is not None and len(x_heldout) > 0
    mine_before = evaluate(base_model, to_model_input(x_heldout), y_heldout)[0] if has_heldout else None
    config = TrainConfig(arch=arch if arch in ("cnn", "mlp") else "cnn", seed=seed,
                         **{**FINE_TUNE_DEFAULTS, **overrides})
    result = train(config, callbacks=callbacks, mnist=mixed, model=inference_copy(base_model))
    mine_after = evaluate(result.model, to_model_input(x_heldout), y_heldout)[0] if has_heldout else None
    result.card.update(
        name=f"Fine-tuned {_dt.datetime.now():%Y-%m-%d %H:%M}",
        data=f"MNIST ({len(pick)}) + {len(x_mine)} of my samples x{repeats}",
        fine_tuned=True,
        mnist_test_accuracy_before=round(mnist_before, 5),
        my_heldout_accuracy_before=None if mine_before is None else round(mine_before, 5),
        my_heldout_accuracy=None if mine_after is None else round(mine_after, 5),
        my_heldout_samples=0 if not has_heldout else len(x_heldout),
    )
    return FineTuneResult(result, mnist_before, result.test_accuracy, mine_before, mine_after,
                          len(x_mine), 0 if not has_heldout else len(x_heldout))
