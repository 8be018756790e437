"""A Keras callback that prints a one-line text progress bar (for `digitpad train`)."""

from __future__ import annotations

import sys
import time

from .tfenv import keras


class TextProgress(keras.callbacks.Callback):
    def __init__(self, stream=None, width: int = 30, every_s: float = 0.5):
        super().__init__()
        self.stream = stream or sys.stdout
        self.width = width
        self.every_s = every_s
        self._last = 0.0

    def on_train_begin(self, logs=None):
        self.epochs = self.params.get("epochs", 1)
        self.steps = self.params.get("steps") or 1
        self.started = time.perf_counter()

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def _eta(self, done: float) -> str:
        elapsed = time.perf_counter() - self.started
        left = elapsed / done * (1 - done) if done > 0 else 0
        return f"{int(left // 60)}:{int(left % 60):02d}"

    def on_train_batch_end(self, batch, logs=None):
        now = time.perf_counter()
        if now - self._last < self.every_s:
            return
        self._last = now
        done = (self.epoch + (batch + 1) / self.steps) / self.epochs
        filled = int(self.width * done)
        logs = logs or {}
        self.stream.write(
            f"\repoch {self.epoch + 1}/{self.epochs} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{done:6.1%} loss {logs.get('loss', 0):.4f} acc {logs.get('accuracy', 0):.4f} "
            f"left {self._eta(done)}  "
        )
        self.stream.flush()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        val = ""
        if "val_accuracy" in logs:
            val = f" val_loss {logs['val_loss']:.4f} val_acc {logs['val_accuracy']:.4f}"
        elapsed = time.perf_counter() - self.started
        self.stream.write(
            f"\repoch {epoch + 1}/{self.epochs} loss {logs.get('loss', 0):.4f} "
            f"acc {logs.get('accuracy', 0):.4f}{val} ({elapsed:.0f}s)" + " " * 30 + "\n"
        )
        self.stream.flush()
