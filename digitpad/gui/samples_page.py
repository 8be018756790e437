"""The My samples tab: the user's own drawings as thumbnails; filter, relabel, delete, export,
import, and see which ones the active model gets wrong and which ones the writer memory (the
person's other samples) disagrees with.

Qt's model/view: `sample_list.SampleListModel` holds one light row per sample (no image) and
draws thumbnails on demand and filters them as arrays; an edit updates rows in place, so the
selection survives, and 150,000 samples open as fast as 10. Imports and exports run on a
background thread; the model's opinion of every sample comes from the recognition worker.
(Somewhat over 300 lines: the tab's edits, file tasks and shortcuts share its state.)"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import (
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
from digitpad.gui.sample_list import THUMB, Rows, SampleGrid, SampleListModel
from digitpad.gui.store_tasks import StoreTasks, is_busy
from digitpad.gui.workers import BackgroundTask, RecognitionService
from digitpad.storage.samples import SampleStore

UNDO_RETRIES = 3  # an undo that meets a busy database is tried again this often
UNDO_RETRY_MS = 2000


class SamplesPage(QWidget):
    def __init__(self, sample_store: SampleStore, service: RecognitionService, parent: QWidget | None = None):
        super().__init__(parent)
        self.sample_store = sample_store
        self.service = service  # tells which samples the model gets wrong
        self._undo: list[int] = []  # the trash's operations, newest last
        self._token = 0
        self._asked_after = 0  # the pending request's lower bound (0: every sample)
        self._answered_up_to = 0  # the highest id the model has answered for
        self._closed = False
        self.tasks = StoreTasks(sample_store.path, self)
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
        self.only_doubted = QCheckBox(self.tr("Only the ones my other samples disagree with"))
        self.only_doubted.setToolTip(
            self.tr("Samples whose most similar other samples have another label: a wrong label, or a look-alike")
        )
        self.counts_label = QLabel()
        self.counts_label.setWordWrap(True)

    def _build_grid(self) -> None:
        self.model = SampleListModel(self.sample_store, self)
        self.grid = SampleGrid()
        self.grid.setModel(self.model)
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
        top.addWidget(self.only_doubted)
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
        self.only_doubted.toggled.connect(self._apply_filter)
        self.grid.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._update_empty)
        self.relabel_button.clicked.connect(lambda: self.relabel_selected())
        self.delete_button.clicked.connect(lambda: self.delete_selected())
        self.delete_action.triggered.connect(lambda: self.delete_selected())
        self.undo_button.clicked.connect(lambda: self.undo_delete())
        self.undo_action.triggered.connect(lambda: self.undo_delete())
        self.export_button.clicked.connect(lambda: self.export_to())
        self.import_button.clicked.connect(lambda: self.import_from())
        self.tasks.changed.connect(self._update_buttons)
        self.tasks.message.connect(self._say)
        self.service.classified.connect(self._on_classified)
        self.service.memory_judged.connect(self._on_memory_judged)
        self.service.model_ready.connect(self._on_model_ready)

    # -- showing -------------------------------------------------------------------------
    @property
    def predictions(self) -> dict[int, int]:
        return self.model.predictions

    def reload(self, rows: Rows | None = None) -> None:
        """Read the store again (or take `rows`, read by a worker); the selection is kept (by
        sample id)."""
        self._keeping_selection(lambda: self.model.set_rows(self.sample_store.rows() if rows is None else rows))

    def _keeping_selection(self, change: Callable[[], object]) -> None:
        selected = self.model.id_array_of(self.grid.selectionModel().selection())
        change()
        self.select_ids(selected)
        self._update_counts()
        self._update_buttons()

    def _apply_filter(self) -> None:
        label, only_wrong, only_doubted = (
            self.filter.currentData(),
            self.only_wrong.isChecked(),
            self.only_doubted.isChecked(),
        )
        self._keeping_selection(lambda: self.model.set_filter(label, only_wrong, only_doubted))

    def samples_text(self, n: int) -> str:
        return self.tr("1 sample") if n == 1 else self.tr("{0} samples").format(n)

    def _update_counts(self) -> None:
        counts, wrong, doubted = self.model.counts()
        shown = list(range(10)) + ([NOT_A_DIGIT] if counts[NOT_A_DIGIT] else [])
        parts = [f"{class_text(d)}: {counts[d]}" for d in shown]
        self.counts_label.setText(
            self.samples_text(len(self.model.ids))
            + " — "
            + " · ".join(parts)
            + (self.tr(" — the active model gets {0} wrong").format(wrong) if self.model.predictions else "")
            + (self.tr(", your other samples disagree with {0}").format(doubted) if doubted else "")
        )

    def _update_empty(self) -> None:
        if self.model.rowCount():
            self.grid_or_empty.setCurrentWidget(self.grid)
            return
        if len(self.model.ids):
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
        return [int(i) for i in self.model.visible_ids()]

    def visible_texts(self) -> list[str]:
        return [self.model.index(r).data() for r in range(self.model.rowCount())]

    def selected_ids(self) -> list[int]:
        return self.model.ids_of(self.grid.selectionModel().selection())

    def select_ids(self, ids: Iterable[int]) -> None:
        selection = self.model.selection_of(ids)
        self.grid.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def busy(self) -> bool:
        """An edit or a file task is running: the next waits (buttons and keys alike)."""
        return self.tasks.busy()

    def _update_buttons(self) -> None:
        selected = self.grid.selectionModel().hasSelection()
        busy = self.busy()
        self.relabel_button.setEnabled(selected and not busy)
        self.delete_button.setEnabled(selected and not busy)
        self.undo_button.setEnabled(bool(self._undo) and not busy)
        self.export_button.setEnabled(bool(len(self.model.ids)) and not busy)
        self.import_button.setEnabled(not busy)

    def check_with_model(self, only_new: bool = False) -> None:
        """Ask the active model for its answer on every sample, or (`only_new`) on those saved
        since its last answer (answer: _on_classified)."""
        if self.service.ready and not self._closed:
            self._asked_after = self._answered_up_to if only_new else 0
            self._token = self.service.classify(self.sample_store.path, after=self._asked_after)

    def _on_model_ready(self, _loaded) -> None:
        self.check_with_model()

    def shutdown(self) -> None:
        """The store is about to close: answers still on their way are ignored."""
        self._closed = True
        self.tasks.wait(30)

    def _on_classified(self, token: int, answers: dict[int, int] | None) -> None:
        if token != self._token or self._closed or answers is None:
            return
        merged = {**self.model.predictions, **answers} if self._asked_after else answers
        self._answered_up_to = max([self._asked_after, *answers])
        self._keeping_selection(lambda: self.model.set_predictions(merged))

    def _on_memory_judged(self, _token: int, opinions: dict[int, int], complete: bool) -> None:
        if not self._closed:
            self._keeping_selection(lambda: self.model.set_memory_opinions(opinions, complete))

    def _edited(self, rows: Rows) -> None:
        """An edit is done: show the rows, and the writer memory reads the samples again."""
        self.reload(rows)
        self.service.sync_memory()

    # -- editing (on a background thread, on a connection of its own: 150,000 at once) ------
    def relabel_selected(self, label: int | None = None) -> BackgroundTask | None:
        ids = self.selected_ids()
        if not ids or self.busy():
            return None
        if label is None:
            choices = [str(d) for d in range(10)] + [self.tr("not a digit")]
            choice, ok = QInputDialog.getItem(
                self, self.tr("Relabel"), self.tr("These {0} samples show:").format(len(ids)), choices, 0, False
            )
            if not ok:
                return None
            label = choices.index(choice)
        new = label

        def done(result: tuple[int, Rows]) -> None:
            self._say(self.tr("Relabelled {0} as {1}.").format(self.samples_text(result[0]), class_text(new)))
            self._edited(result[1])  # the model's answers stay: the images did not change

        return self.tasks.run(
            lambda store: (store.relabel(ids, new), store.rows()), done, self.tr("Nothing was relabelled")
        )

    def delete_selected(self) -> BackgroundTask | None:
        ids = self.selected_ids()
        if not ids or self.busy():
            return None

        def done(result: tuple[int, Rows]) -> None:
            op, rows = result
            if op:
                self._undo.append(op)
            self._say(
                self.tr("Deleted {0}. “Undo delete” (Ctrl+Z) brings them back.").format(self.samples_text(len(ids)))
            )
            self._edited(rows)

        return self.tasks.run(lambda store: (store.delete(ids), store.rows()), done, self.tr("Nothing was deleted"))

    def undo_delete(self, retries: int = UNDO_RETRIES) -> BackgroundTask | None:
        """Bring back the samples deleted last. The undo entry stays until they are back: a
        database that is busy (another program writing) is tried again, and Undo works later."""
        if not self._undo or self.busy():
            return None
        op = self._undo[-1]

        def done(result: tuple[tuple[list[int], int], Rows]) -> None:
            (back, wanted), rows = result
            if self._undo and self._undo[-1] == op:
                self._undo.pop()
            text = self.tr("Brought back {0}.").format(self.samples_text(len(back)))
            if len(back) < wanted:  # the same drawing was saved again meanwhile
                text += self.tr(" {0} were already there again.").format(wanted - len(back))
            self._say(text)
            self._edited(rows)  # the model's answers are still known: no new check
            self.select_ids(back)

        def failed(exc: Exception) -> None:
            if retries > 0 and is_busy(exc):
                QTimer.singleShot(UNDO_RETRY_MS, lambda: self.undo_delete(retries - 1))

        task = self.tasks.run(
            lambda store: (store.restore(op), store.rows()), done, self.tr("Nothing was brought back")
        )
        task.failed.connect(failed)
        return task

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b02a37;" if error else "")
        self.message.setText(text)

    # -- files (on a background thread: a big file never freezes the window) --------------
    def export_to(self, path: str | Path | None = None) -> BackgroundTask | None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export samples"), "my-digits.digitpad-samples.json", self.tr("DigitPad samples (*.json)")
            )
            if not path:
                return None
        return self.tasks.run(
            lambda store: store.export(Path(path)),
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

        def done(result: tuple[tuple[int, int], Rows]) -> None:
            (added, known), rows = result
            self._say(
                self.tr("Imported {0} new samples from {1}").format(added, Path(path).name)
                + (self.tr("; {0} were already here.").format(known) if known else ".")
            )
            self._edited(rows)
            self.check_with_model(only_new=True)

        job = lambda store: (store.import_file(Path(path)), store.rows())  # noqa: E731
        return self.tasks.run(job, done, self.tr("Nothing was imported"))

    def refresh_from_store(self) -> None:
        """Another part of the app added samples: read and check only those."""
        self._keeping_selection(self.model.append_new)
        self.check_with_model(only_new=True)
