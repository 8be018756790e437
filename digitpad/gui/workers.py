"""The thread bridge: TensorFlow work runs on a worker thread, results come back as signals.

The worker is a plain Python thread, not a QThread: TensorFlow's pybind11 code takes the GIL
through PyGILState, which deadlocks on threads that Qt started (seen here with PySide6 6.12 and
TensorFlow 2.21). Signals emitted from the worker reach GUI-thread slots queued, so widgets are
only touched on the GUI thread; the worker only touches the core."""

from __future__ import annotations

import logging
import queue
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)
_STOP = object()
CLASSIFY_CHUNK = 512  # images per model call when checking many samples: bounded memory


class RecognitionService(QObject):
    """Loads models and predicts on a worker thread; the newest drawing wins."""

    model_ready = Signal(object)  # digitpad.recognizer.LoadedModel
    model_failed = Signal(str)
    errored = Signal(str)  # a job failed on the worker; the worker goes on with the next one
    prediction_ready = Signal(int, object)  # request id, numbers.NumberReading or None (empty drawing)
    classified = Signal(int, object)  # token, {sample id: predicted class (10: not a digit)}
    explained = Signal(int, int, object)  # token, class, (28, 28) evidence map (digitpad.explain)
    _loaded = Signal(object)
    _predicted = Signal(int, object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._jobs: queue.Queue = queue.Queue()
        self._latest = 0  # the newest request id; the worker skips older ones
        self._latest_batch = 0  # the newest classify() token
        self._latest_explain = 0  # the newest explain() token
        self._explainer = None  # (model, digitpad.explain.Explainer), built on the worker
        self._closing = False
        self._recognizer = None  # touched by the worker thread only
        self.ready = False
        self.loaded = None
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

    def request_picture(self, image, scale: float = 1.0, origin: tuple[float, float] = (0.0, 0.0)) -> int:
        """Read a picture (a grey array, 1 = white): one digit or a number, like `predict`. Its
        boxes come where the picture shows: its pixel (x, y) is at origin + (x, y) / scale."""
        self._latest += 1
        self._jobs.put(("picture", self._latest, image, scale, origin))
        return self._latest

    def classify(self, samples_path) -> int:
        """The active model's answer for every sample in the database at `samples_path`, read
        and predicted in chunks on the worker; the answer comes as `classified` ({id: class})."""
        self._latest_batch += 1
        self._jobs.put(("classify", self._latest_batch, samples_path))
        return self._latest_batch

    def explain(self, image, label: int) -> int:
        """The evidence for class `label` in a (28, 28) model input, computed on the worker;
        it comes as `explained` (only the newest request's)."""
        self._latest_explain += 1
        self._jobs.put(("explain", self._latest_explain, image, label))
        return self._latest_explain

    def shutdown(self) -> None:
        """Skip every queued job (they are for a window that is closing) and end the worker."""
        if self._thread.is_alive():
            self._closing = True
            self._jobs.put(_STOP)
            self._thread.join(timeout=10)

    def _on_loaded(self, result) -> None:
        if isinstance(result, str):
            self.model_failed.emit(result)
            return
        self.ready = True
        self.loaded = result
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
            if self._closing:
                continue  # queued for a window that is closing
            try:
                self._do(job)
            except Exception as exc:  # one bad job must not end recognition
                log.exception("recognition job %s failed", job[0])
                self.errored.emit(self.tr("Recognition failed: {reason}").format(reason=f"{type(exc).__name__}: {exc}"))

    def _do(self, job) -> None:
        kind = job[0]
        if kind == "load":
            self._load(job[1])
        elif self._recognizer is None:
            return
        elif kind == "explain":
            if job[1] == self._latest_explain:
                model = self._recognizer.loaded.model
                if self._explainer is None or self._explainer[0] is not model:
                    from ..explain import Explainer

                    self._explainer = (model, Explainer(model))
                self.explained.emit(job[1], job[3], self._explainer[1].explain(job[2], job[3]))
        elif kind == "classify":
            if job[1] != self._latest_batch:
                return  # a newer request replaced this one
            self.classified.emit(job[1], self._classify(job[1], job[2]))
        elif job[1] == self._latest:  # predict: only the newest drawing
            if kind == "picture":
                reading = self._recognizer.read_picture(job[2])
                reading = None if reading is None else reading.mapped(1 / job[3], job[4])
            else:
                reading = self._recognizer.read_strokes(job[2])
            self._predicted.emit(job[1], reading)

    def _classify(self, token, samples_path):
        from ..recognizer import NOT_A_DIGIT
        from ..samples import iter_images

        answers = {}
        for ids, images in iter_images(samples_path, CLASSIFY_CHUNK):
            if token != self._latest_batch or self._closing:
                return None  # abandoned halfway: a newer request is queued, or the window closes
            probs = self._recognizer.predict_batch(images)
            for sample_id, row in zip(ids, probs, strict=True):
                digit, _confidence = self._recognizer.decide(row)
                answers[sample_id] = NOT_A_DIGIT if digit is None else digit
        return answers

    def _load(self, path) -> None:
        from ..recognizer import Recognizer, load_with_fallback

        try:
            loaded = load_with_fallback(Path(path) if path else None)
            self._recognizer = Recognizer(loaded)
        except Exception as exc:
            log.exception("loading model %s failed", path)
            if self._recognizer is not None:
                self._loaded.emit(
                    self.tr("{name} could not be used ({reason}); still using {current}.").format(
                        name=Path(path).name if path else self.tr("The bundled model"),
                        reason=exc,
                        current=self._recognizer.loaded.name,
                    )
                )
            else:
                self._loaded.emit(self.tr("No model could be loaded: {reason}").format(reason=exc))
            return
        if loaded.fallback_reason:
            log.warning("model fallback: %s", loaded.fallback_reason)
        self._loaded.emit(loaded)


class BackgroundTask(QObject):
    """Run one function on a Python thread (file work that may take seconds: importing a big
    samples file, saving a model); the result or the error comes back on the GUI thread."""

    done = Signal(object)
    failed = Signal(object)  # the exception

    def __init__(self, work, parent=None):
        super().__init__(parent)
        self._work = work
        self.finished = False  # set on the GUI thread when done or failed has been delivered
        self.done.connect(self._mark_finished)
        self.failed.connect(self._mark_finished)
        self._thread = threading.Thread(target=self._run, name="digitpad-task", daemon=True)

    def start(self) -> BackgroundTask:
        self._thread.start()
        return self

    def _mark_finished(self, _result) -> None:
        self.finished = True

    def wait(self, timeout: float | None = None) -> None:
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            result = self._work()
        except Exception as exc:
            log.warning("background task failed: %s", exc, exc_info=not isinstance(exc, (OSError, ValueError)))
            self.failed.emit(exc)
            return
        self.done.emit(result)


class TrainingService(QObject):
    """Runs one training at a time on a worker thread; progress arrives as signals."""

    progress = Signal(object)  # digitpad.callbacks events: BatchProgress, EpochEnd, Evaluating
    device = Signal(str)  # where this run trains: "CPU (2 cores)", "GPU (...)"
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

    def shutdown(self, timeout: float = 10) -> None:
        """Stop after the current batch and wait for it (a batch takes well under a second;
        the timeout only bounds a TensorFlow call that hangs)."""
        self.stop()
        if self._thread is not None:
            self._thread.join(timeout)

    def _live_callbacks(self, has_validation: bool) -> list:
        from ..callbacks import LiveProgress
        from ..tfenv import training_device

        self.device.emit(training_device())  # TensorFlow is loaded here, on the training thread
        self._live = LiveProgress(self.progress.emit, has_validation=has_validation)
        if self._stop_requested:  # Stop pressed while TensorFlow was still loading
            self._live.stop()
        return self._live.callbacks

    def _run(self, config, mnist, model) -> None:
        from ..training import train

        # train() loads MNIST and the pen data itself: here, off the GUI thread.
        callbacks = self._live_callbacks(has_validation=config.validation_split > 0)
        self._guarded(lambda: train(config, callbacks=callbacks, mnist=mnist, model=model))

    def _run_fine_tune(self, base_path, samples, heldout, mnist, overrides) -> None:
        from ..finetune import FINE_TUNE_DEFAULTS, fine_tune
        from ..recognizer import load_with_fallback

        def work():
            base = load_with_fallback(base_path)
            if base.fallback_reason:  # never tune another model than the one the user chose
                raise ValueError(
                    self.tr(
                        "The active model cannot be fine-tuned: {reason}. Choose another model on the Train tab first."
                    ).format(reason=base.fallback_reason)
                )
            return fine_tune(
                base.model,
                samples[0],
                samples[1],
                heldout[0],
                heldout[1],
                mnist=mnist,
                arch=base.card.get("architecture", "cnn"),
                base_card=base.card,
                callbacks=self._live_callbacks(
                    has_validation=overrides.get("validation_split", FINE_TUNE_DEFAULTS["validation_split"]) > 0
                ),
                **overrides,
            )

        self._guarded(work)

    def _guarded(self, work) -> None:
        from ..data import DataError
        from ..pendata import PenDataError

        try:
            result = work()
        except (DataError, PenDataError, ValueError, MemoryError, OSError) as exc:
            log.warning("training refused or failed: %s", exc)
            self.failed.emit(str(exc))
            return
        except Exception as exc:  # a Keras/TensorFlow failure: report it, keep the app alive
            log.exception("training failed")
            self.failed.emit(self.tr("Training failed: {reason}").format(reason=f"{type(exc).__name__}: {exc}"))
            return
        self.finished.emit(result)
