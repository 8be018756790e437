"""The Draw tab: canvas on the left; the guess, its ten probabilities and the model's view on
the right."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..recognizer import NOT_A_DIGIT, class_name
from .canvas import DrawingCanvas
from .images import grayscale_pixmap

LIVE_UPDATE_MS = 50  # while drawing, at most ~20 guesses a second


def label_text(label: int) -> str:
    return class_name(label) if label == NOT_A_DIGIT else f"a {label}"


NOT_A_DIGIT_TEXT = "Not a digit"


class ProbabilityChart(pg.PlotWidget):
    """Eleven bars, one per digit and one for "not a digit" (empty for a model without that
    output); the answer stands out."""

    def __init__(self, parent=None):
        super().__init__(parent, background=None)
        self.setMinimumHeight(150)
        self.setMouseEnabled(False, False)
        self.hideButtons()
        self.setMenuEnabled(False)
        self.setYRange(0, 1, padding=0.02)
        self.setXRange(-0.6, 10.6, padding=0)
        axis = self.getAxis("bottom")
        axis.setTicks([[(d, str(d)) for d in range(10)] + [(10, "none")]])
        self.getAxis("left").setTicks([[(0, "0"), (0.5, "50%"), (1, "100%")]])
        self.setLabel("bottom", "digit, or none (not a digit)")
        self._bars = pg.BarGraphItem(x=np.arange(11), height=np.zeros(11), width=0.7, brush="#9aa5b1")
        self.addItem(self._bars)
        self.values = np.zeros(11)

    def set_probabilities(self, probs: np.ndarray | None, answer: int | None = None) -> None:
        """`answer` (0-10; default the largest bar) is the bar that stands out."""
        self.values = np.zeros(11)
        brushes = ["#9aa5b1"] * 10 + ["#c9a27e"]
        if probs is not None:
            probs = np.asarray(probs, dtype=float)
            self.values[: len(probs)] = probs
            brushes[int(self.values.argmax()) if answer is None else answer] = "#2b7bd6"
        self._bars.setOpts(height=self.values, brushes=brushes)


class DrawPage(QWidget):
    prediction_shown = Signal(int)  # request id, after the labels show it
    sample_saved = Signal(int)  # the new sample's id

    def __init__(self, service, sample_store=None, parent=None):
        super().__init__(parent)
        self.service = service
        self.sample_store = sample_store  # digitpad.samples.SampleStore, or None: no teaching
        self.canvas = DrawingCanvas()
        self.current_prediction = None
        self.shown_request = 0  # the request id of the answer on screen

        self.digit_label = QLabel("…")
        font = QFont()
        font.setPointSize(64)
        font.setBold(True)
        self.digit_label.setFont(font)
        self.digit_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.digit_label.setMinimumWidth(160)
        self.digit_label.setAccessibleName("Recognised digit")
        self.confidence_label = QLabel("Loading model…")
        self.confidence_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.chart = ProbabilityChart()
        self.preview = QLabel()
        self.preview.setFixedSize(112, 112)
        self.preview.setToolTip("The 28x28 image the model sees")
        self.preview.setStyleSheet("background: black; border: 1px solid palette(mid);")
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("background: #fff3cd; color: #664d03; padding: 6px; border-radius: 4px;")
        self.warning.hide()

        self.undo_action = QAction("Undo", self)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setToolTip("Undo the last stroke (Ctrl+Z)")
        self.redo_action = QAction("Redo", self)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo_action.setToolTip("Redo (Ctrl+Shift+Z or Ctrl+Y)")
        self.clear_action = QAction("Clear", self)
        self.clear_action.setShortcuts([QKeySequence(Qt.Key.Key_Escape), QKeySequence(Qt.Key.Key_Delete)])
        self.clear_action.setToolTip("Clear the canvas (Esc or Delete); Undo brings it back")
        for action in (self.undo_action, self.redo_action, self.clear_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.undo_action.triggered.connect(self.canvas.undo)
        self.redo_action.triggered.connect(self.canvas.redo)
        self.clear_action.triggered.connect(self.canvas.clear)

        buttons = QHBoxLayout()
        for action in (self.undo_action, self.redo_action, self.clear_action):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            buttons.addWidget(button)
        buttons.addStretch(1)

        teach = QGridLayout()
        teach.setSpacing(2)
        hint = QLabel("Wrong? The right digit is:")
        hint.setToolTip("Click the right digit or press its key: the drawing is saved as your sample")
        teach.addWidget(hint, 0, 0, 1, 10)
        self.teach_buttons = []
        for digit in range(10):
            button = QToolButton()
            button.setText(str(digit))
            button.setToolTip(f"Save this drawing as a {digit} (key {digit})")
            button.clicked.connect(lambda _checked=False, d=digit: self.save_sample(d))
            button.setMinimumWidth(26)
            teach.addWidget(button, 1, digit)
            self.teach_buttons.append(button)
            action = QAction(self)
            action.setShortcut(QKeySequence(str(digit)))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _checked=False, d=digit: self.save_sample(d))
            self.addAction(action)
        self.not_digit_button = QToolButton()
        self.not_digit_button.setText(NOT_A_DIGIT_TEXT)
        self.not_digit_button.setToolTip("Save this drawing as not a digit (key N)")
        self.not_digit_button.clicked.connect(lambda: self.save_sample(NOT_A_DIGIT))
        not_digit_action = QAction(self)
        not_digit_action.setShortcut(QKeySequence("N"))
        not_digit_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        not_digit_action.triggered.connect(lambda: self.save_sample(NOT_A_DIGIT))
        self.addAction(not_digit_action)
        self.keep_button = QToolButton()
        self.keep_button.setText("✓ Right: keep as a sample")
        self.keep_button.setToolTip("Save this drawing with the recognised digit")
        self.keep_button.clicked.connect(self.keep_as_sample)
        teach.addWidget(self.not_digit_button, 2, 0, 1, 4)
        teach.addWidget(self.keep_button, 2, 4, 1, 6)
        self.saved_label = QLabel("")
        self.saved_label.setStyleSheet("color: #146c43;")
        self.saved_label.setWordWrap(True)
        teach.addWidget(self.saved_label, 3, 0, 1, 10)
        self._saved_timer = QTimer(self)
        self._saved_timer.setSingleShot(True)
        self._saved_timer.setInterval(4000)
        self._saved_timer.timeout.connect(self.saved_label.clear)
        teach_widget = QWidget()
        teach_widget.setLayout(teach)
        teach_widget.setVisible(sample_store is not None)

        side = QVBoxLayout()
        side.addWidget(self.digit_label)
        side.addWidget(self.confidence_label)
        side.addWidget(self.chart, 1)
        preview_row = QGridLayout()
        preview_row.addWidget(QLabel("Model's view:"), 0, 0, Qt.AlignmentFlag.AlignTop)
        preview_row.addWidget(self.preview, 0, 1)
        side.addLayout(preview_row)
        side.addWidget(teach_widget)

        left = QVBoxLayout()
        left.addWidget(self.warning)
        left.addWidget(self.canvas, 1)
        left.addLayout(buttons)

        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(side, 2)

        self._live_timer = QTimer(self)
        self._live_timer.setSingleShot(True)
        self._live_timer.setInterval(LIVE_UPDATE_MS)
        self._live_timer.timeout.connect(self.recognise)
        self.canvas.strokes_changed.connect(self._on_strokes_changed)
        self.canvas.stroke_finished.connect(self.recognise)
        service.prediction_ready.connect(self._show_prediction)
        service.model_ready.connect(lambda _loaded: self.recognise())
        self._update_actions()

    def _on_strokes_changed(self) -> None:
        self._update_actions()
        if self.canvas.is_drawing():  # pen is down: throttle
            if not self._live_timer.isActive():
                self._live_timer.start()
        else:  # undo, redo, clear: at once (pen-up is handled by stroke_finished)
            self.recognise()

    def set_current_tab(self, current: bool) -> None:
        """The window's Undo, Redo and Clear (menu and keys) act on the canvas only while this
        tab is shown: Delete on My samples or Esc on Train must not clear a hidden drawing."""
        self._is_current = current
        self._update_actions()

    def _update_actions(self) -> None:
        current = getattr(self, "_is_current", True)
        self.undo_action.setEnabled(current and self.canvas.can_undo())
        self.redo_action.setEnabled(current and self.canvas.can_redo())
        self.clear_action.setEnabled(current and not self.canvas.is_empty())

    def recognise(self) -> None:
        self._live_timer.stop()
        if self.canvas.is_empty():
            self.service.cancel()
            self._display(None)
            return
        if self.service.ready:
            self.service.request(self.canvas.strokes())

    def _show_prediction(self, request_id: int, prediction) -> None:
        self._display(prediction)
        self.shown_request = request_id
        self.prediction_shown.emit(request_id)

    def _display(self, prediction) -> None:
        self.current_prediction = prediction
        if prediction is None:
            self._set_answer_text("" if self.service.ready else "…")
            self.confidence_label.setText(
                "Draw a digit" if self.service.ready else "Loading model… you can draw already"
            )
            self.chart.set_probabilities(None)
            self.preview.clear()
            return
        self._set_answer_text(NOT_A_DIGIT_TEXT if prediction.digit is None else str(prediction.digit))
        self.confidence_label.setText(f"{prediction.confidence:.0%} sure")
        self.chart.set_probabilities(prediction.probabilities, prediction.label)
        self.preview.setPixmap(grayscale_pixmap(prediction.image, 112))

    def _set_answer_text(self, text: str) -> None:
        font = self.digit_label.font()
        font.setPointSize(64 if len(text) <= 2 else 24)  # "Not a digit" fits the side panel
        self.digit_label.setFont(font)
        self.digit_label.setText(text)

    # -- teaching ------------------------------------------------------------------------
    def _answer_for_drawing(self):
        """The prediction on screen if it answers the drawing as it is now (else it is stale)."""
        current = self.current_prediction is not None and self.shown_request == self.service.latest_request
        return self.current_prediction if current else None

    def keep_as_sample(self) -> None:
        answer = self._answer_for_drawing()
        if answer is not None:
            self.save_sample(answer.label)
        elif not self.canvas.is_empty():
            self._say("Wait for the guess of this drawing, then keep it.", error=True)

    def save_sample(self, label: int) -> int | None:
        """Save the drawing as a sample of `label`, say so, and clear the canvas for the next.
        The sample keeps the very image the shown guess came from; with no current guess, the
        image is made from the strokes and no guess is stored."""
        if self.sample_store is None:
            return None
        if self.canvas.is_empty():
            self._say("Draw a digit first, then give its label.", error=True)
            return None
        from ..preprocess import strokes_to_mnist

        strokes = self.canvas.strokes()
        answer = self._answer_for_drawing()
        guess = answer.label if answer is not None else None
        image = answer.image if answer is not None else strokes_to_mnist(strokes)
        model = self.service.loaded.name if self.service.loaded is not None else None
        try:
            sample_id = self.sample_store.add(label, image, strokes, model=model, guess=guess)
        except Exception as exc:  # sqlite3 errors, a full disk: the drawing stays on the canvas
            self._say(f"Could not save the sample: {exc}", error=True)
            return None
        if sample_id is None:
            self._say(f"Already saved as {label_text(label)}.")
            return None
        fixed = f" (it said {class_name(guess)})" if guess is not None and guess != label else ""
        self._say(f"Saved as {label_text(label)}{fixed}: sample #{sample_id}. Undo brings the drawing back.")
        self.canvas.clear()
        self.sample_saved.emit(sample_id)
        return sample_id

    def _say(self, text: str, error: bool = False) -> None:
        self.saved_label.setStyleSheet("color: #b02a37;" if error else "color: #146c43;")
        self.saved_label.setText(text)
        self._saved_timer.start()

    def show_warning(self, text: str | None) -> None:
        self.warning.setText(text or "")
        self.warning.setVisible(bool(text))
