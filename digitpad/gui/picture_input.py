"""Pictures onto the Draw tab's canvas: a file (opened on a worker thread, so a huge or slow file
never freezes the window), a dropped or pasted image, or a picture file copied in a file manager."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from digitpad.gui.canvas import DrawingCanvas
from digitpad.gui.images import MAX_PICTURE_SIDE, load_picture, qimage_of
from digitpad.gui.workers import BackgroundTask
from digitpad.reading.preprocess import PictureError


class PictureInput(QObject):
    def __init__(self, canvas: DrawingCanvas, say: Callable[..., None], parent: QObject | None = None):
        super().__init__(parent)
        self.canvas = canvas
        self.say = say  # (text, error=False): a line under the teaching buttons
        self._task: BackgroundTask | None = None

    def show(self, picture: QImage | str | Path) -> None:
        """Put a picture on the canvas to read it: a file path (opened on a worker thread, so a
        huge or slow file never freezes the window) or a QImage (dropped or pasted)."""
        if isinstance(picture, QImage):
            if picture.isNull():
                self.say(self.tr("That picture is empty."), error=True)
                return
            if max(picture.width(), picture.height()) > MAX_PICTURE_SIDE:
                picture = picture.scaled(
                    MAX_PICTURE_SIDE,
                    MAX_PICTURE_SIDE,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            self.canvas.set_picture(picture.convertToFormat(QImage.Format.Format_RGB888))
            self.say(self.tr("Picture pasted. Clear removes it; Undo brings back what was there."))
            return
        path = str(picture)
        self.say(self.tr("Opening {path}…").format(path=path))
        task = self._task = BackgroundTask(lambda: load_picture(path), self)
        task.done.connect(lambda image, path=path: self._picture_loaded(task, path, image))
        task.failed.connect(lambda exc, path=path: self._picture_failed(task, path, exc))
        task.start()

    def _picture_loaded(self, task: BackgroundTask, path: str, image: Any) -> None:
        if task is not self._task:
            return  # a newer picture was asked for
        self.canvas.set_picture(qimage_of(image))
        self.say(
            self.tr("Opened {name}. Clear removes it; Undo brings back what was there.").format(name=Path(path).name)
        )

    def _picture_failed(self, task: BackgroundTask, path: str, exc: Exception) -> None:
        if task is not self._task:
            return
        reason = str(exc) if isinstance(exc, PictureError) else f"{type(exc).__name__}: {exc}"
        self.say(self.tr("Could not open {name}: {reason}").format(name=Path(path).name, reason=reason), error=True)

    def paste(self) -> None:
        """Ctrl+V: a picture on the clipboard, or a picture file copied in a file manager."""
        mime = QApplication.clipboard().mimeData()
        files = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()] if mime is not None else []
        if files:
            self.show(files[0])
        elif mime is not None and mime.hasImage():
            self.show(QApplication.clipboard().image())
        else:
            self.say(self.tr("Nothing to paste: copy a picture, or a picture file in the file manager."), error=True)
