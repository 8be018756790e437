"""Pictures on the canvas (issue 12, part 2): open, drop, paste; read as a digit or a number;
kept as a sample; bad files are a message."""

from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication

from helpers import compose_number, render_strokes_png, wait_shown

PHOTOS = Path(__file__).parent / "fixtures" / "photos"


def open_and_wait(qtbot, window, path):
    page = window.draw_page
    before = page.canvas.picture()
    page.show_picture(str(path))
    qtbot.waitUntil(lambda: page.canvas.picture() not in (None, before), timeout=10000)
    wait_shown(qtbot, window)


def test_open_a_photo_read_it_keep_it_clear_and_undo(qtbot, window):
    page = window.draw_page
    open_and_wait(qtbot, window, PHOTOS / "ruled-7.jpg")
    assert page.shown_text() == "7"
    assert "Opened ruled-7.jpg" in page.teaching.saved_label.text()
    qtbot.mouseClick(page.teaching.keep_button, Qt.MouseButton.LeftButton)
    [sample] = window.sample_store.all()
    assert sample.label == 7 and sample.guess == 7 and sample.strokes == []
    assert page.canvas.is_empty() and page.canvas.picture() is None  # kept: cleared for the next
    page.undo_action.trigger()
    assert page.canvas.picture() is not None
    page.clear_action.trigger()
    assert page.canvas.picture() is None and page.shown_text() == ""


def test_a_picture_of_a_number_gets_a_box_per_digit(qtbot, window, selftest_digits, tmp_path):
    picture = render_strokes_png(compose_number(selftest_digits, "386"), tmp_path / "n.png", size=(600, 200), pen=9)
    open_and_wait(qtbot, window, picture)
    page = window.draw_page
    assert page.shown_text() == "386"
    boxes = page.canvas.boxes()
    assert len(boxes) == 3
    rect = page.canvas.picture_rect()  # boxes are where the digits show on the canvas
    assert all(rect.left() - 1 <= x0 < x1 <= rect.right() + 1 for x0, _y0, x1, _y1 in boxes)


def test_a_number_on_a_scanned_page_reads_on_the_canvas_as_predict_reads_it(
    qtbot, window, recognizer, selftest_digits, tmp_path
):
    """A page scan (2400 x 3200) with a small number on it: the canvas shows it 14 pixels tall
    and its lines thinner than a pixel; read from the screen's pixels (and the empty canvas
    around the page) it was "no handwriting". The canvas reads the picture at its own resolution."""
    from PIL import Image

    from digitpad.reading.preprocess import open_picture

    number = render_strokes_png(
        compose_number(selftest_digits, "386"), tmp_path / "n.png", size=(450, 190), pen=6, margin=20
    )
    page = Image.new("L", (2400, 3200), 235)
    page.paste(Image.open(number).convert("L").point(lambda v: min(v, 235)), (700, 1200))
    page.save(tmp_path / "page.png")
    open_and_wait(qtbot, window, tmp_path / "page.png")
    assert window.draw_page.shown_text() == "386"
    canvas = window.draw_page.canvas
    rect = canvas.picture_rect()
    assert canvas.height() < 400  # the page shows small: the number is a few pixels tall
    boxes = canvas.boxes()  # where the number shows: from x 700 to 1150 of 2400, y 1200 to 1390 of 3200
    assert len(boxes) == 3
    left = rect.left() + rect.width() * 700 / 2400
    right = rect.left() + rect.width() * 1150 / 2400
    top, bottom = (rect.top() + rect.height() * y / 3200 for y in (1200, 1390))
    assert all(left - 2 <= x0 < x1 <= right + 2 and top - 2 <= y0 < y1 <= bottom + 2 for x0, y0, x1, y1 in boxes)
    assert recognizer.read_picture(open_picture(tmp_path / "page.png")).text == "386"


def test_strokes_drawn_beside_a_picture_are_read_with_it(qtbot, window, selftest_digits, tmp_path):
    """Strokes on the canvas outside the picture are part of what is read (the picture is read
    at its own resolution, the strokes with it), and their box shows where they were drawn."""
    from digitpad.gui.replay import draw_stroke, fit_strokes

    open_and_wait(
        qtbot, window, render_strokes_png(selftest_digits[3], tmp_path / "3.png", size=600, pen=30, margin=80)
    )
    canvas = window.draw_page.canvas
    rect = canvas.picture_rect()
    assert rect.width() < canvas.width() / 2  # room beside it
    beside = (rect.right() + 0.6 * rect.width() / 2) / canvas.width()
    for stroke in fit_strokes(selftest_digits[8], canvas.width(), canvas.height(), 0.5, (beside, 0.5)):
        draw_stroke(canvas, stroke)
    wait_shown(qtbot, window)
    assert window.draw_page.shown_text() == "38"
    three, eight = canvas.boxes()
    assert rect.left() <= three[0] < three[2] <= rect.right() and eight[0] > rect.right()


def test_a_photo_of_a_sheet_on_a_dark_desk_reads_on_the_canvas_too(qtbot, window, selftest_digits, tmp_path):
    import numpy as np
    from PIL import Image

    png = render_strokes_png(selftest_digits[7], tmp_path / "7.png", size=(220, 200), pen=8, margin=40)
    photo = np.full((300, 480), 60, np.uint8)  # the canvas shows it with white on both sides
    photo[60:260, 80:300] = np.asarray(Image.open(png).convert("L")) * 0.9
    Image.fromarray(photo).save(tmp_path / "desk.png")
    open_and_wait(qtbot, window, tmp_path / "desk.png")
    assert window.draw_page.shown_text() == "7"  # the canvas around it was white: "5"-like edges


def test_drop_and_paste(qtbot, window, selftest_digits, tmp_path):
    page = window.draw_page
    canvas = page.canvas
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(PHOTOS / "blue-ink-2.jpg"))])
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(50, 50), Qt.DropAction.CopyAction, mime, buttons, keys)
    QApplication.sendEvent(canvas, enter)
    assert enter.isAccepted()  # the canvas takes picture files
    QApplication.sendEvent(canvas, QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, buttons, keys))
    qtbot.waitUntil(lambda: canvas.picture() is not None, timeout=10000)
    wait_shown(qtbot, window)
    assert page.shown_text() == "2"
    # A picture on the clipboard (a screenshot, say), pasted with Ctrl+V.
    image = QImage(str(render_strokes_png(selftest_digits[5], tmp_path / "five.png")))
    QApplication.clipboard().setImage(image)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    wait_shown(qtbot, window)
    assert page.shown_text() == "5"
    QApplication.clipboard().setText("just text")
    page.paste_action.trigger()
    assert "Nothing to paste" in page.teaching.saved_label.text()


def test_bad_files_are_a_message_and_change_nothing(qtbot, window, selftest_digits, tmp_path):
    page = window.draw_page
    open_and_wait(qtbot, window, PHOTOS / "grid-8.jpg")
    before = page.canvas.picture()
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"not a picture at all")
    for path, reason in ((junk, "not an image file"), (tmp_path / "missing.png", "no such file")):
        page.show_picture(str(path))
        qtbot.waitUntil(lambda reason=reason: reason in page.teaching.saved_label.text(), timeout=10000)
        assert page.canvas.picture() is before and page.shown_text() == "8"
    blank = tmp_path / "blank.png"
    white = QImage(300, 200, QImage.Format.Format_RGB888)
    white.fill(Qt.GlobalColor.white)
    white.save(str(blank))
    open_and_wait(qtbot, window, blank)
    assert page.shown_text() == "" and page.current_prediction is None
    assert "No handwriting" in page.confidence_label.text()
