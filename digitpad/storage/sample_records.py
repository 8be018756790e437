"""A sample as stored: its record, its content address and the canonical form of its strokes.
Shared by the samples database (`samples`) and its export files (`sample_files`). Qt-free."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Sample:
    id: int
    uid: str
    label: int
    image: np.ndarray  # (28, 28) uint8, 255 = ink
    strokes: list[Any]
    created: str
    model: str | None
    guess: int | None

    @property
    def image_float(self) -> np.ndarray:
        return self.image.astype(np.float32) / 255.0


def read_only(path: Path, timeout: float = 5.0) -> sqlite3.Connection:
    """A read-only connection of its own to the samples database at `path` (for a worker thread,
    beside the window's connection: WAL, readers never wait for it)."""
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)


def decode_images(blobs: Sequence[bytes]) -> np.ndarray:
    """Stored images (28 x 28 bytes each) as one (n, 28, 28) uint8 array."""
    return np.frombuffer(b"".join(blobs), np.uint8).reshape(-1, 28, 28)


def image_bytes(image: np.ndarray) -> bytes:
    arr = np.asarray(image)
    if arr.shape != (28, 28):
        raise ValueError(f"a sample image is 28x28, not {arr.shape}")
    if arr.dtype != np.uint8:
        arr = np.clip(np.round(arr.astype(np.float32) * 255), 0, 255).astype(np.uint8)
    return arr.tobytes()


def sample_uid(label: int, image: bytes, strokes_json: str) -> str:
    """Content address: the same drawing with the same label is the same sample."""
    digest = hashlib.sha256()
    digest.update(bytes([label]))
    digest.update(image)
    digest.update(strokes_json.encode())
    return digest.hexdigest()


def canonical_strokes(strokes: Any) -> str:
    return json.dumps(
        [[[round(float(x), 2), round(float(y), 2)] for x, y, *_ in s] for s in strokes], separators=(",", ":")
    )
