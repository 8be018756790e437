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

_SCHEMA = """
CREATE TABLE IF NOT EXISTS samples (
    id      INTEGER PRIMARY KEY,
    uid     TEXT NOT NULL UNIQUE,
    label   INTEGER NOT NULL CHECK (label BETWEEN 0 AND 9),
    image   BLOB NOT NULL CHECK (length(image) = 784),
    strokes TEXT NOT NULL,
    created TEXT NOT NULL,
    model   TEXT,
    guess   INTEGER
);
CREATE INDEX IF NOT EXISTS samples_label ON samples(label);
"""


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
    return json.dumps([[[round(float(x), 2), round(float(y), 2)] for x, y, *_ in s] for s in strokes],
                      separators=(",", ":"))


class SampleStore:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.recovered_from: Path | None = None
        try:
            self._conn = self._open()
        except sqlite3.DatabaseError:
            self.recovered_from = self._move_aside()
            self._conn = self._open()

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {check}")
            conn.executescript(_SCHEMA)
            columns = {row[1] for row in conn.execute("PRAGMA table_info(samples)")}
            if not {"uid", "label", "image", "strokes"} <= columns:
                raise sqlite3.DatabaseError("not a DigitPad samples database")
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    def _move_aside(self) -> Path:
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.stem}.corrupt-{stamp}{self.path.suffix}")
        n = 1
        while target.exists():
            n += 1
            target = self.path.with_name(f"{self.path.stem}.corrupt-{stamp}-{n}{self.path.suffix}")
        self.path.rename(target)
        for suffix in ("-wal", "-shm"):  # the journal belongs to the damaged file
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                side.rename(target.with_name(target.name + suffix))
        return target

    def close(self) -> None:
        self._conn.close()

    # -- writing: each call is one transaction -------------------------------------------
    def add(self, label: int, image: np.ndarray, strokes, model: str | None = None,
            guess: int | None = None, created: str | None = None) -> int | None:
        """Store one sample; returns its id, or None if the very same sample is already there."""
        label = int(label)
        if not 0 <= label <= 9:
            raise ValueError("a label is a digit from 0 to 9")
        image_b = _image_bytes(image)
        strokes_json = _canonical_strokes(strokes)
        created = created or _dt.datetime.now().astimezone().isoformat(timespec="seconds")
        uid = sample_uid(label, image_b, strokes_json)
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            cursor = self._conn.execute(
                "INSERT OR IGNORE INTO samples (uid, label, image, strokes, created, model, guess)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (uid, label, image_b, strokes_json, created, model, guess))
            return cursor.lastrowid if cursor.rowcount else None

    def relabel(self, ids, label: int) -> None:
        if not 0 <= int(label) <= 9:
            raise ValueError("a label is a digit from 0 to 9")
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            for sample in self.get(ids):
                strokes_json = _canonical_strokes(sample.strokes)
                uid = sample_uid(int(label), sample.image.tobytes(), strokes_json)
                self._conn.execute("DELETE FROM samples WHERE uid = ? AND id != ?", (uid, sample.id))
                self._conn.execute("UPDATE samples SET label = ?, uid = ? WHERE id = ?",
                                   (int(label), uid, sample.id))

    def delete(self, ids) -> list[Sample]:
        """Delete samples; returns them, so that `restore` can undo it."""
        removed = self.get(ids)
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.executemany("DELETE FROM samples WHERE id = ?", [(s.id,) for s in removed])
        return removed

    def restore(self, samples: list[Sample]) -> None:
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.executemany(
                "INSERT OR IGNORE INTO samples (id, uid, label, image, strokes, created, model, guess)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(s.id, s.uid, s.label, s.image.tobytes(), _canonical_strokes(s.strokes), s.created,
                  s.model, s.guess) for s in samples])

    # -- reading -------------------------------------------------------------------------
    def _rows(self, sql: str, params=()) -> list[Sample]:
        out = []
        for row in self._conn.execute(
                "SELECT id, uid, label, image, strokes, created, model, guess FROM samples " + sql, params):
            out.append(Sample(row[0], row[1], row[2], np.frombuffer(row[3], np.uint8).reshape(28, 28),
                              json.loads(row[4]), row[5], row[6], row[7]))
        return out

    def all(self, label: int | None = None) -> list[Sample]:
        if label is None:
            return self._rows("ORDER BY id")
        return self._rows("WHERE label = ? ORDER BY id", (int(label),))

    def get(self, ids) -> list[Sample]:
        ids = [int(i) for i in ids]
        if not ids:
            return []
        return self._rows(f"WHERE id IN ({','.join('?' * len(ids))}) ORDER BY id", ids)

    def count(self) -> int:
        return self._conn.execute("SELECT COUNT(*) FROM samples").fetchone()[0]

    def counts(self) -> dict[int, int]:
        found = dict(self._conn.execute("SELECT label, COUNT(*) FROM samples GROUP BY label"))
        return {d: found.get(d, 0) for d in range(10)}

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

        records = [{"uid": s.uid, "label": s.label, "image": base64.b64encode(s.image.tobytes()).decode(),
                    "strokes": s.strokes, "created": s.created, "model": s.model, "guess": s.guess}
                   for s in self.all()]
        payload = json.dumps(records, separators=(",", ":"))
        document = {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "count": len(records),
                    "sha256": hashlib.sha256(payload.encode()).hexdigest(), "samples": records}
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
                cursor = self._conn.execute(
                    "INSERT OR IGNORE INTO samples (uid, label, image, strokes, created, model, guess)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (r["uid"], r["label"], r["image"], r["strokes"], r["created"], r["model"], r["guess"]))
                added += cursor.rowcount
        return added, len(records) - added


def read_export(path: Path) -> list[dict]:
    """Parse and check a whole export file before anything is written."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SampleFileError(f"No such file: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SampleFileError(f"{path.name} cannot be read: {exc}") from None
    try:
        document = json.loads(text)
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
            label = int(s["label"])
            image = base64.b64decode(s["image"], validate=True)
            strokes_json = _canonical_strokes(s["strokes"])
            if not 0 <= label <= 9 or len(image) != 784:
                raise ValueError("bad label or image size")
            guess = None if s.get("guess") is None else int(s["guess"])
            records.append({"uid": sample_uid(label, image, strokes_json), "label": label, "image": image,
                            "strokes": strokes_json, "created": str(s["created"]),
                            "model": None if s.get("model") is None else str(s["model"]), "guess": guess})
        except (KeyError, TypeError, ValueError) as exc:
            raise SampleFileError(f"{path.name}: sample {number} is malformed ({exc})") from None
    return records
