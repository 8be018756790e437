"""MNIST from a local .npz in Keras' layout, loaded without pickle."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digitpad import resources

_EXPECTED = {
    "x_train": (3, np.uint8),
    "y_train": (1, np.uint8),
    "x_test": (3, np.uint8),
    "y_test": (1, np.uint8),
}


class DataError(Exception):
    """A data file that cannot be used; the message is meant for the user."""


@dataclass(frozen=True)
class Mnist:
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def load_mnist(path: str | Path | None = None) -> Mnist:
    """Load MNIST (uint8 images 0=background, 255=ink) from `path`, default the bundled copy.
    Pixels stored as floats in 0-1 or as wider integers in 0-255 are converted; anything else
    (NaN, negative, out of range, non-numeric labels, an empty set) is refused in words."""
    path = Path(path) if path is not None else resources.mnist_path()
    if not path.is_file():
        raise DataError(f"MNIST file not found: {path}")
    if not zipfile.is_zipfile(path):
        raise DataError(f"{path.name} is not an .npz file (NumPy's zip archive of arrays)")
    _check_sizes(path)  # from the archive's directory and the arrays' headers, before loading
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in _EXPECTED if key in npz.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise DataError(f"{path.name} is not a readable .npz file ({exc})") from exc
    missing = sorted(set(_EXPECTED) - set(arrays))
    if missing:
        raise DataError(f"{path.name} is not in Keras' MNIST layout: missing {', '.join(missing)}")
    for key, (ndim, _dtype) in _EXPECTED.items():
        if arrays[key].ndim != ndim:
            raise DataError(f"{path.name}: {key} has shape {arrays[key].shape}")
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.shape[1:] != (28, 28) or len(x) != len(y):
            raise DataError(f"{path.name}: x_{split} {x.shape} does not match y_{split} {y.shape}")
        if len(y) == 0:
            raise DataError(f"{path.name}: x_{split} holds no images")
        arrays[f"x_{split}"] = _pixels(x, f"{path.name}: x_{split}")
        arrays[f"y_{split}"] = _labels(y, f"{path.name}: y_{split}")
    return Mnist(**arrays)


MAX_NPZ_BYTES = 400 * 1024 * 1024  # unpacked; MNIST is 55 MB (with float32 pixels 220 MB)
MAX_IMAGES = 1_000_000  # per split


def _check_sizes(path: Path) -> None:
    """Refuse an .npz whose arrays would not fit, judged before anything is unpacked: from the
    archive's directory (a 1 MB deflate bomb unpacks to gigabytes) and each array's header (a
    header may declare an array of any size)."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = {info.filename: info for info in zf.infolist()}
            unpacked = sum(infos[f"{key}.npy"].file_size for key in _EXPECTED if f"{key}.npy" in infos)
            if unpacked > MAX_NPZ_BYTES:
                raise DataError(f"{path.name} would unpack to {unpacked / 1e6:.0f} MB: not an MNIST-sized file")
            for key in _EXPECTED:
                if f"{key}.npy" in infos:
                    _check_header(zf, f"{key}.npy", infos[f"{key}.npy"].file_size, f"{path.name}: {key}")
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise DataError(f"{path.name} is not a readable .npz file ({exc})") from exc


def _check_header(zf: zipfile.ZipFile, name: str, stored: int, where: str) -> None:
    with zf.open(name) as f:
        try:
            version = np.lib.format.read_magic(f)
            read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, _fortran, dtype = read(f)
        except (ValueError, SyntaxError, TypeError) as exc:
            raise DataError(f"{where} is not a NumPy array ({exc})") from None
    count = int(np.prod(shape, dtype=object)) if shape else 1
    if shape and shape[0] > MAX_IMAGES:
        raise DataError(f"{where} declares {shape[0]:,} images (at most {MAX_IMAGES:,})")
    if count * max(dtype.itemsize, 1) > stored:
        raise DataError(f"{where} declares a {shape} array larger than the file holds")


def _pixels(x: np.ndarray, where: str) -> np.ndarray:
    if x.dtype == np.uint8:
        return x
    if x.dtype.kind not in "uif":
        raise DataError(f"{where} holds {x.dtype} values, not pixel numbers")
    if x.dtype.kind == "f" and not np.all(np.isfinite(x)):
        raise DataError(f"{where} holds NaN or infinite pixels")
    low, high = float(x.min()), float(x.max())
    if low < 0:
        raise DataError(f"{where} holds negative pixels ({low:g})")
    if x.dtype.kind == "f" and high <= 1.0:
        return np.round(x * 255).astype(np.uint8)  # floats in 0-1
    if high > 255:
        raise DataError(f"{where} holds pixels above 255 ({high:g}); expected 0-255 or 0-1")
    return np.round(x).astype(np.uint8)


def _labels(y: np.ndarray, where: str) -> np.ndarray:
    if y.dtype.kind not in "uif":
        raise DataError(f"{where} holds {y.dtype} labels, not digits 0-9")
    if y.dtype.kind == "f" and (not np.all(np.isfinite(y)) or not np.all(y == np.round(y))):
        raise DataError(f"{where} holds labels that are not whole numbers (NaN or fractions)")
    if y.min() < 0 or y.max() > 9:
        raise DataError(f"{where} holds labels outside 0-9")
    return y.astype(np.uint8)


def to_model_input(images: np.ndarray) -> np.ndarray:
    """uint8 (N, 28, 28) or float (N, 28, 28) in [0, 1] -> float32 (N, 28, 28, 1) in [0, 1]."""
    x = np.asarray(images)
    x = x.astype(np.float32) / 255.0 if x.dtype == np.uint8 else x.astype(np.float32)
    return x.reshape(-1, 28, 28, 1)
