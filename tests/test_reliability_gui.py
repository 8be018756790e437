"""The reliability pass (issue 8) through the real window: shortcuts that acted on hidden tabs,
the worker that died silently, the active model's one owner, a locked samples database."""

import random
import sqlite3

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from digitpad.classes import NOT_A_DIGIT
from digitpad.gui.main_window import MainWindow
from digitpad.gui.replay import draw_stroke, fit_strokes
from digitpad.reading.recognizer import Recognizer, load_with_fallback
from digitpad.storage.models import ModelStore

from helpers import draw_digit, settle, wait_ready, wait_shown


def corrected(prediction, label):
    """The prediction a person's correction shows (DrawPage.correct_digit)."""
    from digitpad.reading.answers import Prediction

    return Prediction(None if label == NOT_A_DIGIT else label, 1.0, prediction.probabilities, prediction.image)


def add_sample(window, label, shift):
    image = np.zeros((28, 28), np.uint8)
    image[shift, shift] = 255
    return window.sample_store.add(label, image, [[(shift, 0), (shift, 9)]])


def test_delete_and_undo_keys_on_my_samples_leave_the_drawing_alone(qtbot, window, selftest_digits):
    draw_digit(qtbot, window, selftest_digits[4])
    strokes = window.draw_page.canvas.strokes()
    sample_id = add_sample(window, 4, 3)
    view = window.samples_page
    view.refresh_from_store()
    window.tabs.setCurrentWidget(view)
    view.select_ids([sample_id])
    view.grid.setFocus()
    settle(qtbot, view, lambda: qtbot.keyClick(view.grid, Qt.Key.Key_Delete))
    assert window.sample_store.count() == 0  # Delete deleted the selected sample...
    assert window.draw_page.canvas.strokes() == strokes  # ...and did not clear the hidden canvas
    settle(qtbot, view, lambda: qtbot.keyClick(view.grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier))
    assert window.sample_store.count() == 1 and window.draw_page.canvas.strokes() == strokes

    window.tabs.setCurrentWidget(window.train_page)
    qtbot.keyClick(window.train_page, Qt.Key.Key_Escape)
    assert window.draw_page.canvas.strokes() == strokes  # Esc on Train clears nothing
    window.tabs.setCurrentWidget(window.draw_page)
    assert window.draw_page.clear_action.isEnabled()


def test_undo_delete_after_the_newest_was_deleted_and_another_saved(qtbot, window):
    view = window.samples_page
    add_sample(window, 1, 1)
    newest = add_sample(window, 2, 2)
    view.refresh_from_store()
    view.select_ids([newest])
    settle(qtbot, view, view.delete_selected)
    add_sample(window, 3, 3)  # SQLite would have reused the deleted top id
    view.refresh_from_store()
    settle(qtbot, view, view.undo_delete)
    assert "Brought back 1 sample." in view.message.text()
    assert newest in [s.id for s in window.sample_store.all()] and window.sample_store.count() == 3


def test_a_failing_job_is_reported_and_recognition_goes_on(qtbot, window, tmp_path, selftest_digits):
    not_a_db = tmp_path / "nothing.sqlite3"
    not_a_db.write_bytes(b"garbage" * 100)
    with qtbot.waitSignal(window.service.errored, timeout=10000) as error:
        window.service.classify(not_a_db)
    assert "Recognition failed" in error.args[0]
    assert "Recognition failed" in window.draw_page.warning.text()
    draw_digit(qtbot, window, selftest_digits[2])  # the worker is still alive
    assert window.draw_page.shown_text() == "2"


def test_open_model_file_is_remembered_and_shown_on_the_train_tab(qtbot, window, tmp_path, bundled_model):
    from digitpad.storage.model_io import save_model

    path = tmp_path / "elsewhere.keras"
    save_model(bundled_model, path, {"name": "From elsewhere"})
    with qtbot.waitSignal(window.service.model_ready, timeout=30000):
        window.open_model(path)
    assert window.model_store.active_path() == path and window.train_page.active_path == path
    assert ModelStore().active_path() == path  # saved: a restart opens it again
    assert window.service.loaded.path == path
    rows = [window.train_page.models.table.item(r, 0).text() for r in range(window.train_page.models.table.rowCount())]
    assert any(text.startswith("● From elsewhere") for text in rows)  # listed, and shown as active


def test_fine_tuning_a_broken_active_model_says_so(qtbot, window, tmp_path):
    broken = window.model_store.models_dir / "broken.keras"
    broken.write_bytes(b"truncated")
    window.model_store.set_active(broken)
    add_sample(window, 1, 1)
    add_sample(window, 1, 2)
    page = window.train_page
    with qtbot.waitSignal(page.service.failed, timeout=30000) as failed:
        assert page.start_fine_tune(epochs=1)
    assert "cannot be fine-tuned" in failed.args[0] and "broken.keras" in failed.args[0]
    assert "cannot be fine-tuned" in page.form_message.text()
    qtbot.waitUntil(lambda: not page.service.is_running(), timeout=10000)


def test_a_locked_samples_database_opens_the_window_with_a_message(qtbot, user_data_dir, selftest_digits):
    user_data_dir.mkdir(parents=True, exist_ok=True)
    path = user_data_dir / "samples.sqlite3"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("CREATE TABLE t (x)")
    other.execute("BEGIN EXCLUSIVE")
    try:
        win = MainWindow()
        qtbot.addWidget(win)
        win.show()
        win.start()
        assert win.sample_store is None and "locked" in win.draw_page.warning.text()
        assert win.tabs.count() == 2  # no My samples tab while the database cannot be opened
        wait_ready(qtbot, win)
        draw_digit(qtbot, win, selftest_digits[5])
        assert win.draw_page.shown_text() == "5"  # recognition works all the same
        win.close()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert not list(user_data_dir.glob("*.corrupt-*"))


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"format": "digitpad-samples"', "damaged or truncated"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"format": "other"}', "not a DigitPad samples file"),
    ],
)
def test_bad_import_files_through_the_view(qtbot, window, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    view = window.samples_page
    with qtbot.waitSignal(view.import_from(path).failed, timeout=10000):
        pass
    assert "Nothing was imported" in view.message.text() and message in view.message.text()
    assert window.sample_store.count() == 0


def test_problems_are_logged_to_the_rotating_log_file(tmp_path, selftest_digits):
    import os

    from helpers import render_strokes_png, run_cli

    image = render_strokes_png(selftest_digits[6], tmp_path / "six.png")
    junk = tmp_path / "junk.keras"
    junk.write_bytes(b"not a model")
    data = tmp_path / "data"
    result = run_cli("predict", "--model", str(junk), str(image), env=dict(os.environ, DIGITPAD_DATA_DIR=str(data)))
    assert result.returncode == 0 and "using the bundled model" in result.stderr
    log = (data / "logs" / "digitpad.log").read_text()
    assert "model fallback" in log and "junk.keras" in log


WALK_ACTIONS = ["draw"] * 4 + [
    *("speck", "scribble", "undo", "redo", "clear", "teach", "keep", "not a digit", "choose", "why"),
    *("bar", "tab", "delete", "undelete", "key", "resize"),
]


def test_a_seeded_random_walk_through_the_window_agrees_with_the_core(qtbot, window, selftest_digits):
    """120 random actions (digits drawn anywhere at any size, specks, scribbles running off the
    canvas, undo, redo, clear, teaching, Show why, chart clicks, tab switches, deleting and
    bringing back samples, keys, resizing): no exception in any slot (pytest-qt fails the test on
    one), every answer shown is the Qt-free reader's for the strokes on the canvas, and every
    sample saved is in the store and the view. The writer memory is off (View > Use My Samples):
    the core reads with the model alone here; the memory's own tests are in test_writer_memory."""
    core = Recognizer(load_with_fallback(None))
    window.set_use_memory(False)
    page, view, canvas = window.draw_page, window.samples_page, window.draw_page.canvas
    rng = random.Random(0)
    keys = [Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Escape, Qt.Key.Key_Delete, Qt.Key.Key_N, Qt.Key.Key_3]
    checked = 0
    for step in range(120):
        action = rng.choice(WALK_ACTIONS)
        if action in ("draw", "speck", "scribble"):
            window.tabs.setCurrentWidget(page)
        w, h = canvas.width(), canvas.height()
        if action == "draw":
            strokes = selftest_digits[rng.randrange(10)]
            where = (rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9))
            for stroke in fit_strokes(strokes, w, h, rng.uniform(0.1, 0.9), where):
                draw_stroke(canvas, stroke, process_events=rng.random() < 0.5)
        elif action == "speck":
            draw_stroke(canvas, [(rng.uniform(0, w), rng.uniform(0, h))])
        elif action == "scribble":
            draw_stroke(
                canvas, [(rng.uniform(-50, w + 50), rng.uniform(-50, h + 50)) for _ in range(rng.randint(2, 40))]
            )
        elif action in ("undo", "redo", "clear"):
            getattr(page, f"{action}_action").trigger()
        elif action == "teach":
            page.teaching.digit_buttons[rng.randrange(10)].click()
        elif action == "keep":
            page.teaching.keep_button.click()
        elif action == "not a digit":
            page.teaching.not_digit_button.click()
        elif action == "choose" and page.chooser_buttons:
            rng.choice(page.chooser_buttons).click()
        elif action == "why":
            page.why_button.toggle()
        elif action == "bar":
            page.chart.bar_clicked.emit(rng.randrange(11))
        elif action == "tab":
            window.tabs.setCurrentIndex(rng.randrange(window.tabs.count()))
        elif action == "delete" and view.visible_ids():
            ids = view.visible_ids()
            view.select_ids(rng.sample(ids, min(len(ids), rng.randint(1, 3))))
            settle(qtbot, view, view.delete_selected)
        elif action == "undelete" and view.undo_button.isEnabled():
            settle(qtbot, view, view.undo_delete)
        elif action == "key":
            QTest.keyClick(window.tabs.currentWidget(), rng.choice(keys))
        elif action == "resize":
            window.resize(rng.randint(600, 1300), rng.randint(500, 900))
        qtbot.wait(5)
        if window.tabs.currentWidget() is page:
            strokes = canvas.strokes()
            if strokes:
                wait_shown(qtbot, window)
            expected = core.read_strokes(strokes) if strokes else None
            for index, label in page.corrections.items():  # digits of a number the walk corrected
                expected = expected.with_digit(index, corrected(expected.digits[index].prediction, label))
            shown = page.current_reading
            assert (shown and shown.text) == (expected and expected.text), f"step {step}: {action}"
            checked += 1
    assert checked > 40
    settle(qtbot, view)
    stored = sorted(s.id for s in window.sample_store.all())
    view.filter.setCurrentIndex(0)
    view.only_wrong.setChecked(False)
    assert len(stored) > 5 and sorted(view.visible_ids()) == stored
