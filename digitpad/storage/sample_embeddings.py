"""The writer memory's embeddings in the samples database (table `embeddings`, schema 3): one
vector per sample and model, stored as float16 next to the sample. Qt-free. Each function
opens a connection of its own: they run on the recognition worker, beside the window's
connection (WAL: readers never wait for it).

A model's vectors are kept when another model is active: switching back finds them. Those of
deleted samples go when the trash is emptied (`samples._forget_old_trash`)."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from digitpad.storage.sample_records import decode_images, read_only

log = logging.getLogger(__name__)

WRITE_TIMEOUT = 5.0  # seconds a write waits for another program's lock before giving up


def stored_embeddings(path: Path, model: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ids, labels, (N, dim) float32 vectors) of the samples that have an embedding of `model`."""
    conn = read_only(path, WRITE_TIMEOUT)
    try:
        rows = conn.execute(
            "SELECT s.id, s.label, e.vector FROM samples s JOIN embeddings e ON e.sample_id = s.id AND e.model = ?"
            " ORDER BY s.id",
            (model,),
        ).fetchall()
    finally:
        conn.close()
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, 0), np.float32)
    vectors = np.frombuffer(b"".join(r[2] for r in rows), np.float16).reshape(len(rows), -1)
    return (
        np.array([r[0] for r in rows], np.int64),
        np.array([r[1] for r in rows], np.int64),
        vectors.astype(np.float32),
    )


def missing_embeddings(
    path: Path, model: str, after: int = 0, limit: int = 256
) -> tuple[list[int], list[int], np.ndarray]:
    """(ids, labels, (n, 28, 28) float32 images) of up to `limit` samples with an id above
    `after` that have no embedding of `model` yet, oldest first."""
    conn = read_only(path, WRITE_TIMEOUT)
    try:
        rows = conn.execute(
            "SELECT s.id, s.label, s.image FROM samples s LEFT JOIN embeddings e ON e.sample_id = s.id AND e.model = ?"
            " WHERE s.id > ? AND e.sample_id IS NULL ORDER BY s.id LIMIT ?",
            (model, int(after), int(limit)),
        ).fetchall()
    finally:
        conn.close()
    if not rows:
        return [], [], np.zeros((0, 28, 28), np.float32)
    images = decode_images([r[2] for r in rows])
    return [r[0] for r in rows], [r[1] for r in rows], images.astype(np.float32) / 255.0


def sample_for_memory(path: Path, sample_id: int) -> tuple[int, np.ndarray] | None:
    """(label, (28, 28) float32 image) of one sample, None if it is not there (deleted)."""
    conn = read_only(path, WRITE_TIMEOUT)
    try:
        row = conn.execute("SELECT label, image FROM samples WHERE id = ?", (int(sample_id),)).fetchone()
    finally:
        conn.close()
    if row is None:
        return None
    return int(row[0]), decode_images([row[1]])[0].astype(np.float32) / 255.0


def save_embeddings(path: Path, model: str, ids: Sequence[int], vectors: np.ndarray) -> bool:
    """Store the vectors of `model` for samples `ids` (one transaction); False when the database
    cannot be written now (locked, read-only): they are computed again next time."""
    vectors = np.asarray(vectors, np.float16).reshape(len(ids), -1)
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=WRITE_TIMEOUT)
    except sqlite3.Error as exc:
        log.warning("embeddings not saved: %s", exc)
        return False
    try:
        with conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(
                "INSERT OR REPLACE INTO embeddings (sample_id, model, vector) VALUES (?, ?, ?)",
                ((int(i), model, v.tobytes()) for i, v in zip(ids, vectors, strict=True)),
            )
        return True
    except sqlite3.Error as exc:  # locked by another program, read-only, a full disk
        log.warning("embeddings not saved: %s", exc)
        return False
    finally:
        conn.close()
