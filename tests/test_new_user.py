"""What a new user tripped over (issue 30), each through the real window or command: numbered as
in the issue."""

import os
import subprocess
import sys

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel

from digitpad.classes import NOT_A_DIGIT
from digitpad.gui.draw_page import DOUBT_BELOW, first_to_check
from digitpad.reading.answers import DigitReading, NumberReading, Prediction

from helpers import draw_digit, run_cli, wait_shown


def reading_of(*digits):
    """A NumberReading of (digit, confidence) pairs, boxes side by side."""
    out = []
    for i, (digit, confidence) in enumerate(digits):
        probs = np.zeros(11, np.float32)
        probs[NOT_A_DIGIT if digit is None else digit] = confidence
        out.append(DigitReading(Prediction(digit, confidence, probs, np.zeros((28, 28))), (i * 50, 0, i * 50 + 40, 60)))
    return NumberReading(tuple(out))


def test_1_show_why_explains_the_drawing_on_screen_and_marks_its_bar(qtbot, window, selftest_digits):
    page = window.draw_page
    draw_digit(qtbot, window, selftest_digits[7])
    with qtbot.waitSignal(window.service.explained, timeout=30000):
        page.chart.bar_clicked.emit(1)  # "why not a 1?"
    assert page.chart.explained == 1 and "for a 1" in page.why_label.text()
    page.clear_action.trigger()
    with qtbot.waitSignal(window.service.explained, timeout=30000):
        draw_digit(qtbot, window, selftest_digits[3])
    qtbot.waitUntil(lambda: "for a 3" in page.why_label.text(), timeout=10000)
    assert page.chart.explained == 3  # the answer's bar again, marked


def test_2_a_number_opens_on_the_digit_a_person_checks():
    assert first_to_check(reading_of((1, 0.99), (7, 0.98))) == 0  # sure: the first
    assert first_to_check(reading_of((7, 0.43), (7, 0.99))) == 0
    assert first_to_check(reading_of((1, 0.99), (7, 0.40), (2, 0.55))) == 1  # the least sure doubtful one


def test_3_a_doubtful_digit_is_marked_in_the_number_its_button_and_its_box(qtbot, window):
    page = window.draw_page
    page._display(reading_of((7, 0.43), (7, 0.99)))
    assert page.shown_text() == "77"
    assert "#c05600" in page.digit_label.text() and "<sup>?</sup>" in page.digit_label.text()
    assert page.chooser_buttons[0].text() == "7?" and page.chooser_buttons[1].text() == "7"
    assert page.canvas._doubtful == {0} and page.selected == 0
    assert "not sure" in page.confidence_label.text()
    page._display(reading_of((1, 0.99), (7, DOUBT_BELOW + 0.1)))
    assert page.digit_label.textFormat() == Qt.TextFormat.PlainText and page.shown_text() == "17"


def test_4_fine_tuning_checks_first_and_shows_its_own_settings(qtbot, window, selftest_digits, mnist):
    from digitpad.learning.data import Mnist

    page = window.train_page
    window.sample_store.add(1, np.zeros((28, 28)) + 0.5, [[[0, 0], [1, 1]]])
    assert not page.start_fine_tune()  # one sample: nothing to measure on; said before any run
    assert "two samples of at least one digit" in page.form_message.text() and "1 sample" in page.form_message.text()
    assert not page.service.is_running()
    page.form.epochs.setValue(17)
    window.sample_store.add(1, np.zeros((28, 28)) + 0.6, [[[0, 0], [2, 2]]])
    small = Mnist(mnist.x_train[:300], mnist.y_train[:300], mnist.x_test[:100], mnist.y_test[:100])
    with qtbot.waitSignal(page.run_finished, timeout=120000):
        assert page.start_fine_tune(mnist=small, epochs=1, batch_size=32)
        assert page.form.epochs.value() == 1 and page.form.data.currentData() == "mine"  # its own recipe
        assert not page.loss_plot.val_curve.isVisible()  # no validation: no empty legend entry
    assert page.form.epochs.value() == 17 and page.form.data.findData("mine") < 0  # the form's own back


def test_5_training_curves_count_epochs_without_a_scale_factor(qtbot, window):
    plot = window.train_page.loss_plot
    for x in np.linspace(0.001, 0.6, 50):
        plot.add_point("training", float(x), 1.0)
    plot.refresh()
    axis = plot.getAxis("bottom")
    assert not axis.autoSIPrefix and "x0.001" not in axis.labelString() and "1e-3" not in axis.labelString()


def test_6_the_model_line_survives_status_tips(qtbot, window):
    shown = window.model_label.text()
    assert shown.startswith("Model: ")
    window.statusBar().showMessage("a menu item's status tip")
    window.statusBar().clearMessage()
    assert window.model_label.text() == shown and window.model_label.isVisible()


def test_7_keep_is_off_when_there_is_nothing_to_keep(qtbot, window, selftest_digits, tmp_path):
    page = window.draw_page
    keep = page.teaching.keep_button
    assert not keep.isEnabled() and "draw a digit first" in keep.toolTip()
    draw_digit(qtbot, window, selftest_digits[4])
    assert keep.isEnabled()
    page.clear_action.trigger()
    blank = tmp_path / "blank.png"
    from PIL import Image

    Image.new("L", (200, 200), 255).save(blank)
    page.show_picture(blank)
    qtbot.waitUntil(lambda: page.canvas.picture() is not None, timeout=10000)
    wait_shown(qtbot, window)
    assert not keep.isEnabled() and "no handwriting" in keep.toolTip()


def test_8_ctrl_o_opens_a_picture(qtbot, window):
    by_text = {a.text(): a for a in window.findChildren(QAction)}
    assert by_text["Open &Image…"].shortcut() == QKeySequence(QKeySequence.StandardKey.Open)
    assert by_text["&Open Model File…"].shortcut() == QKeySequence("Ctrl+Shift+O")


def test_9_qt_file_dialog_labels_in_chinese(qtbot):
    from PySide6.QtCore import QTranslator

    from digitpad.gui.i18n import TRANSLATIONS_DIR

    translator = QTranslator()
    assert translator.load(str(TRANSLATIONS_DIR / "digitpad_zh_CN.qm"))
    app = QApplication.instance()
    app.installTranslator(translator)
    try:
        dialog = QFileDialog(None, "t")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        qtbot.addWidget(dialog)
        dialog.show()
        texts = [label.text() for label in dialog.findChildren(QLabel)]
        assert "查找范围(&L)：" in texts and "文件类型(&T)：" in texts
    finally:
        app.removeTranslator(translator)


def test_10_the_ink_on_screen_suits_the_canvas(qtbot, window, selftest_digits):
    canvas = window.draw_page.canvas
    assert 3 <= canvas.pen_width() <= 8
    window.resize(700, 500)
    qtbot.wait(50)
    small = canvas.pen_width()
    window.resize(1600, 1100)
    qtbot.wait(50)
    assert small <= canvas.pen_width() <= 8


def test_11_sample_captions_and_tooltips_read_plainly(qtbot, window):
    view = window.samples_page
    window.sample_store.add(
        4, np.zeros((28, 28)) + 0.3, [[[0, 0], [3, 3]]], guess=7, created="2026-12-06T20:31:00+00:00"
    )
    view.refresh_from_store()
    tip = view.model.index(0).data(Qt.ItemDataRole.ToolTipRole)
    assert "T20:31" not in tip and "2026" not in tip.split("\n")[0]
    assert "When it was saved, the model read 7" in tip


def test_12_no_display_says_so_in_words(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["DIGITPAD_DATA_DIR"] = str(tmp_path / "data")
    result = subprocess.run([sys.executable, "-m", "digitpad"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "no display was found" in result.stderr and "digitpad-cli" in result.stderr
    assert "xcb" not in result.stderr


def test_13_discard_says_so_and_the_form_remembers(qtbot, window):
    page = window.train_page
    page.result = object()
    page.discard_by_user()
    assert "Discarded" in page.progress.format() and page.result is None
    page.form.epochs.setValue(7)
    page.form.batch_size.setValue(64)
    page.form.remember()
    from digitpad.gui.recipe_form import RecipeForm

    again = RecipeForm()
    qtbot.addWidget(again)
    assert again.epochs.value() == 7 and again.batch_size.value() == 64


def test_13_the_panels_stay_put_when_the_first_answer_appears(qtbot, window, selftest_digits):
    page = window.draw_page
    parts = [page.digit_label, page.confidence_label, page.chart, page.preview, page.teaching]

    def where():
        return [(w.mapTo(window, w.rect().topLeft()).toTuple(), w.height()) for w in parts]

    before = where()
    draw_digit(qtbot, window, selftest_digits[3])
    assert where() == before


def test_13_predict_says_what_the_window_says_of_a_page_without_handwriting(tmp_path):
    from PIL import Image, ImageDraw

    picture = Image.new("L", (300, 300), 255)
    for y in range(20, 300, 30):
        ImageDraw.Draw(picture).line([(0, y), (300, y)], fill=170, width=1)
    path = tmp_path / "ruled.png"
    picture.save(path)
    result = run_cli("predict", str(path), timeout=60)
    assert "no handwriting found in this picture" in result.stderr  # the window: "No handwriting found in this picture"
