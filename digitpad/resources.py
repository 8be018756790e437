"""Files that ship inside the package: the bundled model, MNIST and the icons."""

from importlib import resources
from pathlib import Path

BUNDLED_MODEL_NAME = "digitpad-cnn.keras"


def _path(package: str, name: str) -> Path:
    # Installed as a regular package (wheel, PyInstaller), resources are real files.
    return Path(str(resources.files(package).joinpath(name)))


def bundled_model_path() -> Path:
    return _path("digitpad.bundled", BUNDLED_MODEL_NAME)


def bundled_card_path() -> Path:
    return bundled_model_path().with_suffix(".json")


def mnist_path() -> Path:
    return _path("digitpad.assets", "mnist.npz")


def icon_path(size: int = 256) -> Path:
    return _path("digitpad.assets", f"icons/hicolor/{size}x{size}/apps/digitpad.png")


def selftest_digits_path() -> Path:
    return _path("digitpad.assets", "digits/selftest.json")
