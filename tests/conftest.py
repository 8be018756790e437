import json
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest

from digitpad import resources


@pytest.fixture(autouse=True)
def user_data_dir(tmp_path, monkeypatch):
    """Every test gets an empty user data directory and settings of its own."""
    data = tmp_path / "userdata"
    monkeypatch.setenv("DIGITPAD_DATA_DIR", str(data))
    return data


@pytest.fixture(scope="session")
def qapp_args():
    return ["digitpad-tests"]


@pytest.fixture(autouse=True)
def isolated_settings(request, tmp_path):
    """QSettings go to the test's folder, never the developer's real settings."""
    if "qtbot" not in request.fixturenames:
        yield
        return
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    yield


@pytest.fixture
def main_window(qtbot):
    """The real main window, shown, its model loading in the background; closed afterwards."""
    from digitpad.gui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    win.start()
    yield win
    win.train_page.service.shutdown()
    win.close()


@pytest.fixture(scope="session")
def selftest_digits():
    """Ten digits drawn as pen strokes by the developers (shipped for --self-test)."""
    data = json.loads(resources.selftest_digits_path().read_text())
    return {d["label"]: d["strokes"] for d in data["digits"]}


@pytest.fixture(scope="session")
def mnist():
    from digitpad.data import load_mnist

    return load_mnist()


@pytest.fixture(scope="session")
def bundled_model():
    from digitpad.model_io import load_bundled_model

    return load_bundled_model()


def render_strokes_png(strokes, path: Path, size=300, pen=14, dark_on_light=True, margin=40):
    """A picture of a digit as a person might scan or export it."""
    from PIL import Image, ImageDraw

    pts = np.array([p for s in strokes for p in s], float)
    lo, hi = pts.min(0), pts.max(0)
    scale = (size - 2 * margin) / (hi - lo).max()
    paper, ink = (255, 0) if dark_on_light else (0, 255)
    img = Image.new("L", (size, size), paper)
    draw = ImageDraw.Draw(img)
    for s in strokes:
        xy = [tuple((np.array(p) - lo) * scale + margin) for p in s]
        draw.line(xy, fill=ink, width=pen, joint="curve")
        for x, y in (xy[0], xy[-1]):
            draw.ellipse((x - pen / 2, y - pen / 2, x + pen / 2, y + pen / 2), fill=ink)
    img.save(path)
    return path
