"""The Train tab's result: MNIST test accuracy, the confusion matrix with per-digit accuracy
(and a column for "not a digit"), and Use this model / Keep / Discard."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

NONE_COLUMN, CORRECT_COLUMN = 10, 11


class ResultPanel(QGroupBox):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle(self.tr("Result on the MNIST test set"))
        self.label = QLabel("")
        self.label.setWordWrap(True)
        self.confusion = QTableWidget(10, 12)
        self.confusion.setHorizontalHeaderLabels([str(d) for d in range(10)] + [self.tr("none"), self.tr("correct")])
        self.confusion.setVerticalHeaderLabels([self.tr("true {0}").format(d) for d in range(10)])
        self.confusion.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.confusion.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(CORRECT_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        self.confusion.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.confusion.verticalHeader().setMinimumSectionSize(16)
        self.confusion.setMinimumHeight(200)
        self.confusion.setToolTip(self.tr("Rows: the true digit. Columns: what the model said (none: not a digit)."))
        self.use_button = QPushButton(self.tr("Use this model"))
        self.keep_button = QPushButton(self.tr("Keep"))
        self.discard_button = QPushButton(self.tr("Discard"))
        buttons = QHBoxLayout()
        for button in (self.use_button, self.keep_button, self.discard_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.confusion)
        layout.addLayout(buttons)

    def show_result(self, result, extra_html: str = "") -> None:
        confusion = result.confusion
        per_digit = confusion.diagonal()[:10] / np.maximum(confusion.sum(axis=1), 1)
        wrong = int(confusion.sum() - confusion.trace())
        self.label.setText(
            self.tr(
                "<b>{0}</b> of {1} MNIST test images right ({2} wrong) with the best epoch's weights (of {3}). "
            ).format(f"{result.test_accuracy:.2%}", int(confusion.sum()), wrong, result.card["epochs_run"])
            + self.tr("Weakest digit: {0} ({1}).").format(int(per_digit.argmin()), f"{per_digit.min():.1%}")
            + extra_html
        )
        peak = max(1, int(confusion.max()))
        for row in range(10):
            for col in range(NONE_COLUMN + 1):
                count = int(confusion[row, col]) if col < confusion.shape[1] else 0
                item = QTableWidgetItem(str(count) if count else "")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if count:
                    strength = count / peak if row == col else min(1.0, 0.15 + 5 * count / peak)
                    color = QColor(*((43, 123, 214) if row == col else (214, 95, 43)))
                    color.setAlphaF(0.15 + 0.6 * strength)
                    item.setBackground(QBrush(color))
                self.confusion.setItem(row, col, item)
            item = QTableWidgetItem(f"{per_digit[row]:.1%}")
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.confusion.setItem(row, CORRECT_COLUMN, item)
        self.setVisible(True)

    def fine_tune_html(self, ft) -> str:
        """Before and after, for a fine-tuning run (a `finetune.FineTuneResult`); empty otherwise."""
        if ft is None:
            return ""
        mnist = self.tr("<br>MNIST test: {0} before, {1} after ({2} points).").format(
            f"{ft.mnist_before:.2%}", f"{ft.mnist_after:.2%}", f"{(ft.mnist_after - ft.mnist_before) * 100:+.2f}"
        )
        if ft.mine_before is None:
            return mnist + self.tr(
                "<br>Nothing was kept aside to measure on (trained on {0}): save at least two samples of a digit."
            ).format(self.tr("1 sample") if ft.n_train == 1 else self.tr("{0} samples").format(ft.n_train))
        return mnist + self.tr(
            "<br><b>Your held-out samples ({0}): {1} before, {2} after</b> (trained on {3})."
        ).format(ft.n_heldout, f"{ft.mine_before:.0%}", f"{ft.mine_after:.0%}", ft.n_train)
