"""The Train tab's models list: the bundled model and the user's, each with its card; switch,
rename and delete. The model store owns which one is active; this panel shows it and asks the
store to change it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from digitpad.storage.cards import write_card
from digitpad.storage.models import ModelEntry, ModelStore


class ModelsPanel(QGroupBox):
    model_activated = Signal(object)  # the model file to use now (None: the bundled one)

    def __init__(self, model_store: ModelStore, parent=None):
        super().__init__(parent)
        self.setTitle(self.tr("Models"))
        self.model_store = model_store
        self.entries: list[ModelEntry] = []
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([self.tr("Model"), self.tr("MNIST test"), self.tr("Created")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _item: self.use_selected())
        self.use_button = QPushButton(self.tr("Use"))
        self.use_button.clicked.connect(lambda: self.use_selected())
        self.rename_button = QPushButton(self.tr("Rename…"))
        self.rename_button.clicked.connect(lambda: self.rename_selected())
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.clicked.connect(lambda: self.delete_selected())
        buttons = QHBoxLayout()
        for button in (self.use_button, self.rename_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.refresh()

    @property
    def active_path(self) -> Path | None:
        return self.model_store.active_path()

    def refresh(self) -> None:
        self.entries = self.model_store.entries()
        self.table.setRowCount(len(self.entries))
        active = self.active_path
        for row, entry in enumerate(self.entries):
            card = entry.card
            is_active = (entry.bundled and active is None) or (active is not None and entry.path == active)
            name = entry.name + (self.tr(" (bundled)") if entry.bundled else "")
            if entry.problem:
                name += self.tr(" — unusable: it {0}").format(entry.problem)
            accuracy = card.mnist_test_accuracy
            cells = [
                ("● " if is_active else "") + name,
                "?" if accuracy is None else f"{accuracy:.2%}",
                (card.created or "?")[:16].replace("T", " "),
            ]
            details = self.tr("{0}\nArchitecture: {1}\nParameters: {2}\nData: {3}\nEpochs: {4}").format(
                entry.path.name,
                card.architecture_description or "?",
                "?" if card.parameters is None else card.parameters,
                card.data or "?",
                "?" if card.epochs_run is None else card.epochs_run,
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(entry.problem or details)
                if entry.problem:
                    item.setForeground(QBrush(QColor("#b02a37")))
                if is_active:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, col, item)
        self._update_buttons()

    def selected_entry(self) -> ModelEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.entries[rows[0].row()] if rows else None

    def select_model(self, path: Path) -> None:
        for row, entry in enumerate(self.entries):
            if entry.path == Path(path):
                self.table.selectRow(row)

    def _update_buttons(self) -> None:
        entry = self.selected_entry()
        self.use_button.setEnabled(entry is not None and entry.problem is None)
        # Rename and Delete only for the user's own models: not the bundled one, nor a file
        # opened from elsewhere (File > Open Model), which DigitPad must not delete.
        own = entry is not None and self.model_store.owns(entry.path)
        self.rename_button.setEnabled(own and entry is not None and entry.problem is None)
        self.delete_button.setEnabled(own)

    def activate(self, path: Path | None) -> None:
        try:
            self.model_store.set_active(path)
        except OSError as exc:
            QMessageBox.warning(
                self, self.tr("Could not switch models"), self.tr("The choice was not saved: {0}").format(exc)
            )
            return
        self.refresh()
        self.model_activated.emit(path)

    def use_selected(self) -> None:
        entry = self.selected_entry()
        if entry is not None and entry.problem is None:
            self.activate(None if entry.bundled else entry.path)

    def rename_selected(self, new_name: str | None = None) -> None:
        entry = self.selected_entry()
        if entry is None or not self.model_store.owns(entry.path):
            return
        if new_name is None:
            new_name, ok = QInputDialog.getText(self, self.tr("Rename model"), self.tr("Name:"), text=entry.name)
            if not ok:
                return
        new_name = new_name.strip()
        if new_name:
            try:
                write_card(entry.path, entry.card.updated(name=new_name))
            except OSError as exc:
                QMessageBox.warning(
                    self,
                    self.tr("Could not rename the model"),
                    self.tr("Its card could not be written: {0}. The name was not changed.").format(
                        exc.strerror or exc
                    ),
                )
                return
            self.refresh()
            self.select_model(entry.path)

    def delete_selected(self, confirm: bool = True) -> None:
        entry = self.selected_entry()
        if entry is None or not self.model_store.owns(entry.path):
            return
        if (
            confirm
            and QMessageBox.question(
                self, self.tr("Delete model"), self.tr("Delete “{0}”? This cannot be undone.").format(entry.name)
            )
            != QMessageBox.StandardButton.Yes
        ):
            return
        was_active = self.active_path == entry.path
        try:
            self.model_store.delete(entry.path)
        except OSError as exc:
            QMessageBox.warning(
                self, self.tr("Could not delete the model"), self.tr("{0}. Nothing was deleted.").format(exc)
            )
            return
        if was_active:
            self.activate(None)  # deleting the active model falls back to the bundled one
        self.refresh()
