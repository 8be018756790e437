"""Start-up: show the window at once, load TensorFlow and the model behind it."""

from __future__ import annotations

import json
import os
import sys
import time

from PySide6.QtCore import QTimer, qInstallMessageHandler
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from digitpad import resources
from digitpad.gui.i18n import install_translators
from digitpad.gui.main_window import MainWindow
from digitpad.logs import setup_logging

_BENIGN = ("This plugin does not support propagateSizeHints()",)  # Qt's offscreen platform


def _qt_messages(mode, context, message) -> None:
    if message not in _BENIGN:
        print(message, file=sys.stderr)


def make_app(argv=None) -> QApplication:
    qInstallMessageHandler(_qt_messages)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(list(argv or sys.argv[:1]))
    app.setApplicationName("DigitPad")
    app.setOrganizationName("DigitPad")
    app.setDesktopFileName("digitpad")

    install_translators(app)  # after the names: the language setting is in QSettings
    icon = resources.icon_path(256)
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def run_app(argv=None) -> int:

    setup_logging()
    app = make_app(argv)

    window = MainWindow()
    if os.environ.get("DIGITPAD_STARTUP_REPORT"):
        report_startup(window)
    window.show()
    window.start()
    return app.exec()


def report_startup(window) -> None:
    """The benchmarks' one seam into the app (benchmarks.startup sets DIGITPAD_STARTUP_REPORT):
    print when the window was first shown and when the model was ready, as JSON, then quit.
    Also works in the frozen app, which has no other way in."""
    times: dict[str, float] = {}
    window.first_shown.connect(lambda: times.setdefault("window_shown", time.time()))

    def ready(_loaded):
        print(json.dumps({**times, "model_ready": time.time()}), flush=True)
        QTimer.singleShot(0, window.close)

    window.service.model_ready.connect(ready)
