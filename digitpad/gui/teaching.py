"""The Draw tab's teaching panel: the right digit's buttons and keys, "Not a digit", "✓ Right",
and what each saved. What becomes a sample is the core's (`learning.teaching`); this panel asks
the page for the reading on screen and stores what the core makes of it."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from PySide6.QtCore import Qt, QTimer, SignalInstance
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QGridLayout, QLabel, QToolButton, QWidget

from digitpad.classes import NOT_A_DIGIT
from digitpad.gui.canvas import DrawingCanvas
from digitpad.gui.i18n import class_text, label_text, not_a_digit_text
from digitpad.gui.workers import RecognitionService
from digitpad.learning.teaching import NewSample, confirmation, correction
from digitpad.reading.answers import NumberReading
from digitpad.storage.samples import SampleStore

log = logging.getLogger(__name__)


class TeachingHost(Protocol):
    """What the panel needs of the page it sits on (the Draw tab)."""

    canvas: DrawingCanvas
    service: RecognitionService
    sample_store: SampleStore | None
    selected: int | None
    sample_saved: SignalInstance

    def reading_for_drawing(self) -> NumberReading | None: ...

    def correct_digit(self, index: int, label: int) -> None: ...

    def shown_text(self) -> str: ...

    def select_digit(self, index: int) -> None: ...

    def addAction(self, action: QAction) -> None: ...  # noqa: N802 (Qt's name)


SAID_FOR_MS = 4000  # how long a "Saved as ..." line stays


class TeachingPanel(QWidget):
    """Buttons and keys that keep the drawing on the page as a sample of the right class."""

    def __init__(self, page: TeachingHost, parent: QWidget | None = None):
        super().__init__(parent)
        self.page = page
        self._build_buttons()
        self._build_layout()
        self._add_keys()

    # -- building -----------------------------------------------------------------------
    def _build_buttons(self) -> None:
        self.hint = QLabel(self.tr("Wrong? The right digit is:"))
        self.hint.setToolTip(self.tr("Click the right digit or press its key: the drawing is saved as your sample"))
        self.digit_buttons: list[QToolButton] = []
        for digit in range(10):
            button = QToolButton()
            button.setText(str(digit))
            button.setToolTip(self.tr("Save this drawing as a {digit} (key {digit})").format(digit=digit))
            button.clicked.connect(lambda _checked=False, d=digit: self.save_sample(d))
            button.setMinimumWidth(26)
            self.digit_buttons.append(button)
        self.not_digit_button = QToolButton()
        self.not_digit_button.setText(not_a_digit_text())
        self.not_digit_button.setToolTip(self.tr("Save this drawing as not a digit (key N)"))
        self.not_digit_button.clicked.connect(lambda: self.save_sample(NOT_A_DIGIT))
        self.keep_button = QToolButton()
        self.keep_button.setText(self.tr("✓ Right: keep as a sample"))
        self.keep_button.setToolTip(self.tr("Save this drawing with the recognised digit"))
        self.keep_button.clicked.connect(self.keep_as_sample)
        self.saved_label = QLabel("")
        self.saved_label.setStyleSheet("color: #146c43;")
        self.saved_label.setWordWrap(True)
        self._saved_timer = QTimer(self)
        self._saved_timer.setSingleShot(True)
        self._saved_timer.setInterval(SAID_FOR_MS)
        self._saved_timer.timeout.connect(self.saved_label.clear)

    def _build_layout(self) -> None:
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(2)
        grid.addWidget(self.hint, 0, 0, 1, 10)
        for digit, button in enumerate(self.digit_buttons):
            grid.addWidget(button, 1, digit)
        grid.addWidget(self.not_digit_button, 2, 0, 1, 4)
        grid.addWidget(self.keep_button, 2, 4, 1, 6)
        grid.addWidget(self.saved_label, 3, 0, 1, 10)
        grid.setRowStretch(4, 1)  # the rows stay together at the top

    def _add_keys(self) -> None:
        """0-9 and N act while the Draw tab (the page or a child of it) has the focus."""
        keys = [(str(digit), digit) for digit in range(10)] + [("N", NOT_A_DIGIT)]
        for key, label in keys:
            action = QAction(self)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _checked=False, label=label: self.save_sample(label))
            self.page.addAction(action)

    # -- what is on the page ---------------------------------------------------------------
    def update_keep(self, answered: bool) -> None:
        """✓ Right keeps only what has an answer on screen; its tooltip says why when it cannot."""
        page = self.page
        self.keep_button.setEnabled(answered)
        if answered:
            tip = self.tr("Save this drawing with the recognised digit")
        elif page.canvas.is_empty():
            tip = self.tr("Nothing to keep: draw a digit first")
        elif page.canvas.picture() is not None and not page.canvas.strokes():
            tip = self.tr("Nothing to keep: no handwriting was found in this picture")
        else:
            tip = self.tr("Nothing to keep yet: the answer for this drawing is on its way")
        self.keep_button.setToolTip(tip)

    def update_hint(self, single: bool, index: int | None) -> None:
        self.hint.setText(
            self.tr("Wrong? The right digit is:")
            if single or index is None
            else self.tr("Wrong? Digit {n} is really:").format(n=index + 1)
        )

    # -- saving ---------------------------------------------------------------------------
    def keep_as_sample(self) -> None:
        """✓ Right: keep the drawing (each digit of a number) with the answer shown."""
        page = self.page
        reading = page.reading_for_drawing()
        if reading is None:
            if not page.canvas.is_empty():
                self.say(self.tr("Wait for the guess of this drawing, then keep it."), error=True)
            return
        if reading.is_single:
            self.save_sample(reading.digits[0].prediction.label)
            return
        saved = []
        for sample in confirmation(reading):
            sample_id = self._store(sample, "samples")
            if sample_id is False:
                return
            if sample_id is not None:
                saved.append(sample_id)
        self.say(
            self.tr("Kept the {count} digits of {number} as samples ({new} new).").format(
                count=len(reading.digits), number=reading.text, new=len(saved)
            )
        )
        page.canvas.clear()

    def save_sample(self, label: int) -> int | None:
        """Save the drawing as a sample of `label`, say so, and clear the canvas for the next.
        The sample keeps the very image the shown guess came from; with no current guess, the
        image is made from the strokes and no guess is stored. For a number, the selected digit
        (its strokes and image) is saved and the number stays on the canvas."""
        page = self.page
        if page.sample_store is None:
            return None
        if page.canvas.is_empty():
            self.say(self.tr("Draw a digit first, then give its label."), error=True)
            return None
        reading = page.reading_for_drawing()
        if reading is not None and not reading.is_single:
            return self._save_selected_digit(reading, label)
        sample = correction(reading, label, 0, page.canvas.strokes())
        sample_id = self._store(sample, "sample")
        if sample_id is False:
            return None
        if sample_id is None:
            self.say(self.tr("Already saved as {label}.").format(label=label_text(label)))
            return None
        fixed = self._it_said(sample.guess) if sample.guess is not None and sample.guess != label else ""
        self.say(
            self.tr("Saved as {label}{it_said}: sample #{id}. Undo brings the drawing back.").format(
                label=label_text(label), it_said=fixed, id=sample_id
            )
        )
        page.canvas.clear()
        return sample_id

    def _save_selected_digit(self, reading: Any, label: int) -> int | None:
        page = self.page
        index = page.selected or 0
        sample = correction(reading, label, index, [])
        sample_id = self._store(sample, "sample")
        if sample_id is False:
            return None
        if sample_id is None:
            self.say(self.tr("Digit {n} is already saved as {label}.").format(n=index + 1, label=label_text(label)))
            return None
        fixed = self._it_said(sample.guess) if sample.guess is not None and sample.guess != label else ""
        page.correct_digit(index, label)  # the number shown uses the correction
        self.say(
            self.tr("Saved digit {n} of {number} as {label}{it_said}: sample #{id}.").format(
                n=index + 1, number=reading.text, label=label_text(label), it_said=fixed, id=sample_id
            )
        )
        if index + 1 < len(reading.digits):
            page.select_digit(index + 1)  # on to the next digit
        return sample_id

    def _store(self, sample: NewSample, what: str) -> int | None | bool:
        """The new sample's id; None when the very same sample is already there; False (and
        a message) when it could not be saved: the drawing stays on the canvas."""
        page = self.page
        model = page.service.loaded.name if page.service.loaded is not None else None
        try:
            assert page.sample_store is not None  # the panel is shown only with a store
            sample_id = page.sample_store.add(
                sample.label, sample.image, sample.strokes, model=model, guess=sample.guess
            )
        except Exception as exc:  # sqlite3 errors, a full disk
            log.warning("could not save a sample: %s", exc)
            text = self.tr("Could not save the samples: {reason}") if what == "samples" else None
            self.say((text or self.tr("Could not save the sample: {reason}")).format(reason=exc), error=True)
            return False
        if sample_id is not None:
            page.service.remember(sample_id)  # the writer memory: the very next drawing is read with it
            page.sample_saved.emit(sample_id)
        return sample_id

    def _it_said(self, guess: int) -> str:
        return self.tr(" (it said {answer})").format(answer=class_text(guess))

    def say(self, text: str, error: bool = False) -> None:
        self.saved_label.setStyleSheet("color: #b02a37;" if error else "color: #146c43;")
        self.saved_label.setText(text)
        self._saved_timer.start()
