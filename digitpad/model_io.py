"""Loading and saving models safely: Keras safe mode on load, atomic writes on save,
and a JSON model card beside every model file."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from pathlib import Path

from . import resources


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()  # read once at import: os.umask is process-wide, not thread-safe


class ModelLoadError(Exception):
    """A model file that cannot be used; the message is meant for the user."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def card_path_for(model_path: Path) -> Path:
    return Path(model_path).with_suffix(".json")


def load_model(path: str | Path):
    """Load a .keras model with safe mode on; raise ModelLoadError with a readable reason."""
    from .tfenv import keras

    path = Path(path)
    if not path.exists():
        raise ModelLoadError(f"model file not found: {path}")
    if not path.is_file():
        raise ModelLoadError(f"not a file: {path}")
    if path.suffix != ".keras":
        raise ModelLoadError(f"{path.name} is not a .keras model file")
    if not zipfile.is_zipfile(path):
        raise ModelLoadError(f"{path.name} is damaged or not a Keras model (not a .keras archive)")
    try:
        model = keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as exc:  # Keras raises many types for foreign or truncated files
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelLoadError(f"{path.name} could not be loaded: {reason[:300]}") from exc
    shape_in = tuple(model.input_shape[1:]) if hasattr(model, "input_shape") else None
    shape_out = tuple(model.output_shape[1:]) if hasattr(model, "output_shape") else None
    if shape_in not in {(28, 28, 1), (28, 28)} or shape_out != (10,):
        raise ModelLoadError(
            f"{path.name} is not a digit model: it takes {shape_in} and gives {shape_out}, "
            "DigitPad needs 28x28 images in and 10 probabilities out"
        )
    return model


def load_bundled_model():
    return load_model(resources.bundled_model_path())


def _atomic_write(path: Path, write) -> None:
    """Write through `write(tmp_path)` to a temporary file beside `path`, then rename over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    os.chmod(tmp_path, 0o666 & ~_UMASK)  # mkstemp makes 0600; a saved file gets normal permissions
    try:
        write(tmp_path)
        with open(tmp_path, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp_path, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def inference_copy(model):
    """An uncompiled copy holding the same weights: no optimizer state in the saved file."""

    # clone_model and model_from_json keep the compile settings; from_config does not.
    copy = model.__class__.from_config(model.get_config())
    copy.set_weights(model.get_weights())
    return copy


def save_model(model, path: str | Path, card: dict | None = None) -> dict:
    """Save `model` (without optimizer state) and its card atomically; return the card."""
    path = Path(path)
    if path.suffix != ".keras":
        raise ValueError("model files must end in .keras")
    plain = inference_copy(model)
    _atomic_write(path, lambda tmp: plain.save(tmp))
    card = dict(card or {})
    card.update(file=path.name, sha256=sha256_of(path), file_bytes=path.stat().st_size)
    write_card(path, card)
    return card


def write_card(model_path: Path, card: dict) -> None:
    text = json.dumps(card, indent=2, sort_keys=True) + "\n"
    _atomic_write(card_path_for(model_path), lambda tmp: tmp.write_text(text, encoding="utf-8"))


def read_card(model_path: str | Path) -> dict:
    """The model card beside `model_path`, or {} when there is none or it is unreadable."""
    try:
        data = json.loads(card_path_for(Path(model_path)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
