"""The samples database's schema: its versions, the check made before anything is written,
and the migrations. Qt-free."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


class SampleStoreError(Exception):
    """The samples database cannot be used right now, and was left as it is (locked by another
    program, read-only, made by a newer DigitPad); the message is meant for the user."""


# Schema versions (PRAGMA user_version): 0/1 = DigitPad 0.1.0 (ids could be reused, labels 0-9);
# 2 = ids never reused (AUTOINCREMENT), label 10 = "not a digit"; 3 = deleted samples kept in
# `trash` until their undo is over (an undo is one statement, whatever the number), and the
# writer memory's `embeddings` (one vector per sample and model).
SCHEMA_VERSION = 3
COLUMNS = ("id", "uid", "label", "image", "strokes", "created", "model", "guess")
SAMPLES_TABLE = """
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
V3_TABLES = """
CREATE TABLE IF NOT EXISTS trash (
    op      INTEGER NOT NULL,
    deleted TEXT NOT NULL,
    id      INTEGER NOT NULL,
    uid     TEXT NOT NULL,
    label   INTEGER NOT NULL,
    image   BLOB NOT NULL,
    strokes TEXT NOT NULL,
    created TEXT NOT NULL,
    model   TEXT,
    guess   INTEGER
);
CREATE INDEX IF NOT EXISTS trash_op ON trash(op);
CREATE TABLE IF NOT EXISTS embeddings (
    sample_id INTEGER NOT NULL,
    model     TEXT NOT NULL,
    vector    BLOB NOT NULL,
    PRIMARY KEY (sample_id, model)
);
"""
NOT_MIGRATED = "samples_not_migrated"  # rows of an old database that break today's constraints


@dataclass(frozen=True)
class Migration:
    """What opening the database changed: the version it was at, and how many old rows broke
    today's constraints (kept aside in the table NOT_MIGRATED, not shown)."""

    from_version: int
    kept_aside: int = 0


def unavailable(path: Path, exc: Exception) -> str:
    text = str(exc)
    if "locked" in text or "busy" in text:
        why = "it is in use by another program (locked)"
    elif "readonly" in text or "read-only" in text or "unable to open" in text or "permission" in text.lower():
        why = "it or its folder cannot be written (read-only or no permission)"
    else:
        why = text
    return f"The samples database {path} cannot be opened now: {why}. It was left as it is."


def check_schema(conn: sqlite3.Connection, path: Path) -> tuple[int, bool]:
    """(schema version, whether the samples table exists), reading only; a newer version or
    an unknown layout raises SampleStoreError (the file is not touched)."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise SampleStoreError(
            f"The samples database {path} was made by a newer DigitPad (schema "
            f"{version}; this one knows up to {SCHEMA_VERSION}). Update DigitPad; "
            "the database was left as it is."
        )
    columns = tuple(row[1] for row in conn.execute("PRAGMA table_info(samples)"))
    if columns and sorted(columns) != sorted(COLUMNS):
        raise SampleStoreError(
            f"The samples database {path} has an unknown layout (columns {', '.join(columns)}); it was left as it is."
        )
    return version, bool(columns)


def migrate(conn: sqlite3.Connection, path: Path) -> Migration | None:
    """Bring the schema to SCHEMA_VERSION in one transaction; None when it already was. Taken
    under the write lock and decided again there: two DigitPads opening a new folder at once
    both wait, one creates, the other finds it made. Rows of a version 0/1 database that break
    today's constraints are kept aside in NOT_MIGRATED; every other row keeps its id."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        version, has_table = check_schema(conn, path)
        if version == SCHEMA_VERSION and has_table:
            conn.execute("COMMIT")
            return None
        kept_aside = 0
        if not has_table:
            _run(conn, SAMPLES_TABLE)
        elif version < 2:  # schema 0/1 -> 2: rebuild with AUTOINCREMENT and label 10
            kept_aside = _rebuild_v1(conn)
        _run(conn, V3_TABLES)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    if kept_aside:
        log.warning("%s: %d old samples break today's constraints; kept aside in %s", path, kept_aside, NOT_MIGRATED)
    return Migration(version, kept_aside)


def _run(conn: sqlite3.Connection, script: str) -> None:
    for statement in script.strip().split(";"):
        if statement.strip():
            conn.execute(statement)


def _rebuild_v1(conn: sqlite3.Connection) -> int:
    """The samples table of schema 0/1 rebuilt as today's; returns how many rows were kept aside."""
    columns = ", ".join(COLUMNS)
    conn.execute("ALTER TABLE samples RENAME TO samples_v1")
    conn.execute("DROP INDEX IF EXISTS samples_label")
    _run(conn, SAMPLES_TABLE)
    conn.execute(f"INSERT OR IGNORE INTO samples ({columns}) SELECT {columns} FROM samples_v1")
    kept_aside = int(
        conn.execute("SELECT COUNT(*) FROM samples_v1 WHERE id NOT IN (SELECT id FROM samples)").fetchone()[0]
    )
    if kept_aside:
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {NOT_MIGRATED} AS SELECT * FROM samples_v1 "
            "WHERE id NOT IN (SELECT id FROM samples)"
        )
    conn.execute("DROP TABLE samples_v1")
    return kept_aside
