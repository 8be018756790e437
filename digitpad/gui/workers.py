"""The thread bridge: TensorFlow work runs on a worker thread, results come back as signals.

The worker is a plain Python thread, not a QThread: TensorFlow's pybind11 code takes the GIL
through PyGILState, which deadlocks on threads that Qt started (seen here with PySide6 6.12 and
TensorFlow 2.21). Signals emitted from the worker reach GUI-thread slots queued, so widgets are
only touched on the GUI thread; the worker only touches the core."""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path

from PySide6.QtCore import QObject, Signal

_STOP = object()


class RecognitionService(QObject):
    """Loads models and predicts on a worker thread; the newest drawing wins."""

    model_ready = Signal(object)  # digitpad.recognizer.LoadedModel
    model_failed = Signal(str)
    prediction_ready = Signal(int, object)  # request id, Prediction or None (empty drawing)
    classified = Signal(int, object)  # token, (N,) predicted digits for classify()
    _loaded = Signal(object)
    _predicted = Signal(int, object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._jobs: queue.Queue = queue.Queue()
        self._latest = 0  # the newest request id; the worker skips older ones
        self._latest_batch = 0  # the newest classify() token
        self._recognizer = None  # touched by the worker thread only
        self.ready = False
        self.loaded = None
        self.ready_at: float | None = None
        self._loaded.connect(self._on_loaded)
        self._predicted.connect(self._on_prediction)
        self._thread = threading.Thread(target=self._run, name="digitpad-recognition", daemon=True)
        self._thread.start()

    # -- GUI thread ----------------------------------------------------------------------
    def load(self, path: Path | None) -> None:
        """Load a model in the background (None = bundled). Predictions keep using the old
        model until the new one is ready."""
        self._jobs.put(("load", path))

    @property
    def latest_request(self) -> int:
        return self._latest

    def cancel(self) -> None:
        """Answers still on their way are not shown (the drawing was cleared)."""
        self._latest += 1

    def request(self, strokes) -> int:
        self._latest += 1
        self._jobs.put(("predict", self._latest, strokes))
        return self._latest

    def classify(self, images) -> int:
        """Predict digits for (N, 28, 28) images in [0, 1]; the answer comes as `classified`."""
        self._latest_batch += 1
        self._jobs.put(("classify", self._latest_batch, images))
        return self._latest_batch

    def shutdown(self) -> None:
        if self._thread.is_alive():
            self._jobs.put(_STOP)
            self._thread.join(timeout=10)

    def _on_loaded(self, result) -> None:
        if isinstance(result, str):
            self.model_failed.emit(result)
            return
        self.ready = True
        self.loaded = result
        self.ready_at = time.time()
        self.model_ready.emit(result)

    def _on_prediction(self, request_id: int, prediction) -> None:
        if request_id == self._latest:  # only the newest drawing's answer is shown
            self.prediction_ready.emit(request_id, prediction)

    # -- worker thread -------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is _STOP:
                return
            if job[0] == "load":
                self._load(job[1])
            elif job[0] == "classify":
                if self._recognizer is not None:
                    probs = self._recognizer.predict_batch(job[2]) if len(job[2]) else None
                    self.classified.emit(job[1], None if probs is None else probs.argmax(axis=1))
            elif job[1] == self._latest and self._recognizer is not None:
                self._predicted.emit(job[1], self._recognizer.predict_strokes(job[2]))

    def _load(self, path) -> None:
        try:
            from ..recognizer import Recognizer, load_with_fallback

            loaded = load_with_fallback(Path(path) if path else None)
            self._recognizer = Recognizer(loaded)
        except Exception as exc:  # even the bundled model failed: say so, keep running
            self._loaded.emit(f"No model could be loaded: {exc}")
            return
        self._loaded.emit(loaded)


class TrainingService(QObject):
    """Runs one training at a time on a worker thread; progress arrives as signals."""

    progress = Signal(dict)  # LiveProgress events
    finished = Signal(object)  # TrainResult
    failed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._thread: threading.Thread | None = None
        self._live = None

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, config, mnist=None, model=None) -> None:
        self._launch(self._run, config, mnist, model)

    def start_fine_tune(self, base_path, samples: tuple, heldout: tuple, mnist=None, **overrides) -> None:
        """Fine-tune the model at `base_path` (None: bundled) on (images, labels) samples."""
        self._launch(self._run_fine_tune, base_path, samples, heldout, mnist, overrides)

    def _launch(self, target, *args) -> None:
        if self.is_running():
            raise RuntimeError("a training run is already in progress")
        self._stop_requested = False
        self._live = None
        self._thread = threading.Thread(target=target, args=args, name="digitpad-training", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Ask training to end after the current batch; the best weights so far are kept."""
        self._stop_requested = True
        if self._live is not None:
            self._live.stop()

    def shutdown(self, timeout: float = 30) -> None:
        self.stop()
        if self._thread is not None:
            self._thread.join(timeout)

    def _live_progress(self):
        from ..training import LiveProgress

        self._live = LiveProgress(self.progress.emit)
        if self._stop_requested:  # Stop pressed while TensorFlow was still loading
            self._live.stop()
        return self._live

    def _run(self, config, mnist, model) -> None:
        from ..training import train

        self._guarded(lambda: train(config, callbacks=[self._live_progress().callback], mnist=mnist,
                                    model=model))

    def _run_fine_tune(self, base_path, samples, heldout, mnist, overrides) -> None:
        from ..recognizer import load_with_fallback
        from ..training import fine_tune

        def work():
            base = load_with_fallback(base_path)
            return fine_tune(base.model, samples[0], samples[1], heldout[0], heldout[1], mnist=mnist,
                             arch=base.card.get("architecture", "cnn"),
                             callbacks=[self._live_progress().callback], **overrides)

        self._guarded(work)

    def _guarded(self, work) -> None:
        from ..data import DataError

        try:
            result = work()
        except (DataError, ValueError, MemoryError, OSError) as exc:
            self.failed.emit(str(exc))
            return
        except Exception as exc:  # a Keras/TensorFlow failure: report it, keep the app alive
            self.failed.emit(f"Training failed: {type(exc).__name__}: {exc}")
            return
        self.finished.emit(result)
