"""The training worker: one training run (or fine-tuning) at a time on a Python thread (not a
QThread: see `workers`); its progress, device, result or failure come back as signals."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from digitpad.learning.callbacks import LiveProgress
from digitpad.learning.data import DataError
from digitpad.learning.finetune import BaseModelError, fine_tune_on_store
from digitpad.learning.pendata import PenDataError
from digitpad.learning.recipe import TrainConfig
from digitpad.learning.training import train

log = logging.getLogger(__name__)


class TrainingService(QObject):
    """Runs one training at a time on a worker thread; progress arrives as signals."""

    progress = Signal(object)  # digitpad.learning.callbacks events: BatchProgress, EpochEnd, Evaluating
    device = Signal(str)  # where this run trains: "CPU (2 cores)", "GPU (...)"
    finished = Signal(object)  # TrainResult
    failed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._thread: threading.Thread | None = None
        self._live = None
        self._sent = False  # the run's result or failure has been sent: its thread is only returning

    def is_running(self) -> bool:
        """A run in progress: its thread alive and its result not sent yet (closing the window
        right after a run ended must not ask whether to stop it)."""
        return self._thread is not None and self._thread.is_alive() and not self._sent

    def start(self, config, mnist=None, model=None) -> None:
        self._launch(self._run, config, mnist, model)

    def start_fine_tune(self, base_path: Path | None, samples_path: Path, mnist: Any = None, **overrides: Any) -> None:
        """Fine-tune the model at `base_path` (None: bundled) on the samples in the database at
        `samples_path` (read on the worker: 150,000 samples take seconds)."""
        self._launch(self._run_fine_tune, base_path, samples_path, mnist, overrides)

    def _launch(self, target, *args) -> None:
        if self.is_running():
            raise RuntimeError("a training run is already in progress")
        if self._thread is not None:
            self._thread.join(10)  # the last run's thread, returning after it sent its result
        self._sent = False
        self._stop_requested = False
        self._live = None
        self._thread = threading.Thread(target=target, args=args, name="digitpad-training", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Ask training to end after the current batch; the best weights so far are kept."""
        self._stop_requested = True
        if self._live is not None:
            self._live.stop()

    def shutdown(self, timeout: float = 10) -> None:
        """Stop after the current batch and wait for it (a batch takes well under a second;
        the timeout only bounds a TensorFlow call that hangs)."""
        self.stop()
        if self._thread is not None:
            self._thread.join(timeout)

    def _live_callbacks(self, has_validation: bool) -> list[Any]:
        from digitpad.tfenv import training_device

        self.device.emit(training_device())
        self._live = LiveProgress(self.progress.emit, has_validation=has_validation)
        if self._stop_requested:  # Stop pressed while TensorFlow was still loading
            self._live.stop()
        return self._live.callbacks

    def _run(self, config: TrainConfig, mnist: Any, model: Any) -> None:

        # train() loads MNIST and the pen data itself: here, off the GUI thread.
        callbacks = self._live_callbacks(has_validation=config.validation_split > 0)
        self._guarded(lambda: train(config, callbacks=callbacks, mnist=mnist, model=model))

    def _run_fine_tune(self, base_path: Path | None, samples_path: Path, mnist: Any, overrides: dict) -> None:
        self._guarded(
            lambda: fine_tune_on_store(
                base_path,
                samples_path,
                mnist=mnist,
                callbacks=self._live_callbacks(has_validation=overrides.get("validation_split", 0.0) > 0),
                **overrides,
            )
        )

    def _guarded(self, work: Callable[[], Any]) -> None:
        signal, message = self._outcome(work)
        self._sent = True  # before the signal: the window that receives it sees no run in progress
        signal.emit(message)

    def _outcome(self, work: Callable[[], Any]) -> tuple[Any, Any]:
        """(the signal to send, what it carries): finished with the result, or failed with words."""
        try:
            return self.finished, work()
        except BaseModelError as exc:
            log.warning("fine-tuning refused: %s", exc)
            return self.failed, self.tr(
                "The active model cannot be fine-tuned: {reason}. Choose another model on the Train tab first."
            ).format(reason=exc.reason)
        except (DataError, PenDataError, ValueError, MemoryError, OSError) as exc:
            log.warning("training refused or failed: %s", exc)
            return self.failed, str(exc)
        except Exception as exc:  # a Keras/TensorFlow failure: report it, keep the app alive
            log.error("training failed: %s", exc, exc_info=True)
            return self.failed, self.tr("Training failed: {reason}").format(reason=f"{type(exc).__name__}: {exc}")
