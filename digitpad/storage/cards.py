"""Model cards: the JSON beside every model file that says what the model is, how it was made and
how well it does. A card is input like any file: `ModelCard.from_dict` checks every key DigitPad
reads (a name that is text, an accuracy that is a finite fraction, a threshold inside (0, 1)), and
a card that fails makes its model unusable with the reason, never the app. Qt-free."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from digitpad.storage.files import atomic_write, not_a_regular_file

log = logging.getLogger(__name__)

MAX_CARD_BYTES = 1_000_000  # DigitPad's cards are about 2 KB

# The keys DigitPad reads, and what each must be when present (None is always allowed).
TEXT_KEYS = (
    "name",
    "architecture",
    "architecture_description",
    "data",
    "created",
    "file",
    "sha256",
    "base_model",
    "trained_on",
    "command",
    "note",
    "digitpad_version",
)
COUNT_KEYS = ("parameters", "epochs_run", "file_bytes", "mnist_test_images", "training_images", "classes")
FRACTION_KEYS = (  # accuracies and shares: finite, from 0 to 1
    "mnist_test_accuracy",
    "mnist_test_accuracy_before",
    "my_heldout_accuracy",
    "my_heldout_accuracy_before",
    "validation_digits_rejected",
    "validation_non_digits_rejected",
)
THRESHOLD_KEY = "not_a_digit_threshold"  # finite, strictly between 0 and 1


class CardError(ValueError):
    """A model card that cannot be trusted; the message is meant for the user."""


def _number(value: Any) -> float | None:
    """A finite number (no bool), or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer of 400 digits
        return None
    return number if math.isfinite(number) else None


def card_problems(data: Mapping[str, Any]) -> list[str]:
    """What is wrong with a card's values, in words; empty when they are fine."""
    out = []
    for key in TEXT_KEYS:
        if data.get(key) is not None and not isinstance(data[key], str):
            out.append(f"its {key} is not text")
    for key in COUNT_KEYS:
        value = data.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**53):
            out.append(f"its {key} is not a whole number")
    for key in FRACTION_KEYS:
        value = data.get(key)
        number = _number(value)
        if value is not None and (number is None or not 0 <= number <= 1):
            out.append(f"its {key} is not a fraction from 0 to 1")
    value = data.get(THRESHOLD_KEY)
    threshold = _number(value)
    if value is not None and (threshold is None or not 0 < threshold < 1):
        out.append(f'its "not a digit" threshold {str(value)[:20]} is not a number between 0 and 1')
    return out


@dataclass(frozen=True)
class ModelCard(Mapping[str, Any]):
    """A checked model card. The typed properties are the keys DigitPad reads; the card reads
    as a mapping of every key it holds (written back whole when a model is renamed)."""

    fields: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: object) -> ModelCard:
        if not isinstance(data, Mapping):
            raise CardError("it is not a JSON object")
        problems = card_problems(data)
        if problems:
            raise CardError("; ".join(problems))
        return cls(dict(data))

    def updated(self, **changes: Any) -> ModelCard:
        """A copy with `changes` (checked like any card)."""
        return ModelCard.from_dict({**self.fields, **changes})

    def to_dict(self) -> dict[str, Any]:
        return dict(self.fields)

    # Mapping: every key of the card
    def __getitem__(self, key: str) -> Any:
        return self.fields[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    # The keys DigitPad reads
    @property
    def name(self) -> str | None:
        return self.fields.get("name") or None

    @property
    def architecture(self) -> str | None:
        return self.fields.get("architecture")

    @property
    def architecture_description(self) -> str | None:
        return self.fields.get("architecture_description") or self.architecture

    @property
    def parameters(self) -> int | None:
        return self.fields.get("parameters")

    @property
    def data(self) -> str | None:
        return self.fields.get("data")

    @property
    def epochs_run(self) -> int | None:
        return self.fields.get("epochs_run")

    @property
    def created(self) -> str | None:
        return self.fields.get("created")

    @property
    def mnist_test_accuracy(self) -> float | None:
        value = self.fields.get("mnist_test_accuracy")
        return None if value is None else float(value)

    @property
    def mnist_test_images(self) -> int | None:
        return self.fields.get("mnist_test_images")

    @property
    def not_a_digit_threshold(self) -> float | None:
        value = self.fields.get(THRESHOLD_KEY)
        return None if value is None else float(value)

    @property
    def sha256(self) -> str | None:
        return self.fields.get("sha256")

    @property
    def file_bytes(self) -> int | None:
        return self.fields.get("file_bytes")


def card_path_for(model_path: Path) -> Path:
    return Path(model_path).with_suffix(".json")


def read_card(model_path: str | Path) -> ModelCard:
    """The model card beside `model_path`: an empty card when there is none; CardError (with the
    reason) when it is unreadable, not JSON, or holds values of the wrong kind."""
    path = card_path_for(Path(model_path))
    try:
        problem = not_a_regular_file(path)
    except FileNotFoundError:
        return ModelCard()
    except OSError as exc:
        raise CardError(f"its card {path.name} cannot be read ({exc.strerror or exc})") from None
    if problem:
        raise CardError(f"its card {path.name} {problem}")
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_CARD_BYTES + 1)
    except OSError as exc:
        raise CardError(f"its card {path.name} cannot be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_CARD_BYTES:
        raise CardError(f"its card {path.name} is larger than a model card can be")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        raise CardError(f"its card {path.name} is damaged (not JSON: {str(exc)[:80]})") from None
    try:
        return ModelCard.from_dict(data)
    except CardError as exc:
        raise CardError(f"its card {path.name} is not valid: {exc}") from None


def write_card(model_path: Path, card: Mapping[str, Any]) -> None:
    text = json.dumps(dict(card), indent=2, sort_keys=True) + "\n"
    atomic_write(card_path_for(model_path), lambda tmp: tmp.write_text(text, encoding="utf-8"))
