"""Where user data lives: the user's models folder and which model is active. Qt-free."""

from __future__ import annotations

import datetime as _dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_path

from . import resources
from .model_io import _atomic_write, archive_problem, read_card, unique_path

APP = "DigitPad"


def data_dir() -> Path:
    """The user's data directory; DIGITPAD_DATA_DIR overrides it (tests, portable installs).
    Not created here: reading (predict, the models list) works without a writable folder;
    what writes makes its folder when it writes."""
    override = os.environ.get("DIGITPAD_DATA_DIR")
    return Path(override) if override else user_data_path(APP, appauthor=False)


@dataclass(frozen=True)
class ModelEntry:
    path: Path
    card: dict
    bundled: bool = False
    problem: str | None = None  # why the file cannot be used, if it cannot

    @property
    def name(self) -> str:
        return self.card.get("name") or self.path.stem


class ModelStore:
    """The user's trained models (`<data>/models/*.keras` with cards) and the active choice."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root else data_dir()
        self.models_dir = self.root / "models"
        self._active_file = self.root / "active_model.json"

    def new_model_path(self, arch: str) -> Path:
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        return unique_path(self.models_dir / f"{arch}-{stamp}.keras")

    def active_path(self) -> Path | None:
        """The model the user chose, or None for the bundled one."""
        try:
            data = json.loads(self._active_file.read_text(encoding="utf-8"))
            return Path(data["path"]) if data.get("path") else None
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def set_active(self, path: Path | None) -> None:
        text = json.dumps({"path": str(path) if path else None}) + "\n"
        _atomic_write(self._active_file, lambda tmp: tmp.write_text(text, encoding="utf-8"))

    def delete(self, path: Path) -> None:
        """Remove a user model and its card; the bundled model cannot be deleted."""
        path = Path(path)
        if path.parent.resolve() != self.models_dir.resolve():
            raise ValueError(f"{path} is not in the models folder")
        path.unlink(missing_ok=True)
        path.with_suffix(".json").unlink(missing_ok=True)
        if self.active_path() == path:
            self.set_active(None)

    def entries(self) -> list[ModelEntry]:
        bundled = resources.bundled_model_path()
        out = [ModelEntry(bundled, read_card(bundled), bundled=True)]
        try:
            paths = sorted(self.models_dir.glob("*.keras")) if self.models_dir.is_dir() else []
        except OSError:
            paths = []
        active = self.active_path()
        if active is not None and active not in paths:
            paths.append(active)  # opened from elsewhere (File > Open Model): listed too, last
        for path in paths:
            if path.name.startswith("."):
                continue  # a temporary file of a save in progress
            problem = archive_problem(path) if path.exists() else "no longer exists"
            out.append(ModelEntry(path, read_card(path), problem=problem))
        return out
