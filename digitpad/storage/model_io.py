"""Loading and saving models safely: checks from the archive's directory and config before
Keras builds anything, Keras safe mode on load, atomic writes on save, and a checked model card
beside every model file (`storage.cards`). Qt-free; TensorFlow is imported only when a model is
loaded or saved."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from digitpad import resources
from digitpad.storage.cards import ModelCard, card_path_for, write_card
from digitpad.storage.files import atomic_write, not_a_regular_file

log = logging.getLogger(__name__)


class ModelLoadError(Exception):
    """A model file that cannot be used; the message is meant for the user."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


MAX_MODEL_BYTES = 200 * 1024 * 1024  # unpacked; DigitPad's models are 1-2 MB
MAX_PACK_RATIO = 200  # a real .keras archive packs far less than this: more is a zip bomb
MAX_CONFIG_BYTES = 10 * 1024 * 1024
MAX_PARAMETERS = 20_000_000  # numbers a model's layers may hold; DigitPad's hold 0.1-0.4 million
MAX_LAYER_SIZE = 100_000  # units, filters or embedding rows of one layer


def archive_problem(path: Path) -> str | None:
    """Why a file is not a usable .keras archive, as a predicate ("is damaged ..."), judged from
    its directory alone (no decompression, no TensorFlow); None if it looks fine."""
    try:
        # A FIFO or a device would block open() forever: its type first, from stat alone.
        problem = not_a_regular_file(path)
        if problem:
            return "is a folder, not a model file" if "folder" in problem else problem
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {info.filename: info for info in infos}
            if "config.json" not in names:
                return "is not a Keras model (no config.json inside)"
            unpacked = sum(info.file_size for info in infos)
            packed = sum(info.compress_size for info in infos)
            if unpacked > MAX_MODEL_BYTES or unpacked > MAX_PACK_RATIO * max(packed, 1) + 1_000_000:
                return f"is not a DigitPad model (it would unpack to {unpacked / 1e6:.0f} MB)"
            if names["config.json"].file_size > MAX_CONFIG_BYTES:
                return "is not a DigitPad model (its config is too large)"
            config = json.loads(zf.read("config.json"))
    except FileNotFoundError:
        return "no longer exists"
    except PermissionError:
        return "cannot be read (permission denied)"
    except (zipfile.BadZipFile, EOFError, ValueError, RecursionError):
        return "is damaged or not a Keras model file"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    return config_problem(config)


def _layer_configs(node: Any) -> Iterator[dict[str, Any]]:
    """Every layer config in a Keras model config, nested models included."""
    if isinstance(node, dict):
        if "class_name" in node and isinstance(node.get("config"), dict):
            yield node
        for value in node.values():
            yield from _layer_configs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _layer_configs(value)


def _size(value: Any) -> int:
    """A layer setting as a count: an int, or the product of a list of ints; 1 otherwise."""
    if isinstance(value, bool):
        return 1
    if isinstance(value, int):
        return max(value, 1)
    if isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return int(np.prod([max(v, 1) for v in value], dtype=object)) if value else 1
    return 1


def estimated_parameters(config: Any) -> int:
    """How many numbers the layers of a Keras config would hold, from the config alone (each
    layer's settings and its recorded input shape), before anything is built."""
    total = 0
    for layer in _layer_configs(config):
        settings = layer["config"]
        build: dict[str, Any] = layer["build_config"] if isinstance(layer.get("build_config"), dict) else {}
        shape = build.get("input_shape") if isinstance(build.get("input_shape"), list) else []
        inputs = _size(shape[-1]) if shape else 1
        kind = layer.get("class_name")
        if kind == "Dense":
            total += (inputs + 1) * _size(settings.get("units"))
        elif kind in ("Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose", "SeparableConv2D", "DepthwiseConv2D"):
            total += (_size(settings.get("kernel_size")) * inputs + 1) * _size(settings.get("filters"))
        elif kind == "Embedding":
            total += _size(settings.get("input_dim")) * _size(settings.get("output_dim"))
    return total


def config_problem(config: Any) -> str | None:
    """Why a Keras config is no DigitPad model, from the config alone: a layer or a model too
    large to build (a Dense layer of 500,000 units asked for 8 GB before Keras refused it)."""
    for layer in _layer_configs(config):
        settings = layer["config"]
        for key in ("units", "filters", "input_dim", "output_dim"):
            if _size(settings.get(key)) > MAX_LAYER_SIZE:
                return f"is not a DigitPad model (a layer of {_size(settings.get(key)):,} {key})"
    parameters = estimated_parameters(config)
    if parameters > MAX_PARAMETERS:
        return f"is not a DigitPad model (its layers would hold {parameters:,} numbers)"
    return None


def check_outputs(model: Any) -> None:
    """Refuse a model whose outputs are not probabilities (logits, NaN weights)."""
    probe = np.random.default_rng(0).random((4, 28, 28, 1), dtype=np.float32)
    probe[0] = 0.0
    out = np.asarray(model(probe, training=False), dtype=np.float64)
    if not np.all(np.isfinite(out)):
        raise ModelLoadError("its outputs are not numbers (NaN or infinite weights)")
    if out.min() < -1e-4 or np.abs(out.sum(axis=1) - 1).max() > 1e-3:
        raise ModelLoadError("its outputs are not probabilities (no softmax at the end)")


def load_model(path: str | Path) -> Any:
    """Load a .keras model with safe mode on; raise ModelLoadError with a readable reason."""
    from digitpad.tfenv import keras  # here, not at the top: TensorFlow stays out of start-up

    path = Path(path)
    if not path.exists():
        raise ModelLoadError(f"model file not found: {path}")
    if path.suffix != ".keras":
        raise ModelLoadError(f"{path.name} is not a .keras model file")
    problem = archive_problem(path)
    if problem:
        raise ModelLoadError(f"{path.name} {problem}")
    try:
        model = keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as exc:  # Keras raises many types for foreign or truncated files
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelLoadError(f"{path.name} could not be loaded: {reason[:300]}") from exc
    shape_in = tuple(model.input_shape[1:]) if hasattr(model, "input_shape") else None
    shape_out = tuple(model.output_shape[1:]) if hasattr(model, "output_shape") else None
    if shape_in not in {(28, 28, 1), (28, 28)} or shape_out not in {(10,), (11,)}:
        raise ModelLoadError(
            f"{path.name} is not a digit model: it takes {shape_in} and gives {shape_out}, "
            'DigitPad needs 28x28 images in and 10 probabilities out (11 with "not a digit")'
        )
    try:
        check_outputs(model)
    except ModelLoadError as exc:
        raise ModelLoadError(f"{path.name} is not a usable digit model: {exc}") from None
    return model


def load_bundled_model() -> Any:
    return load_model(resources.bundled_model_path())


def inference_copy(model: Any) -> Any:
    """An uncompiled copy holding the same weights: no optimizer state in the saved file."""

    # clone_model and model_from_json keep the compile settings; from_config does not.
    copy = model.__class__.from_config(model.get_config())
    copy.set_weights(model.get_weights())
    return copy


class TargetError(Exception):
    """A place a model cannot be saved to; the message is meant for the user."""


def package_dir() -> Path:
    """The installed `digitpad` package's folder."""
    return Path(__file__).resolve().parents[1]


def check_save_target(path: str | Path) -> Path:
    """Check, before any work, that a model can be saved at `path`: a .keras file name in a
    writable folder, not the bundled model and not inside the installed package."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise TargetError(f"{path} is a folder; give a file name ending in .keras")
    if path.suffix != ".keras" or path.name.startswith("."):
        raise TargetError(f"{path}: a model file name must end in .keras")
    resolved = path.resolve()
    bundled = resources.bundled_model_path().resolve()
    if resolved in (bundled, card_path_for(bundled)):
        raise TargetError(
            f"{path} is the bundled model, DigitPad's last-resort fallback: "
            "it is never overwritten. Choose another file name."
        )
    if package_dir() in resolved.parents or _frozen_inside(resolved):
        raise TargetError(f"{path} is inside the installed DigitPad; save your models elsewhere")
    folder = resolved.parent
    if not folder.is_dir():
        raise TargetError(f"{folder} does not exist (or is not a folder)")
    try:
        fd, probe = tempfile.mkstemp(prefix=".digitpad-probe.", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise TargetError(f"{folder} cannot be written: {exc.strerror or exc}") from None
    return path


def _frozen_inside(path: Path) -> bool:
    base = getattr(sys, "_MEIPASS", None)
    return bool(getattr(sys, "frozen", False) and base and Path(base).resolve() in path.parents)


def save_model(model: Any, path: str | Path, card: Mapping[str, Any] | None = None) -> ModelCard:
    """Save `model` (without optimizer state) and its card, each atomically; return the card,
    with the file's name, size and sha256. The card is written before the model takes its name:
    a save that fails at any point (a full disk) leaves the previous model and card, never a
    model without its card."""
    path = Path(path)
    if path.suffix != ".keras":
        raise ValueError("model files must end in .keras")
    plain = inference_copy(model)
    saved: list[ModelCard] = []

    def write(tmp: Path) -> None:
        plain.save(tmp)
        fields = {**dict(card or {}), "file": path.name, "sha256": sha256_of(tmp), "file_bytes": tmp.stat().st_size}
        saved.append(ModelCard.from_dict(fields))
        write_card(path, saved[0])

    atomic_write(path, write)
    return saved[0]


def card_matches(path: Path, card: ModelCard) -> bool:
    """Whether the card describes this very file (its sha256): a card's figures are shown only then."""
    try:
        return card.sha256 is not None and card.sha256 == sha256_of(path)
    except OSError:
        return False
