"""Where user data lives: the user's models folder and which model is active. Qt-free."""

from __future__ import annotations

import datetime as _dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_path

from digitpad import resources
from digitpad.storage.cards import CardError, ModelCard, read_card
from digitpad.storage.files import atomic_write, unique_path
from digitpad.storage.model_io import archive_problem

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
    card: ModelCard
    bundled: bool = False
    problem: str | None = None  # why the file cannot be used, if it cannot

    @property
    def name(self) -> str:
        return self.card.name or self.path.stem


def entry_for(path: Path, bundled: bool = False) -> ModelEntry:
    """A model file and its card, with the reason it cannot be used (a damaged file or card)."""
    problem = archive_problem(path)
    try:
        card = read_card(path)
    except CardError as exc:
        return ModelEntry(path, ModelCard(), bundled, problem or str(exc))
    return ModelEntry(path, card, bundled, problem)


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
        atomic_write(self._active_file, lambda tmp: tmp.write_text(text, encoding="utf-8"))

    def owns(self, path: Path) -> bool:
        """Whether `path` is one of the user's models here (which can be renamed and deleted),
        not the bundled model or a file opened from elsewhere."""
        try:
            return Path(path).parent.resolve() == self.models_dir.resolve()
        except OSError:
            return False

    def delete(self, path: Path) -> None:
        """Remove a user model and its card; the bundled model cannot be deleted."""
        path = Path(path)
        if not self.owns(path):
            raise ValueError(f"{path} is not in the models folder")
        path.unlink(missing_ok=True)
        path.with_suffix(".json").unlink(missing_ok=True)
        if self.active_path() == path:
            self.set_active(None)

    def entries(self) -> list[ModelEntry]:
        out = [entry_for(resources.bundled_model_path(), bundled=True)]
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
            out.append(entry_for(path))
        return out
