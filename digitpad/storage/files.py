"""Files written whole or not at all, and files read only when they are what they claim to be.
Qt-free; the building blocks of every save in DigitPad (models, cards, samples exports, settings)."""

from __future__ import annotations

import logging
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


UMASK = _read_umask()  # read once at import: os.umask is process-wide, not thread-safe


def atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Write through `write(tmp_path)` to a temporary file beside `path`, fsync it, then rename
    it over `path`: a crash or a full disk at any moment leaves the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    os.chmod(tmp_path, 0o666 & ~UMASK)  # mkstemp makes 0600; a saved file gets normal permissions
    try:
        write(tmp_path)
        with open(tmp_path, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp_path, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def unique_path(path: Path, siblings: tuple[str, ...] = ()) -> Path:
    """`path`, or `stem-2.suffix`, `stem-3.suffix`... : the first that does not exist, nor do its
    `siblings` (the same name with each of these suffixes: a model's card, ".json")."""
    path = Path(path)
    candidate, n = path, 1
    while any(p.exists() or p.is_symlink() for p in (candidate, *(candidate.with_suffix(s) for s in siblings))):
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def not_a_regular_file(path: Path) -> str | None:
    """Why `path` cannot be read as a file, in words ("is a folder", "is not a regular file" for
    a FIFO, a socket or a device: opening one could block forever), judged without opening it;
    None for a regular file (or a link to one). A missing file raises FileNotFoundError."""
    mode = os.stat(path).st_mode
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if not stat.S_ISREG(mode):
        return "is not a regular file"
    return None
