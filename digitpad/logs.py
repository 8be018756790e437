"""Logging: every module logs through `logging.getLogger(__name__)`; the app and the CLI send
it to a rotating log file in the user data folder (and warnings to stderr). Qt-free."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_NAME = "digitpad.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
_configured: Path | None = None


def log_path() -> Path:
    from .store import data_dir

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
    stderr.setFormatter(logging.Formatter("digitpad: %(levelname)s: %(message)s"))
    root.addHandler(stderr)
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"))
    root.addHandler(handler)
    _configured = path
    return path
