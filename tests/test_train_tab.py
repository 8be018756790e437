import re

import pytest
from PySide6.QtCore import Qt

from digitpad.gui.main_window import MainWindow
from digitpad.learning.callbacks import EpochEnd, Evaluating
from digitpad.storage.cards import read_card
from digitpad.storage.models import ModelStore

from helpers import write_small_mnist


@pytest.fixture
def small_npz(tmp_path, mnist):
    return write_small_mnist(tmp_path / "small.npz", mnist, 1200, 500)


@pytest.fixture
def window(main_window):
    main_window.tabs.setCurrentWidget(main_window.train_page)
    return main_window


def fill_form(page, small_npz, epochs=2, batch=32, lr=0.002, split=0.1, arch="mlp"):
    form = page.form
    form.arch.setCurrentIndex(form.arch.findData(arch))
    form.epochs.setValue(epochs)
    form.batch_size.setValue(batch)
    form.learning_rate.setValue(lr)
    form.validation_split.setValue(split)
    form.augment.setChecked(False)
    form.data.setCurrentIndex(form.data.findData("file"))
    form.data_file.setText(str(small_npz))


def test_train_keep_and_use_a_model(qtbot, window, small_npz):
    page = window.train_page
    fill_form(page, small_npz)
    with qtbot.waitSignal(page.run_finished, timeout=120000) as done:
        qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
        assert not page.start_button.isEnabled() and page.stop_button.isEnabled()
    result = done.args[0]
    # The curves received points: per batch for training, per epoch for validation.
    assert len(page.loss_plot.train_x) >= 2 and len(page.accuracy_plot.train_y) >= 2
    xs = page.loss_plot.train_x
    assert all(0 < x <= 2 for x in xs) and xs == sorted(xs) and xs[-1] == 2.0  # epochs, in order
    assert all(0 <= a <= 1 for a in page.accuracy_plot.train_y) and all(v >= 0 for v in page.loss_plot.train_y)
    assert page.accuracy_plot.val_y == [pytest.approx(a) for a in result.history["val_accuracy"]]
    assert page.loss_plot.val_x == [1.0, 2.0] and len(page.accuracy_plot.val_y) == 2
    assert page.loss_plot.train_curve.getData()[0] is not None
    assert page.progress.value() == 1000 and "Finished after 2 epochs" in page.progress.format()
    # It says where it trained (this project's machines have no GPU; one that has says GPU).
    assert re.fullmatch(r"Trains on: (CPU \(\d+ cores\)|GPU \(.+\))", page.device_label.text())
    assert result.card["trained_on"] == page.device_label.text().removeprefix("Trains on: ")
    # The result: MNIST test accuracy and a 10x10 confusion matrix with per-digit accuracy.
    assert page.result_panel.isVisible() and f"{result.test_accuracy:.2%}" in page.result_panel.label.text()
    assert int(result.confusion.sum()) == 500 and result.test_accuracy > 0.6
    assert page.result_panel.confusion.item(0, 11).text().endswith("%")
    # Use this model: saved atomically with its card, active now and after a restart.
    with qtbot.waitSignal(window.service.model_ready, timeout=30000) as ready:
        qtbot.mouseClick(page.result_panel.use_button, Qt.MouseButton.LeftButton)
    store = ModelStore()
    saved = [p for p in store.models_dir.iterdir() if p.suffix == ".keras"]
    assert len(saved) == 1 and store.active_path() == saved[0]
    assert ready.args[0].path == saved[0] and ready.args[0].fallback_reason is None
    card = read_card(saved[0])
    assert card["architecture"] == "mlp" and card["mnist_test_accuracy"] == round(result.test_accuracy, 5)
    assert card["recipe"]["epochs"] == 2 and card["data"].startswith("MNIST from small.npz")
    assert not page.result_panel.isVisible()
    assert any(
        "●" in page.models.table.item(r, 0).text() and "MLP" in page.models.table.item(r, 0).text()
        for r in range(page.models.table.rowCount())
    )

    again = MainWindow()
    qtbot.addWidget(again)
    again.start()
    with qtbot.waitSignal(again.service.model_ready, timeout=30000) as restarted:
        pass
    assert restarted.args[0].path == saved[0]
    again.close()


def test_stop_ends_training_after_the_batch_and_keeps_the_best_epoch(qtbot, window, small_npz, mnist):
    from digitpad.learning.data import load_mnist
    from digitpad.learning.training import split_data

    page = window.train_page
    fill_form(page, small_npz, epochs=500, batch=16, lr=0.05)  # a high rate: epochs go up and down
    events = []
    page.service.progress.connect(events.append)
    assert page.start()
    qtbot.waitUntil(lambda: sum(isinstance(e, EpochEnd) for e in events) >= 3, timeout=120000)
    with qtbot.waitSignal(page.run_finished, timeout=60000) as done:
        epochs_seen = sum(isinstance(e, EpochEnd) for e in events)
        qtbot.mouseClick(page.stop_button, Qt.MouseButton.LeftButton)
    result = done.args[0]
    # Stopped within the epoch that was running: after the current batch, not 500 epochs later.
    assert result.stopped_early and result.card["epochs_run"] <= epochs_seen + 1
    assert isinstance(events[-1], Evaluating)
    # The weights are the best epoch's: the model scores on the validation split exactly what
    # that epoch scored, the best of all epochs run.
    epoch_scores = [e.val_accuracy for e in events if isinstance(e, EpochEnd)]
    config, _ = page.form.config()
    _, (x_val, y_val), _ = split_data(config, load_mnist(small_npz))
    kept = float((result.model.predict(x_val, verbose=0).argmax(axis=1) == y_val).mean())
    assert kept == pytest.approx(max(epoch_scores), abs=1e-6)
    assert "Stopped after" in page.progress.format() and page.result_panel.isVisible()
    qtbot.mouseClick(page.result_panel.discard_button, Qt.MouseButton.LeftButton)
    assert not page.result_panel.isVisible()
    assert not list(ModelStore().models_dir.glob("*.keras"))  # thrown away: nothing saved
    assert page.start_button.isEnabled()


def test_the_form_takes_only_numbers_in_range(qtbot, window):
    form = window.train_page.form
    form.epochs.setValue(12)
    form.epochs.lineEdit().selectAll()
    qtbot.keyClicks(form.epochs, "ten")
    form.epochs.interpretText()
    assert form.epochs.value() == 12  # letters cannot be typed into a number field
    form.validation_split.setValue(0.7)
    form.epochs.setValue(0)
    config, problems = form.config()
    assert problems == [] and config.validation_split == 0.49 and config.epochs == 1


def test_a_batch_larger_than_the_data_is_refused_with_a_message(qtbot, window, small_npz):
    page = window.train_page
    fill_form(page, small_npz, batch=5000)
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    # What needs the data is found on the training thread, which loads it.
    qtbot.waitUntil(lambda: "larger than the" in page.form_message.text(), timeout=10000)
    qtbot.waitUntil(lambda: not page.service.is_running() and page.start_button.isEnabled(), timeout=10000)


def test_a_run_that_has_sent_its_result_is_over(qtbot, window, small_npz):
    """Closing the window the moment a run ends must not ask whether to stop it (a modal question
    nobody asked for; it hung a test teardown on a loaded machine): the run is over once its result
    is sent, while its thread may still be returning."""
    page = window.train_page
    fill_form(page, small_npz, batch=5000)
    with qtbot.waitSignal(page.service.failed, timeout=10000):
        qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    assert not page.service.is_running()


def test_missing_data_file_is_refused(qtbot, window, tmp_path):
    page = window.train_page
    fill_form(page, tmp_path / "gone.npz")
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    assert "No such file" in page.form_message.text() and not page.service.is_running()


def test_models_list_shows_unusable_files_and_deleting_active_falls_back(qtbot, window, bundled_model):
    from digitpad.storage.model_io import save_model

    page = window.train_page
    store = page.model_store
    (store.models_dir / "junk.keras").write_bytes(b"not a model at all")
    good = store.models_dir / "mine.keras"
    save_model(bundled_model, good, {"name": "Mine", "architecture": "cnn", "mnist_test_accuracy": 0.99})
    page.models.refresh()
    rows = {page.models.table.item(r, 0).text(): r for r in range(page.models.table.rowCount())}
    junk_row = next(r for text, r in rows.items() if "junk" in text)
    assert "unusable" in page.models.table.item(junk_row, 0).text()
    page.models.table.selectRow(junk_row)
    assert not page.models.use_button.isEnabled() and page.models.delete_button.isEnabled()

    page.models.select_model(good)
    page.models.rename_selected("My handwriting")
    assert read_card(good)["name"] == "My handwriting"
    with qtbot.waitSignal(page.model_activated) as used:
        page.models.use_selected()
    assert used.args[0] == good and store.active_path() == good

    page.models.select_model(good)
    with qtbot.waitSignal(page.model_activated) as fallback:
        page.models.delete_selected(confirm=False)
    assert fallback.args[0] is None and store.active_path() is None
    assert not good.exists() and not good.with_suffix(".json").exists()
    bundled_row = next(
        r for r in range(page.models.table.rowCount()) if "(bundled)" in page.models.table.item(r, 0).text()
    )
    assert page.models.table.item(bundled_row, 0).text().startswith("●")
    page.models.table.selectRow(bundled_row)
    assert not page.models.delete_button.isEnabled()  # the bundled model cannot be deleted
