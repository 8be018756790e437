"""Loading and saving models safely: Keras safe mode on load, atomic writes on save,
and a JSON model card beside every model file."""

from __future__ import annotations

import hashlib
import json
import os
import stat
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


MAX_MODEL_BYTES = 200 * 1024 * 1024  # unpacked; DigitPad's models are 1-2 MB
MAX_PACK_RATIO = 200  # a real .keras archive packs far less than this: more is a zip bomb


def unique_path(path: Path) -> Path:
    """`path`, or `stem-2.suffix`, `stem-3.suffix`... : the first that does not exist."""
    path = Path(path)
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def archive_problem(path: Path) -> str | None:
    """Why a file is not a usable .keras archive, as a predicate ("is damaged ..."), judged from
    its directory alone (no decompression, no TensorFlow); None if it looks fine."""
    try:
        with open(path, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                return "is not a regular file"
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except PermissionError:
        return "cannot be read (permission denied)"
    except IsADirectoryError:
        return "is a folder, not a model file"
    except (zipfile.BadZipFile, EOFError):
        return "is damaged or not a Keras model file"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if "config.json" not in {info.filename for info in infos}:
        return "is not a Keras model (no config.json inside)"
    unpacked = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos)
    if unpacked > MAX_MODEL_BYTES or unpacked > MAX_PACK_RATIO * max(packed, 1) + 1_000_000:
        return f"is not a DigitPad model (it would unpack to {unpacked / 1e6:.0f} MB)"
    return None


def check_outputs(model) -> None:
    """Refuse a model whose outputs are not probabilities (logits, NaN weights)."""
    import numpy as np

    probe = np.random.default_rng(0).random((4, 28, 28, 1), dtype=np.float32)
    probe[0] = 0.0
    out = np.asarray(model(probe, training=False), dtype=np.float64)
    if not np.all(np.isfinite(out)):
        raise ModelLoadError("its outputs are not numbers (NaN or infinite weights)")
    if out.min() < -1e-4 or np.abs(out.sum(axis=1) - 1).max() > 1e-3:
        raise ModelLoadError("its outputs are not probabilities (no softmax at the end)")


def load_model(path: str | Path):
    """Load a .keras model with safe mode on; raise ModelLoadError with a readable reason."""
    from .tfenv import keras

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


def _fresh_copy(layer, **changes):
    """A new layer of the same kind and settings (with `changes`), without weights or name."""
    config = {**layer.get_config(), **changes}
    config.pop("name", None)
    return layer.__class__.from_config(config)


def fold_batchnorm(model):
    """For reading only: a copy of a Sequential model with each BatchNormalization that follows a
    Conv2D or Dense layer folded into that layer's weights (at inference it is an affine map per
    channel, y = gamma * (x - mean) / sqrt(var + eps) + beta) and Dropout left out (nothing at
    inference): the same answers, 15-20% less time a call for the bundled CNN. Any other
    model, or one whose copy would not answer the same, is returned as it is."""
    import numpy as np

    from .tfenv import keras

    layers = model.layers if isinstance(model, keras.Sequential) else []
    if not any(isinstance(layer, keras.layers.BatchNormalization) for layer in layers):
        return model
    copies, i = [], 0  # (new layer, its weights)
    try:
        while i < len(layers):
            layer, bn = layers[i], layers[i + 1] if i + 1 < len(layers) else None
            if (
                isinstance(layer, keras.layers.Conv2D | keras.layers.Dense)
                and isinstance(bn, keras.layers.BatchNormalization)
                and bn.axis in (-1, len(bn.input.shape) - 1)
                and layer.get_config().get("activation") == "linear"
            ):
                scale = 1.0 / np.sqrt(np.asarray(bn.moving_variance) + bn.epsilon)
                if bn.gamma is not None:
                    scale = scale * np.asarray(bn.gamma)
                shift = -np.asarray(bn.moving_mean) * scale
                if bn.beta is not None:
                    shift = shift + np.asarray(bn.beta)
                bias = np.asarray(layer.bias) if layer.use_bias else 0.0
                copies.append(
                    (_fresh_copy(layer, use_bias=True), [np.asarray(layer.kernel) * scale, bias * scale + shift])
                )
                i += 2
                continue
            if not isinstance(layer, keras.layers.Dropout):
                copies.append((_fresh_copy(layer), layer.get_weights()))
            i += 1
        folded = keras.Sequential(
            [keras.Input(model.input_shape[1:]), *(c for c, _w in copies)], name=f"{model.name}_folded"
        )
        for copy, weights in copies:
            copy.set_weights(weights)
        probe = np.random.default_rng(0).random((4, *model.input_shape[1:]), dtype=np.float32)
        if np.abs(np.asarray(folded(probe)) - np.asarray(model(probe, training=False))).max() > 1e-4:
            return model
    except Exception:  # a layer Keras cannot copy this way: read with the model as it is
        return model
    return folded


class TargetError(Exception):
    """A place a model cannot be saved to; the message is meant for the user."""


def package_dir() -> Path:
    return Path(__file__).resolve().parent


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
    import sys

    base = getattr(sys, "_MEIPASS", None)
    return bool(getattr(sys, "frozen", False) and base and Path(base).resolve() in path.parents)


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
