"""The recogniser: a loaded model plus MNIST-faithful preprocessing. Qt-free; TensorFlow is
imported when a model is loaded (on a worker thread in the app, behind the window)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from digitpad import resources
from digitpad.reading.answers import NumberReading, Prediction, card_threshold, decide
from digitpad.reading.folding import fold_batchnorm
from digitpad.reading.numbers import NumberReader
from digitpad.reading.preprocess import image_to_mnist, strokes_to_mnist
from digitpad.storage.cards import CardError, ModelCard, read_card
from digitpad.storage.model_io import ModelLoadError, card_matches, load_model

log = logging.getLogger(__name__)


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
        model = fold_batchnorm(loaded.model)
        self._infer = tf.function(
            lambda x: model(x, training=False),
            autograph=False,
            input_signature=[tf.TensorSpec((None, 28, 28, 1), tf.float32)],
        ).get_concrete_function()
        self.warm_up()
        self.numbers = NumberReader(self.predict_batch, self.decide)

    def decide(self, probs: np.ndarray) -> tuple[int | None, float]:
        return decide(probs, self.reject_threshold)

    def warm_up(self) -> None:
        # The first call is slow (the graph was traced above; its first run sets up the kernels):
        # make it before a person is waiting.
        self.predict_batch(np.zeros((1, 28, 28), np.float32))

    def predict_batch(self, images: np.ndarray) -> np.ndarray:
        x = np.asarray(images, dtype=np.float32).reshape(-1, 28, 28, 1)
        return np.asarray(self._infer(x), dtype=np.float32)

    def _prediction(self, image: np.ndarray | None) -> Prediction | None:
        if image is None:
            return None
        probs = self.predict_batch(image[None])[0]
        digit, confidence = self.decide(probs)
        return Prediction(digit, confidence, probs, image)

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
