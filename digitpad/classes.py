"""The classes a DigitPad model answers: the ten digits and "not a digit". Qt-free, and imported
by every layer: the one place these numbers live."""

from __future__ import annotations

import numpy as np

DIGITS = 10  # classes 0-9
NOT_A_DIGIT = 10  # the eleventh class, of models trained with non-digits
CLASSES = NOT_A_DIGIT + 1


def class_name(label: int) -> str:
    """A class as people read it: "7", or "not a digit"."""
    return "not a digit" if label == NOT_A_DIGIT else str(label)


def check_label(value: object) -> int:
    """A class label: an int 0-9, or 10 for "not a digit" (no bools, floats or strings);
    ValueError otherwise."""

    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"a label is a whole number from 0 to {NOT_A_DIGIT}, not {value!r}")
    if not 0 <= int(value) <= NOT_A_DIGIT:
        raise ValueError(f"a label is a whole number from 0 to {NOT_A_DIGIT}, not {value!r}")
    return int(value)


def class_of(digit: int | None) -> int:
    """The class of an answer: the digit, or NOT_A_DIGIT for None."""
    return NOT_A_DIGIT if digit is None else int(digit)
