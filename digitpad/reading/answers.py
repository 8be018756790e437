"""A model's answer: probabilities -> a digit or "not a digit", with how sure (`Prediction`); a
drawing's answer: its digits with their boxes (`NumberReading`). Qt-free and TensorFlow-free:
the rule the app, the number reader, `evaluate` and training all share."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from digitpad.classes import DIGITS, NOT_A_DIGIT, class_name
from digitpad.reading.memory import MemoryNote
from digitpad.storage.cards import ModelCard

# For models with ten outputs only (the tutorial MLP, models trained on MNIST alone): a drawing
# is "not a digit" when the best digit's probability is below this. Chosen on the UNIPEN dev
# rows with the first bundled model: 1% of real digits fall below it (it rejects only 20% of
# clearly-non-digit characters; an eleventh output does far better).
TEN_OUTPUT_THRESHOLD = 0.68


@dataclass(frozen=True)
class Prediction:
    digit: int | None  # None: not a digit
    confidence: float  # of the answer given: the digit's probability, or "not a digit"'s
    probabilities: np.ndarray  # (10,) or (11,) float32: the model's, with the writer memory's vote
    image: np.ndarray  # the (28, 28) input the model saw
    memory: MemoryNote | None = None  # what the writer memory did to the answer, if anything

    @property
    def from_memory(self) -> bool:
        """The person's own samples changed the model's answer."""
        return self.memory is not None and self.memory.changed

    @property
    def is_digit(self) -> bool:
        return self.digit is not None

    @property
    def label(self) -> int:
        """The answer as a class: 0-9, or NOT_A_DIGIT."""
        return NOT_A_DIGIT if self.digit is None else self.digit

    @property
    def best_digit(self) -> int:
        return int(np.argmax(self.probabilities[:DIGITS]))

    def __str__(self) -> str:
        return f"{class_name(self.label)} ({self.confidence:.0%})"


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


def card_threshold(card: ModelCard) -> float:
    """The model card's "not a digit" threshold (checked: inside (0, 1)), or the default."""
    value = card.not_a_digit_threshold
    return DEFAULT_REJECT_THRESHOLD if value is None else value


def classes_of(probs: np.ndarray, threshold: float = DEFAULT_REJECT_THRESHOLD) -> np.ndarray:
    """`decide` for many outputs at once, as classes 0-10 (10: not a digit). Ten-output models
    answer their likeliest digit here: their low-confidence fallback is for showing, not scoring."""
    probs = np.asarray(probs)
    if probs.shape[1] <= NOT_A_DIGIT:
        return probs.argmax(axis=1)
    return np.where(probs[:, NOT_A_DIGIT] > threshold, NOT_A_DIGIT, probs[:, :NOT_A_DIGIT].argmax(axis=1))


@dataclass(frozen=True)
class DigitReading:
    """One digit of a reading (or a part that is not a digit)."""

    prediction: Prediction
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in the input's coordinates
    strokes: tuple[Any, ...] = ()  # this digit's strokes (drawings), to keep it as a sample

    @property
    def text(self) -> str:
        return "?" if self.prediction.digit is None else str(self.prediction.digit)


@dataclass(frozen=True)
class NumberReading:
    digits: tuple[DigitReading, ...]

    @property
    def text(self) -> str:
        """The number as shown, "?" for a part that is not a digit."""
        return "".join(d.text for d in self.digits)

    @property
    def is_single(self) -> bool:
        return len(self.digits) == 1

    def mapped(self, scale: float, origin: tuple[float, float]) -> NumberReading:
        """The same reading with every box's (x, y) moved to origin + (x, y) * scale."""
        return NumberReading(
            tuple(
                replace(d, box=tuple(v * scale + origin[i % 2] for i, v in enumerate(d.box)))  # type: ignore[arg-type]
                for d in self.digits
            )
        )

    def with_digit(self, index: int, prediction: Prediction) -> NumberReading:
        """The same reading with digit `index` answered by `prediction` (a person's correction)."""
        digits = list(self.digits)
        digits[index] = replace(digits[index], prediction=prediction)
        return NumberReading(tuple(digits))

    def __str__(self) -> str:
        if self.is_single:
            return str(self.digits[0].prediction)
        parts = ", ".join(str(d.prediction) for d in self.digits)
        return f"{self.text} ({parts.replace(' (', ' ').replace(')', '')})"
