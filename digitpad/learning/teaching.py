"""What a person's correction or confirmation keeps: a reading on screen and a label turned into
samples (the image the model saw, the digit's own strokes, what the model said). Qt-free: the
Draw tab's teaching panel stores what these return."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from digitpad.reading.answers import NumberReading
from digitpad.reading.preprocess import strokes_to_mnist


@dataclass(frozen=True)
class NewSample:
    label: int
    image: np.ndarray  # (28, 28), the model's input
    strokes: list[Any]  # the drawing's strokes (of this digit, in a number)
    guess: int | None  # what the model answered, or None when no answer was on screen


def correction(reading: NumberReading | None, label: int, index: int, canvas_strokes: Sequence[Any]) -> NewSample:
    """The sample of `label` for digit `index` of the reading on screen. It keeps the very image
    the answer came from and the digit's own strokes (a speck left out of the reading stays out
    of the sample); a picture's reading has no strokes: the canvas's, if any. With no reading
    (no answer yet), the image is made from `canvas_strokes` and no guess is kept."""
    if reading is None:
        strokes = [list(s) for s in canvas_strokes]
        image = strokes_to_mnist(strokes)
        if image is None:
            raise ValueError("an empty drawing makes no sample")
        return NewSample(label, image, strokes, None)
    digit = reading.digits[index]
    strokes = [list(s) for s in digit.strokes] if digit.strokes else [list(s) for s in canvas_strokes]
    return NewSample(label, digit.prediction.image, strokes, digit.prediction.label)


def confirmation(reading: NumberReading) -> list[NewSample]:
    """✓ Right on a number: each digit kept with the answer shown for it."""
    return [
        NewSample(d.prediction.label, d.prediction.image, [list(s) for s in d.strokes], d.prediction.label)
        for d in reading.digits
    ]
