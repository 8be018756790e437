"""Numbers drawn with mouse events through the real window: reading, boxes, selecting, correcting."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from digitpad.gui.replay import draw_stroke, fit_strokes

from helpers import compose_number, dot, draw_digit, wait_shown


def draw_number(qtbot, window, strokes, order=None):
    canvas = window.draw_page.canvas
    placed = fit_strokes(strokes, canvas.width(), canvas.height(), 0.45)
    for index in order or range(len(placed)):
        draw_stroke(canvas, placed[index])
    wait_shown(qtbot, window)
    return placed


def test_a_number_is_read_with_a_box_per_digit(qtbot, window, selftest_digits):
    page = window.draw_page
    assert page.canvas.width() >= 560  # room for a six-digit number
    draw_number(qtbot, window, compose_number(selftest_digits, "2026"))
    assert page.shown_text() == "2026"
    assert len(page.canvas.boxes()) == 4
    visible = [b.text() for b in page.chooser_buttons if b.isVisible()]
    assert visible == ["2", "0", "2", "6"]
    # Undo the last stroke: the number updates live.
    page.undo_action.trigger()
    wait_shown(qtbot, window)
    assert page.shown_text() == "202"
    page.clear_action.trigger()
    assert page.shown_text() == "" and page.canvas.boxes() == [] and page.current_prediction is None


def test_a_digit_kept_without_the_speck_beside_it(qtbot, window, selftest_digits):
    """A 4 and, well apart, the pen's touch: the window reads 4, and the kept sample holds the
    4's strokes and image, not the speck."""
    page = window.draw_page
    four = compose_number(selftest_digits, "4")
    right = max(x for s in four for x, _ in s)
    placed = draw_number(qtbot, window, [*four, dot(right + 120, 100)])
    assert page.shown_text() == "4" and page.current_reading.is_single
    qtbot.mouseClick(page.teaching.keep_button, Qt.MouseButton.LeftButton)
    [sample] = window.sample_store.all()
    assert sample.label == 4 and len(sample.strokes) == len(four)
    assert max(x for s in sample.strokes for x, *_ in s) < min(x for x, _ in placed[-1])


def test_multi_stroke_touching_and_late_strokes(qtbot, window, selftest_digits):
    page = window.draw_page
    # The 4 is drawn in two strokes, its second stroke last, after the 7 and 1; 7 and 1 touch.
    strokes = compose_number(selftest_digits, "471", gap=0.25)
    strokes[2] = (np.asarray(strokes[2]) - [0.25 * 100, 0]).tolist()
    strokes[3] = (np.asarray(strokes[3]) - [0.25 * 100, 0]).tolist()
    draw_number(qtbot, window, strokes, order=[0, 2, 3, 1])
    assert page.shown_text() == "471"


def test_selecting_and_correcting_one_digit_stores_its_strokes(qtbot, window, selftest_digits):
    page = window.draw_page
    placed = draw_number(qtbot, window, compose_number(selftest_digits, "83"))
    assert page.shown_text() == "83"
    reading = page.current_reading
    qtbot.mouseClick(page.chooser_buttons[0], Qt.MouseButton.LeftButton)
    assert page.selected == 0
    np.testing.assert_allclose(
        page.chart.values[: len(reading.digits[0].prediction.probabilities)], reading.digits[0].prediction.probabilities
    )
    assert page.chart.values.argmax() == 8
    # A right-click on the second digit's box selects it.
    x0, y0, x1, y1 = page.canvas.boxes()[1]
    center = QPointF((x0 + x1) / 2, (y0 + y1) / 2)
    event = QMouseEvent(
        QMouseEvent.Type.MouseButtonPress,
        center,
        page.canvas.mapToGlobal(center),
        Qt.MouseButton.RightButton,
        Qt.MouseButton.RightButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(page.canvas, event)
    assert page.selected == 1 and page.chart.values.argmax() == 3
    assert len(page.canvas.strokes()) == 2  # a right-click draws nothing
    # "No, that 3 is a 5": the key stores the 3's strokes only and keeps the number on the canvas.
    page.canvas.setFocus()
    qtbot.keyClick(page.canvas, Qt.Key.Key_5)
    [sample] = window.sample_store.all()
    assert sample.label == 5 and sample.guess == 3
    assert len(sample.strokes) == 1
    assert sample.strokes[0][0] == pytest.approx(list(placed[1][0]), abs=0.01)
    assert "digit 2 of 83 as a 5 (it said 3)" in page.teaching.saved_label.text()
    assert len(page.canvas.strokes()) == 2
    assert page.shown_text() == "85" and page.chooser_buttons[1].text() == "5"  # the number uses the correction
    # Keeping a number keeps each of its digits, as shown: the corrected 5 is already there.
    qtbot.mouseClick(page.teaching.keep_button, Qt.MouseButton.LeftButton)
    assert sorted((s.label, s.guess) for s in window.sample_store.all()) == [(5, 3), (8, 8)]
    assert page.canvas.is_empty()


def test_one_digit_is_shown_as_before(qtbot, window, selftest_digits):
    page = window.draw_page
    draw_digit(qtbot, window, selftest_digits[4])
    assert page.shown_text() == "4"
    assert not any(b.isVisible() for b in page.chooser_buttons)
    assert page.canvas.boxes() == [] or len(page.canvas.boxes()) == 1
