"""The Draw tab: the canvas on top; the answer, its probabilities, the model's view and the
teaching panel below. The page asks the recognition worker for a reading whenever the drawing
changes and shows the newest answer; its parts are widgets of their own (`answer_panel`,
`probability_chart`, `teaching`, `canvas`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QImage, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from digitpad.classes import NOT_A_DIGIT
from digitpad.gui.answer_panel import PREVIEW_SIDE, AnswerPanel
from digitpad.gui.canvas import DrawingCanvas
from digitpad.gui.i18n import class_text, label_text, not_a_digit_text
from digitpad.gui.images import evidence_pixmap, grayscale_pixmap
from digitpad.gui.picture_input import PictureInput
from digitpad.gui.probability_chart import ProbabilityChart
from digitpad.gui.teaching import TeachingPanel
from digitpad.gui.workers import RecognitionService
from digitpad.reading.answers import NumberReading, Prediction
from digitpad.storage.samples import SampleStore

LIVE_UPDATE_MS = 50  # while drawing, at most ~20 guesses a second
DOUBT_BELOW = 0.6  # a digit of a number read with less confidence than this is marked as doubtful
EVIDENCE_SIDE = 280  # the evidence drawn over the digit's box on the canvas


class DrawPage(QWidget):
    prediction_shown = Signal(int)  # request id, after the labels show it
    sample_saved = Signal(int)  # the new sample's id

    def __init__(self, service: RecognitionService, sample_store: SampleStore | None = None, parent: Any = None):
        super().__init__(parent)
        self.service = service
        self.sample_store = sample_store  # or None: no teaching
        self.current_reading: NumberReading | None = None  # on screen
        self.corrections: dict[int, int] = {}  # digit index -> the label a person gave it
        self.selected: int | None = None  # the index of the selected digit in it
        self.shown_request = 0  # the request id of the answer on screen
        self.evidence = None  # the (28, 28) map on screen, or None
        self._explain_token: int | None = None  # the explanation asked for last
        self._explain_for: int | None = None  # a class chosen on the chart, else the answer's
        self._is_current = True
        self._build_widgets()
        self._build_actions()
        self._build_layout()
        self._connect_signals()
        self._update_actions()

    # -- building -------------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.canvas = DrawingCanvas()
        self.answer = AnswerPanel()
        self.digit_label, self.confidence_label = self.answer.digit_label, self.answer.confidence_label
        self.preview, self.chooser_buttons = self.answer.preview, self.answer.chooser_buttons
        self.chart = ProbabilityChart()
        self.chart.setMaximumHeight(240)
        self.teaching = TeachingPanel(self, self)
        self.pictures = PictureInput(self.canvas, self._say, self)
        self.teaching.setVisible(self.sample_store is not None)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("background: #fff3cd; color: #664d03; padding: 6px; border-radius: 4px;")
        self.warning.hide()
        self.why_button = QToolButton()
        self.why_button.setText(self.tr("Show why"))
        self.why_button.setCheckable(True)
        self.why_button.setToolTip(
            self.tr(
                "Colour the drawing by the evidence for the answer (red: for, blue: against); click a bar of "
                "the chart to see the evidence for that digit instead"
            )
        )
        self.why_label = QLabel("")
        self._live_timer = QTimer(self)
        self._live_timer.setSingleShot(True)
        self._live_timer.setInterval(LIVE_UPDATE_MS)

    def _build_actions(self) -> None:
        self.undo_action = QAction(self.tr("Undo"), self)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setToolTip(self.tr("Undo the last stroke (Ctrl+Z)"))
        self.redo_action = QAction(self.tr("Redo"), self)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo_action.setToolTip(self.tr("Redo (Ctrl+Shift+Z or Ctrl+Y)"))
        self.clear_action = QAction(self.tr("Clear"), self)
        self.clear_action.setShortcuts([QKeySequence(Qt.Key.Key_Escape), QKeySequence(Qt.Key.Key_Delete)])
        self.clear_action.setToolTip(self.tr("Clear the canvas (Esc or Delete); Undo brings it back"))
        self.paste_action = QAction(self.tr("Paste Picture"), self)
        self.paste_action.setShortcut(QKeySequence.StandardKey.Paste)
        self.paste_action.setToolTip(self.tr("Paste a picture, or a picture file copied in the file manager (Ctrl+V)"))
        for action in (self.undo_action, self.redo_action, self.clear_action, self.paste_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        for key, step in ((Qt.Key.Key_Left, -1), (Qt.Key.Key_Right, 1)):
            action = QAction(self)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _checked=False, step=step: self._step_selection(step))
            self.addAction(action)

    def _build_layout(self) -> None:
        buttons = QHBoxLayout()
        for action in (self.undo_action, self.redo_action, self.clear_action):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.why_button)
        buttons.addWidget(self.why_label)
        view = QVBoxLayout()
        view.addWidget(QLabel(self.tr("Model's view:")))
        view.addWidget(self.preview)
        view.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.answer, 3)
        bottom.addWidget(self.chart, 3)
        bottom.addLayout(view)
        bottom.addWidget(self.teaching, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.warning)
        layout.addWidget(self.canvas, 1)  # the canvas takes what the answer panel leaves
        layout.addLayout(buttons)
        layout.addLayout(bottom)

    def _connect_signals(self) -> None:
        self.undo_action.triggered.connect(self.canvas.undo)
        self.redo_action.triggered.connect(self.canvas.redo)
        self.clear_action.triggered.connect(self.canvas.clear)
        self.paste_action.triggered.connect(self.paste)
        self.why_button.toggled.connect(self._explain_toggled)
        self._live_timer.timeout.connect(self.recognise)
        self.canvas.strokes_changed.connect(self._on_strokes_changed)
        self.canvas.stroke_finished.connect(self.recognise)
        self.canvas.box_clicked.connect(self.select_digit)
        self.canvas.picture_dropped.connect(self.show_picture)
        self.answer.digit_chosen.connect(self.select_digit)
        self.chart.bar_clicked.connect(self._explain_class)
        self.service.explained.connect(self._show_explanation)
        self.service.prediction_ready.connect(self._show_prediction)
        self.service.model_ready.connect(lambda _loaded: self.recognise())

    # -- the drawing ------------------------------------------------------------------------
    def _on_strokes_changed(self) -> None:
        self._update_actions()
        self.teaching.update_keep(False)  # until the answer for the drawing as it is now
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
        current = self._is_current
        self.paste_action.setEnabled(current)
        self.undo_action.setEnabled(current and self.canvas.can_undo())
        self.redo_action.setEnabled(current and self.canvas.can_redo())
        self.clear_action.setEnabled(current and not self.canvas.is_empty())

    def recognise(self) -> None:
        self._live_timer.stop()
        if self.canvas.is_empty():
            self.service.cancel()
            self._display(None)
            return
        if not self.service.ready:
            return
        if self.canvas.picture() is not None:  # a picture, and maybe strokes on it: read as a picture
            self.service.request_picture(*self.canvas.composite())
        else:
            self.service.request(self.canvas.strokes())

    # -- pictures (opened by gui.picture_input) -----------------------------------------------
    def show_picture(self, picture: QImage | str | Path) -> None:
        self.pictures.show(picture)

    def paste(self) -> None:
        self.pictures.paste()

    # -- the reading on screen -------------------------------------------------------------
    def _show_prediction(self, request_id: int, reading: NumberReading | None) -> None:
        self._explain_for = None  # a bar clicked for the drawing before explains nothing now
        self.corrections = {}  # ...and a correction of a digit of it neither
        self._display(reading)
        self.shown_request = request_id
        self.prediction_shown.emit(request_id)

    def shown_text(self) -> str:
        """The answer on screen as plain text: "7", "Not a digit", "2026", or ""."""
        return self.answer.shown_text

    @property
    def current_prediction(self) -> Prediction | None:
        """The selected digit's prediction (the only one for a single digit), or None."""
        if self.current_reading is None or self.selected is None:
            return None
        return self.current_reading.digits[self.selected].prediction

    def reading_for_drawing(self) -> NumberReading | None:
        """The reading on screen if it answers the drawing as it is now (else it is stale)."""
        current = self.current_reading is not None and self.shown_request == self.service.latest_request
        return self.current_reading if current else None

    def _display(self, reading: NumberReading | None) -> None:
        previous = self.current_reading
        self.current_reading = reading
        if reading is None:
            self.selected = None
            self.answer.set_answer_text("" if self.service.ready else "…")
            if not self.service.ready:
                self.confidence_label.setText(self.tr("Loading model… you can draw already"))
            elif self.canvas.picture() is not None:
                self.confidence_label.setText(self.tr("No handwriting found in this picture"))
            else:
                self.confidence_label.setText(self.tr("Draw a digit or a number"))
            self.answer.set_chooser([])
            self.canvas.set_boxes([])
            self._show_selected()
            return
        digits = reading.digits
        if reading.is_single:
            self.selected = 0
            text = not_a_digit_text() if digits[0].prediction.digit is None else digits[0].text
        else:
            keep = previous is not None and self.selected is not None and len(previous.digits) == len(digits)
            # Keep the selection while the same number is refined; else the digit a person most
            # likely corrects: the least sure one if it is doubtful, else the first.
            self.selected = self.selected if keep else first_to_check(reading)
            text = reading.text
        doubtful = doubtful_digits(reading)
        self.answer.set_answer_text(text, doubtful)
        self.answer.set_chooser([d.text for d in digits] if len(digits) > 1 else [], doubtful)
        self._show_selected()

    def select_digit(self, index: int) -> None:
        """Show the probabilities and the model's view of digit `index` of the number shown."""
        if self.current_reading is not None and 0 <= index < len(self.current_reading.digits):
            if index != self.selected:
                self._explain_for = None  # the bar clicked was for the other digit
            self.selected = index
            self._show_selected()

    def correct_digit(self, index: int, label: int) -> None:
        """A person said digit `index` of the number on screen is `label`: the number shows it."""
        reading = self.current_reading
        if reading is None or not 0 <= index < len(reading.digits):
            return
        old = reading.digits[index].prediction
        corrected = Prediction(None if label == NOT_A_DIGIT else label, 1.0, old.probabilities, old.image)
        self.corrections[index] = label
        self.current_reading = reading.with_digit(index, corrected)
        self._display(self.current_reading)

    def _step_selection(self, step: int) -> None:
        if self.current_reading is not None and self.selected is not None:
            self.select_digit(max(0, min(len(self.current_reading.digits) - 1, self.selected + step)))

    def _show_selected(self) -> None:
        reading, index = self.current_reading, self.selected
        self.answer.check_chosen(index)
        self.teaching.update_keep(reading is not None and index is not None)
        if reading is None or index is None:
            self.chart.set_probabilities(None)
            self.preview.clear()
            self._explain_token = None  # an explanation on its way is for a drawing now gone
            self._show_evidence(None, None)
            return
        self.canvas.set_boxes([d.box for d in reading.digits], index, doubtful_digits(reading))
        prediction = reading.digits[index].prediction
        sure = self.tr("{percent}% sure").format(percent=round(prediction.confidence * 100))
        if index in doubtful_digits(reading):
            sure = self.tr("{sure}: not sure, check it").format(sure=sure)
        if prediction.memory is not None and prediction.from_memory:
            sure = self.tr("{label} — from your samples (the model alone: {model}) · {sure}").format(
                label=class_text(prediction.label), model=class_text(prediction.memory.model_label), sure=sure
            )
        if not reading.is_single:
            sure = self.tr("{count} digits · digit {n} is {label}, {sure}").format(
                count=len(reading.digits), n=index + 1, label=label_text(prediction.label), sure=sure
            )
        self.confidence_label.setText(sure)
        self.teaching.update_hint(reading.is_single, index)
        self.chart.set_probabilities(prediction.probabilities, prediction.label)
        self.preview.setPixmap(grayscale_pixmap(prediction.image, PREVIEW_SIDE))
        self._request_explanation()

    # -- why: the evidence map -----------------------------------------------------------
    def _explain_toggled(self, on: bool) -> None:
        self._explain_for = None
        if on:
            self._request_explanation()
        else:
            self._show_evidence(None, None)

    def _explain_class(self, label: int) -> None:
        """A bar of the chart was clicked: the evidence for that class ("why not a 9?")."""
        prediction = self.current_prediction
        if prediction is not None and label < len(prediction.probabilities):
            self._explain_for = label
            if not self.why_button.isChecked():
                self.why_button.blockSignals(True)  # on, without its toggle forgetting the bar
                self.why_button.setChecked(True)
                self.why_button.blockSignals(False)
            self._request_explanation()

    def _request_explanation(self) -> None:
        prediction = self.current_prediction
        if not self.why_button.isChecked() or prediction is None:
            self._show_evidence(None, None)
            return
        label = self._explain_for if self._explain_for is not None else model_answer(prediction)
        self._explain_token = self.service.explain(prediction.image, label)
        self.chart.set_explained(label)

    def _show_explanation(self, token: int, label: int, evidence: Any) -> None:
        if token == self._explain_token and self.why_button.isChecked():
            self._show_evidence(evidence, label)

    def _show_evidence(self, evidence: Any, label: int | None) -> None:
        shown, self.evidence = self.evidence, evidence
        prediction = self.current_prediction
        if evidence is None or prediction is None or label is None or self.current_reading is None:
            self.why_label.setText("")
            self.canvas.set_evidence(None)
            if not self.why_button.isChecked():
                self.chart.set_explained(None)
            if prediction is not None and shown is not None:  # the plain view back
                self.preview.setPixmap(grayscale_pixmap(prediction.image, PREVIEW_SIDE))
            return
        if prediction.from_memory and label != prediction.label:  # the memory changed the answer shown
            text = self.tr("Evidence for {label}, the model's own answer: red for, blue against")
        else:
            text = self.tr("Evidence for {label}: red for, blue against")
        self.why_label.setText(text.format(label=label_text(label)))
        self.preview.setPixmap(evidence_pixmap(prediction.image, evidence, PREVIEW_SIDE))
        box = self.current_reading.digits[self.selected or 0].box
        overlay = evidence_pixmap(prediction.image, evidence, EVIDENCE_SIDE, ink_only=True)
        self.canvas.set_evidence(overlay, prediction.image, box)

    # -- teaching and messages -------------------------------------------------------------
    def save_sample(self, label: int) -> int | None:
        return self.teaching.save_sample(label)

    def keep_as_sample(self) -> None:
        self.teaching.keep_as_sample()

    def _say(self, text: str, error: bool = False) -> None:
        self.teaching.say(text, error)

    def show_warning(self, text: str | None) -> None:
        self.warning.setText(text or "")
        self.warning.setVisible(bool(text))


def model_answer(prediction: Prediction) -> int:
    """The model's own answer, which Show why explains (the writer memory may have changed the one shown)."""
    note = prediction.memory
    return note.model_label if note is not None and note.changed else prediction.label


def doubtful_digits(reading: NumberReading) -> set[int]:
    """The digits of a number (never a lone digit) read with less confidence than DOUBT_BELOW."""
    if reading.is_single:
        return set()
    return {i for i, d in enumerate(reading.digits) if d.prediction.confidence < DOUBT_BELOW}


def first_to_check(reading: NumberReading) -> int:
    """The digit of a new number selected first: the least sure if it is doubtful, else the first."""
    least = min(range(len(reading.digits)), key=lambda i: reading.digits[i].prediction.confidence)
    return least if least in doubtful_digits(reading) else 0
