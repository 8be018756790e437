"""The Train tab's recipe form: architecture, epochs, batch, learning rate, validation split,
augmentation and training data. Number inputs are spin boxes (nothing else can be typed);
the recipe is checked once, by `TrainConfig.problems`."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from digitpad.learning.architectures import ARCHITECTURES
from digitpad.learning.recipe import MAX_BATCH, MAX_EPOCHS, TRAINING_DATA, TrainConfig

DATA_FILE = "file"  # the data combo's entry for an MNIST-layout .npz of the user's


SETTINGS = "train/recipe"  # the form's values, remembered between starts (QSettings)
MINE = "mine"  # the data combo's entry shown while fine-tuning: the user's samples


class RecipeForm(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._build_fields()
        self._build_layout()
        self.reset()
        self.restore()

    def _build_fields(self) -> None:
        # The core's descriptions (architectures.ARCHITECTURES, training.TRAINING_DATA), translated.
        names = {
            "cnn": self.tr("Convolutional network (the bundled model's)"),
            "mlp": self.tr("Tutorial MLP (Dense 128)"),
            "mnist+pen": self.tr("MNIST + pen strokes + not-a-digit"),
            "mnist": "MNIST",
        }
        self.arch = QComboBox()
        for key, description in ARCHITECTURES.items():
            self.arch.addItem(names.get(key, description), key)
        self.epochs = QSpinBox()
        self.epochs.setRange(1, MAX_EPOCHS)
        self.batch_size = QSpinBox()
        self.batch_size.setRange(1, MAX_BATCH)
        self.learning_rate = QDoubleSpinBox()
        self.learning_rate.setDecimals(5)
        self.learning_rate.setRange(0.00001, 1.0)
        self.learning_rate.setSingleStep(0.0005)
        self.validation_split = QDoubleSpinBox()
        self.validation_split.setDecimals(3)
        self.validation_split.setRange(0.0, 0.49)
        self.validation_split.setSingleStep(0.05)
        self.augment = QCheckBox(self.tr("Augment (rotate, scale, shift, thicken/thin)"))
        self.data = QComboBox()
        default = TrainConfig().training_data
        for key, description in TRAINING_DATA.items():
            self.data.addItem(
                names.get(key, description) + (self.tr(" (the bundled recipe)") if key == default else ""), key
            )
        self.data.addItem(self.tr("MNIST from a file…"), DATA_FILE)
        self.data_file = QLineEdit()
        self.data_file.setPlaceholderText(self.tr("path to an .npz in Keras' MNIST layout"))
        self.browse = QPushButton(self.tr("Browse…"))
        self.browse.clicked.connect(self._browse_data)
        self.data.currentIndexChanged.connect(self._show_file_row)

    def _build_layout(self) -> None:
        data_row = QHBoxLayout()
        data_row.addWidget(self.data_file)
        data_row.addWidget(self.browse)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Architecture"), self.arch)
        form.addRow(self.tr("Epochs"), self.epochs)
        form.addRow(self.tr("Batch size"), self.batch_size)
        form.addRow(self.tr("Learning rate"), self.learning_rate)
        form.addRow(self.tr("Validation split"), self.validation_split)
        form.addRow("", self.augment)
        form.addRow(self.tr("Training data"), self.data)
        form.addRow("", data_row)

    def reset(self) -> None:
        """The bundled model's recipe."""
        d = TrainConfig()
        self.arch.setCurrentIndex(self.arch.findData(d.arch))
        self.epochs.setValue(d.epochs)
        self.batch_size.setValue(d.batch_size)
        self.learning_rate.setValue(d.learning_rate)
        self.validation_split.setValue(d.validation_split)
        self.augment.setChecked(d.augment)
        self.data.setCurrentIndex(self.data.findData(d.training_data))
        self._show_file_row()

    def _show_file_row(self) -> None:
        for widget in (self.data_file, self.browse):
            widget.setVisible(self.data.currentData() == DATA_FILE)

    def _browse_data(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("MNIST data"), "", self.tr("NumPy archives (*.npz)"))
        if path:
            self.data_file.setText(path)

    def config(self) -> tuple[TrainConfig | None, list[str]]:
        """The recipe, or None and what is wrong with it, in words."""
        data = None
        if self.data.currentData() == DATA_FILE:
            data = self.data_file.text().strip()
            if not data:
                return None, [self.tr("Choose the MNIST file to train on.")]
            if not Path(data).is_file():
                return None, [self.tr("No such file: {0}").format(data)]
        config = TrainConfig(
            arch=self.arch.currentData(),
            training_data="mnist" if self.data.currentData() == DATA_FILE else self.data.currentData(),
            epochs=self.epochs.value(),
            batch_size=self.batch_size.value(),
            learning_rate=self.learning_rate.value(),
            validation_split=self.validation_split.value(),
            augment=self.augment.isChecked(),
            data=data,
        )
        problems = config.problems()
        return (None, problems) if problems else (config, [])

    # -- remembered between starts ----------------------------------------------------------------
    def values(self) -> dict[str, object]:
        return {
            "arch": self.arch.currentData(),
            "epochs": self.epochs.value(),
            "batch_size": self.batch_size.value(),
            "learning_rate": self.learning_rate.value(),
            "validation_split": self.validation_split.value(),
            "augment": self.augment.isChecked(),
            "data": self.data.currentData(),
            "data_file": self.data_file.text(),
        }

    def set_values(self, values: dict[str, object]) -> None:
        """Fill the form; a value of the wrong kind or out of range is left as it was."""
        for combo, key in ((self.arch, "arch"), (self.data, "data")):
            index = combo.findData(values.get(key))
            if index >= 0:
                combo.setCurrentIndex(index)
        for spin, key in ((self.epochs, "epochs"), (self.batch_size, "batch_size")):
            try:
                spin.setValue(int(str(values[key])))  # QSettings may give text
            except (KeyError, ValueError):
                pass
        for double, key in ((self.learning_rate, "learning_rate"), (self.validation_split, "validation_split")):
            try:
                double.setValue(float(str(values[key])))
            except (KeyError, ValueError):
                pass
        if "augment" in values:
            self.augment.setChecked(str(values["augment"]).lower() in ("true", "1"))
        if isinstance(values.get("data_file"), str):
            self.data_file.setText(str(values["data_file"]))
        self._show_file_row()

    def remember(self) -> None:
        """Keep the form's values for the next start of DigitPad."""
        QSettings().setValue(SETTINGS, json.dumps(self.values()))

    def restore(self) -> None:
        try:
            values = json.loads(str(QSettings().value(SETTINGS, "{}")))
        except ValueError:
            return
        if isinstance(values, dict):
            self.set_values(values)

    # -- while fine-tuning ---------------------------------------------------------------------
    def show_fine_tune(self, settings: dict[str, object], arch: str) -> None:
        """Show what a fine-tuning run uses (the form is greyed meanwhile); `end_fine_tune`
        brings the form's own values back."""
        self._before_fine_tune: dict[str, object] | None = self.values()
        if self.data.findData(MINE) < 0:
            self.data.addItem(self.tr("Your samples, mixed with MNIST"), MINE)
        self.set_values({**settings, "arch": arch, "data": MINE})

    def end_fine_tune(self) -> None:
        before = getattr(self, "_before_fine_tune", None)
        index = self.data.findData(MINE)
        if index >= 0:
            self.data.removeItem(index)
        if before is not None:
            self.set_values(before)
            self._before_fine_tune = None
