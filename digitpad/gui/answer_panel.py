"""The Draw tab's answer: the digit or number in large type, how sure, a button per digit of a
number, and the 28x28 image the model saw."""

from __future__ import annotations

import html
from collections.abc import Collection

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from digitpad.gui.canvas import DOUBT_COLOUR

PREVIEW_SIDE = 112  # the model's view, 4x its 28 pixels


class AnswerPanel(QWidget):
    digit_chosen = Signal(int)  # a digit of the number was clicked

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._build_labels()
        self._build_chooser()
        self._build_layout()

    def _build_labels(self) -> None:
        self.shown_text = "…"  # the answer as plain text (the label may hold rich text)
        self.digit_label = QLabel("…")
        font = QFont()
        font.setPointSize(64)
        font.setBold(True)
        self.digit_label.setFont(font)
        self.digit_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.digit_label.setMinimumWidth(160)
        self.digit_label.setAccessibleName(self.tr("Recognised digit"))
        self.confidence_label = QLabel(self.tr("Loading model…"))
        self.confidence_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview = QLabel()
        self.preview.setFixedSize(PREVIEW_SIDE, PREVIEW_SIDE)
        self.preview.setToolTip(self.tr("The 28x28 image the model sees"))
        self.preview.setStyleSheet("background: black; border: 1px solid palette(mid);")

    def _build_chooser(self) -> None:
        self.chooser_buttons: list[QToolButton] = []
        self.chooser_hint = QLabel(self.tr("Digits:"))
        self.chooser_hint.setToolTip(
            self.tr("Select a digit of the number (or right-click it on the canvas, or Left/Right)")
        )
        policy = self.chooser_hint.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # the panel does not shift when a number appears
        self.chooser_hint.setSizePolicy(policy)
        self.chooser_hint.hide()
        self.chooser_layout = QHBoxLayout()
        self.chooser_layout.setSpacing(0)
        self.chooser_layout.addStretch(1)

    def _build_layout(self) -> None:
        # The row of digit buttons keeps its height when it is empty: the answer above it does
        # not move when the first number appears.
        probe = QToolButton()
        probe.setText("0")
        font = probe.font()
        font.setPointSize(16)
        probe.setFont(font)
        self.chooser_row_height = probe.sizeHint().height()
        chooser_row = QWidget()
        chooser_row.setMinimumHeight(self.chooser_row_height)
        row = QHBoxLayout(chooser_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.chooser_hint)
        row.addLayout(self.chooser_layout, 1)
        answer = QVBoxLayout(self)
        answer.setContentsMargins(0, 0, 0, 0)
        answer.addWidget(self.digit_label, 1)
        answer.addWidget(self.confidence_label)
        answer.addWidget(chooser_row)

    def set_answer_text(self, text: str, doubtful: Collection[int] = ()) -> None:
        """The answer in large type; the digits at the `doubtful` positions of a number in orange
        with a "?" (read with little confidence: check them)."""
        self.shown_text = text
        font = self.digit_label.font()
        # A digit is large; "Not a digit" and long numbers get smaller so that they fit.
        font.setPointSize(64 if len(text) <= 2 else 40 if len(text) <= 6 else 28 if len(text) <= 12 else 18)
        self.digit_label.setFont(font)
        if not doubtful:
            self.digit_label.setTextFormat(Qt.TextFormat.PlainText)
            self.digit_label.setText(text)
            self.digit_label.setToolTip("")
            return
        marked = "".join(
            f'<span style="color:{DOUBT_COLOUR}">{html.escape(c)}<sup>?</sup></span>'
            if i in doubtful
            else html.escape(c)
            for i, c in enumerate(text)
        )
        self.digit_label.setTextFormat(Qt.TextFormat.RichText)
        self.digit_label.setText(marked)
        self.digit_label.setToolTip(self.tr("The digits in orange were read with little confidence: check them"))

    def set_chooser(self, texts: list[str], doubtful: Collection[int] = ()) -> None:
        """One button per digit of a number (none for a single digit): click one to select it.
        A doubtful digit's button is orange and ends in "?"."""
        while len(self.chooser_buttons) < len(texts):
            button = QToolButton()
            button.setCheckable(True)
            button.setAutoRaise(True)
            font = button.font()
            font.setPointSize(16)
            button.setFont(font)
            index = len(self.chooser_buttons)
            button.clicked.connect(lambda _checked=False, i=index: self.digit_chosen.emit(i))
            self.chooser_layout.insertWidget(index, button)
            self.chooser_buttons.append(button)
        for i, button in enumerate(self.chooser_buttons):
            button.setVisible(i < len(texts))
            if i < len(texts):
                button.setText(texts[i] + ("?" if i in doubtful else ""))
                button.setStyleSheet(f"color: {DOUBT_COLOUR};" if i in doubtful else "")
                tip = self.tr("Digit {n}: show its probabilities; then click or type the right digit").format(n=i + 1)
                if i in doubtful:
                    tip += "\n" + self.tr("Read with little confidence: check it")
                button.setToolTip(tip)
        self.chooser_hint.setVisible(bool(texts))

    def check_chosen(self, index: int | None) -> None:
        for i, button in enumerate(self.chooser_buttons):
            button.setChecked(i == index)
