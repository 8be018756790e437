"""Logging: every module logs through `logging.getLogger(__name__)`; the app and the CLI send
it to a rotating log file in the user data folder (with tracebacks), and warnings to stderr as
one line each (never a traceback). Qt-free."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from digitpad.storage.models import data_dir

LOG_NAME = "digitpad.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
_configured: Path | None = None


class OneLineFormatter(logging.Formatter):
    """`digitpad: warning: message`: the traceback, if any, goes to the log file only."""

    def format(self, record: logging.LogRecord) -> str:
        return f"digitpad: {record.levelname.lower()}: {record.getMessage()}".splitlines()[0]


class QuietFileHandler(logging.handlers.RotatingFileHandler):
    """A log file that stops, with one line on stderr, when it cannot be written (a full disk):
    logging's default prints a "--- Logging error ---" traceback for every line."""

    failed = False

    def emit(self, record: logging.LogRecord) -> None:
        if not self.failed:
            super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        if not self.failed:
            self.failed = True
            print(
                f"digitpad: warning: the log file {self.baseFilename} cannot be written; logging to it stops",
                file=sys.stderr,
            )


def log_path() -> Path:
    return data_dir() / "logs" / LOG_NAME


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Log to `log_path()` (rotating, 3 x 1 MB); returns the path, or None when the data folder
    cannot be written (then only warnings reach stderr). Safe to call more than once."""
    global _configured
    root = logging.getLogger("digitpad")
    if root.handlers:
        return _configured
    root.setLevel(level)
    stderr = logging.StreamHandler()
    stderr.setLevel(logging.WARNING)
    stderr.setFormatter(OneLineFormatter())
    root.addHandler(stderr)
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = QuietFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"))
    root.addHandler(handler)
    _configured = path
    return path
