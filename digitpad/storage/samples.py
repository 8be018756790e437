"""The user's own handwriting samples, in SQLite. Qt-free. Export files: `sample_files`;
schema and migrations: `sample_schema` (this module stays a little over 300 lines: the store's
reads and writes belong together).

Each save is one committed transaction (WAL journal, synchronous=FULL): killing the app at any
moment loses at most the sample being saved. A database that SQLite cannot read is moved aside
at start and a new, empty one is made; `SampleStore.recovered_from` then says where it went."""

from __future__ import annotations

import datetime as _dt
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from digitpad.classes import NOT_A_DIGIT, check_label
from digitpad.storage.files import unique_path
from digitpad.storage.sample_files import read_export, write_export
from digitpad.storage.sample_records import Sample, canonical_strokes, image_bytes, sample_uid
from digitpad.storage.sample_schema import SCHEMA_VERSION, SampleStoreError, check_schema, migrate, unavailable

_INSERT = (
    "INSERT OR IGNORE INTO samples (uid, label, image, strokes, created, model, guess)"
    " VALUES (:uid, :label, :image, :strokes, :created, :model, :guess)"
)


class SampleStore:
    """Samples in SQLite. Opening tells three cases apart: a database SQLite cannot read is
    damaged (moved aside, a new one started, `recovered_from` says where); one that is locked,
    read-only or of a newer or unknown layout raises SampleStoreError and is not touched."""

    def __init__(self, path: Path, timeout: float = 5.0):
        self.path = Path(path)
        self.timeout = timeout  # seconds to wait for another program's lock
        self.recovered_from: Path | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SampleStoreError(
                f"The samples folder {self.path.parent} cannot be made: {exc.strerror or exc}"
            ) from None
        try:
            self._conn = self._open()
        except sqlite3.OperationalError as exc:  # locked, read-only, no permission: not damage
            raise SampleStoreError(unavailable(self.path, exc)) from None
        except sqlite3.DatabaseError:
            self.recovered_from = self._move_aside()
            try:
                self._conn = self._open()
            except sqlite3.DatabaseError as exc:
                raise SampleStoreError(unavailable(self.path, exc)) from None

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=self.timeout)
        try:
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {check}")
            version, has_table = check_schema(conn, self.path)  # before any write
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            if version != SCHEMA_VERSION or not has_table:
                migrate(conn, has_table)
        except BaseException:
            conn.close()
            raise
        return conn

    def _move_aside(self) -> Path:
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = unique_path(self.path.with_name(f"{self.path.stem}.corrupt-{stamp}{self.path.suffix}"))
        try:
            self.path.rename(target)
            for suffix in ("-wal", "-shm"):  # the journal belongs to the damaged file
                side = self.path.with_name(self.path.name + suffix)
                if side.exists():
                    side.rename(target.with_name(target.name + suffix))
        except OSError as exc:
            raise SampleStoreError(
                f"The samples database {self.path} is damaged and cannot be moved aside "
                f"({exc.strerror or exc}); it was left as it is."
            ) from None
        return target

    def close(self) -> None:
        self._conn.close()

    # -- writing: each call is one transaction -------------------------------------------
    def add(
        self,
        label: int,
        image: np.ndarray,
        strokes: Any,
        model: str | None = None,
        guess: int | None = None,
        created: str | None = None,
    ) -> int | None:
        """Store one sample; returns its id, or None if the very same sample is already there."""
        label = check_label(label)
        guess = None if guess is None else check_label(guess)
        image_b = image_bytes(image)
        strokes_json = canonical_strokes(strokes)
        created = created or _dt.datetime.now().astimezone().isoformat(timespec="seconds")
        uid = sample_uid(label, image_b, strokes_json)
        record = {
            "uid": uid,
            "label": label,
            "image": image_b,
            "strokes": strokes_json,
            "created": created,
            "model": model,
            "guess": guess,
        }
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            cursor = self._conn.execute(_INSERT, record)
            return cursor.lastrowid if cursor.rowcount else None

    def relabel(self, ids: Iterable[int], label: int) -> None:
        label = check_label(label)
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            for sample in self.get(ids):
                strokes_json = canonical_strokes(sample.strokes)
                uid = sample_uid(int(label), sample.image.tobytes(), strokes_json)
                self._conn.execute("DELETE FROM samples WHERE uid = ? AND id != ?", (uid, sample.id))
                self._conn.execute("UPDATE samples SET label = ?, uid = ? WHERE id = ?", (int(label), uid, sample.id))

    def delete(self, ids: Iterable[int]) -> list[Sample]:
        """Delete samples; returns them, so that `restore` can undo it."""
        removed = self.get(ids)
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.executemany("DELETE FROM samples WHERE id = ?", [(s.id,) for s in removed])
        return removed

    def restore(self, samples: list[Sample]) -> int:
        """Put deleted samples back under their ids (never reused: AUTOINCREMENT); returns how
        many came back. One whose drawing was saved again meanwhile is already there."""
        restored = 0
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            for s in samples:
                cursor = self._conn.execute(
                    "INSERT OR IGNORE INTO samples (id, uid, label, image, strokes, created, model, guess)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        s.id,
                        s.uid,
                        s.label,
                        s.image.tobytes(),
                        canonical_strokes(s.strokes),
                        s.created,
                        s.model,
                        s.guess,
                    ),
                )
                restored += cursor.rowcount
        return restored

    # -- reading -------------------------------------------------------------------------
    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Sample]:
        out = []
        for row in self._conn.execute(
            "SELECT id, uid, label, image, strokes, created, model, guess FROM samples " + sql, params
        ):
            out.append(
                Sample(
                    row[0],
                    row[1],
                    row[2],
                    np.frombuffer(row[3], np.uint8).reshape(28, 28),
                    json.loads(row[4]),
                    row[5],
                    row[6],
                    row[7],
                )
            )
        return out

    def all(self, label: int | None = None) -> list[Sample]:
        if label is None:
            return self._rows("ORDER BY id")
        return self._rows("WHERE label = ? ORDER BY id", (int(label),))

    def rows(self) -> list[tuple[int, int, str, int | None]]:
        """(id, label, created, guess) of every sample, oldest first: what a list view needs,
        without the images (150,000 samples read in well under a second)."""
        return self._conn.execute("SELECT id, label, created, guess FROM samples ORDER BY id").fetchall()

    def image(self, sample_id: int) -> np.ndarray | None:
        row = self._conn.execute("SELECT image FROM samples WHERE id = ?", (int(sample_id),)).fetchone()
        return None if row is None else np.frombuffer(row[0], np.uint8).reshape(28, 28)

    def get(self, ids: Iterable[int]) -> list[Sample]:
        ids = [int(i) for i in ids]
        if not ids:
            return []
        return self._rows(f"WHERE id IN ({','.join('?' * len(ids))}) ORDER BY id", ids)

    def count(self) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM samples").fetchone()[0])

    def counts(self) -> dict[int, int]:
        found = dict(self._conn.execute("SELECT label, COUNT(*) FROM samples GROUP BY label"))
        return {d: found.get(d, 0) for d in range(NOT_A_DIGIT + 1)}

    # -- export and import ---------------------------------------------------------------
    def export(self, path: Path) -> int:
        """Write every sample to one JSON file (atomically); returns how many."""
        return write_export(self.all(), Path(path))

    def import_file(self, path: Path) -> tuple[int, int]:
        """Merge a file made by `export`; returns (added, already there). All or nothing: a bad
        file raises SampleFileError and changes nothing."""
        records = read_export(Path(path))
        added = 0
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            for r in records:
                added += self._conn.execute(_INSERT, r).rowcount
        return added, len(records) - added


def read_arrays(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Every sample of the database at `path` as (N, 28, 28) uint8 images and (N,) labels, over
    a read-only connection of its own (for a worker thread: 150,000 samples take seconds)."""
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)
    try:
        rows = conn.execute("SELECT image, label FROM samples ORDER BY id").fetchall()
    finally:
        conn.close()
    if not rows:
        return np.zeros((0, 28, 28), np.uint8), np.zeros((0,), np.uint8)
    images = np.frombuffer(b"".join(r[0] for r in rows), np.uint8).reshape(-1, 28, 28)
    return images, np.array([r[1] for r in rows], np.uint8)


def iter_images(path: Path, chunk: int = 512) -> Iterator[tuple[list[int], np.ndarray]]:
    """(ids, (n, 28, 28) float32 images) of the samples database at `path`, in chunks, over a
    read-only connection of its own (for a worker thread): bounded memory for any number."""
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)
    try:
        last = -1
        while True:
            batch = conn.execute(
                "SELECT id, image FROM samples WHERE id > ? ORDER BY id LIMIT ?", (last, chunk)
            ).fetchall()
            if not batch:
                return
            last = batch[-1][0]
            images = np.frombuffer(b"".join(r[1] for r in batch), np.uint8).reshape(-1, 28, 28)
            yield [r[0] for r in batch], images.astype(np.float32) / 255.0
    finally:
        conn.close()
