"""Work on the samples database off the GUI thread, one task at a time: imports, exports,
relabelling, deleting and undoing 150,000 samples never freeze the window. Each task opens a
connection of its own (SQLite connections belong to their thread)."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from digitpad.gui.workers import BackgroundTask
from digitpad.storage.samples import SampleStore, SampleStoreError

log = logging.getLogger(__name__)


def is_busy(exc: BaseException) -> bool:
    """The samples database is locked by another program (or another connection of ours)."""
    text = str(exc).lower()
    return isinstance(exc, (sqlite3.OperationalError, SampleStoreError)) and ("locked" in text or "busy" in text)


class StoreTasks(QObject):
    """Runs `job(store)` on a thread with a store of its own; says when it starts and ends."""

    changed = Signal()  # a task started or ended: buttons follow `busy()`
    message = Signal(str, bool)  # text, whether it is an error
    finished = Signal()  # a task ended and its `done` (or its failure message) has run

    def __init__(self, store_path: Path, parent: QObject | None = None, timeout: float = 2.0):
        super().__init__(parent)
        self.store_path = Path(store_path)
        self.timeout = timeout  # seconds a task waits for another program's write lock
        self._task: BackgroundTask | None = None
        self._running = False

    def busy(self) -> bool:
        return self._running

    def run(self, job: Callable[[SampleStore], Any], done: Callable[[Any], None], failure: str) -> BackgroundTask:
        """Run `job` on a thread; `done(result)` or the message `failure: reason` follows. The
        thread starts from the event loop, so a caller can connect to the task first."""
        path = self.store_path

        def work() -> Any:
            store = SampleStore(path, timeout=self.timeout)
            try:
                return job(store)
            finally:
                store.close()

        self._task = task = BackgroundTask(work, self)
        self._running = True
        task.done.connect(done)
        task.failed.connect(lambda exc: self.message.emit(self.failure_text(failure, exc), True))
        task.done.connect(lambda _r: self._end())  # after `done`: slots run in connection order
        task.failed.connect(lambda _e: self._end())
        self.message.emit(self.tr("Working…"), False)
        QTimer.singleShot(0, task.start)
        self.changed.emit()
        return task

    def _end(self) -> None:
        self._running = False
        self.changed.emit()
        self.finished.emit()

    def failure_text(self, failure: str, exc: BaseException) -> str:
        if is_busy(exc):
            return self.tr(
                "{failure}: the samples database is busy (another program is writing to it). Nothing was changed; "
                "try again in a moment."
            ).format(failure=failure)
        return f"{failure}: {exc}"

    def wait(self, timeout: float = 30) -> None:
        if self._task is not None:
            self._task.wait(timeout)
