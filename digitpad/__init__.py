"""DigitPad: draw a digit, see it recognised live."""

__version__ = "0.1.0"
