"""The samples database's schema: its versions, the check made before anything is written,
and the migrations. Qt-free."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class SampleStoreError(Exception):
    """The samples database cannot be used right now, and was left as it is (locked by another
    program, read-only, made by a newer DigitPad); the message is meant for the user."""


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


def migrate(conn: sqlite3.Connection, has_table: bool) -> None:
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
