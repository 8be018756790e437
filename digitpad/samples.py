"""The user's own handwriting samples, in SQLite. Qt-free.

Each save is one committed transaction (WAL journal, synchronous=FULL): killing the app at any
moment loses at most the sample being saved. A database that SQLite cannot read is moved aside
at start and a new, empty one is made; `SampleStore.recovered_from` then says where it went."""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np

EXPORT_FORMAT = "digitpad-samples"
EXPORT_VERSION = 1
MAX_LABEL = 10  # 0-9, and 10: "not a digit"
MAX_IMPORT_BYTES = 512 * 1024 * 1024  # an export of 150,000 samples is about 300 MB
MAX_STROKE_POINTS = 100_000  # per sample

# Schema versions (PRAGMA user_version): 0/1 = DigitPad 0.1.0 (ids could be reused, labels 0-9);
# 2 = ids never reused (AUTOINCREMENT), label 10 = "not a digit".
SCHEMA_VERSION = 2
_COLUMNS = ("id", "uid", "label", "image", "strokes", "created", "model", "guess")
_CREATE = """
CREATE TABLE samples (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    uid     TEXT NOT NULL UNIQUE,
    label   INTEGER NOT NULL CHECK (label BETWEEN 0 AND 10),
    image   BLOB NOT NULL CHECK (length(image) = 784),
    strokes TEXT NOT NULL,
    created TEXT NOT NULL,
    model   TEXT,
    guess   INTEGER
);
CREATE INDEX samples_label ON samples(label);
"""
_INSERT = (
    "INSERT OR IGNORE INTO samples (uid, label, image, strokes, created, model, guess)"
    " VALUES (:uid, :label, :image, :strokes, :created, :model, :guess)"
)


class SampleStoreError(Exception):
    """The samples database cannot be used right now, and was left as it is (locked by another
    program, read-only, made by a newer DigitPad); the message is meant for the user."""


class SampleFileError(Exception):
    """An import file that cannot be used; the message is meant for the user."""


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
        from .model_io import _atomic_write

        records = [
            {
                "uid": s.uid,
                "label": s.label,
                "image": base64.b64encode(s.image.tobytes()).decode(),
                "strokes": s.strokes,
                "created": s.created,
                "model": s.model,
                "guess": s.guess,
            }
            for s in self.all()
        ]
        payload = json.dumps(records, separators=(",", ":"))
        document = {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "count": len(records),
            "sha256": hashlib.sha256(payload.encode()).hexdigest(),
            "samples": records,
        }
        text = json.dumps(document, separators=(",", ":"))
        _atomic_write(Path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"))
        return len(records)

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


def _unavailable(path: Path, exc: Exception) -> str:
    text = str(exc)
    if "locked" in text or "busy" in text:
        why = "it is in use by another program (locked)"
    elif "readonly" in text or "read-only" in text or "unable to open" in text or "permission" in text.lower():
        why = "it or its folder cannot be written (read-only or no permission)"
    else:
        why = text
    return f"The samples database {path} cannot be opened now: {why}. It was left as it is."


def _check_schema(conn: sqlite3.Connection, path: Path) -> tuple[int, bool]:
    """(schema version, whether the samples table exists), reading only; a newer version or
    an unknown layout raises SampleStoreError (the file is not touched)."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise SampleStoreError(
            f"The samples database {path} was made by a newer DigitPad (schema "
            f"{version}; this one knows up to {SCHEMA_VERSION}). Update DigitPad; "
            "the database was left as it is."
        )
    columns = tuple(row[1] for row in conn.execute("PRAGMA table_info(samples)"))
    if columns and sorted(columns) != sorted(_COLUMNS):
        raise SampleStoreError(
            f"The samples database {path} has an unknown layout (columns {', '.join(columns)}); it was left as it is."
        )
    return version, bool(columns)


def _migrate(conn: sqlite3.Connection, has_table: bool) -> None:
    """Bring the schema to SCHEMA_VERSION in one transaction (0/1 -> 2 keeps every sample)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        if has_table:  # schema 0/1 -> 2: rebuild with AUTOINCREMENT and label 10
            conn.execute("ALTER TABLE samples RENAME TO samples_v1")
            conn.execute("DROP INDEX IF EXISTS samples_label")
        for statement in _CREATE.strip().split(";"):
            if statement.strip():
                conn.execute(statement)
        if has_table:
            columns = ", ".join(_COLUMNS)
            conn.execute(f"INSERT INTO samples ({columns}) SELECT {columns} FROM samples_v1")
            conn.execute("DROP TABLE samples_v1")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _check_label(value) -> int:
    """A class label: an int 0-9, or 10 for "not a digit" (no bools, floats or strings)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"a label is a whole number from 0 to {MAX_LABEL}, not {value!r}")
    if not 0 <= int(value) <= MAX_LABEL:
        raise ValueError(f"a label is a whole number from 0 to {MAX_LABEL}, not {value!r}")
    return int(value)


def _check_strokes(strokes) -> list:
    """Strokes as lists of finite (x, y) numbers, bounded in size."""
    if not isinstance(strokes, list):
        raise ValueError("strokes are not a list")
    total = 0
    for stroke in strokes:
        if not isinstance(stroke, list):
            raise ValueError("a stroke is not a list of points")
        total += len(stroke)
        if total > MAX_STROKE_POINTS:
            raise ValueError(f"more than {MAX_STROKE_POINTS} points")
        for point in stroke:
            if (
                not isinstance(point, list)
                or len(point) < 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in point[:2])
                or not all(np.isfinite(point[:2]))
            ):
                raise ValueError("a point is not two finite numbers")
    return strokes


def _read_limited(path: Path) -> str:
    """The file's text, refusing what is not a regular file or is too large to be an export."""
    import os
    import stat

    try:
        with open(path, "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise SampleFileError(f"{path.name} is not a regular file")
            data = f.read(MAX_IMPORT_BYTES + 1)
    except FileNotFoundError:
        raise SampleFileError(f"No such file: {path}") from None
    except IsADirectoryError:
        raise SampleFileError(f"{path.name} is a folder, not a samples file") from None
    except OSError as exc:
        raise SampleFileError(f"{path.name} cannot be read: {exc.strerror or exc}") from None
    if len(data) > MAX_IMPORT_BYTES:
        raise SampleFileError(f"{path.name} is larger than {MAX_IMPORT_BYTES >> 20} MB: not a samples file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise SampleFileError(f"{path.name} is not a DigitPad samples file (not UTF-8 text)") from None


def read_export(path: Path) -> list[dict]:
    """Parse and check a whole export file before anything is written."""
    path = Path(path)
    text = _read_limited(path)
    try:
        document = json.loads(text)
    except RecursionError:
        raise SampleFileError(f"{path.name} is not a DigitPad samples file (nested too deeply)") from None
    except ValueError:
        raise SampleFileError(f"{path.name} is damaged or truncated (not complete JSON)") from None
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise SampleFileError(f"{path.name} is not a DigitPad samples file")
    if document.get("version") != EXPORT_VERSION:
        raise SampleFileError(f"{path.name} is from an unknown version ({document.get('version')!r})")
    samples = document.get("samples")
    if not isinstance(samples, list) or document.get("count") != len(samples):
        raise SampleFileError(f"{path.name} is incomplete: it promises {document.get('count')!r} samples")
    payload = json.dumps(samples, separators=(",", ":"))
    if hashlib.sha256(payload.encode()).hexdigest() != document.get("sha256"):
        raise SampleFileError(f"{path.name} is damaged: its checksum does not match")
    records = []
    for number, s in enumerate(samples, 1):
        try:
            if not isinstance(s, dict):
                raise ValueError("not an object")
            label = _check_label(s["label"])
            guess = None if s.get("guess") is None else _check_label(s["guess"])
            if not isinstance(s["image"], str):
                raise ValueError("image is not base64 text")
            image = base64.b64decode(s["image"], validate=True)
            if len(image) != 784:
                raise ValueError("the image is not 28x28")
            strokes_json = _canonical_strokes(_check_strokes(s["strokes"]))
            if not isinstance(s["created"], str) or not (s.get("model") is None or isinstance(s["model"], str)):
                raise ValueError("created or model is not text")
            records.append(
                {
                    "uid": sample_uid(label, image, strokes_json),
                    "label": label,
                    "image": image,
                    "strokes": strokes_json,
                    "created": s["created"][:64],
                    "model": None if s.get("model") is None else s["model"][:256],
                    "guess": guess,
                }
            )
        except (KeyError, TypeError, ValueError, OverflowError) as exc:
            raise SampleFileError(f"{path.name}: sample {number} is malformed ({exc})") from None
    return records
