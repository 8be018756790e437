"""The user's own handwriting samples, in SQLite. Qt-free. Export files: `sample_files`;
schema and migrations: `sample_schema` (this module stays a little over 300 lines: the store's
reads and writes belong together).

Each save is one committed transaction (WAL journal, synchronous=FULL): killing the app at any
moment loses at most the sample being saved. A database that SQLite cannot read is moved aside
at start and a new, empty one is made; `SampleStore.recovered_from` then says where it went."""

from __future__ import annotations

import datetime as _dt
import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from digitpad.classes import NOT_A_DIGIT, check_label
from digitpad.storage.files import unique_path
from digitpad.storage.sample_files import read_export, write_export
from digitpad.storage.sample_records import (
    Sample,
    canonical_strokes,
    decode_images,
    image_bytes,
    read_only,
    sample_uid,
)
from digitpad.storage.sample_schema import (
    COLUMNS,
    SCHEMA_VERSION,
    Migration,
    SampleStoreError,
    check_schema,
    migrate,
    unavailable,
)

log = logging.getLogger(__name__)

OPEN_TIMEOUT = 15.0  # seconds opening waits for the write lock (another DigitPad making the schema)
TRASH_DAYS = 7  # deleted samples are kept this long for Undo (it ends with the window anyway)
CHUNK = 500  # ids per statement where a list of them is spelled out
_COLUMN_LIST = ", ".join(COLUMNS)
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
        self.timeout = timeout  # seconds a write waits for another program's lock
        self.recovered_from: Path | None = None
        self.migration: Migration | None = None  # what opening changed, if anything
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
        # Opening (and making or migrating the schema) may wait longer than a write: several
        # DigitPads started at once on a new folder take turns.
        timeout = max(self.timeout, OPEN_TIMEOUT)
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=timeout)
        try:
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {check}")
            version, has_table = check_schema(conn, self.path)  # before any write
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            if version != SCHEMA_VERSION or not has_table:
                self.migration = migrate(conn, self.path)  # decided again under the write lock
            _forget_old_trash(conn)
            conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        except BaseException:
            conn.close()
            raise
        conn.create_function("sample_uid", 3, sample_uid, deterministic=True)
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

    def _pick(self, ids: Iterable[int]) -> None:
        """The ids an edit works on, in a temporary table (no limit on how many: SQLite allows
        32,766 variables in one statement)."""
        self._conn.execute("CREATE TEMP TABLE IF NOT EXISTS pick (id INTEGER PRIMARY KEY)")
        self._conn.execute("DELETE FROM pick")
        self._conn.executemany("INSERT OR IGNORE INTO pick VALUES (?)", ((int(i),) for i in ids))

    def relabel(self, ids: Iterable[int], label: int) -> int:
        """Give samples another label, in one statement; returns how many. A sample that becomes
        the same as another (the same drawing, now with the same label) replaces it."""
        label = check_label(label)
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            self._pick(ids)
            cursor = self._conn.execute(
                "UPDATE OR REPLACE samples SET label = :label, uid = sample_uid(:label, image, strokes)"
                " WHERE id IN (SELECT id FROM pick)",
                {"label": label},
            )
            return int(cursor.rowcount)

    def delete(self, ids: Iterable[int]) -> int:
        """Delete samples, keeping them in the trash until their undo is over; returns the
        operation's number for `restore`, or 0 when none of the ids was there."""
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            self._pick(ids)
            op = int(self._conn.execute("SELECT COALESCE(MAX(op), 0) + 1 FROM trash").fetchone()[0])
            moved = self._conn.execute(
                f"INSERT INTO trash (op, deleted, {_COLUMN_LIST}) SELECT ?, ?, {_COLUMN_LIST} FROM samples"
                " WHERE id IN (SELECT id FROM pick)",
                (op, _now()),
            ).rowcount
            self._conn.execute("DELETE FROM samples WHERE id IN (SELECT id FROM pick)")
        return op if moved else 0

    def deleted_count(self, op: int) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM trash WHERE op = ?", (op,)).fetchone()[0])

    def restore(self, op: int) -> tuple[list[int], int]:
        """Put back the samples deleted by operation `op` under their ids (never reused:
        AUTOINCREMENT); returns (the ids that came back, how many were deleted). One whose
        drawing was saved again meanwhile is already there and stays as it is."""
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            wanted = self.deleted_count(op)
            self._conn.execute(
                f"INSERT OR IGNORE INTO samples ({_COLUMN_LIST}) SELECT {_COLUMN_LIST} FROM trash WHERE op = ?", (op,)
            )
            back = [
                row[0]
                for row in self._conn.execute(
                    "SELECT t.id FROM trash t JOIN samples s ON s.id = t.id AND s.uid = t.uid"
                    " WHERE t.op = ? ORDER BY t.id",
                    (op,),
                )
            ]
            self._conn.execute("DELETE FROM trash WHERE op = ?", (op,))
        return back, wanted

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

    def rows(self, after: int = 0) -> np.ndarray:
        """(N, 3) int64: id, label, guess or -1 of every sample (with an id above `after`),
        oldest first: what a list view needs (150,000 read in a fraction of a second, made an
        array here, on the worker that reads them, not on the GUI thread)."""
        rows = self._conn.execute(
            "SELECT id, label, COALESCE(guess, -1) FROM samples WHERE id > ? ORDER BY id", (after,)
        ).fetchall()
        return np.array(rows, np.int64).reshape(-1, 3)

    def created(self, sample_id: int) -> str | None:
        row = self._conn.execute("SELECT created FROM samples WHERE id = ?", (int(sample_id),)).fetchone()
        return None if row is None else str(row[0])

    def image(self, sample_id: int) -> np.ndarray | None:
        row = self._conn.execute("SELECT image FROM samples WHERE id = ?", (int(sample_id),)).fetchone()
        return None if row is None else np.frombuffer(row[0], np.uint8).reshape(28, 28)

    def get(self, ids: Iterable[int]) -> list[Sample]:
        ids = sorted({int(i) for i in ids})
        out: list[Sample] = []
        for start in range(0, len(ids), CHUNK):  # within SQLite's limit of variables
            chunk = ids[start : start + CHUNK]
            out += self._rows(f"WHERE id IN ({','.join('?' * len(chunk))}) ORDER BY id", chunk)
        return out

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


def _now() -> str:
    """UTC, so that the trash's times compare as text whatever the time zone."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _forget_old_trash(conn: sqlite3.Connection) -> None:
    """Samples deleted more than TRASH_DAYS ago are gone for good (their undo ended with the
    window that deleted them); so are embeddings of samples that are nowhere. Skipped, not
    waited for, while another program writes."""
    cutoff = (_dt.datetime.now(_dt.timezone.utc) - _dt.timedelta(days=TRASH_DAYS)).isoformat(timespec="seconds")
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        with conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DELETE FROM trash WHERE deleted < ?", (cutoff,))
            conn.execute(
                "DELETE FROM embeddings WHERE sample_id NOT IN (SELECT id FROM samples)"
                " AND sample_id NOT IN (SELECT id FROM trash)"
            )
    except sqlite3.OperationalError as exc:  # locked by another program: next time
        log.info("old trash not emptied now: %s", exc)


def read_arrays(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Every sample of the database at `path` as (N, 28, 28) uint8 images and (N,) labels, over
    a read-only connection of its own (for a worker thread: 150,000 samples take seconds)."""
    conn = read_only(path)
    try:
        rows = conn.execute("SELECT image, label FROM samples ORDER BY id").fetchall()
    finally:
        conn.close()
    if not rows:
        return np.zeros((0, 28, 28), np.uint8), np.zeros((0,), np.uint8)
    images = decode_images([r[0] for r in rows])
    return images, np.array([r[1] for r in rows], np.uint8)


def iter_images(path: Path, chunk: int = 512, after: int = 0) -> Iterator[tuple[list[int], np.ndarray]]:
    """(ids, (n, 28, 28) float32 images) of the samples database at `path` (those with an id
    above `after`), in chunks, over a read-only connection of its own (for a worker thread):
    bounded memory for any number."""
    conn = read_only(path)
    try:
        last = after
        while True:
            batch = conn.execute(
                "SELECT id, image FROM samples WHERE id > ? ORDER BY id LIMIT ?", (last, chunk)
            ).fetchall()
            if not batch:
                return
            last = batch[-1][0]
            images = decode_images([r[1] for r in batch])
            yield [r[0] for r in batch], images.astype(np.float32) / 255.0
    finally:
        conn.close()
