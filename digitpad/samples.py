"""The user's own handwriting samples, in SQLite. Qt-free. Export files: `sample_files`;
schema and migrations: `sample_schema` (this module stays a little over 300 lines: the store's
reads and writes belong together).

Each save is one committed transaction (WAL journal, synchronous=FULL): killing the app at any
moment loses at most the sample being saved. A database that SQLite cannot read is moved aside
at start and a new, empty one is made; `SampleStore.recovered_from` then says where it went."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .pendata import NOT_A_DIGIT
from .sample_schema import SCHEMA_VERSION, SampleStoreError, _check_schema, _migrate, _unavailable

MAX_LABEL = NOT_A_DIGIT  # 0-9, and 10: "not a digit"

_INSERT = (
    "INSERT OR IGNORE INTO samples (uid, label, image, strokes, created, model, guess)"
    " VALUES (:uid, :label, :image, :strokes, :created, :model, :guess)"
)


@dataclass(frozen=True)
class Sample:
    id: int
    uid: str
    label: int
    image: np.ndarray  # (28, 28) uint8, 255 = ink
    strokes: list
    created: str
    model: str | None
    guess: int | None

    @property
    def image_float(self) -> np.ndarray:
        return self.image.astype(np.float32) / 255.0


def _image_bytes(image: np.ndarray) -> bytes:
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


def _canonical_strokes(strokes) -> str:
    return json.dumps(
        [[[round(float(x), 2), round(float(y), 2)] for x, y, *_ in s] for s in strokes], separators=(",", ":")
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
            raise SampleStoreError(_unavailable(self.path, exc)) from None
        except sqlite3.DatabaseError:
            self.recovered_from = self._move_aside()
            try:
                self._conn = self._open()
            except sqlite3.DatabaseError as exc:
                raise SampleStoreError(_unavailable(self.path, exc)) from None

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=self.timeout)
        try:
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {check}")
            version, has_table = _check_schema(conn, self.path)  # before any write
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            if version != SCHEMA_VERSION or not has_table:
                _migrate(conn, has_table)
        except BaseException:
            conn.close()
            raise
        return conn

    def _move_aside(self) -> Path:
        from .model_io import unique_path

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
        strokes,
        model: str | None = None,
        guess: int | None = None,
        created: str | None = None,
    ) -> int | None:
        """Store one sample; returns its id, or None if the very same sample is already there."""
        label = _check_label(label)
        guess = None if guess is None else _check_label(guess)
        image_b = _image_bytes(image)
        strokes_json = _canonical_strokes(strokes)
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

    def relabel(self, ids, label: int) -> None:
        label = _check_label(label)
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            for sample in self.get(ids):
                strokes_json = _canonical_strokes(sample.strokes)
                uid = sample_uid(int(label), sample.image.tobytes(), strokes_json)
                self._conn.execute("DELETE FROM samples WHERE uid = ? AND id != ?", (uid, sample.id))
                self._conn.execute("UPDATE samples SET label = ?, uid = ? WHERE id = ?", (int(label), uid, sample.id))

    def delete(self, ids) -> list[Sample]:
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
                        _canonical_strokes(s.strokes),
                        s.created,
                        s.model,
                        s.guess,
                    ),
                )
                restored += cursor.rowcount
        return restored

    # -- reading -------------------------------------------------------------------------
    def _rows(self, sql: str, params=()) -> list[Sample]:
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

    def get(self, ids) -> list[Sample]:
        ids = [int(i) for i in ids]
        if not ids:
            return []
        return self._rows(f"WHERE id IN ({','.join('?' * len(ids))}) ORDER BY id", ids)

    def count(self) -> int:
        return self._conn.execute("SELECT COUNT(*) FROM samples").fetchone()[0]

    def counts(self) -> dict[int, int]:
        found = dict(self._conn.execute("SELECT label, COUNT(*) FROM samples GROUP BY label"))
        return {d: found.get(d, 0) for d in range(MAX_LABEL + 1)}

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """All samples as (N, 28, 28) uint8 images and (N,) labels."""
        samples = self.all()
        if not samples:
            return np.zeros((0, 28, 28), np.uint8), np.zeros((0,), np.uint8)
        return np.stack([s.image for s in samples]), np.array([s.label for s in samples], np.uint8)

    # -- export and import ---------------------------------------------------------------
    def export(self, path: Path) -> int:
        """Write every sample to one JSON file (atomically); returns how many."""
        from .sample_files import write_export

        return write_export(self.all(), Path(path))

    def import_file(self, path: Path) -> tuple[int, int]:
        """Merge a file made by `export`; returns (added, already there). All or nothing: a bad
        file raises SampleFileError and changes nothing."""
        from .sample_files import read_export

        records = read_export(Path(path))
        added = 0
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            for r in records:
                added += self._conn.execute(_INSERT, r).rowcount
        return added, len(records) - added


def iter_images(path: Path, chunk: int = 512):
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


def _check_label(value) -> int:
    """A class label: an int 0-9, or 10 for "not a digit" (no bools, floats or strings)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"a label is a whole number from 0 to {MAX_LABEL}, not {value!r}")
    if not 0 <= int(value) <= MAX_LABEL:
        raise ValueError(f"a label is a whole number from 0 to {MAX_LABEL}, not {value!r}")
    return int(value)
