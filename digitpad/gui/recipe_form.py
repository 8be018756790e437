"""The Train tab's recipe form: architecture, epochs, batch, learning rate, validation split,
augmentation and training data. Number inputs are spin boxes (nothing else can be typed);
the recipe is checked once, by `TrainConfig.problems`."""

from __future__ import annotations

from pathlib import Path

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


class RecipeForm(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
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
        self.reset()

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
