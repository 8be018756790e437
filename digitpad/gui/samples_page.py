"""The Samples tab: the user's own drawings as thumbnails; filter, relabel, delete, export,
import, and see which ones the active model gets wrong."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..samples import SampleFileError, SampleStore

THUMB = 56


def thumbnail(image: np.ndarray) -> QIcon:
    """White ink on black, as the model sees it, at 2x."""
    img = np.ascontiguousarray(image.astype(np.uint8))
    qimage = QImage(img.data, 28, 28, 28, QImage.Format.Format_Grayscale8).copy()
    return QIcon(QPixmap.fromImage(qimage).scaled(THUMB, THUMB))


class SamplesPage(QWidget):
    changed = Signal()  # samples were added, removed or relabelled here

    def __init__(self, store: SampleStore, service, parent=None):
        super().__init__(parent)
        self.store = store
        self.service = service  # RecognitionService: tells which samples the model gets wrong
        self.predictions: dict[int, int] = {}  # sample id -> the active model's digit
        self._undo: list = []
        self._token = 0
        self._closed = False

        self.filter = QComboBox()
        self.filter.addItem("All digits", None)
        for d in range(10):
            self.filter.addItem(f"Only {d}s", d)
        self.filter.currentIndexChanged.connect(self.refresh)
        self.only_wrong = QCheckBox("Only the ones the model gets wrong")
        self.only_wrong.toggled.connect(self.refresh)
        self.counts_label = QLabel()
        self.counts_label.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.filter)
        top.addWidget(self.only_wrong)
        top.addStretch(1)

        self.grid = QListWidget()
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setIconSize(QSize(THUMB, THUMB))
        self.grid.setGridSize(QSize(THUMB + 24, THUMB + 30))
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.grid.itemSelectionChanged.connect(self._update_buttons)

        self.relabel_button = QPushButton("Relabel…")
        self.relabel_button.clicked.connect(lambda: self.relabel_selected())
        self.delete_button = QPushButton("Delete")
        self.delete_button.setShortcut("Del")
        self.delete_button.clicked.connect(lambda: self.delete_selected())
        self.undo_button = QPushButton("Undo delete")
        self.undo_button.clicked.connect(lambda: self.undo_delete())
        self.export_button = QPushButton("Export…")
        self.export_button.clicked.connect(lambda: self.export_to())
        self.import_button = QPushButton("Import…")
        self.import_button.clicked.connect(lambda: self.import_from())
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.relabel_button, self.delete_button, self.undo_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.import_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.counts_label)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

        service.classified.connect(self._on_classified)
        service.model_ready.connect(self._on_model_ready)
        self.refresh()

    # -- showing -------------------------------------------------------------------------
    def refresh(self) -> None:
        counts = self.store.counts()
        total = sum(counts.values())
        everything = self.store.all()  # one read: the filter is applied here, not in a second query
        shown_label = self.filter.currentData()
        self.samples = [s for s in everything if shown_label is None or s.label == shown_label]
        self._labels = {s.id: s.label for s in everything}
        wrong = sum(1 for s_id, digit in self.predictions.items() if self._labels.get(s_id) not in (None, digit))
        self.counts_label.setText(
            f"{total} sample{'s' if total != 1 else ''} — " + " · ".join(f"{d}: {n}" for d, n in counts.items())
            + (f" — the active model gets {wrong} wrong" if self.predictions else ""))
        self.grid.clear()
        for sample in self.samples:
            predicted = self.predictions.get(sample.id)
            is_wrong = predicted is not None and predicted != sample.label
            if self.only_wrong.isChecked() and not is_wrong:
                continue
            text = f"{sample.label}" + (f"  (model: {predicted})" if is_wrong else "")
            item = QListWidgetItem(thumbnail(sample.image), text)
            item.setData(Qt.ItemDataRole.UserRole, sample.id)
            item.setToolTip(f"Sample #{sample.id}: a {sample.label}, saved {sample.created}"
                            + (f"; the model it was drawn for said {sample.guess}" if sample.guess is not None else ""))
            if is_wrong:
                item.setForeground(Qt.GlobalColor.red)
            self.grid.addItem(item)
        self._update_buttons()

    def visible_ids(self) -> list[int]:
        return [self.grid.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.grid.count())]

    def selected_ids(self) -> list[int]:
        return [item.data(Qt.ItemDataRole.UserRole) for item in self.grid.selectedItems()]

    def select_ids(self, ids) -> None:
        wanted = set(ids)
        for i in range(self.grid.count()):
            item = self.grid.item(i)
            item.setSelected(item.data(Qt.ItemDataRole.UserRole) in wanted)

    def _update_buttons(self) -> None:
        selected = bool(self.grid.selectedItems())
        self.relabel_button.setEnabled(selected)
        self.delete_button.setEnabled(selected)
        self.undo_button.setEnabled(bool(self._undo))
        self.export_button.setEnabled(self.store.count() > 0)

    def check_with_model(self) -> None:
        """Ask the active model for its digit on every sample (answer: _on_classified)."""
        if not self.service.ready:
            return
        samples = self.store.all()
        self._pending_ids = [s.id for s in samples]
        images = np.stack([s.image_float for s in samples]) if samples else np.zeros((0, 28, 28), np.float32)
        self._token = self.service.classify(images)

    def _on_model_ready(self, _loaded) -> None:
        if not self._closed:
            self.check_with_model()

    def shutdown(self) -> None:
        """The store is about to close: answers still on their way are ignored."""
        self._closed = True  # answers already queued are still delivered after a disconnect

    def _on_classified(self, token: int, digits) -> None:
        if token != self._token or self._closed:
            return
        self.predictions = {} if digits is None else dict(zip(self._pending_ids, (int(d) for d in digits)))
        self.refresh()

    # -- editing -------------------------------------------------------------------------
    def relabel_selected(self, label: int | None = None) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        if label is None:
            label, ok = QInputDialog.getInt(self, "Relabel", f"These {len(ids)} samples show the digit:",
                                            0, 0, 9)
            if not ok:
                return
        self.store.relabel(ids, label)
        self._say(f"Relabelled {len(ids)} sample{'s' if len(ids) != 1 else ''} as {label}.")
        self._changed()

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        self._undo.append(self.store.delete(ids))
        self._say(f"Deleted {len(ids)} sample{'s' if len(ids) != 1 else ''}. “Undo delete” brings them back.")
        self._changed()

    def undo_delete(self) -> None:
        if self._undo:
            restored = self._undo.pop()
            self.store.restore(restored)
            self._say(f"Brought back {len(restored)} sample{'s' if len(restored) != 1 else ''}.")
            self._changed()

    def _changed(self) -> None:
        self.refresh()
        self.check_with_model()
        self.changed.emit()

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b02a37;" if error else "")
        self.message.setText(text)

    # -- files ---------------------------------------------------------------------------
    def export_to(self, path: str | Path | None = None) -> int | None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Export samples", "my-digits.digitpad-samples.json",
                                                  "DigitPad samples (*.json)")
            if not path:
                return None
        try:
            count = self.store.export(Path(path))
        except OSError as exc:
            self._say(f"Could not export: {exc}", error=True)
            return None
        self._say(f"Exported {count} samples to {path}.")
        return count

    def import_from(self, path: str | Path | None = None) -> tuple[int, int] | None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Import samples", "", "DigitPad samples (*.json)")
            if not path:
                return None
        try:
            added, known = self.store.import_file(Path(path))
        except SampleFileError as exc:
            self._say(f"Nothing was imported: {exc}", error=True)
            return None
        self._say(f"Imported {added} new samples from {Path(path).name}"
                  + (f"; {known} were already here." if known else "."))
        self._changed()
        return added, known

    def refresh_from_store(self) -> None:
        """Another part of the app added samples."""
        self.refresh()
        self.check_with_model()
