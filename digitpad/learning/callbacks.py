"""Keras callbacks that turn training into progress events for a front end (the Train tab),
and stop it on request. Qt-free: events are small dataclasses, passed to `report`."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


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

    def __init__(
        self, report: Callable[[Any], None], has_validation: bool = True, max_rate: float = 20.0, smoothing: float = 0.1
    ):
        self.report = report
        self.min_interval = 1.0 / max_rate
        self.smoothing = smoothing
        self.stop_requested = False
        self.callbacks = [self._progress_callback(), self._best_weights(has_validation)]

    def stop(self) -> None:
        self.stop_requested = True

    @staticmethod
    def _best_weights(has_validation: bool) -> Any:
        from digitpad.tfenv import keras

        monitor = "val_accuracy" if has_validation else "accuracy"
        return keras.callbacks.EarlyStopping(monitor=monitor, mode="max", patience=2**31, restore_best_weights=True)

    def _progress_callback(self) -> Any:
        from digitpad.tfenv import keras  # TensorFlow: on the training thread

        owner = self

        class _Progress(keras.callbacks.Callback):
            def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
                owner.begin(self.params.get("epochs", 1), self.params.get("steps") or 1)

            def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
                owner.epoch = epoch
                owner.previous = {}

            def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
                if owner.stop_requested:
                    self.model.stop_training = True
                owner.batch_end(batch + 1, logs)

            def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
                logs = logs or {}
                owner.epochs_done = epoch + 1
                keys = ("loss", "accuracy", "val_loss", "val_accuracy")
                owner.report(EpochEnd(epoch + 1, epoch + 1.0, **{k: float(logs[k]) for k in keys if k in logs}))

            def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
                owner.report(Evaluating(owner.epochs_done))

        return _Progress()

    def begin(self, epochs: int, steps: int) -> None:
        self.epochs, self.steps, self.epoch, self.epochs_done = epochs, steps, 0, 0
        self.started = time.perf_counter()
        self.last_report = 0.0
        self.ema: dict[str, float] = {}
        self.previous: dict[str, float] = {}

    def batch_end(self, k: int, logs: dict[str, Any] | None) -> None:
        """Batch `k` (1-based) of the epoch is done: remember its loss and accuracy; report them
        at most `max_rate` times a second, and always at the epoch's last batch."""
        self._remember(k, logs)
        now = time.perf_counter()
        if now - self.last_report < self.min_interval and k < self.steps:
            return
        self.last_report = now
        done = (self.epoch + k / self.steps) / self.epochs
        elapsed = now - self.started
        self.report(
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

    def _remember(self, k: int, logs: dict[str, Any] | None) -> None:
        """This batch's loss and accuracy from Keras' running epoch means, smoothed."""
        for key in ("loss", "accuracy"):
            if not logs or key not in logs:
                continue
            mean = float(logs[key])
            value = k * mean - (k - 1) * self.previous.get(key, mean)  # this batch alone
            self.previous[key] = mean
            old = self.ema.get(key)
            self.ema[key] = value if old is None else old + self.smoothing * (value - old)
