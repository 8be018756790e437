"""The recogniser: a loaded model plus MNIST-faithful preprocessing. Qt-free; TensorFlow is
imported when a model is loaded (on a worker thread in the app, behind the window)."""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from digitpad import resources
from digitpad.classes import class_of
from digitpad.reading.answers import NumberReading, Prediction, card_threshold, decide
from digitpad.reading.folding import fold_batchnorm
from digitpad.reading.memory import (
    EMBEDDING_DIM,
    EMBEDDING_VERSION,
    NEAREST_KEPT,
    MemoryNote,
    WriterMemory,
    projection,
)
from digitpad.reading.numbers import NumberReader
from digitpad.reading.preprocess import image_to_mnist, strokes_to_mnist
from digitpad.storage.cards import CardError, ModelCard, read_card
from digitpad.storage.model_io import ModelLoadError, card_matches, load_model, sha256_of

log = logging.getLogger(__name__)
NOTES_KEPT = 4096  # what the memory did, for the answers the number reader may still use


def _with_embedding(model: Any) -> Any:
    """`x -> (probabilities, embeddings)` for a Sequential model: the layers before the last give
    the last hidden layer, as memory.projection makes it, normalised; other models get zeros."""
    from digitpad.tfenv import keras, tf

    if not isinstance(model, keras.Sequential) or len(model.layers) < 2:
        return lambda x: (model(x, training=False), tf.zeros((tf.shape(x)[0], EMBEDDING_DIM)))
    body, head = model.layers[:-1], model.layers[-1]
    width = int(np.prod(model.layers[-2].output.shape[1:]))
    matrix = tf.constant(projection(width))

    def call(x: Any) -> Any:
        hidden = x
        for layer in body:
            hidden = layer(hidden, training=False)
        flat = tf.reshape(hidden, (-1, width))
        embedded = flat if width == EMBEDDING_DIM else tf.matmul(flat, matrix)  # kept as it is, or projected
        return head(hidden, training=False), tf.math.l2_normalize(embedded, axis=1)

    return call


def _with_memory(infer: Any, prototypes: Any) -> Any:
    """`x -> (probabilities, embeddings, near, at)`: also the similarities (N, k) and columns of
    the k = memory.NEAREST_KEPT prototypes most similar to each embedding (fewer when fewer:
    none, at almost no cost, when the variable holds none)."""
    from digitpad.tfenv import tf

    def call(x: Any) -> Any:
        probs, embeddings = infer(x)
        top = tf.math.top_k(tf.matmul(embeddings, prototypes), k=tf.minimum(NEAREST_KEPT, tf.shape(prototypes)[1]))
        return probs, embeddings, top.values, top.indices

    return call


@dataclass(frozen=True)
class LoadedModel:
    model: Any  # a Keras model
    path: Path
    card: ModelCard
    fallback_reason: str | None = None  # set when the wanted model failed and the bundled one is used
    card_matches: bool = True  # the card's sha256 is this file's: its figures describe this model

    @property
    def name(self) -> str:
        return self.card.name or self.path.stem


def load_checked(path: str | Path) -> LoadedModel:
    """A model file and its card, both checked; ModelLoadError (with the reason) otherwise."""
    path = Path(path)
    model = load_model(path)
    try:
        card = read_card(path)
    except CardError as exc:
        raise ModelLoadError(f"{path.name}: {exc}") from None
    return LoadedModel(model, path, card, card_matches=card_matches(path, card))


def load_with_fallback(path: str | Path | None) -> LoadedModel:
    """Load `path` (None = bundled); if it is unusable, load the bundled model and say why."""
    bundled = resources.bundled_model_path()
    if path is not None and Path(path) != bundled:
        try:
            return load_checked(path)
        except ModelLoadError as exc:
            log.warning("model fallback: %s", exc)
            fallback = load_checked(bundled)
            return LoadedModel(fallback.model, bundled, fallback.card, str(exc), fallback.card_matches)
    return load_checked(bundled)


class Recognizer:
    """Turns strokes or pictures into predictions with one model."""

    def __init__(self, loaded: LoadedModel):
        from digitpad.tfenv import tf  # here, not at the top: TensorFlow stays out of start-up

        self.loaded = loaded
        self.reject_threshold = card_threshold(loaded.card)
        # BatchNorm folded into the convolutions (the same answers, 15-20% faster), and one
        # compiled graph call: ~1 ms for the bundled CNN (one image) against ~17 ms eager on 2 cores.
        # Its concrete function is called directly: the same graph without tf.function's
        # per-call argument binding (0.2-0.6 ms a call here).
        # The same call also gives each image's embedding for the writer memory: the last hidden
        # layer (the head's input), as memory.EMBEDDING_DIM numbers (no second pass).
        # And the writer memory's nearest samples: the prototypes live in the graph (a variable
        # kept in step with self.memory), so that 10,000 of them cost one small matrix product in
        # TensorFlow's threads, not NumPy's (whose BLAS threads fought TensorFlow's: 5 ms a call).
        model = fold_batchnorm(loaded.model)
        self._prototypes = tf.Variable(
            tf.zeros((EMBEDDING_DIM, 0)), shape=tf.TensorShape([EMBEDDING_DIM, None]), trainable=False
        )
        signature = [tf.TensorSpec((None, 28, 28, 1), tf.float32)]
        self._infer = tf.function(
            _with_memory(_with_embedding(model), self._prototypes), autograph=False, input_signature=signature
        ).get_concrete_function()
        # Embeddings alone (saving samples' embeddings, checking every sample): made when first
        # needed, on the worker, after the window's model is ready.
        self._embed_function = tf.function(_with_embedding(model), autograph=False, input_signature=signature)
        self._embed: Any = None
        self.classes = int(loaded.model.output_shape[-1])
        self.memory = WriterMemory(classes=self.classes)
        self._in_graph = 0  # the memory's version the variable holds (0: none, the memory off)
        # The memory's embeddings belong to this very file (and projection): another model, or
        # this one retrained in place, gets its own.
        self.model_key = f"{sha256_of(loaded.path)}/e{EMBEDDING_VERSION}"
        self.use_memory = True  # View > Use my samples
        self._notes: OrderedDict[bytes, MemoryNote] = OrderedDict()
        self.warm_up()
        self.numbers = NumberReader(self.predict_batch, self.decide, note=self.memory_note)

    def decide(self, probs: np.ndarray) -> tuple[int | None, float]:
        return decide(probs, self.reject_threshold)

    def warm_up(self) -> None:
        # The first call is slow (the graph was traced above; its first run sets up the kernels):
        # make it before a person is waiting.
        self.predict_batch(np.zeros((1, 28, 28), np.float32))

    def model_batch(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The model's own probabilities (N, classes) and embeddings (N, EMBEDDING_DIM), one call."""
        if self._embed is None:
            self._embed = self._embed_function.get_concrete_function()
        probs, embeddings = self._embed(np.asarray(images, dtype=np.float32).reshape(-1, 28, 28, 1))
        return np.asarray(probs, np.float32), np.asarray(embeddings, np.float32)

    def predict_batch(self, images: np.ndarray) -> np.ndarray:
        """The answers' probabilities: the model's, with the writer memory's vote mixed in when
        it is on and a sample is near enough (`memory_note` says what it did). An empty memory,
        or one turned off, changes nothing."""
        look = self._follow_memory()
        probs, _embeddings, near, at = (
            np.asarray(out) for out in self._infer(np.asarray(images, dtype=np.float32).reshape(-1, 28, 28, 1))
        )
        probs = probs.astype(np.float32)
        if not look:
            return probs
        mixed, notes = self.memory.mix(probs, nearest=(at, near))
        for own, row, note in zip(probs, mixed, notes, strict=True):
            if note is not None:
                model_label = class_of(self.decide(own)[0])
                changed = model_label != class_of(self.decide(row)[0])
                self._notes[row.tobytes()] = replace(note, changed=changed, model_label=model_label)
        while len(self._notes) > NOTES_KEPT:
            self._notes.popitem(last=False)
        return mixed

    def _follow_memory(self) -> bool:
        """The graph's copy of the prototypes made the memory's (none when it is off or empty);
        whether the memory is in use. Called when the memory changes (the copy, 5 MB for 10,000
        samples, is made then, not at the next pen-up) and before each reading."""
        look = self.use_memory and len(self.memory) > 0
        wanted = self.memory.version if look else 0
        if self._in_graph != wanted:
            self._prototypes.assign(self.memory.vectors.T if look else np.zeros((EMBEDDING_DIM, 0), np.float32))
            self._in_graph = wanted
            self.numbers.forget()
        return look

    def set_memory(self, ids: np.ndarray, labels: np.ndarray, vectors: np.ndarray) -> None:
        """The person's samples as the memory's prototypes (embeddings of this model)."""
        self.memory.set(ids, labels, vectors)
        self._follow_memory()

    def extend_memory(self, ids: list[int], labels: list[int], vectors: np.ndarray) -> None:
        """Samples not in the memory yet (a chunk embedded after a model switch)."""
        self.memory.append(ids, labels, vectors)
        self._follow_memory()

    def set_use_memory(self, on: bool) -> None:
        """Mix the memory's vote into the answers (on) or read with the model alone."""
        self.use_memory = on
        self._follow_memory()

    def remember(self, sample_id: int, label: int, vector: np.ndarray) -> None:
        """One confirmed sample more: the very next drawing is read with it."""
        self.memory.add(sample_id, label, vector)
        self._follow_memory()

    def memory_note(self, probs: np.ndarray) -> MemoryNote | None:
        """What the memory did to the answer with these probabilities, if anything."""
        return self._notes.get(np.asarray(probs, np.float32).tobytes())

    def _prediction(self, image: np.ndarray | None) -> Prediction | None:
        if image is None:
            return None
        probs = self.predict_batch(image[None])[0]
        digit, confidence = self.decide(probs)
        return Prediction(digit, confidence, probs, image, self.memory_note(probs))

    def predict_strokes(self, strokes: Any) -> Prediction | None:
        """None for an empty drawing."""
        return self._prediction(strokes_to_mnist(strokes))

    def predict_image(self, image: Any) -> Prediction | None:
        """None for a picture without ink."""
        return self._prediction(image_to_mnist(image))

    def read_strokes(self, strokes: Any) -> NumberReading | None:
        """A drawing of one digit or a number -> answers.NumberReading; None for an empty drawing."""
        return self.numbers.read_strokes(strokes)

    def read_picture(self, image: Any) -> NumberReading | None:
        """A picture of one digit or a number -> answers.NumberReading; None without ink."""
        return self.numbers.read_picture(image)
