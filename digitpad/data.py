"""MNIST from a local .npz in Keras' layout, loaded without pickle."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import resources

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
    """Load MNIST (uint8 images 0=background, 255=ink) from `path`, default the bundled copy."""
    path = Path(path) if path is not None else resources.mnist_path()
    if not path.is_file():
        raise DataError(f"MNIST file not found: {path}")
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in _EXPECTED if key in npz.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise DataError(f"{path} is not a readable .npz file ({exc})") from exc
    missing = sorted(set(_EXPECTED) - set(arrays))
    if missing:
        raise DataError(f"{path} is not in Keras' MNIST layout: missing {', '.join(missing)}")
    for key, (ndim, _dtype) in _EXPECTED.items():
        if arrays[key].ndim != ndim:
            raise DataError(f"{path}: {key} has shape {arrays[key].shape}")
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.shape[1:] != (28, 28) or len(x) != len(y):
            raise DataError(f"{path}: x_{split} {x.shape} does not match y_{split} {y.shape}")
        if len(y) and (y.min() < 0 or y.max() > 9):
            raise DataError(f"{path}: y_{split} holds labels outside 0-9")
    return Mnist(**{k: v.astype(np.uint8, copy=False) for k, v in arrays.items()})


def to_model_input(images: np.ndarray) -> np.ndarray:
    """uint8 (N, 28, 28) or float (N, 28, 28) in [0, 1] -> float32 (N, 28, 28, 1) in [0, 1]."""
    x = np.asarray(images)
    x = x.astype(np.float32) / 255.0 if x.dtype == np.uint8 else x.astype(np.float32)
    return x.reshape(-1, 28, 28, 1)
