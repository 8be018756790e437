"""The My samples tab: the user's own drawings as thumbnails; filter, relabel, delete, export,
import, and see which ones the active model gets wrong.

Qt's model/view: `sample_list.SampleListModel` holds one light row per sample (no image) and
draws thumbnails on demand, a `SampleFilter` proxy filters; an edit updates rows in place, so the
selection survives, and 150,000 samples open as fast as 10. Imports and exports run on a
background thread; the model's opinion of every sample comes from the recognition worker.
(Somewhat over 300 lines: the tab's edits, file tasks and shortcuts share its state.)"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import QAction, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListView,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from digitpad.classes import NOT_A_DIGIT
from digitpad.gui.i18n import class_text
from digitpad.gui.sample_list import ID_ROLE, THUMB, SampleFilter, SampleListModel
from digitpad.gui.workers import BackgroundTask, RecognitionService
from digitpad.storage.sample_records import Sample
from digitpad.storage.samples import SampleStore


class SamplesPage(QWidget):
    def __init__(self, sample_store: SampleStore, service: RecognitionService, parent: QWidget | None = None):
        super().__init__(parent)
        self.sample_store = sample_store
        self.service = service  # tells which samples the model gets wrong
        self._undo: list[list[Sample]] = []
        self._token = 0
        self._closed = False
        self._task: BackgroundTask | None = None
        self._build_filter()
        self._build_grid()
        self._build_buttons()
        self._build_layout()
        self._connect_signals()
        self.reload()

    def _build_filter(self) -> None:
        self.filter = QComboBox()
        self.filter.addItem(self.tr("All samples"), None)
        for d in range(10):
            self.filter.addItem(self.tr("Only {0}s").format(d), d)
        self.filter.addItem(self.tr("Only “not a digit”"), NOT_A_DIGIT)
        self.only_wrong = QCheckBox(self.tr("Only the ones the model gets wrong"))
        self.counts_label = QLabel()
        self.counts_label.setWordWrap(True)

    def _build_grid(self) -> None:
        self.model = SampleListModel(self.sample_store, self)
        self.proxy = SampleFilter(self)
        self.proxy.setSourceModel(self.model)
        self.grid = QListView()
        self.grid.setModel(self.proxy)
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setIconSize(QSize(THUMB, THUMB))
        self.grid.setGridSize(QSize(THUMB + 24, THUMB + 30))
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setUniformItemSizes(True)  # layout without asking every row for its size
        self.grid.setLayoutMode(QListView.LayoutMode.Batched)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.empty_label = QLabel()  # in the grid's place when it shows nothing: what to do
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.empty_label.setMargin(40)
        self.grid_or_empty = QStackedWidget()
        self.grid_or_empty.addWidget(self.grid)
        self.grid_or_empty.addWidget(self.empty_label)

    def _build_buttons(self) -> None:
        self.relabel_button = QPushButton(self.tr("Relabel…"))
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.setToolTip(self.tr("Delete the selected samples (Delete on this tab)"))
        self.undo_button = QPushButton(self.tr("Undo delete"))
        self.undo_button.setToolTip(self.tr("Bring back the samples deleted last (Ctrl+Z on this tab)"))
        self.export_button = QPushButton(self.tr("Export…"))
        self.import_button = QPushButton(self.tr("Import…"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.delete_action = QAction(self)
        self.delete_action.setShortcut(QKeySequence(Qt.Key.Key_Delete))
        self.undo_action = QAction(self)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        for action in (self.delete_action, self.undo_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)

    def _build_layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.filter)
        top.addWidget(self.only_wrong)
        top.addStretch(1)
        buttons = QHBoxLayout()
        for button in (self.relabel_button, self.delete_button, self.undo_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.counts_label)
        layout.addWidget(self.grid_or_empty, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    def _connect_signals(self) -> None:
        self.filter.currentIndexChanged.connect(self._apply_filter)
        self.only_wrong.toggled.connect(self._apply_filter)
        self.grid.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        for signal in (
            self.proxy.modelReset,
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.layoutChanged,
        ):
            signal.connect(lambda *_: self._update_empty())
        self.relabel_button.clicked.connect(lambda: self.relabel_selected())
        self.delete_button.clicked.connect(lambda: self.delete_selected())
        self.delete_action.triggered.connect(lambda: self.delete_selected())
        self.undo_button.clicked.connect(lambda: self.undo_delete())
        self.undo_action.triggered.connect(lambda: self.undo_delete())
        self.export_button.clicked.connect(lambda: self.export_to())
        self.import_button.clicked.connect(lambda: self.import_from())
        self.service.classified.connect(self._on_classified)
        self.service.model_ready.connect(self._on_model_ready)

    # -- showing -------------------------------------------------------------------------
    @property
    def predictions(self) -> dict[int, int]:
        return self.model.predictions

    def reload(self) -> None:
        """Read the store again; the selection is kept (by sample id)."""
        selected = self.selected_ids()
        self.model.reload()
        self.select_ids(selected)
        self._update_counts()
        self._update_buttons()

    def _apply_filter(self) -> None:
        self.proxy.set_filter(self.filter.currentData(), self.only_wrong.isChecked())
        self._update_buttons()

    def samples_text(self, n: int) -> str:
        return self.tr("1 sample") if n == 1 else self.tr("{0} samples").format(n)

    def _update_counts(self) -> None:
        counts: dict[int, int] = {}
        for _id, label, _created, _guess in self.model.rows:
            counts[label] = counts.get(label, 0) + 1
        total = len(self.model.rows)
        shown = list(range(10)) + ([NOT_A_DIGIT] if counts.get(NOT_A_DIGIT) else [])
        parts = [f"{class_text(d)}: {counts.get(d, 0)}" for d in shown]
        wrong = sum(1 for row in range(total) if self.model.is_wrong(row))
        self.counts_label.setText(
            self.samples_text(total)
            + " — "
            + " · ".join(parts)
            + (self.tr(" — the active model gets {0} wrong").format(wrong) if self.model.predictions else "")
        )

    def _update_empty(self) -> None:
        if self.proxy.rowCount():
            self.grid_or_empty.setCurrentWidget(self.grid)
            return
        if self.model.rows:
            text = self.tr("No sample matches this choice.")
        else:
            text = self.tr(
                "No samples yet.\n\nWhen a guess is wrong, click the right digit under the chart on the Draw "
                "tab or press its key; “✓ Right” keeps a drawing the model reads right. The samples kept "
                "here teach the model your handwriting (Train tab, “Fine-tune on my samples”).\n\n"
                "“Import…” reads samples exported from DigitPad."
            )
        self.empty_label.setText(text)
        self.grid_or_empty.setCurrentWidget(self.empty_label)

    def visible_ids(self) -> list[int]:
        return [self.proxy.index(r, 0).data(ID_ROLE) for r in range(self.proxy.rowCount())]

    def visible_texts(self) -> list[str]:
        return [self.proxy.index(r, 0).data() for r in range(self.proxy.rowCount())]

    def selected_ids(self) -> list[int]:
        return sorted(index.data(ID_ROLE) for index in self.grid.selectionModel().selectedIndexes())

    def select_ids(self, ids) -> None:
        selection = QItemSelection()
        for sample_id in ids:
            row = self.model.row_of(sample_id)
            if row is not None:
                index = self.proxy.mapFromSource(self.model.index(row))
                if index.isValid():
                    selection.select(index, index)
        self.grid.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _update_buttons(self) -> None:
        selected = self.grid.selectionModel().hasSelection()
        busy = self._task is not None and not self._task.finished
        self.relabel_button.setEnabled(selected and not busy)
        self.delete_button.setEnabled(selected and not busy)
        self.undo_button.setEnabled(bool(self._undo) and not busy)
        self.export_button.setEnabled(bool(self.model.rows) and not busy)
        self.import_button.setEnabled(not busy)

    def check_with_model(self) -> None:
        """Ask the active model for its answer on every sample (answer: _on_classified)."""
        if self.service.ready and not self._closed:
            self._token = self.service.classify(self.sample_store.path)

    def _on_model_ready(self, _loaded) -> None:
        self.check_with_model()

    def shutdown(self) -> None:
        """The store is about to close: answers still on their way are ignored."""
        self._closed = True
        if self._task is not None:
            self._task.wait(30)

    def _on_classified(self, token: int, answers) -> None:
        if token != self._token or self._closed or answers is None:
            return
        self.proxy.refilter(lambda: self.model.set_predictions(answers))
        self._update_counts()

    # -- editing -------------------------------------------------------------------------
    def relabel_selected(self, label: int | None = None) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        if label is None:
            choices = [str(d) for d in range(10)] + [self.tr("not a digit")]
            choice, ok = QInputDialog.getItem(
                self, self.tr("Relabel"), self.tr("These {0} samples show:").format(len(ids)), choices, 0, False
            )
            if not ok:
                return
            label = choices.index(choice)
        self.sample_store.relabel(ids, label)
        self._say(self.tr("Relabelled {0} as {1}.").format(self.samples_text(len(ids)), class_text(label)))
        self._changed()

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        self._undo.append(self.sample_store.delete(ids))
        self._say(self.tr("Deleted {0}. “Undo delete” (Ctrl+Z) brings them back.").format(self.samples_text(len(ids))))
        self._changed()

    def undo_delete(self) -> None:
        if not self._undo:
            return
        wanted = self._undo.pop()
        restored = self.sample_store.restore(wanted)
        text = self.tr("Brought back {0}.").format(self.samples_text(restored))
        if restored < len(wanted):  # the same drawing was saved again meanwhile
            text += self.tr(" {0} were already there again.").format(len(wanted) - restored)
        self._say(text)
        self._changed()
        self.select_ids([s.id for s in wanted])

    def _changed(self) -> None:
        self.reload()
        self.check_with_model()

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b02a37;" if error else "")
        self.message.setText(text)

    # -- files (on a background thread: a big file never freezes the window) --------------
    def _run_task(self, work, done, failure: str) -> BackgroundTask:
        """Run `work` on a thread; `done(result)` or the message `failure: reason` follows.
        The thread starts from the event loop, so a caller can connect to the task first."""
        self._task = task = BackgroundTask(work, self)
        task.done.connect(done)
        task.failed.connect(lambda exc: self._say(f"{failure}: {exc}", error=True))
        task.done.connect(lambda _r: self._update_buttons())
        task.failed.connect(lambda _e: self._update_buttons())
        self._say(self.tr("Working…"))
        QTimer.singleShot(0, task.start)
        self._update_buttons()
        return task

    def _with_own_store(self, job):
        """`job(store)` for a background thread: on a connection of that thread's own."""
        store_path = self.sample_store.path

        def work():
            store = SampleStore(store_path)
            try:
                return job(store)
            finally:
                store.close()

        return work

    def export_to(self, path: str | Path | None = None) -> BackgroundTask | None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export samples"), "my-digits.digitpad-samples.json", self.tr("DigitPad samples (*.json)")
            )
            if not path:
                return None
        work = self._with_own_store(lambda store: store.export(Path(path)))
        return self._run_task(
            work,
            lambda count: self._say(self.tr("Exported {0} samples to {1}.").format(count, path)),
            self.tr("Could not export"),
        )

    def import_from(self, path: str | Path | None = None) -> BackgroundTask | None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self, self.tr("Import samples"), "", self.tr("DigitPad samples (*.json)")
            )
            if not path:
                return None
        work = self._with_own_store(lambda store: store.import_file(Path(path)))

        def done(result):
            added, known = result
            self._say(
                self.tr("Imported {0} new samples from {1}").format(added, Path(path).name)
                + (self.tr("; {0} were already here.").format(known) if known else ".")
            )
            self._changed()

        return self._run_task(work, done, self.tr("Nothing was imported"))

    def refresh_from_store(self) -> None:
        """Another part of the app added samples."""
        self._changed()
