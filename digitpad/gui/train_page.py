"""The Train tab: run control. It puts together the recipe form, the live curves, the result
panel and the models list (each a widget of its own) and drives the training worker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from digitpad.gui.curves import TRAINING, VALIDATION, CurvePlot
from digitpad.gui.models_panel import ModelsPanel
from digitpad.gui.recipe_form import RecipeForm
from digitpad.gui.result_panel import ResultPanel
from digitpad.gui.training_worker import TrainingService
from digitpad.gui.workers import BackgroundTask
from digitpad.learning.callbacks import BatchProgress, EpochEnd, Evaluating
from digitpad.learning.finetune import FINE_TUNE_DEFAULTS, FineTuneResult, fine_tune_problem, split_sizes
from digitpad.learning.recipe import TrainConfig
from digitpad.storage.model_io import save_model
from digitpad.storage.models import ModelStore
from digitpad.storage.samples import SampleStore

PLOT_REFRESH_MS = 100  # curves redraw at most 10 times a second


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "…"
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


class TrainPage(QWidget):
    run_finished = Signal(object)  # TrainResult, once shown

    def __init__(self, model_store: ModelStore, sample_store: SampleStore | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.model_store = model_store
        self.sample_store = sample_store  # for fine-tuning
        self.fine_tune_result: FineTuneResult | None = None
        self.result: Any = None  # the TrainResult on show, until kept or discarded
        self._save_task: BackgroundTask | None = None
        self.service = TrainingService(self)
        self._build_recipe()
        self._build_progress()
        self._build_layout()
        self._connect_signals()

    def _build_recipe(self) -> None:
        self.form = RecipeForm()
        self.form_message = QLabel()
        self.form_message.setWordWrap(True)
        self.form_message.setStyleSheet("color: #b02a37;")
        self.start_button = QPushButton(self.tr("Start"))
        self.start_button.setDefault(True)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setEnabled(False)
        self.defaults_button = QPushButton(self.tr("Defaults"))
        self.defaults_button.setToolTip(self.tr("The bundled model's recipe"))
        self.fine_tune_button = QPushButton(self.tr("Fine-tune on my samples"))
        self.fine_tune_button.setToolTip(
            self.tr(
                "Start from the active model and teach it your samples, mixed with MNIST so that it "
                "keeps reading everyone else"
            )
        )
        self.fine_tune_button.setVisible(self.sample_store is not None)
        self.models = ModelsPanel(self.model_store)
        self.model_activated = self.models.model_activated

    def _build_progress(self) -> None:
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("Ready to train"))
        self.progress.setTextVisible(True)
        self.device_label = QLabel(self.tr("Trains on: the CPU, or a GPU when TensorFlow sees one (shown at Start)"))
        self.device_label.setStyleSheet("color: palette(mid);")
        self.loss_plot = CurvePlot(self.tr("Loss"), self.tr("cross-entropy"), legend_offset=(-5, 5))
        self.accuracy_plot = CurvePlot(self.tr("Accuracy"), self.tr("accuracy"), legend_offset=(-5, -5))
        self.result_panel = ResultPanel()
        self.result_panel.setVisible(False)
        self._plot_timer = QTimer(self)
        self._plot_timer.setInterval(PLOT_REFRESH_MS)

    def _build_layout(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        buttons.addWidget(self.defaults_button)
        buttons2 = QHBoxLayout()
        buttons2.addWidget(self.fine_tune_button)
        buttons2.addStretch(1)
        recipe = QGroupBox(self.tr("Recipe"))
        recipe_layout = QVBoxLayout(recipe)
        recipe_layout.addWidget(self.form)
        recipe_layout.addWidget(self.form_message)
        recipe_layout.addLayout(buttons)
        recipe_layout.addLayout(buttons2)
        plots = QHBoxLayout()
        plots.addWidget(self.loss_plot)
        plots.addWidget(self.accuracy_plot)
        left = QVBoxLayout()
        left.addWidget(recipe)
        left.addWidget(self.models, 1)
        right = QVBoxLayout()
        right.addWidget(self.progress)
        right.addWidget(self.device_label)
        right.addLayout(plots, 2)
        right.addWidget(self.result_panel, 3)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 2)
        layout.addLayout(right, 3)

    def _connect_signals(self) -> None:
        self.start_button.clicked.connect(lambda: self.start())
        self.stop_button.clicked.connect(self.stop)
        self.defaults_button.clicked.connect(self.reset_form)
        self.fine_tune_button.clicked.connect(lambda: self.start_fine_tune())
        self.result_panel.use_button.clicked.connect(lambda: self.keep_result(activate=True))
        self.result_panel.keep_button.clicked.connect(lambda: self.keep_result(activate=False))
        self.result_panel.discard_button.clicked.connect(self.discard_by_user)
        self._plot_timer.timeout.connect(self._refresh_plots)
        self.service.progress.connect(self._on_progress)
        self.service.device.connect(lambda device: self.device_label.setText(self.tr("Trains on: {0}").format(device)))
        self.service.finished.connect(self._on_finished)
        self.service.failed.connect(self._on_failed)

    @property
    def active_path(self) -> Path | None:
        """The store owns the active choice; this tab only shows it."""
        return self.model_store.active_path()

    def refresh_models(self) -> None:
        self.models.refresh()

    def reset_form(self) -> None:
        self.form.reset()
        self.form_message.clear()

    # -- running -------------------------------------------------------------------------
    def start(self, config: TrainConfig | None = None, mnist=None) -> bool:
        """Start training with `config` (default: the form). Returns False if refused."""
        if self.service.is_running():
            return False
        if config is None:
            config, problems = self.form.config()
            if config is None:
                self.form_message.setText("\n".join(problems))
                return False
        # The data loads on the training thread; what only it can tell (a bad file, a batch
        # larger than the data) comes back through `failed` and shows here.
        problems = config.problems(n_train=None if mnist is None else config.train_limit or len(mnist.x_train))
        if problems:
            self.form_message.setText("\n".join(problems))
            return False
        self.form.remember()
        self._begin_run(has_validation=config.validation_split > 0)
        self.service.start(config, mnist=mnist)
        return True

    def _begin_run(self, has_validation: bool) -> None:
        self.form_message.clear()
        self.discard_result()
        for plot in (self.loss_plot, self.accuracy_plot):
            plot.reset()
            plot.show_validation(has_validation)
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("Starting…"))
        self._set_running(True)
        self._plot_timer.start()

    def start_fine_tune(self, mnist: Any = None, **overrides: Any) -> bool:
        """Fine-tune the active model on the user's samples. Returns False if refused: what is
        missing is said before anything starts (the samples are counted in SQL, not loaded)."""
        if self.service.is_running() or self.sample_store is None:
            return False
        counts = self.sample_store.counts()
        n_train, n_heldout = split_sizes(counts)
        if fine_tune_problem(counts):
            self.form_message.setText(
                self.tr(
                    "You have no samples yet: on the Draw tab, draw a digit and "
                    "click its right label to save it, then fine-tune."
                )
            )
            return False
        if n_heldout == 0:
            self.form_message.setText(
                self.tr(
                    "Fine-tuning needs two samples of at least one digit: one to learn from and one kept "
                    "aside to measure what it learnt. You have {0}; save another of a digit you have."
                ).format(self.samples_text(sum(counts.values())))
            )
            return False
        settings = {**FINE_TUNE_DEFAULTS, **overrides}
        self.form.show_fine_tune(settings, self._active_architecture())
        self._begin_run(has_validation=settings.get("validation_split", 0) > 0)
        self.progress.setFormat(
            self.tr("Fine-tuning on {0} of your samples ({1} kept aside to measure)…").format(n_train, n_heldout)
        )
        self.service.start_fine_tune(self.model_store.active_path(), self.sample_store.path, mnist=mnist, **overrides)
        return True

    def samples_text(self, n: int) -> str:
        return self.tr("1 sample") if n == 1 else self.tr("{0} samples").format(n)

    def _active_architecture(self) -> str:
        active = self.model_store.active_path()
        entry = next((e for e in self.models.entries if (e.bundled and active is None) or e.path == active), None)
        arch = entry.card.architecture if entry is not None else None
        return arch if arch in ("cnn", "mlp") else "cnn"

    def stop(self) -> None:
        if self.service.is_running():
            self.stop_button.setEnabled(False)
            self.progress.setFormat(self.tr("Stopping after this batch…"))
            self.service.stop()

    def _set_running(self, running: bool) -> None:
        if not running:
            self.form.end_fine_tune()
        self.start_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        for widget in (self.form, self.defaults_button, self.fine_tune_button):
            widget.setEnabled(not running)

    def _on_progress(self, event) -> None:
        if isinstance(event, BatchProgress):
            self.progress.setValue(int(event.x / event.epochs * 1000))
            self.progress.setFormat(
                self.tr("Epoch {0}/{1} · batch {2}/{3} · {4} left").format(
                    event.epoch, event.epochs, event.batch, event.steps, duration(event.seconds_left)
                )
            )
            if event.loss is not None:
                self.loss_plot.add_point(TRAINING, event.x, event.loss)
            if event.accuracy is not None:
                self.accuracy_plot.add_point(TRAINING, event.x, event.accuracy)
        elif isinstance(event, EpochEnd):
            if event.val_loss is not None:
                self.loss_plot.add_point(VALIDATION, event.x, event.val_loss)
            if event.val_accuracy is not None:
                self.accuracy_plot.add_point(VALIDATION, event.x, event.val_accuracy)
        elif isinstance(event, Evaluating):
            self.progress.setFormat(self.tr("Measuring on the MNIST test set…"))

    def _refresh_plots(self) -> None:
        self.loss_plot.refresh()
        self.accuracy_plot.refresh()

    def _on_finished(self, result: Any) -> None:
        self.fine_tune_result = result if isinstance(result, FineTuneResult) else None
        result = result.result if isinstance(result, FineTuneResult) else result
        self._plot_timer.stop()
        self._refresh_plots()
        self._set_running(False)
        self.progress.setValue(1000 if not result.stopped_early else self.progress.value())
        epochs = result.card.epochs_run
        how = self.tr("Stopped") if result.stopped_early else self.tr("Finished")
        unit = self.tr("epoch") if epochs == 1 else self.tr("epochs")
        self.progress.setFormat(self.tr("{0} after {1} {2} in {3}").format(how, epochs, unit, duration(result.seconds)))
        self.result = result
        self.result_panel.show_result(result, self.result_panel.fine_tune_html(self.fine_tune_result))
        self.run_finished.emit(result)

    def _on_failed(self, message: str) -> None:
        self._plot_timer.stop()
        self._set_running(False)
        self.progress.setFormat(self.tr("Training failed"))
        self.form_message.setText(message)

    # -- the result ----------------------------------------------------------------------
    def keep_result(self, activate: bool) -> BackgroundTask | None:
        """Save the trained model (atomically, with its card) on a background thread; then,
        with `activate`, make it the active model. The result stays until it is saved."""
        if self.result is None or (self._save_task is not None and not self._save_task.finished):
            return None
        result = self.result
        path = self.model_store.new_model_path(result.config.arch)
        self._save_task = task = BackgroundTask(lambda: save_model(result.model, path, result.card), self)
        self.result_panel.setEnabled(False)
        self.progress.setFormat(self.tr("Saving the model…"))

        def saved(_card):
            self.result_panel.setEnabled(True)
            self.progress.setFormat(self.tr("Saved as {0}").format(path.name))
            self.discard_result()
            self.refresh_models()
            if activate:
                self.models.activate(path)

        def failed(exc):
            self.result_panel.setEnabled(True)
            QMessageBox.warning(
                self,
                self.tr("Could not save the model"),
                self.tr("The model was not saved: {0}. Nothing else was changed.").format(exc),
            )

        task.done.connect(saved)
        task.failed.connect(failed)
        QTimer.singleShot(0, task.start)
        return task

    def discard_by_user(self) -> None:
        """Discard, and say so (Keep says where it saved)."""
        if self.result is not None:
            self.discard_result()
            self.progress.setFormat(self.tr("Discarded: the trained model was not kept"))

    def discard_result(self) -> None:
        self.result = None
        self.fine_tune_result = None
        self.result_panel.setVisible(False)

    def shutdown(self) -> None:
        self.service.shutdown()
        if self._save_task is not None:
            self._save_task.wait(30)
