"""The Train tab: choose a recipe, watch it learn, keep or discard the result, manage models."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..architectures import ARCHITECTURES
from ..model_io import save_model, write_card
from ..store import ModelStore
from ..training import TrainConfig
from .workers import TrainingService

PLOT_REFRESH_MS = 100  # curves redraw at most 10 times a second


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "…"
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


class CurvePlot(pg.PlotWidget):
    """One metric: training (per batch, smoothed) and validation (per epoch)."""

    def __init__(self, title: str, ylabel: str, legend_offset=(-5, 5), parent=None):
        super().__init__(parent, background=None)
        self.setTitle(title, size="10pt")
        self.setLabel("bottom", "epoch")
        self.setLabel("left", ylabel)
        self.getAxis("left").enableAutoSIPrefix(False)
        self.setMinimumSize(220, 160)
        self.addLegend(offset=legend_offset, labelTextSize="8pt", brush=pg.mkBrush(255, 255, 255, 200))
        self.showGrid(x=True, y=True, alpha=0.2)
        self.setMouseEnabled(False, False)
        self.hideButtons()
        self.train_curve = self.plot([], [], pen=pg.mkPen("#2b7bd6", width=2), name="training")
        self.val_curve = self.plot([], [], pen=pg.mkPen("#d65f2b", width=2), symbol="o", symbolSize=6,
                                   symbolBrush="#d65f2b", name="validation")
        self.train_x: list[float] = []
        self.train_y: list[float] = []
        self.val_x: list[float] = []
        self.val_y: list[float] = []

    def reset(self) -> None:
        for values in (self.train_x, self.train_y, self.val_x, self.val_y):
            values.clear()
        self.refresh()

    def refresh(self) -> None:
        self.train_curve.setData(self.train_x, self.train_y)
        self.val_curve.setData(self.val_x, self.val_y)


class TrainPage(QWidget):
    model_activated = Signal(object)  # the model file to use now (None: the bundled one)
    run_finished = Signal(object)  # TrainResult, once shown

    def __init__(self, store: ModelStore, samples=None, parent=None):
        super().__init__(parent)
        self.store = store
        self.samples = samples  # digitpad.samples.SampleStore, for fine-tuning
        self.fine_tune_result = None
        self.service = TrainingService(self)
        self.result = None
        self.active_path = store.active_path()
        self._plots_dirty = False

        defaults = TrainConfig()
        self.arch = QComboBox()
        for key, description in ARCHITECTURES.items():
            self.arch.addItem(description, key)
        self.epochs = QLineEdit(str(defaults.epochs))
        self.batch_size = QLineEdit(str(defaults.batch_size))
        self.learning_rate = QLineEdit(str(defaults.learning_rate))
        self.validation_split = QLineEdit(str(defaults.validation_split))
        self.augment = QCheckBox("Augment (rotate, scale, shift, thicken/thin)")
        self.augment.setChecked(defaults.augment)
        self.data = QComboBox()
        self.data.addItem("MNIST (shipped with DigitPad)", "mnist")
        self.data.addItem("MNIST from a file…", "file")
        self.data_file = QLineEdit()
        self.data_file.setPlaceholderText("path to an .npz in Keras' MNIST layout")
        self.data_file.setVisible(False)
        browse = QPushButton("Browse…")
        browse.setVisible(False)
        browse.clicked.connect(self._browse_data)
        self.data.currentIndexChanged.connect(
            lambda: [w.setVisible(self.data.currentData() == "file") for w in (self.data_file, browse)])
        data_row = QHBoxLayout()
        data_row.addWidget(self.data_file)
        data_row.addWidget(browse)
        self.defaults_button = QPushButton("Defaults")
        self.defaults_button.setToolTip("The bundled model's recipe")
        self.defaults_button.clicked.connect(self.reset_form)

        form = QFormLayout()
        form.addRow("Architecture", self.arch)
        form.addRow("Epochs", self.epochs)
        form.addRow("Batch size", self.batch_size)
        form.addRow("Learning rate", self.learning_rate)
        form.addRow("Validation split", self.validation_split)
        form.addRow("", self.augment)
        form.addRow("Training data", self.data)
        form.addRow("", data_row)
        self.form_message = QLabel()
        self.form_message.setWordWrap(True)
        self.form_message.setStyleSheet("color: #b02a37;")
        self.start_button = QPushButton("Start")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(lambda: self.start())
        self.stop_button = QPushButton("Stop")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        self.fine_tune_button = QPushButton("Fine-tune on my samples")
        self.fine_tune_button.setToolTip(
            "Start from the active model and teach it your samples, mixed with MNIST so that it "
            "keeps reading everyone else")
        self.fine_tune_button.clicked.connect(lambda: self.start_fine_tune())
        self.fine_tune_button.setVisible(samples is not None)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        buttons.addWidget(self.defaults_button)
        buttons2 = QHBoxLayout()
        buttons2.addWidget(self.fine_tune_button)
        buttons2.addStretch(1)
        recipe = QGroupBox("Recipe")
        recipe_layout = QVBoxLayout(recipe)
        recipe_layout.addLayout(form)
        recipe_layout.addWidget(self.form_message)
        recipe_layout.addLayout(buttons)
        recipe_layout.addLayout(buttons2)

        self.models_table = QTableWidget(0, 3)
        self.models_table.setHorizontalHeaderLabels(["Model", "MNIST test", "Created"])
        self.models_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.models_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.models_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.models_table.verticalHeader().setVisible(False)
        header = self.models_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.models_table.itemSelectionChanged.connect(self._update_model_buttons)
        self.models_table.itemDoubleClicked.connect(lambda _item: self.use_selected())
        self.use_button = QPushButton("Use")
        self.use_button.clicked.connect(lambda: self.use_selected())
        self.rename_button = QPushButton("Rename…")
        self.rename_button.clicked.connect(lambda: self.rename_selected())
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(lambda: self.delete_selected())
        model_buttons = QHBoxLayout()
        for button in (self.use_button, self.rename_button, self.delete_button):
            model_buttons.addWidget(button)
        model_buttons.addStretch(1)
        models = QGroupBox("Models")
        models_layout = QVBoxLayout(models)
        models_layout.addWidget(self.models_table)
        models_layout.addLayout(model_buttons)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setFormat("Ready to train")
        self.progress.setTextVisible(True)
        self.loss_plot = CurvePlot("Loss", "cross-entropy", legend_offset=(-5, 5))
        self.accuracy_plot = CurvePlot("Accuracy", "accuracy", legend_offset=(-5, -5))
        plots = QHBoxLayout()
        plots.addWidget(self.loss_plot)
        plots.addWidget(self.accuracy_plot)

        self.result_label = QLabel("")
        self.result_label.setWordWrap(True)
        self.confusion = QTableWidget(10, 11)
        self.confusion.setHorizontalHeaderLabels([str(d) for d in range(10)] + ["correct"])
        self.confusion.setVerticalHeaderLabels([f"true {d}" for d in range(10)])
        self.confusion.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.confusion.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.confusion.horizontalHeader().setSectionResizeMode(10, QHeaderView.ResizeMode.ResizeToContents)
        self.confusion.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.confusion.verticalHeader().setMinimumSectionSize(16)
        self.confusion.setMinimumHeight(200)
        self.confusion.setToolTip("Rows: the true digit. Columns: what the model said.")
        self.use_result_button = QPushButton("Use this model")
        self.use_result_button.clicked.connect(lambda: self.keep_result(activate=True))
        self.keep_button = QPushButton("Keep")
        self.keep_button.clicked.connect(lambda: self.keep_result(activate=False))
        self.discard_button = QPushButton("Discard")
        self.discard_button.clicked.connect(lambda: self.discard_result())
        result_buttons = QHBoxLayout()
        for button in (self.use_result_button, self.keep_button, self.discard_button):
            result_buttons.addWidget(button)
        result_buttons.addStretch(1)
        self.result_box = QGroupBox("Result on the MNIST test set")
        result_layout = QVBoxLayout(self.result_box)
        result_layout.addWidget(self.result_label)
        result_layout.addWidget(self.confusion)
        result_layout.addLayout(result_buttons)
        self.result_box.setVisible(False)

        left = QVBoxLayout()
        left.addWidget(recipe)
        left.addWidget(models, 1)
        right = QVBoxLayout()
        right.addWidget(self.progress)
        right.addLayout(plots, 2)
        right.addWidget(self.result_box, 3)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 2)
        layout.addLayout(right, 3)

        self._plot_timer = QTimer(self)
        self._plot_timer.setInterval(PLOT_REFRESH_MS)
        self._plot_timer.timeout.connect(self._refresh_plots)
        self.service.progress.connect(self._on_progress)
        self.service.finished.connect(self._on_finished)
        self.service.failed.connect(self._on_failed)
        self.refresh_models()

    # -- the form ------------------------------------------------------------------------
    def reset_form(self) -> None:
        d = TrainConfig()
        self.arch.setCurrentIndex(self.arch.findData(d.arch))
        for field, value in ((self.epochs, d.epochs), (self.batch_size, d.batch_size),
                             (self.learning_rate, d.learning_rate),
                             (self.validation_split, d.validation_split)):
            field.setText(str(value))
        self.augment.setChecked(d.augment)
        self.data.setCurrentIndex(0)
        self.form_message.clear()

    def _browse_data(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "MNIST data", "", "NumPy archives (*.npz)")
        if path:
            self.data_file.setText(path)

    def read_form(self) -> tuple[TrainConfig | None, list[str]]:
        """The recipe in the form, or None and what is wrong with it, in words."""
        problems = []

        def number(field: QLineEdit, label: str, kind):
            text = field.text().strip()
            try:
                return kind(text)
            except ValueError:
                whole = "a whole number" if kind is int else "a number"
                problems.append(f"{label}: '{text}' is not {whole}.")
                return None

        values = {
            "epochs": number(self.epochs, "Epochs", int),
            "batch_size": number(self.batch_size, "Batch size", int),
            "learning_rate": number(self.learning_rate, "Learning rate", float),
            "validation_split": number(self.validation_split, "Validation split", float),
        }
        data = None
        if self.data.currentData() == "file":
            data = self.data_file.text().strip()
            if not data:
                problems.append("Choose the MNIST file to train on.")
            elif not Path(data).is_file():
                problems.append(f"No such file: {data}")
        if problems:
            return None, problems
        config = TrainConfig(arch=self.arch.currentData(), augment=self.augment.isChecked(), data=data,
                             **values)
        problems = config.problems()
        return (None, problems) if problems else (config, [])

    # -- running -------------------------------------------------------------------------
    def start(self, config: TrainConfig | None = None, mnist=None) -> bool:
        """Start training with `config` (default: the form). Returns False if refused."""
        if self.service.is_running():
            return False
        if config is None:
            config, problems = self.read_form()
            if config is None:
                self.form_message.setText("\n".join(problems))
                return False
        if mnist is None:
            from ..data import DataError, load_mnist

            try:
                mnist = load_mnist(config.data)
            except DataError as exc:
                self.form_message.setText(str(exc))
                return False
        problems = config.problems(n_train=config.train_limit or len(mnist.x_train))
        if problems:
            self.form_message.setText("\n".join(problems))
            return False
        self._begin_run()
        self.service.start(config, mnist=mnist)
        return True

    def _begin_run(self) -> None:
        self.form_message.clear()
        self.discard_result()
        self.loss_plot.reset()
        self.accuracy_plot.reset()
        self.progress.setValue(0)
        self.progress.setFormat("Starting…")
        self._set_running(True)
        self._plot_timer.start()

    def start_fine_tune(self, mnist=None, **overrides) -> bool:
        """Fine-tune the active model on the user's samples. Returns False if refused."""
        if self.service.is_running() or self.samples is None:
            return False
        from ..training import split_user_samples

        images, labels = self.samples.arrays()
        if len(images) == 0:
            self.form_message.setText("You have no samples yet: on the Draw tab, draw a digit and "
                                      "click its right label to save it, then fine-tune.")
            return False
        train_idx, heldout_idx = split_user_samples(labels)
        self._begin_run()
        self.progress.setFormat(f"Fine-tuning on {len(train_idx)} of your samples "
                                f"({len(heldout_idx)} kept aside to measure)…")
        self.service.start_fine_tune(self.store.active_path(), (images[train_idx], labels[train_idx]),
                                     (images[heldout_idx], labels[heldout_idx]), mnist=mnist, **overrides)
        return True

    def stop(self) -> None:
        if self.service.is_running():
            self.stop_button.setEnabled(False)
            self.progress.setFormat("Stopping after this batch…")
            self.service.stop()

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        for widget in (self.arch, self.epochs, self.batch_size, self.learning_rate, self.validation_split,
                       self.augment, self.data, self.data_file, self.defaults_button, self.fine_tune_button):
            widget.setEnabled(not running)

    def _on_progress(self, event: dict) -> None:
        kind = event["kind"]
        if kind == "batch":
            done = event["x"] / event["epochs"]
            self.progress.setValue(int(done * 1000))
            self.progress.setFormat(
                f"Epoch {event['epoch']}/{event['epochs']} · batch {event['batch']}/{event['steps']}"
                f" · {_duration(event['seconds_left'])} left")
            if event["loss"] is not None:
                self.loss_plot.train_x.append(event["x"])
                self.loss_plot.train_y.append(event["loss"])
            if event["accuracy"] is not None:
                self.accuracy_plot.train_x.append(event["x"])
                self.accuracy_plot.train_y.append(event["accuracy"])
            self._plots_dirty = True
        elif kind == "epoch":
            if "val_loss" in event:
                self.loss_plot.val_x.append(event["x"])
                self.loss_plot.val_y.append(event["val_loss"])
                self.accuracy_plot.val_x.append(event["x"])
                self.accuracy_plot.val_y.append(event["val_accuracy"])
                self._plots_dirty = True
        elif kind == "evaluating":
            self.progress.setFormat("Measuring on the MNIST test set…")

    def _refresh_plots(self) -> None:
        if self._plots_dirty:
            self._plots_dirty = False
            self.loss_plot.refresh()
            self.accuracy_plot.refresh()

    def _on_finished(self, result) -> None:
        from ..training import FineTuneResult

        self.fine_tune_result = result if isinstance(result, FineTuneResult) else None
        result = result.result if isinstance(result, FineTuneResult) else result
        self._plot_timer.stop()
        self._refresh_plots()
        self._set_running(False)
        self.progress.setValue(1000 if not result.stopped_early else self.progress.value())
        epochs = result.card["epochs_run"]
        how = "Stopped" if result.stopped_early else "Finished"
        self.progress.setFormat(f"{how} after {epochs} epoch{'s' if epochs != 1 else ''}"
                                f" in {_duration(result.seconds)}")
        self.show_result(result)
        self.run_finished.emit(result)

    def _on_failed(self, message: str) -> None:
        self._plot_timer.stop()
        self._set_running(False)
        self.progress.setFormat("Training failed")
        self.form_message.setText(message)

    # -- the result ----------------------------------------------------------------------
    def show_result(self, result) -> None:
        self.result = result
        confusion = result.confusion
        per_digit = confusion.diagonal() / np.maximum(confusion.sum(axis=1), 1)
        best = f"best epoch's weights (of {result.card['epochs_run']})"
        self.result_label.setText(
            f"<b>{result.test_accuracy:.2%}</b> of {int(confusion.sum())} MNIST test images right"
            f" ({int(confusion.sum() - confusion.trace())} wrong) with the {best}. "
            f"Weakest digit: {int(per_digit.argmin())} ({per_digit.min():.1%})." + self._fine_tune_text())
        peak = max(1, int(confusion.max()))
        for row in range(10):
            for col in range(10):
                count = int(confusion[row, col])
                item = QTableWidgetItem(str(count) if count else "")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if count:
                    strength = count / peak if row == col else min(1.0, 0.15 + 5 * count / peak)
                    base = (43, 123, 214) if row == col else (214, 95, 43)
                    color = QColor(*base)
                    color.setAlphaF(0.15 + 0.6 * strength)
                    item.setBackground(QBrush(color))
                self.confusion.setItem(row, col, item)
            item = QTableWidgetItem(f"{per_digit[row]:.1%}")
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.confusion.setItem(row, 10, item)
        self.result_box.setVisible(True)

    def _fine_tune_text(self) -> str:
        ft = self.fine_tune_result
        if ft is None:
            return ""
        mnist = (f"<br>MNIST test: {ft.mnist_before:.2%} before, {ft.mnist_after:.2%} after "
                 f"({(ft.mnist_after - ft.mnist_before) * 100:+.2f} points).")
        if ft.mine_before is None:
            return mnist + (f"<br>Trained on all {ft.n_train} of your samples; save at least two of a "
                            "digit to have some kept aside to measure on.")
        return mnist + (f"<br><b>Your held-out samples ({ft.n_heldout}): {ft.mine_before:.0%} before, "
                        f"{ft.mine_after:.0%} after</b> (trained on {ft.n_train}).")

    def keep_result(self, activate: bool) -> Path | None:
        """Save the trained model (atomically) with its card; optionally make it active."""
        if self.result is None:
            return None
        path = self.store.new_model_path(self.result.config.arch)
        try:
            save_model(self.result.model, path, self.result.card)
        except OSError as exc:
            QMessageBox.warning(self, "Could not save the model",
                                f"The model was not saved: {exc}. Nothing else was changed.")
            return None
        self.discard_result()
        self.refresh_models()
        if activate:
            self.activate(path)
        return path

    def discard_result(self) -> None:
        self.result = None
        self.fine_tune_result = None
        self.result_box.setVisible(False)

    # -- the models list -----------------------------------------------------------------
    def refresh_models(self) -> None:
        self.entries = self.store.entries()
        table = self.models_table
        table.setRowCount(len(self.entries))
        active = self.active_path
        for row, entry in enumerate(self.entries):
            card = entry.card
            is_active = (entry.bundled and active is None) or (active is not None and entry.path == active)
            name = entry.name + (" (bundled)" if entry.bundled else "")
            if entry.problem:
                name += f" — unusable: {entry.problem}"
            accuracy = card.get("mnist_test_accuracy")
            cells = [
                ("● " if is_active else "") + name,
                f"{accuracy:.2%}" if isinstance(accuracy, (int, float)) else "?",
                str(card.get("created", "?"))[:16].replace("T", " "),
            ]
            details = (f"{entry.path.name}\nArchitecture: {card.get('architecture_description', card.get('architecture', '?'))}"
                       f"\nParameters: {card.get('parameters', '?')}\nData: {card.get('data', '?')}"
                       f"\nEpochs: {card.get('epochs_run', '?')}")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(entry.problem or details)
                if entry.problem:
                    item.setForeground(QBrush(QColor("#b02a37")))
                if is_active:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                table.setItem(row, col, item)
        self._update_model_buttons()

    def selected_entry(self):
        rows = self.models_table.selectionModel().selectedRows()
        return self.entries[rows[0].row()] if rows else None

    def select_model(self, path: Path) -> None:
        for row, entry in enumerate(self.entries):
            if entry.path == Path(path):
                self.models_table.selectRow(row)

    def _update_model_buttons(self) -> None:
        entry = self.selected_entry()
        self.use_button.setEnabled(entry is not None and entry.problem is None)
        self.rename_button.setEnabled(entry is not None and not entry.bundled and entry.problem is None)
        self.delete_button.setEnabled(entry is not None and not entry.bundled)

    def activate(self, path: Path | None) -> None:
        self.store.set_active(path)
        self.active_path = path
        self.refresh_models()
        self.model_activated.emit(path)

    def use_selected(self) -> None:
        entry = self.selected_entry()
        if entry is not None and entry.problem is None:
            self.activate(None if entry.bundled else entry.path)

    def rename_selected(self, new_name: str | None = None) -> None:
        entry = self.selected_entry()
        if entry is None or entry.bundled:
            return
        if new_name is None:
            new_name, ok = QInputDialog.getText(self, "Rename model", "Name:", text=entry.name)
            if not ok:
                return
        new_name = new_name.strip()
        if new_name:
            write_card(entry.path, {**entry.card, "name": new_name})
            self.refresh_models()
            self.select_model(entry.path)

    def delete_selected(self, confirm: bool = True) -> None:
        entry = self.selected_entry()
        if entry is None or entry.bundled:
            return
        if confirm and QMessageBox.question(
                self, "Delete model", f"Delete “{entry.name}”? This cannot be undone.") \
                != QMessageBox.StandardButton.Yes:
            return
        self.store.delete(entry.path)
        if self.active_path == entry.path:
            self.activate(None)  # deleting the active model falls back to the bundled one
        self.refresh_models()

    def shutdown(self) -> None:
        self.service.shutdown()
