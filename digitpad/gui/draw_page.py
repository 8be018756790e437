"""The Draw tab: canvas on the left; the guess, its ten probabilities and the model's view on
the right."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..recognizer import NOT_A_DIGIT
from .canvas import DrawingCanvas
from .i18n import class_text, label_text, not_a_digit_text
from .images import MAX_PICTURE_SIDE, grayscale_pixmap, load_picture, qimage_of

LIVE_UPDATE_MS = 50  # while drawing, at most ~20 guesses a second
# Where the chart's bars stand: the digits, then "not a digit" set apart (its label is a word)
BAR_X = np.array([*range(10), 10.6])


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
        self.setXRange(-0.6, BAR_X[-1] + 0.6, padding=0)
        axis = self.getAxis("bottom")
        axis.setTicks([[(d, str(d)) for d in range(10)] + [(BAR_X[10], self.tr("none"))]])
        # the last label ("none") and the top one ("100%") may reach past the plot's edge: shown
        # all the same (pyqtgraph hides them by default), with room for them in the margins
        axis.setStyle(hideOverlappingLabels=40)
        self.getAxis("left").setTicks([[(0, "0"), (0.5, "50%"), (1, "100%")]])
        self.getAxis("left").setStyle(hideOverlappingLabels=20)
        self.getAxis("left").setWidth(QFontMetrics(self.font()).horizontalAdvance("100%") + 14)
        self.getPlotItem().layout.setContentsMargins(2, 10, 24, 2)
        self.setLabel("bottom", self.tr("digit, or none (not a digit)"))
        self._bars = pg.BarGraphItem(x=BAR_X, height=np.zeros(11), width=0.7, brush="#9aa5b1")
        self.addItem(self._bars)
        self.values = np.zeros(11)
        self.scene().sigMouseClicked.connect(self._clicked)

    bar_clicked = Signal(int)  # a click on (or above) a bar: 0-9, or 10 for "not a digit"

    def _clicked(self, event) -> None:
        x = self.getPlotItem().vb.mapSceneToView(event.scenePos()).x()
        index = int(np.abs(BAR_X - x).argmin())
        if abs(x - BAR_X[index]) <= 0.45:
            self.bar_clicked.emit(index)

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
        self.current_reading = None  # numbers.NumberReading on screen, or None
        self.selected = None  # the index of the selected digit in it
        self.shown_request = 0  # the request id of the answer on screen

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
        self.chart = ProbabilityChart()
        self.chart.setMaximumHeight(240)
        self.preview = QLabel()
        self.preview.setFixedSize(112, 112)
        self.preview.setToolTip(self.tr("The 28x28 image the model sees"))
        self.preview.setStyleSheet("background: black; border: 1px solid palette(mid);")
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("background: #fff3cd; color: #664d03; padding: 6px; border-radius: 4px;")
        self.warning.hide()

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
        self.paste_action.triggered.connect(self.paste)
        for action in (self.undo_action, self.redo_action, self.clear_action, self.paste_action):
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
        self.why_button = QToolButton()
        self.why_button.setText(self.tr("Show why"))
        self.why_button.setCheckable(True)
        self.why_button.setToolTip(
            self.tr(
                "Colour the drawing by the evidence for the answer (red: for, blue: against); click a bar of "
                "the chart to see the evidence for that digit instead"
            )
        )
        self.why_button.toggled.connect(self._explain_toggled)
        buttons.addWidget(self.why_button)
        self.why_label = QLabel("")
        buttons.addWidget(self.why_label)

        teach = QGridLayout()
        teach.setSpacing(2)
        hint = self.teach_hint = QLabel(self.tr("Wrong? The right digit is:"))
        hint.setToolTip(self.tr("Click the right digit or press its key: the drawing is saved as your sample"))
        teach.addWidget(hint, 0, 0, 1, 10)
        self.teach_buttons = []
        for digit in range(10):
            button = QToolButton()
            button.setText(str(digit))
            button.setToolTip(self.tr("Save this drawing as a {digit} (key {digit})").format(digit=digit))
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
        self.not_digit_button.setText(not_a_digit_text())
        self.not_digit_button.setToolTip(self.tr("Save this drawing as not a digit (key N)"))
        self.not_digit_button.clicked.connect(lambda: self.save_sample(NOT_A_DIGIT))
        not_digit_action = QAction(self)
        not_digit_action.setShortcut(QKeySequence("N"))
        not_digit_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        not_digit_action.triggered.connect(lambda: self.save_sample(NOT_A_DIGIT))
        self.addAction(not_digit_action)
        self.keep_button = QToolButton()
        self.keep_button.setText(self.tr("✓ Right: keep as a sample"))
        self.keep_button.setToolTip(self.tr("Save this drawing with the recognised digit"))
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

        self.chooser_buttons: list[QToolButton] = []
        self.chooser_hint = QLabel(self.tr("Digits:"))
        self.chooser_hint.setToolTip(
            self.tr("Select a digit of the number (or right-click it on the canvas, or Left/Right)")
        )
        self.chooser_layout = QHBoxLayout()
        self.chooser_layout.setSpacing(0)
        self.chooser_layout.addStretch(1)
        chooser_row = QHBoxLayout()
        chooser_row.addWidget(self.chooser_hint)
        chooser_row.addLayout(self.chooser_layout, 1)
        self.chooser_hint.hide()
        for key, step in ((Qt.Key.Key_Left, -1), (Qt.Key.Key_Right, 1)):
            action = QAction(self)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _checked=False, step=step: self._step_selection(step))
            self.addAction(action)

        answer = QVBoxLayout()
        answer.addWidget(self.digit_label, 1)
        answer.addWidget(self.confidence_label)
        answer.addLayout(chooser_row)
        view = QVBoxLayout()
        view.addWidget(QLabel(self.tr("Model's view:")))
        view.addWidget(self.preview)
        view.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addLayout(answer, 3)
        bottom.addWidget(self.chart, 3)
        bottom.addLayout(view)
        bottom.addWidget(teach_widget, 2)

        layout = QVBoxLayout(self)
        layout.addWidget(self.warning)
        layout.addWidget(self.canvas, 1)  # the canvas takes what the answer panel leaves
        layout.addLayout(buttons)
        layout.addLayout(bottom)

        self._live_timer = QTimer(self)
        self._live_timer.setSingleShot(True)
        self._live_timer.setInterval(LIVE_UPDATE_MS)
        self._live_timer.timeout.connect(self.recognise)
        self.canvas.strokes_changed.connect(self._on_strokes_changed)
        self.canvas.stroke_finished.connect(self.recognise)
        self.canvas.box_clicked.connect(self.select_digit)
        self.canvas.picture_dropped.connect(self.show_picture)
        self.chart.bar_clicked.connect(self._explain_class)
        service.explained.connect(self._show_explanation)
        self.evidence = None  # the (28, 28) map on screen, or None
        self._explain_token: int | None = None  # the explanation asked for last
        self._explain_for: int | None = None  # a class chosen on the chart, else the answer's
        self._picture_task = None
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

    # -- pictures ------------------------------------------------------------------------
    def show_picture(self, picture) -> None:
        """Put a picture on the canvas to read it: a file path (opened on a worker thread, so a
        huge or slow file never freezes the window) or a QImage (dropped or pasted)."""
        from PySide6.QtGui import QImage

        from .workers import BackgroundTask

        if isinstance(picture, QImage):
            if picture.isNull():
                self._say(self.tr("That picture is empty."), error=True)
                return
            if max(picture.width(), picture.height()) > MAX_PICTURE_SIDE:
                picture = picture.scaled(
                    MAX_PICTURE_SIDE,
                    MAX_PICTURE_SIDE,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            self.canvas.set_picture(picture.convertToFormat(QImage.Format.Format_RGB888))
            self._say(self.tr("Picture pasted. Clear removes it; Undo brings back what was there."))
            return
        path = str(picture)
        self._say(self.tr("Opening {path}…").format(path=path))
        task = self._picture_task = BackgroundTask(lambda: load_picture(path), self)
        task.done.connect(lambda image, path=path: self._picture_loaded(task, path, image))
        task.failed.connect(lambda exc, path=path: self._picture_failed(task, path, exc))
        task.start()

    def _picture_loaded(self, task, path: str, image) -> None:
        if task is not self._picture_task:
            return  # a newer picture was asked for
        from pathlib import Path

        self.canvas.set_picture(qimage_of(image))
        self._say(
            self.tr("Opened {name}. Clear removes it; Undo brings back what was there.").format(name=Path(path).name)
        )

    def _picture_failed(self, task, path: str, exc) -> None:
        if task is not self._picture_task:
            return
        from pathlib import Path

        from ..preprocess import PictureError

        reason = str(exc) if isinstance(exc, PictureError) else f"{type(exc).__name__}: {exc}"
        self._say(self.tr("Could not open {name}: {reason}").format(name=Path(path).name, reason=reason), error=True)

    def paste(self) -> None:
        """Ctrl+V: a picture on the clipboard, or a picture file copied in a file manager."""
        from PySide6.QtWidgets import QApplication

        mime = QApplication.clipboard().mimeData()
        files = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()] if mime is not None else []
        if files:
            self.show_picture(files[0])
        elif mime is not None and mime.hasImage():
            self.show_picture(QApplication.clipboard().image())
        else:
            self._say(self.tr("Nothing to paste: copy a picture, or a picture file in the file manager."), error=True)

    def _show_prediction(self, request_id: int, reading) -> None:
        self._display(reading)
        self.shown_request = request_id
        self.prediction_shown.emit(request_id)

    # -- the reading on screen -------------------------------------------------------------
    @property
    def current_prediction(self):
        """The selected digit's prediction (the only one for a single digit), or None."""
        if self.current_reading is None or self.selected is None:
            return None
        return self.current_reading.digits[self.selected].prediction

    def _display(self, reading) -> None:
        previous = self.current_reading
        self.current_reading = reading
        if reading is None:
            self.selected = None
            self._set_answer_text("" if self.service.ready else "…")
            if not self.service.ready:
                self.confidence_label.setText(self.tr("Loading model… you can draw already"))
            elif self.canvas.picture() is not None:
                self.confidence_label.setText(self.tr("No handwriting found in this picture"))
            else:
                self.confidence_label.setText(self.tr("Draw a digit or a number"))
            self._set_chooser([])
            self.canvas.set_boxes([])
            self._show_selected()
            return
        digits = reading.digits
        if reading.is_single:
            self.selected = 0
            text = not_a_digit_text() if digits[0].prediction.digit is None else digits[0].text
        else:
            keep = previous is not None and self.selected is not None and len(previous.digits) == len(digits)
            # Keep the selection while the same number is refined; else the least sure digit.
            self.selected = (
                self.selected if keep else min(range(len(digits)), key=lambda i: digits[i].prediction.confidence)
            )
            text = reading.text
        self._set_answer_text(text)
        self._set_chooser([d.text for d in digits] if len(digits) > 1 else [])
        self._show_selected()

    def select_digit(self, index: int) -> None:
        """Show the probabilities and the model's view of digit `index` of the number shown."""
        if self.current_reading is not None and 0 <= index < len(self.current_reading.digits):
            self.selected = index
            self._show_selected()

    def _step_selection(self, step: int) -> None:
        if self.current_reading is not None and self.selected is not None:
            self.select_digit(max(0, min(len(self.current_reading.digits) - 1, self.selected + step)))

    def _show_selected(self) -> None:
        reading, index = self.current_reading, self.selected
        for i, button in enumerate(self.chooser_buttons):
            button.setChecked(i == index)
        if reading is None or index is None:
            self.chart.set_probabilities(None)
            self.preview.clear()
            self._explain_token = None  # an explanation on its way is for a drawing now gone
            self._show_evidence(None, None)
            return
        self.canvas.set_boxes([d.box for d in reading.digits], index)
        prediction = reading.digits[index].prediction
        sure = self.tr("{percent}% sure").format(percent=round(prediction.confidence * 100))
        if not reading.is_single:
            sure = self.tr("{count} digits · digit {n} is {label}, {sure}").format(
                count=len(reading.digits), n=index + 1, label=label_text(prediction.label), sure=sure
            )
        self.confidence_label.setText(sure)
        self.teach_hint.setText(
            self.tr("Wrong? The right digit is:")
            if reading.is_single
            else self.tr("Wrong? Digit {n} is really:").format(n=index + 1)
        )
        self.chart.set_probabilities(prediction.probabilities, prediction.label)
        self.preview.setPixmap(grayscale_pixmap(prediction.image, 112))
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
                self.why_button.setChecked(True)  # requests it
            else:
                self._request_explanation()

    def _request_explanation(self) -> None:
        prediction = self.current_prediction
        if not self.why_button.isChecked() or prediction is None:
            self._show_evidence(None, None)
            return
        label = prediction.label if self._explain_for is None else self._explain_for
        self._explain_token = self.service.explain(prediction.image, label)

    def _show_explanation(self, token: int, label: int, evidence) -> None:
        if token == self._explain_token and self.why_button.isChecked():
            self._show_evidence(evidence, label)

    def _show_evidence(self, evidence, label) -> None:
        from .images import evidence_pixmap

        shown, self.evidence = self.evidence, evidence
        prediction = self.current_prediction
        if evidence is None or prediction is None:
            self.why_label.setText("")
            self.canvas.set_evidence(None)
            if prediction is not None and shown is not None:  # the plain view back
                self.preview.setPixmap(grayscale_pixmap(prediction.image, 112))
            return
        self.why_label.setText(self.tr("Evidence for {label}: red for, blue against").format(label=label_text(label)))
        self.preview.setPixmap(evidence_pixmap(prediction.image, evidence, 112))
        box = self.current_reading.digits[self.selected].box
        self.canvas.set_evidence(evidence_pixmap(prediction.image, evidence, 280, ink_only=True), prediction.image, box)

    def _set_chooser(self, texts: list[str]) -> None:
        """One button per digit of a number (none for a single digit): click one to select it."""
        while len(self.chooser_buttons) < len(texts):
            button = QToolButton()
            button.setCheckable(True)
            button.setAutoRaise(True)
            font = button.font()
            font.setPointSize(16)
            button.setFont(font)
            index = len(self.chooser_buttons)
            button.clicked.connect(lambda _checked=False, i=index: self.select_digit(i))
            self.chooser_layout.insertWidget(index, button)
            self.chooser_buttons.append(button)
        for i, button in enumerate(self.chooser_buttons):
            button.setVisible(i < len(texts))
            if i < len(texts):
                button.setText(texts[i])
                button.setToolTip(
                    self.tr("Digit {n}: show its probabilities; then click or type the right digit").format(n=i + 1)
                )
        self.chooser_hint.setVisible(bool(texts))

    def _set_answer_text(self, text: str) -> None:
        font = self.digit_label.font()
        # A digit is large; "Not a digit" and long numbers get smaller so that they fit.
        font.setPointSize(64 if len(text) <= 2 else 40 if len(text) <= 6 else 28 if len(text) <= 12 else 18)
        self.digit_label.setFont(font)
        self.digit_label.setText(text)

    # -- teaching ------------------------------------------------------------------------
    def _reading_for_drawing(self):
        """The reading on screen if it answers the drawing as it is now (else it is stale)."""
        current = self.current_reading is not None and self.shown_request == self.service.latest_request
        return self.current_reading if current else None

    def keep_as_sample(self) -> None:
        reading = self._reading_for_drawing()
        if reading is None:
            if not self.canvas.is_empty():
                self._say(self.tr("Wait for the guess of this drawing, then keep it."), error=True)
            return
        if reading.is_single:
            self.save_sample(reading.digits[0].prediction.label)
            return
        saved = []
        for digit in reading.digits:
            prediction = digit.prediction
            try:
                sample_id = self._store(prediction.label, prediction.image, digit.strokes, prediction.label)
            except Exception as exc:
                self._say(self.tr("Could not save the samples: {reason}").format(reason=exc), error=True)
                return
            if sample_id is not None:
                saved.append(sample_id)
                self.sample_saved.emit(sample_id)
        self._say(
            self.tr("Kept the {count} digits of {number} as samples ({new} new).").format(
                count=len(reading.digits), number=reading.text, new=len(saved)
            )
        )
        self.canvas.clear()

    def _store(self, label: int, image, strokes, guess):
        model = self.service.loaded.name if self.service.loaded is not None else None
        return self.sample_store.add(label, image, [list(s) for s in strokes], model=model, guess=guess)

    def save_sample(self, label: int) -> int | None:
        """Save the drawing as a sample of `label`, say so, and clear the canvas for the next.
        The sample keeps the very image the shown guess came from; with no current guess, the
        image is made from the strokes and no guess is stored. For a number, the selected digit
        (its strokes and image) is saved and the number stays on the canvas."""
        if self.sample_store is None:
            return None
        if self.canvas.is_empty():
            self._say(self.tr("Draw a digit first, then give its label."), error=True)
            return None
        from ..preprocess import strokes_to_mnist

        reading = self._reading_for_drawing()
        if reading is not None and not reading.is_single:
            return self._save_selected_digit(reading, label)
        # The digit's own strokes (a speck left out of the reading stays out of the sample);
        # a picture's reading has none: the canvas's strokes, if any.
        own = reading.digits[0].strokes if reading is not None else ()
        strokes = [list(s) for s in own] if own else self.canvas.strokes()
        answer = reading.digits[0].prediction if reading is not None else None
        guess = answer.label if answer is not None else None
        image = answer.image if answer is not None else strokes_to_mnist(strokes)
        try:
            sample_id = self._store(label, image, strokes, guess)
        except Exception as exc:  # sqlite3 errors, a full disk: the drawing stays on the canvas
            self._say(self.tr("Could not save the sample: {reason}").format(reason=exc), error=True)
            return None
        if sample_id is None:
            self._say(self.tr("Already saved as {label}.").format(label=label_text(label)))
            return None
        fixed = self._it_said(guess) if guess is not None and guess != label else ""
        self._say(
            self.tr("Saved as {label}{it_said}: sample #{id}. Undo brings the drawing back.").format(
                label=label_text(label), it_said=fixed, id=sample_id
            )
        )
        self.canvas.clear()
        self.sample_saved.emit(sample_id)
        return sample_id

    def _save_selected_digit(self, reading, label: int) -> int | None:
        index = self.selected or 0
        digit = reading.digits[index]
        guess = digit.prediction.label
        try:
            sample_id = self._store(label, digit.prediction.image, digit.strokes, guess)
        except Exception as exc:
            self._say(self.tr("Could not save the sample: {reason}").format(reason=exc), error=True)
            return None
        if sample_id is None:
            self._say(self.tr("Digit {n} is already saved as {label}.").format(n=index + 1, label=label_text(label)))
            return None
        fixed = self._it_said(guess) if guess != label else ""
        self._say(
            self.tr("Saved digit {n} of {number} as {label}{it_said}: sample #{id}.").format(
                n=index + 1, number=reading.text, label=label_text(label), it_said=fixed, id=sample_id
            )
        )
        self.sample_saved.emit(sample_id)
        if index + 1 < len(reading.digits):
            self.select_digit(index + 1)  # on to the next digit
        return sample_id

    def _it_said(self, guess: int) -> str:
        return self.tr(" (it said {answer})").format(answer=class_text(guess))

    def _say(self, text: str, error: bool = False) -> None:
        self.saved_label.setStyleSheet("color: #b02a37;" if error else "color: #146c43;")
        self.saved_label.setText(text)
        self._saved_timer.start()

    def show_warning(self, text: str | None) -> None:
        self.warning.setText(text or "")
        self.warning.setVisible(bool(text))
