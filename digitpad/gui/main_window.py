"""The main window: tabs, menus, model choice and the recognition service."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLabel, QMainWindow, QMessageBox, QTabWidget

from digitpad import __version__
from digitpad.gui.draw_page import DrawPage
from digitpad.gui.i18n import LANGUAGES, SETTING, chosen_language
from digitpad.gui.samples_page import SamplesPage
from digitpad.gui.train_page import TrainPage
from digitpad.gui.workers import BackgroundTask, RecognitionService
from digitpad.learning.export import FORMATS, ExportResult, export_from_file
from digitpad.logs import setup_logging
from digitpad.storage.models import ModelStore
from digitpad.storage.samples import SampleStore, SampleStoreError

log = logging.getLogger(__name__)
MEMORY_SETTING = "reading/use_memory"


def use_memory() -> bool:
    """View > Use My Samples, on unless turned off."""
    return str(QSettings().value(MEMORY_SETTING, True)).lower() not in ("false", "0")


class MainWindow(QMainWindow):
    first_shown = Signal()  # the window is on screen for the first time

    def __init__(self, model_store: ModelStore | None = None):
        super().__init__()
        self._shown_once = False
        self.setWindowTitle("DigitPad")  # the icon is the application's (gui.app.make_app)
        self.model_store = model_store or ModelStore()
        self.last_error: str | None = None
        self.last_export: str | None = None
        self._open_stores()
        self._build_tabs()
        self._build_menus()
        self._build_status_bar()
        self._connect_signals()
        self._show_start_problems()
        self.resize(1100, 720)
        geometry = QSettings().value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    def _open_stores(self) -> None:
        try:  # the app keeps models and samples here; predict and evaluate need no folder
            self.model_store.models_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            log.warning("cannot make %s: %s", self.model_store.models_dir, exc)
        self.samples_problem: str | None = None
        try:
            self.sample_store: SampleStore | None = SampleStore(self.model_store.root / "samples.sqlite3", timeout=1.0)
        except SampleStoreError as exc:  # locked, read-only, newer: left alone, teaching off
            log.warning("samples unavailable: %s", exc)
            self.sample_store = None
            self.samples_problem = self.tr("{reason} Saving samples is off until it can be opened.").format(reason=exc)

    def _build_tabs(self) -> None:
        self.service = RecognitionService(self)
        if self.sample_store is not None:  # the writer memory is made of these samples
            self.service.set_samples(self.sample_store.path)
        self.service.set_use_memory(use_memory())
        self.draw_page = DrawPage(self.service, self.sample_store)
        self.samples_page = SamplesPage(self.sample_store, self.service) if self.sample_store is not None else None
        self.train_page = TrainPage(self.model_store, self.sample_store)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.draw_page, self.tr("Draw"))
        if self.samples_page is not None:
            self.tabs.addTab(self.samples_page, self.tr("My samples"))
        self.tabs.addTab(self.train_page, self.tr("Train"))
        self.setCentralWidget(self.tabs)

    def _build_status_bar(self) -> None:
        # The model line is a permanent widget: a menu item's status tip clears showMessage's
        # text for good, never this.
        self.model_label = QLabel(self.tr("Loading model…"))
        self.statusBar().addPermanentWidget(self.model_label, 1)
        self.memory_label = QLabel("")
        self.memory_label.setToolTip(
            self.tr("Your samples are read with the model: a drawing like one of them gets its label (View menu)")
        )
        self.statusBar().addPermanentWidget(self.memory_label)
        self.memory_count = 0

    def _connect_signals(self) -> None:
        self.train_page.model_activated.connect(self.open_model)
        if self.samples_page is not None:
            samples_page = self.samples_page
            self.draw_page.sample_saved.connect(lambda _id: samples_page.refresh_from_store())
        self.tabs.currentChanged.connect(
            lambda _index: self.draw_page.set_current_tab(self.tabs.currentWidget() is self.draw_page)
        )
        self.service.model_ready.connect(self._on_model_ready)
        self.service.memory_changed.connect(self._on_memory_changed)
        self.service.model_failed.connect(self._on_model_failed)
        self.service.errored.connect(self._on_model_failed)

    def _show_start_problems(self) -> None:
        store = self.sample_store
        if store is not None and store.recovered_from is not None:
            self.last_error = self.tr(
                "Your samples database was damaged and could not be read. It was moved "
                "aside to {path}; DigitPad started a new, empty one."
            ).format(path=store.recovered_from)
        elif store is not None and store.migration is not None and store.migration.kept_aside:
            self.last_error = self.tr(
                "{count} samples saved by an older DigitPad break today's rules (a label out of range, a "
                "damaged image) and were kept aside in the samples database, not shown; the others are here."
            ).format(count=store.migration.kept_aside)
        elif self.samples_problem:
            self.last_error = self.samples_problem
        if self.last_error:
            self.draw_page.show_warning(self.last_error)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        open_model = QAction(self.tr("&Open Model File…"), self)
        open_model.setShortcut(QKeySequence("Ctrl+Shift+O"))
        open_model.triggered.connect(self._choose_model_file)
        file_menu.addAction(open_model)
        open_image = QAction(self.tr("Open &Image…"), self)
        open_image.setShortcut(QKeySequence.StandardKey.Open)  # Ctrl+O opens a picture, as people expect
        open_image.setToolTip(self.tr("Read a digit or a number in a picture: a photo, a scan, a screenshot"))
        open_image.triggered.connect(self._choose_picture_file)
        file_menu.addAction(open_image)
        export = QAction(self.tr("&Export Model…"), self)
        export.setToolTip(
            self.tr("Save the active model for serving (SavedModel) or phones (TensorFlow Lite), checked on MNIST")
        )
        export.triggered.connect(self._choose_export)
        file_menu.addAction(export)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        for action in (self.draw_page.undo_action, self.draw_page.redo_action, self.draw_page.clear_action):
            edit_menu.addAction(action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.draw_page.paste_action)
        view_menu = self.menuBar().addMenu(self.tr("&View"))
        self.memory_action = QAction(self.tr("&Use My Samples"), self, checkable=True)
        self.memory_action.setChecked(use_memory())
        self.memory_action.setEnabled(self.sample_store is not None)
        self.memory_action.setStatusTip(
            self.tr("Read each drawing with your samples too: one like a sample you saved gets its label at once")
        )
        self.memory_action.toggled.connect(self.set_use_memory)
        view_menu.addAction(self.memory_action)
        view_menu.addSeparator()
        self._build_language_menu(view_menu.addMenu(self.tr("&Language")))
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        about = QAction(self.tr("&About DigitPad"), self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _build_language_menu(self, menu) -> None:

        group = QActionGroup(self)
        chosen = chosen_language()
        self.language_actions = {}
        for code, name in {"": self.tr("System default"), **LANGUAGES}.items():
            action = QAction(name, self, checkable=True)
            action.setChecked(code == chosen)
            action.triggered.connect(lambda _checked=False, code=code: self.choose_language(code))
            group.addAction(action)
            menu.addAction(action)
            self.language_actions[code] = action

    def choose_language(self, code: str) -> None:
        """Remember the interface language ("" follows the system); it applies at the next start."""

        if code == chosen_language():
            return
        QSettings().setValue(SETTING, code)
        self.last_language_message = self.tr("The language changes when DigitPad is started again.")
        self.statusBar().showMessage(self.last_language_message)
        self._message(self.tr("Language"), self.last_language_message)

    def set_use_memory(self, on: bool) -> None:
        """View > Use My Samples: remembered, and the drawing on the canvas is read again."""
        QSettings().setValue(MEMORY_SETTING, on)
        self.service.set_use_memory(on)
        if self.memory_action.isChecked() != on:
            self.memory_action.setChecked(on)
        self._show_memory()
        self.draw_page.recognise()

    def _on_memory_changed(self, count: int) -> None:
        self.memory_count = count
        self._show_memory()

    def _show_memory(self) -> None:
        if self.sample_store is None:
            self.memory_label.setText("")
        elif not self.memory_action.isChecked():
            self.memory_label.setText(self.tr("Your samples: off"))
        else:
            self.memory_label.setText(self.tr("Your samples: {count} in use").format(count=self.memory_count))

    def start(self) -> None:
        """Load the active model in the background; the window is usable meanwhile."""
        self.service.load(self.model_store.active_path())

    def open_model(self, path: Path | None) -> None:
        """Switch to a model file (None: the bundled one) and remember the choice: the model
        store owns it, the Train tab shows it, the recognition service follows it. An unusable
        file falls back to the bundled model with a message."""
        if path != self.model_store.active_path():
            try:
                self.model_store.set_active(Path(path) if path else None)
            except OSError as exc:
                self.draw_page.show_warning(self.tr("The model choice could not be saved: {reason}").format(reason=exc))
        self.train_page.refresh_models()
        name = Path(path).name if path else self.tr("the bundled model")
        self.model_label.setText(self.tr("Loading {name}…").format(name=name))
        self.service.load(Path(path) if path else None)

    def _choose_model_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open Model"), str(self.model_store.models_dir), self.tr("Keras models (*.keras)")
        )
        if path:
            self.open_model(Path(path))

    def _choose_picture_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Open Image"),
            str(QSettings().value("pictures/folder", str(Path.home()))),
            self.tr("Pictures (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp);;All files (*)"),
        )
        if path:
            QSettings().setValue("pictures/folder", str(Path(path).parent))
            self.tabs.setCurrentWidget(self.draw_page)
            self.draw_page.show_picture(path)

    def _choose_export(self) -> None:

        labels = [f"{key}: {self.format_name(key)}" for key in FORMATS]
        choice, ok = QInputDialog.getItem(self, self.tr("Export Model"), self.tr("Format:"), labels, 0, False)
        if not ok:
            return
        fmt = choice.split(":")[0]
        suggested = Path.home() / {"savedmodel": "digitpad-savedmodel", "tflite": "digitpad.tflite"}.get(
            fmt, "digitpad.onnx"
        )
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export Model As"), str(suggested))
        if path:
            self.export_model(fmt, Path(path))

    def format_name(self, fmt: str) -> str:
        """An export format as the menu shows it (digitpad.learning.export.FORMATS, translated)."""
        names = {
            "savedmodel": self.tr("TensorFlow SavedModel (a folder): for serving"),
            "tflite": self.tr("TensorFlow Lite, float16 weights (a .tflite file): for phones and small devices"),
            "onnx": self.tr("ONNX (a .onnx file): for other runtimes"),
        }
        return names.get(fmt, FORMATS.get(fmt, fmt))

    def export_model(self, fmt: str, path: Path) -> None:
        """Export the active model on a worker thread; the result (checked in its own runtime)
        or the reason it was refused comes as a message, never a frozen window."""
        active = self.model_store.active_path()

        def work() -> tuple[str, ExportResult]:
            loaded, result = export_from_file(active, fmt, path)
            return loaded.name, result

        self.statusBar().showMessage(
            self.tr("Exporting the model as {format} and checking it on MNIST…").format(format=fmt)
        )
        self.last_export = None
        task = self._export_task = BackgroundTask(work, self)
        task.done.connect(self._exported)
        task.failed.connect(self._export_failed)
        task.start()

    def _exported(self, result) -> None:
        name, export = result
        self.last_export = self.tr(
            "Exported {name} as {format} to {path} ({megabytes} MB). Checked in its own runtime: it answers "
            "like DigitPad on {agreement}% of {images} MNIST test images."
        ).format(
            name=name,
            format=export.format,
            path=export.path,
            megabytes=f"{export.bytes / 1e6:.2f}",
            agreement=f"{export.agreement * 100:.2f}",
            images=export.images,
        )
        self.statusBar().showMessage(self.last_export)
        self._message(self.tr("Model exported"), self.last_export)

    def _export_failed(self, exc) -> None:
        self.last_export = self.tr("Export refused: {reason}").format(reason=exc)
        self.statusBar().showMessage(self.last_export)
        self._message(self.tr("Export refused"), self.last_export, QMessageBox.Icon.Warning)

    def _message(self, title: str, text: str, icon=QMessageBox.Icon.Information) -> None:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not modal to the event loop: the window goes on

    def _on_model_ready(self, loaded) -> None:
        if loaded.fallback_reason:
            self.last_error = loaded.fallback_reason
            self.draw_page.show_warning(
                self.tr("{reason}. Using the bundled model instead.").format(reason=loaded.fallback_reason)
            )
        elif self.sample_store is not None and self.sample_store.recovered_from is None:
            self.last_error = None
            self.draw_page.show_warning(None)
        accuracy = loaded.card.mnist_test_accuracy
        if accuracy is not None and loaded.card_matches:  # a card's figures only for its own file
            text = self.tr("Model: {name} — MNIST test accuracy {percent}%").format(
                name=loaded.name, percent=f"{accuracy * 100:.2f}"
            )
        else:
            text = self.tr("Model: {name}").format(name=loaded.name)
        self.model_label.setText(text)

    def _on_model_failed(self, message: str) -> None:
        self.last_error = message
        self.draw_page.show_warning(message)
        self.model_label.setText(self.tr("No model: recognition is off"))

    def _about(self) -> None:

        log_file = setup_logging()
        QMessageBox.about(
            self,
            self.tr("About DigitPad"),
            self.tr(
                "<h3>DigitPad {version}</h3><p>Draw a digit, see it recognised live.</p>"
                "<p>The bundled model was trained on MNIST by Yann LeCun and Corinna Cortes "
                "(with Christopher J.C. Burges), licensed CC BY-SA 3.0, and on UNIPEN pen handwriting "
                "(The International Unipen Foundation), licensed CC BY 4.0.</p><p>Log file: {log}</p>"
            ).format(
                version=__version__,
                log=log_file if log_file else self.tr("none (the data folder cannot be written)"),
            ),
        )

    def showEvent(self, event):
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self.first_shown.emit()

    def closeEvent(self, event):
        if self.train_page.service.is_running():
            answer = QMessageBox.question(
                self,
                self.tr("Training in progress"),
                self.tr("Stop training and quit? The model being trained is lost."),
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        QSettings().setValue("window/geometry", self.saveGeometry())
        self.train_page.shutdown()
        self.service.shutdown()
        if self.samples_page is not None:
            self.samples_page.shutdown()
        if self.sample_store is not None:
            self.sample_store.close()
        super().closeEvent(event)
