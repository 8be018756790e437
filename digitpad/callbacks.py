"""Keras callbacks that turn training into progress events for a front end (the Train tab),
and stop it on request. Qt-free: events are small dataclasses, passed to `report`."""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass(frozen=True)
class BatchProgress:
    """Training is at `x` epochs (fractional); loss and accuracy of the latest batches, smoothed."""

    epoch: int  # 1-based
    epochs: int
    batch: int  # 1-based
    steps: int
    x: float
    loss: float | None
    accuracy: float | None
    seconds_left: float | None


@dataclass(frozen=True)
class EpochEnd:
    epoch: int
    x: float
    loss: float | None = None
    accuracy: float | None = None
    val_loss: float | None = None
    val_accuracy: float | None = None


@dataclass(frozen=True)
class Evaluating:
    """Training is over; measuring on the test set."""

    epochs_done: int


class LiveProgress:
    """Callbacks for `model.fit` that call `report(event)` on the training thread.

    Batch events are rate-limited to `max_rate` a second. Per-batch loss and accuracy are
    recovered from Keras' running epoch means and smoothed (exponential moving average).
    `stop()` (any thread) ends training after the current batch; Keras' EarlyStopping, which
    never stops on its own here, then restores the weights of the best epoch (by validation
    accuracy, else training accuracy)."""

    def __init__(self, report, has_validation: bool = True, max_rate: float = 20.0, smoothing: float = 0.1):
        self.report = report
        self.min_interval = 1.0 / max_rate
        self.smoothing = smoothing
        self.stop_requested = False
        self.callbacks = [self._progress_callback(), self._best_weights(has_validation)]

    def stop(self) -> None:
        self.stop_requested = True

    @staticmethod
    def _best_weights(has_validation: bool):
        from .tfenv import keras

        monitor = "val_accuracy" if has_validation else "accuracy"
        return keras.callbacks.EarlyStopping(monitor=monitor, mode="max", patience=2**31, restore_best_weights=True)

    def _progress_callback(self):
        from .tfenv import keras

        owner = self

        class _Progress(keras.callbacks.Callback):
            def on_train_begin(self, logs=None):
                self.epochs = self.params.get("epochs", 1)
                self.steps = self.params.get("steps") or 1
                self.started = time.perf_counter()
                self.last_report = 0.0
                self.ema = {}
                self.epochs_done = 0

            def on_epoch_begin(self, epoch, logs=None):
                self.epoch = epoch
                self.previous = {}

            def on_train_batch_end(self, batch, logs=None):
                if owner.stop_requested:
                    self.model.stop_training = True
                k = batch + 1
                now = time.perf_counter()
                if now - self.last_report < owner.min_interval and k < self.steps:
                    self._remember(k, logs)
                    return
                self._remember(k, logs)
                self.last_report = now
                done = (self.epoch + k / self.steps) / self.epochs
                elapsed = now - self.started
                owner.report(
                    BatchProgress(
                        epoch=self.epoch + 1,
                        epochs=self.epochs,
                        batch=k,
                        steps=self.steps,
                        x=self.epoch + k / self.steps,
                        loss=self.ema.get("loss"),
                        accuracy=self.ema.get("accuracy"),
                        seconds_left=elapsed / done * (1 - done) if done > 0 else None,
                    )
                )

            def _remember(self, k, logs) -> None:
                for key in ("loss", "accuracy"):
                    if not logs or key not in logs:
                        continue
                    mean = float(logs[key])
                    value = k * mean - (k - 1) * self.previous.get(key, mean)  # this batch alone
                    self.previous[key] = mean
                    old = self.ema.get(key)
                    self.ema[key] = value if old is None else old + owner.smoothing * (value - old)

            def on_epoch_end(self, epoch, logs=None):
                logs = logs or {}
                self.epochs_done = epoch + 1
                keys = ("loss", "accuracy", "val_loss", "val_accuracy")
                owner.report(EpochEnd(epoch + 1, epoch + 1.0, **{k: float(logs[k]) for k in keys if k in logs}))

            def on_train_end(self, logs=None):
                owner.report(Evaluating(self.epochs_done))

        return _Progress()
