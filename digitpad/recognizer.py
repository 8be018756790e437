"""The recogniser: a loaded model plus MNIST-faithful preprocessing. Qt-free."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import resources
from .model_io import ModelLoadError, fold_batchnorm, load_model, read_card
from .pendata import NOT_A_DIGIT  # the eleventh output of models trained with non-digits
from .preprocess import image_to_mnist, strokes_to_mnist

# For models with ten outputs only (the tutorial MLP, models trained on MNIST alone): a drawing
# is "not a digit" when the best digit's probability is below this. Chosen on the UNIPEN dev
# rows with the first bundled model: 1% of real digits fall below it (it rejects only 20% of
# clearly-non-digit characters; an eleventh output does far better).
TEN_OUTPUT_THRESHOLD = 0.68


@dataclass(frozen=True)
class Prediction:
    digit: int | None  # None: not a digit
    confidence: float  # of the answer given: the digit's probability, or "not a digit"'s
    probabilities: np.ndarray  # (10,) or (11,) float32, as the model gave them
    image: np.ndarray  # the (28, 28) input the model saw

    @property
    def is_digit(self) -> bool:
        return self.digit is not None

    @property
    def label(self) -> int:
        """The answer as a class: 0-9, or NOT_A_DIGIT."""
        return NOT_A_DIGIT if self.digit is None else self.digit

    @property
    def best_digit(self) -> int:
        return int(np.argmax(self.probabilities[:10]))

    def __str__(self) -> str:
        return f"{class_name(self.label)} ({self.confidence:.0%})"


def class_name(label: int) -> str:
    """A class as people read it: "7", or "not a digit"."""
    return "not a digit" if label == NOT_A_DIGIT else str(label)


DEFAULT_REJECT_THRESHOLD = 0.5  # eleven outputs, no threshold on the card: "not a digit" if likelier


def decide(probs: np.ndarray, threshold: float = DEFAULT_REJECT_THRESHOLD) -> tuple[int | None, float]:
    """(digit, or None for "not a digit"; confidence) from one model output. With eleven
    outputs, "not a digit" when its probability is above `threshold` (the model card's, chosen
    on its validation split), else the likeliest digit; with ten, when no digit reaches
    TEN_OUTPUT_THRESHOLD."""
    probs = np.asarray(probs, dtype=np.float64)
    if len(probs) > NOT_A_DIGIT:
        label = int(classes_of(probs[None], threshold)[0])  # the eleven-output rule lives there
        return (None if label == NOT_A_DIGIT else label), float(probs[label])
    best = int(probs.argmax())
    if probs[best] < TEN_OUTPUT_THRESHOLD:
        return None, float(1.0 - probs[best])
    return best, float(probs[best])


def card_threshold(card: dict) -> float:
    """The model card's "not a digit" threshold, or the default."""
    value = card.get("not_a_digit_threshold")
    return float(value) if isinstance(value, (int, float)) else DEFAULT_REJECT_THRESHOLD


def classes_of(probs: np.ndarray, threshold: float = DEFAULT_REJECT_THRESHOLD) -> np.ndarray:
    """`decide` for many outputs at once, as classes 0-10 (10: not a digit). Ten-output models
    answer their likeliest digit here: their low-confidence fallback is for showing, not scoring."""
    probs = np.asarray(probs)
    if probs.shape[1] <= NOT_A_DIGIT:
        return probs.argmax(axis=1)
    return np.where(probs[:, NOT_A_DIGIT] > threshold, NOT_A_DIGIT, probs[:, :NOT_A_DIGIT].argmax(axis=1))


@dataclass(frozen=True)
class LoadedModel:
    model: object
    path: Path
    card: dict
    fallback_reason: str | None = None  # set when the wanted model failed and the bundled one is used

    @property
    def name(self) -> str:
        return self.card.get("name") or self.path.stem


def load_with_fallback(path: str | Path | None) -> LoadedModel:
    """Load `path` (None = bundled); if it is unusable, load the bundled model and say why."""
    bundled = resources.bundled_model_path()
    if path is not None and Path(path) != bundled:
        try:
            return LoadedModel(load_model(path), Path(path), read_card(path))
        except ModelLoadError as exc:
            return LoadedModel(load_model(bundled), bundled, read_card(bundled), str(exc))
    return LoadedModel(load_model(bundled), bundled, read_card(bundled))


class Recognizer:
    """Turns strokes or pictures into predictions with one model."""

    def __init__(self, loaded: LoadedModel):
        from .tfenv import tf

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
        from .numbers import NumberReader

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

    def predict_strokes(self, strokes) -> Prediction | None:
        """None for an empty drawing."""
        return self._prediction(strokes_to_mnist(strokes))

    def predict_image(self, image) -> Prediction | None:
        """None for a picture without ink."""
        return self._prediction(image_to_mnist(image))

    def read_strokes(self, strokes):
        """A drawing of one digit or a number -> numbers.NumberReading; None for an empty drawing."""
        return self.numbers.read_strokes(strokes)

    def read_picture(self, image):
        """A picture of one digit or a number -> numbers.NumberReading; None without ink."""
        return self.numbers.read_picture(image)
