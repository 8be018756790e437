"""Start-up: show the window at once, load TensorFlow and the model behind it."""

from __future__ import annotations

import json
import os
import sys
import time

from PySide6.QtCore import QTimer, qInstallMessageHandler
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from .. import resources

_BENIGN = ("This plugin does not support propagateSizeHints()",)  # Qt's offscreen platform


def _qt_messages(mode, context, message) -> None:
    if message not in _BENIGN:
        print(message, file=sys.stderr)


def make_app(argv=None) -> QApplication:
    qInstallMessageHandler(_qt_messages)
    app = QApplication.instance() or QApplication(list(argv or sys.argv[:1]))
    app.setApplicationName("DigitPad")
    app.setOrganizationName("DigitPad")
    app.setDesktopFileName("digitpad")
    icon = resources.icon_path(256)
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def run_app(argv=None) -> int:
    from ..logs import setup_logging

    setup_logging()
    app = make_app(argv)
    from .main_window import MainWindow

    window = MainWindow()
    window.show()
    window.start()
    if os.environ.get("DIGITPAD_STARTUP_REPORT"):
        # For benchmarks.startup: print when the window was shown and the model was ready, quit.
        def report(_loaded):
            print(json.dumps({"window_shown": window.shown_at, "model_ready": time.time()}), flush=True)
            QTimer.singleShot(0, window.close)

        window.service.model_ready.connect(report)
    code = app.exec()
    return code
