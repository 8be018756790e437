"""The thread bridge: TensorFlow work runs on a worker thread, results come back as signals.

The worker is a plain Python thread, not a QThread: TensorFlow's pybind11 code takes the GIL
through PyGILState, which deadlocks on threads that Qt started (seen here with PySide6 6.12 and
TensorFlow 2.21). Signals emitted from the worker reach GUI-thread slots queued, so widgets are
only touched on the GUI thread; the worker only touches the core."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal

from digitpad.classes import NOT_A_DIGIT
from digitpad.gui.memory_worker import JudgeMemory, MemoryJob, MemoryJobs, RememberSample, SyncMemory, UseMemory
from digitpad.reading.explain import Explainer
from digitpad.reading.recognizer import Recognizer, load_with_fallback
from digitpad.storage.samples import iter_images

log = logging.getLogger(__name__)
CLASSIFY_CHUNK = 512  # images per model call when checking many samples: bounded memory


# The recognition worker's jobs: each a type of its own, dispatched by type.
@dataclass(frozen=True)
class LoadModel:
    path: Path | None  # None: the bundled model


@dataclass(frozen=True)
class ReadStrokes:
    request: int
    strokes: list


@dataclass(frozen=True)
class ReadPicture:
    request: int
    image: np.ndarray  # a grey array, 1 = white
    scale: float
    origin: tuple[float, float]


@dataclass(frozen=True)
class ClassifySamples:
    token: int
    samples_path: Path
    after: int = 0  # only the samples with a higher id (those saved since the last answer)


@dataclass(frozen=True)
class ExplainImage:
    token: int
    image: np.ndarray  # (28, 28) model input
    label: int


@dataclass(frozen=True)
class Stop:
    pass


Job = LoadModel | ReadStrokes | ReadPicture | ClassifySamples | ExplainImage | MemoryJob | Stop


class RecognitionService(QObject):
    """Loads models and predicts on a worker thread; the newest drawing wins."""

    model_ready = Signal(object)  # digitpad.reading.recognizer.LoadedModel
    model_failed = Signal(str)
    errored = Signal(str)  # a job failed on the worker; the worker goes on with the next one
    prediction_ready = Signal(int, object)  # request id, answers.NumberReading or None (empty drawing)
    classified = Signal(int, object)  # token, {sample id: predicted class (10: not a digit)}
    explained = Signal(int, int, object)  # token, class, (28, 28) evidence map (digitpad.reading.explain)
    memory_changed = Signal(int)  # the writer memory now holds this many samples
    memory_judged = Signal(int, object, bool)  # token, {sample id: class its neighbours say, -1: agree}, complete
    _loaded = Signal(object)
    _predicted = Signal(int, object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._jobs: queue.Queue[Job] = queue.Queue()
        self._latest = 0  # the newest request id; the worker skips older ones
        self._latest_batch = 0  # the newest classify() token
        self._latest_explain = 0  # the newest explain() token
        self._explainer = None  # (model, digitpad.reading.explain.Explainer), built on the worker
        self._closing = False
        self._recognizer: Recognizer | None = None  # touched by the worker thread only
        self.ready = False
        self.loaded = None
        self.memory = MemoryJobs(self._jobs.put, self.memory_changed.emit, self.memory_judged.emit)
        self._loaded.connect(self._on_loaded)
        self._predicted.connect(self._on_prediction)
        self._thread = threading.Thread(target=self._run, name="digitpad-recognition", daemon=True)
        self._thread.start()

    # -- GUI thread ----------------------------------------------------------------------
    def load(self, path: Path | None) -> None:
        """Load a model in the background (None = bundled). Predictions keep using the old
        model until the new one is ready."""
        self._jobs.put(LoadModel(path))

    @property
    def latest_request(self) -> int:
        return self._latest

    def cancel(self) -> None:
        """Answers still on their way are not shown (the drawing was cleared)."""
        self._latest += 1

    def request(self, strokes) -> int:
        self._latest += 1
        self._jobs.put(ReadStrokes(self._latest, strokes))
        return self._latest

    def request_picture(self, image, scale: float = 1.0, origin: tuple[float, float] = (0.0, 0.0)) -> int:
        """Read a picture (a grey array, 1 = white): one digit or a number, like `predict`. Its
        boxes come where the picture shows: its pixel (x, y) is at origin + (x, y) / scale."""
        self._latest += 1
        self._jobs.put(ReadPicture(self._latest, image, scale, origin))
        return self._latest

    def classify(self, samples_path: Path, after: int = 0) -> int:
        """The active model's answer for every sample (with an id above `after`) in the database
        at `samples_path`, read and predicted in chunks on the worker; the answer comes as
        `classified` ({id: class}). A newer request replaces an older one still on its way."""
        self._latest_batch += 1
        self._jobs.put(ClassifySamples(self._latest_batch, Path(samples_path), after))
        return self._latest_batch

    def explain(self, image, label: int) -> int:
        """The evidence for class `label` in a (28, 28) model input, computed on the worker;
        it comes as `explained` (only the newest request's)."""
        self._latest_explain += 1
        self._jobs.put(ExplainImage(self._latest_explain, image, label))
        return self._latest_explain

    # -- the writer memory (gui.memory_worker) ---------------------------------------------------
    def set_samples(self, samples_path: Path | None) -> None:
        """The samples database whose samples make the writer memory (before `load`)."""
        self.memory.samples_path = Path(samples_path) if samples_path else None

    def sync_memory(self) -> None:
        """The samples changed (relabelled, deleted, brought back, imported): read the memory again."""
        self.memory.sync()

    def remember(self, sample_id: int) -> None:
        """A sample was saved: it joins the memory before the next drawing is read."""
        self._jobs.put(RememberSample(sample_id))

    def set_use_memory(self, on: bool) -> None:
        """Read with the writer memory (on) or with the model alone."""
        self._jobs.put(UseMemory(on))

    def shutdown(self) -> None:
        """Skip every queued job (they are for a window that is closing) and end the worker."""
        if self._thread.is_alive():
            self._closing = True
            self._jobs.put(Stop())
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
            if isinstance(job, Stop):
                return
            if self._closing:
                continue  # queued for a window that is closing
            try:
                self._do(job)
            except Exception as exc:  # one bad job must not end recognition
                log.error("recognition job %s failed: %s", type(job).__name__, exc, exc_info=True)
                self.errored.emit(self.tr("Recognition failed: {reason}").format(reason=f"{type(exc).__name__}: {exc}"))

    def _do(self, job: Job) -> None:
        if isinstance(job, LoadModel):
            self._load(job.path)
        elif isinstance(job, UseMemory):
            self.memory.do(job)  # also before a model: the next one starts with it
        elif self._recognizer is None:
            return
        elif isinstance(job, SyncMemory | RememberSample | JudgeMemory):
            self.memory.do(job)
        elif isinstance(job, ExplainImage):
            if job.token == self._latest_explain:
                self.explained.emit(job.token, job.label, self._explainer_for().explain(job.image, job.label))
        elif isinstance(job, ClassifySamples):
            if job.token == self._latest_batch:  # else a newer request replaced this one
                self.classified.emit(job.token, self._classify(job.token, job.samples_path, job.after))
        elif isinstance(job, ReadPicture):
            if job.request == self._latest:  # only the newest drawing
                reading = self._recognizer.read_picture(job.image)
                self._predicted.emit(
                    job.request, None if reading is None else reading.mapped(1 / job.scale, job.origin)
                )
        elif isinstance(job, ReadStrokes) and job.request == self._latest:
            self._predicted.emit(job.request, self._recognizer.read_strokes(job.strokes))

    def _explainer_for(self) -> Any:
        """The active model's explainer, made once per model (TensorFlow: on the worker)."""
        assert self._recognizer is not None
        model = self._recognizer.loaded.model
        if self._explainer is None or self._explainer[0] is not model:
            self._explainer = (model, Explainer(model))
        return self._explainer[1]

    def _classify(self, token: int, samples_path: Path, after: int) -> dict[int, int] | None:
        recognizer = self._recognizer
        assert recognizer is not None  # _do checked it
        answers = {}
        for ids, images in iter_images(samples_path, CLASSIFY_CHUNK, after=after):
            if token != self._latest_batch or self._closing:
                return None  # abandoned halfway: a newer request is queued, or the window closes
            probs, _embeddings = recognizer.model_batch(images)  # the model's own answer, not the memory's
            for sample_id, row in zip(ids, probs, strict=True):
                digit, _confidence = recognizer.decide(row)
                answers[sample_id] = NOT_A_DIGIT if digit is None else digit
        return answers

    def _load(self, path: Path | None) -> None:

        try:
            loaded = load_with_fallback(Path(path) if path else None)
            self._recognizer = Recognizer(loaded)
        except Exception as exc:
            log.error("loading model %s failed: %s", path, exc, exc_info=True)
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
        try:
            self.memory.attach(self._recognizer)
        except Exception as exc:  # a samples database that cannot be read: the model works without
            log.warning("writer memory not loaded: %s", exc, exc_info=True)
        self._loaded.emit(loaded)


class BackgroundTask(QObject):
    """Run one function on a Python thread (file work that may take seconds: importing a big
    samples file, saving a model); the result or the error comes back on the GUI thread."""

    done = Signal(object)
    failed = Signal(object)  # the exception

    def __init__(self, work: Callable[[], Any], parent: QObject | None = None):
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
