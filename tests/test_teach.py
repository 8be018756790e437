import numpy as np
import pytest
from PySide6.QtCore import Qt

from digitpad.gui.main_window import MainWindow
from digitpad.learning.data import Mnist
from digitpad.storage.samples import SampleStore

from helpers import draw_digit, settle


def test_correcting_a_guess_stores_a_sample_with_its_strokes(qtbot, window, selftest_digits):
    page = window.draw_page
    draw_digit(qtbot, window, selftest_digits[7])
    strokes = page.canvas.strokes()
    assert page.shown_text() == "7"
    page.canvas.setFocus()
    qtbot.keyClick(page.canvas, Qt.Key.Key_1)  # "no, it is a 1": the digit key
    [sample] = window.sample_store.all()
    assert sample.label == 1 and sample.guess == 7 and sample.model == "DigitPad CNN v3"
    assert len(sample.strokes) == len(strokes)
    assert sample.strokes[0][0] == pytest.approx(list(strokes[0][0]), abs=0.01)
    assert sample.image.max() == 255 and sample.image.shape == (28, 28)
    assert "Saved as a 1 (it said 7)" in page.teaching.saved_label.text()
    assert page.canvas.is_empty()  # ready for the next drawing; Undo brings it back
    page.undo_action.trigger()
    assert len(page.canvas.strokes()) == len(strokes)

    page.canvas.clear()
    draw_digit(qtbot, window, selftest_digits[3])
    qtbot.mouseClick(page.teaching.keep_button, Qt.MouseButton.LeftButton)  # right: keep as it is
    qtbot.mouseClick(page.teaching.digit_buttons[5], Qt.MouseButton.LeftButton)  # empty canvas now
    assert "Draw a digit first" in page.teaching.saved_label.text()
    assert [(s.label, s.guess) for s in window.sample_store.all()] == [(1, 7), (3, 3)]
    assert len(window.samples_page.visible_ids()) == 2


def add_samples(store, selftest_digits, labels):
    from digitpad.reading.preprocess import strokes_to_mnist

    for i, label in enumerate(labels):
        strokes = [[(x + i, y) for x, y in s] for s in selftest_digits[label]]
        store.add(label, strokes_to_mnist(strokes), strokes, model="test")


def test_samples_view_filter_relabel_delete_undo(qtbot, window, selftest_digits):
    view = window.samples_page
    add_samples(window.sample_store, selftest_digits, [0, 1, 1, 2, 7])
    view.refresh_from_store()
    assert len(view.visible_ids()) == 5 and "5 samples" in view.counts_label.text()
    view.filter.setCurrentIndex(view.filter.findData(1))
    assert len(view.visible_ids()) == 2
    view.filter.setCurrentIndex(0)
    # the model's opinion arrives from the worker: no sample here is wrong... until relabelled
    qtbot.waitUntil(lambda: len(view.predictions) == 5, timeout=10000)
    seven = [s.id for s in window.sample_store.all(label=7)]
    view.select_ids(seven)
    settle(qtbot, view, lambda: view.relabel_selected(4))
    assert window.sample_store.counts()[4] == 1 and window.sample_store.counts()[7] == 0
    assert view.selected_ids() == seven  # the selection survives the edit
    qtbot.waitUntil(lambda: "gets 1 wrong" in view.counts_label.text(), timeout=10000)
    view.only_wrong.setChecked(True)
    assert view.visible_ids() == seven and "read 7" in view.visible_texts()[0]
    view.only_wrong.setChecked(False)

    ones = [s.id for s in window.sample_store.all(label=1)]
    view.select_ids(ones)
    settle(qtbot, view, lambda: qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton))  # several at once
    assert window.sample_store.count() == 3 and len(view.visible_ids()) == 3
    settle(qtbot, view, lambda: qtbot.mouseClick(view.undo_button, Qt.MouseButton.LeftButton))
    assert window.sample_store.count() == 5 and len(view.visible_ids()) == 5
    assert {s.id for s in window.sample_store.all(label=1)} == set(ones)
    assert "Brought back 2 samples." in view.message.text()


def test_samples_view_says_what_to_do_when_it_shows_nothing(qtbot, window, selftest_digits):
    view = window.samples_page
    assert view.grid_or_empty.currentWidget() is view.empty_label
    assert "No samples yet" in view.empty_label.text() and "press its key" in view.empty_label.text()
    add_samples(window.sample_store, selftest_digits, [1, 2])
    view.refresh_from_store()
    assert view.grid_or_empty.currentWidget() is view.grid
    view.filter.setCurrentIndex(view.filter.findData(3))  # no 3s
    assert view.grid_or_empty.currentWidget() is view.empty_label
    assert view.empty_label.text() == "No sample matches this choice."
    view.filter.setCurrentIndex(view.filter.findData(2))
    assert view.grid_or_empty.currentWidget() is view.grid and len(view.visible_ids()) == 1
    view.select_ids(view.visible_ids())
    settle(qtbot, view, view.delete_selected)  # the last 2: the filter now shows nothing
    assert view.grid_or_empty.currentWidget() is view.empty_label
    settle(qtbot, view, view.undo_delete)
    assert view.grid_or_empty.currentWidget() is view.grid


def test_export_and_import_through_the_view(qtbot, window, selftest_digits, tmp_path):
    view = window.samples_page
    add_samples(window.sample_store, selftest_digits, [2, 5, 9])
    view.refresh_from_store()
    exported = tmp_path / "mine.json"
    with qtbot.waitSignal(view.export_to(exported).done, timeout=10000) as export:
        pass
    assert export.args == [3] and "Exported 3 samples" in view.message.text()
    other_store = SampleStore(tmp_path / "other.sqlite3")
    from digitpad.gui.samples_page import SamplesPage

    other = SamplesPage(other_store, window.service)
    qtbot.addWidget(other)
    with qtbot.waitSignal(other.import_from(exported).done, timeout=10000) as first:
        pass
    assert first.args[0][0] == (3, 0) and len(other.visible_ids()) == 3
    with qtbot.waitSignal(other.import_from(exported).done, timeout=10000) as again:
        pass
    assert again.args[0][0] == (0, 3) and "3 were already here" in other.message.text()
    (tmp_path / "bad.json").write_text(exported.read_text()[:100])
    with qtbot.waitSignal(other.import_from(tmp_path / "bad.json").failed, timeout=10000):
        pass
    assert "Nothing was imported" in other.message.text() and other_store.count() == 3
    other.shutdown()
    other_store.close()


def test_corrupt_database_is_moved_aside_with_a_message(qtbot, user_data_dir):
    user_data_dir.mkdir(parents=True, exist_ok=True)
    (user_data_dir / "samples.sqlite3").write_bytes(b"garbage" * 1000)
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    assert win.sample_store.recovered_from is not None
    assert str(win.sample_store.recovered_from) in win.draw_page.warning.text()
    assert win.draw_page.warning.isVisible() and win.sample_store.count() == 0
    assert win.sample_store.recovered_from.read_bytes().startswith(b"garbage")
    win.close()


def test_fine_tune_on_my_samples_through_the_gui(qtbot, window, selftest_digits, mnist):
    add_samples(window.sample_store, selftest_digits, [d for d in range(10) for _ in range(2)])
    small = Mnist(mnist.x_train[:600], mnist.y_train[:600], mnist.x_test[:300], mnist.y_test[:300])
    page = window.train_page
    window.tabs.setCurrentWidget(page)
    with qtbot.waitSignal(page.run_finished, timeout=120000) as done:
        assert page.start_fine_tune(mnist=small, epochs=1, batch_size=32)
    tuned = done.args[0]
    ft = page.fine_tune_result
    assert ft is not None and ft.n_train == 10 and ft.n_heldout == 10
    assert ft.mine_before is not None and ft.mine_after is not None
    assert "held-out samples (10)" in page.result_panel.label.text()
    assert "MNIST test" in page.result_panel.label.text()
    assert len(page.loss_plot.train_x) > 0
    with qtbot.waitSignal(page.keep_result(activate=False).done, timeout=30000) as saved:
        pass
    from digitpad.storage.cards import read_card

    card = read_card(page.model_store.models_dir / saved.args[0]["file"])
    assert card["fine_tuned"] and card["my_heldout_samples"] == 10
    assert card["mnist_test_accuracy"] == round(tuned.test_accuracy, 5)


def test_fine_tune_without_samples_says_what_to_do(qtbot, window):
    assert not window.train_page.start_fine_tune()
    assert "no samples yet" in window.train_page.form_message.text()


def test_keeping_a_sample_stores_the_image_the_guess_came_from(qtbot, window, selftest_digits):
    page = window.draw_page
    draw_digit(qtbot, window, selftest_digits[6])
    shown = page.current_prediction
    qtbot.mouseClick(page.teaching.keep_button, Qt.MouseButton.LeftButton)
    [sample] = window.sample_store.all()
    assert sample.label == shown.label == sample.guess
    assert (sample.image == np.round(shown.image * 255).astype(np.uint8)).all()


def test_a_stale_guess_is_not_kept(qtbot, window, selftest_digits):
    page = window.draw_page
    draw_digit(qtbot, window, selftest_digits[1])
    window.service.cancel()  # the drawing changed after this answer: the answer on screen is stale
    qtbot.mouseClick(page.teaching.keep_button, Qt.MouseButton.LeftButton)
    assert window.sample_store.count() == 0 and "Wait for the guess" in page.teaching.saved_label.text()
    page.save_sample(1)  # a label given by the user is saved, without the stale guess
    [sample] = window.sample_store.all()
    assert sample.label == 1 and sample.guess is None
