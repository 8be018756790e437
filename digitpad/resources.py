"""Files that ship inside the package: the bundled model, MNIST, the pen data and the icons.

Installed (wheel, PyInstaller), they are the packages `digitpad.bundled` (from `models/`) and
`digitpad.assets` (from `assets/`). Run from a source checkout, the checkout's `digitpad/`
comes first on sys.path and those two packages do not exist under it: the files are then
read from the checkout's top-level `models/` and `assets/`, so every command works there too."""

import json
from importlib import resources
from pathlib import Path

BUNDLED_MODEL_NAME = "digitpad-v3.keras"
_SOURCE_FOLDERS = {"digitpad.bundled": "models", "digitpad.assets": "assets"}


def _path(package: str, name: str) -> Path:
    try:
        return Path(str(resources.files(package).joinpath(name)))
    except ModuleNotFoundError:  # a source checkout: the top-level folder
        return Path(__file__).resolve().parents[1] / _SOURCE_FOLDERS[package] / name


def bundled_model_path() -> Path:
    return _path("digitpad.bundled", BUNDLED_MODEL_NAME)


def pen_data_path() -> Path:
    """Rendered UNIPEN pen digits, non-digits and scribbles (digitpad.learning.pendata)."""
    return _path("digitpad.assets", "pen_strokes.npz")


def asset_path(name: str) -> Path:
    return _path("digitpad.assets", name)


def mnist_path() -> Path:
    return _path("digitpad.assets", "mnist.npz")


def icon_path(size: int = 256) -> Path:
    return _path("digitpad.assets", f"icons/hicolor/{size}x{size}/apps/digitpad.png")


def selftest_digits_path() -> Path:
    return _path("digitpad.assets", "digits/selftest.json")


def selftest_digits() -> list[dict]:
    """Ten digits drawn as pen strokes by the developers: [{"label", "strokes"}, ...]."""

    return json.loads(selftest_digits_path().read_text(encoding="utf-8"))["digits"]
