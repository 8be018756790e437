"""Start-up: show the window at once, load TensorFlow and the model behind it."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Mapping

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


NO_DISPLAY = (
    "digitpad: no display was found (neither DISPLAY nor WAYLAND_DISPLAY is set), so the window cannot "
    "open. The command line works without one: digitpad-cli predict IMAGE..., evaluate, train, export "
    "(see digitpad --help); to run the window off screen, set QT_QPA_PLATFORM=offscreen."
)


def display_problem(environ: Mapping[str, str] | None = None, platform: str | None = None) -> str | None:
    """Why the window cannot open here, in words, or None. Qt itself aborts the process (exit
    134) with a message about libxcb-cursor0 when a Linux desktop has no display: said first."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return None
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if chosen and not chosen.startswith(("xcb", "wayland")):
        return None  # offscreen, minimal, eglfs, vnc...: no display needed
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return NO_DISPLAY


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
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1

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
