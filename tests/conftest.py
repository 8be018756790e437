import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from digitpad import resources


@pytest.fixture(autouse=True)
def user_data_dir(tmp_path, monkeypatch):
    """Every test gets an empty user data directory and settings of its own."""
    data = tmp_path / "userdata"
    monkeypatch.setenv("DIGITPAD_DATA_DIR", str(data))
    return data


@pytest.fixture(autouse=True)
def logging_handlers():
    """A test that runs the CLI in-process sets up logging to the stderr pytest captured then:
    the handlers go with the test, so later tests never write to a closed stream."""
    import logging

    root = logging.getLogger("digitpad")
    before = list(root.handlers)
    yield
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()


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


@pytest.fixture
def window(qtbot, main_window):
    """The main window with its model loaded (test_gui and test_train_tab have their own)."""
    qtbot.waitUntil(lambda: main_window.service.ready, timeout=30000)
    return main_window


@pytest.fixture(scope="session")
def selftest_digits():
    """Ten digits drawn as pen strokes by the developers (shipped for --self-test)."""
    return {d["label"]: d["strokes"] for d in resources.selftest_digits()}


@pytest.fixture(scope="session")
def recognizer():
    """The bundled model's recogniser (numbers, pictures)."""
    from digitpad.reading.recognizer import Recognizer, load_with_fallback

    return Recognizer(load_with_fallback(None))


@pytest.fixture(scope="session")
def mnist():
    from digitpad.learning.data import load_mnist

    return load_mnist()


@pytest.fixture(scope="session")
def bundled_model():
    from digitpad.storage.model_io import load_bundled_model

    return load_bundled_model()
