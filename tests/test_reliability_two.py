"""Reliability, round two (issue 32): each of the eighteen defects of the second hostile probe,
reproduced through the real path (the CLI, the window or the store) as a test that failed
before its fix. Numbered as in the issue."""

import io
import json
import logging
import os
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from digitpad import resources
from digitpad.storage.cards import CardError, read_card
from digitpad.storage.model_io import ModelLoadError, load_model, save_model
from digitpad.storage.models import ModelStore
from digitpad.storage.sample_schema import NOT_MIGRATED
from digitpad.storage.samples import SampleStore

from helpers import render_strokes_png, run_cli, settle

IMAGE = np.zeros((28, 28), np.uint8)


def copy_bundled(folder: Path, name: str, card_changes: dict | None = None) -> Path:
    """The bundled model under another name, with its card (changed as asked)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    target.write_bytes(resources.bundled_model_path().read_bytes())
    card = dict(read_card(resources.bundled_model_path()))
    card.update(card_changes or {})
    target.with_suffix(".json").write_text(json.dumps(card), encoding="utf-8")
    return target


def bulk_samples(path: Path, n: int) -> None:
    """`n` distinct samples written straight into a new database (a store made it first)."""
    SampleStore(path).close()
    conn = sqlite3.connect(path)
    rows = []
    for i in range(n):
        image = IMAGE.copy().ravel()
        image[i % 784] = 255
        image[(i // 784) % 784] = 128
        rows.append((f"uid-{i}", i % 10, image.tobytes(), f"[[[{i},0],[{i},9]]]", "2026-12-06T12:00:00+00:00"))
    conn.executemany("INSERT INTO samples (uid, label, image, strokes, created) VALUES (?, ?, ?, ?, ?)", rows)
    conn.commit()
    conn.close()


# -- data loss -----------------------------------------------------------------------------
def test_1_undo_delete_while_the_database_is_busy_keeps_the_undo_and_retries(qtbot, window):
    view = window.samples_page
    ids = [window.sample_store.add(d, IMAGE + d, [[(d, 0), (d, 5)]]) for d in range(3)]
    view.refresh_from_store()
    view.select_ids(ids)
    settle(qtbot, view, view.delete_selected)
    assert window.sample_store.count() == 0
    other = sqlite3.connect(window.sample_store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        settle(qtbot, view, view.undo_delete, timeout=30000)
        assert "busy" in view.message.text() and view.undo_button.isEnabled()  # the entry is kept
        assert window.sample_store.count() == 0
    finally:
        other.execute("ROLLBACK")
        other.close()
    qtbot.waitUntil(lambda: "Brought back 3 samples." in view.message.text(), timeout=30000)  # retried
    assert sorted(s.id for s in window.sample_store.all()) == ids and not view.undo_button.isEnabled()


def test_2_a_rescue_copy_never_overwrites_files_already_there(tmp_path, monkeypatch, capsys):
    from digitpad import cli

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    out = tmp_path / "out" / "m.keras"
    out.parent.mkdir()
    old = tmp_path / "tmp" / "m.keras"
    old.write_bytes(b"someone else's file")
    old.with_suffix(".json").write_text("{}")
    real_save = cli.save_model

    def disk_gone(model, path, card=None):
        if Path(path) == out:
            raise OSError(28, "No space left on device")
        return real_save(model, path, card)

    monkeypatch.setattr(cli, "save_model", disk_gone)
    small = ["--arch", "mlp", "--training-data", "mnist", "--epochs", "1", "--limit", "500", "--test-limit", "100"]
    assert cli.main(["train", *small, "--out", str(out)]) == 1
    assert old.read_bytes() == b"someone else's file" and old.with_suffix(".json").read_text() == "{}"
    rescued = tmp_path / "tmp" / "m-2.keras"
    assert rescued.exists() and load_model(rescued) is not None
    assert f"Saved a copy to {rescued}" in capsys.readouterr().err


# -- crash / hang --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "changes, why",
    [({"name": 5}, "name is not text"), ({"mnist_test_accuracy": 10**400}, "mnist_test_accuracy")],
)
def test_3_a_bad_card_makes_its_model_unusable_not_the_app(qtbot, user_data_dir, changes, why):
    from digitpad.gui.main_window import MainWindow

    bad = copy_bundled(user_data_dir / "models", "bad.keras", changes)
    (user_data_dir / "models" / "list.keras").write_bytes(b"[1, 2]")
    (user_data_dir / "models" / "list.json").write_text("[1, 2]")
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    entries = {e.path.name: e for e in win.model_store.entries()}
    assert why in entries["bad.keras"].problem and entries["list.keras"].problem
    with pytest.raises(CardError):
        read_card(bad)
    win.close()


def test_4_a_model_config_asking_for_a_huge_layer_is_refused_before_building(tmp_path):
    source = resources.bundled_model_path()
    huge = tmp_path / "huge.keras"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(huge, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "config.json":
                data = data.replace(b'"units": 11', b'"units": 500000')
            elif info.filename.endswith(".h5"):
                data = b""  # a 45 KB file: no weights, only the config's promise
            zout.writestr(info.filename, data)
    result = run_cli("evaluate", "--model", str(huge), timeout=60)
    assert result.returncode == 2 and "500,000 units" in result.stderr, result.stderr
    with pytest.raises(ModelLoadError, match="500,000 units"):
        load_model(huge)


def test_5_postscript_never_reaches_ghostscript(tmp_path, selftest_digits):
    eps = tmp_path / "loop.png"  # the extension does not matter to Pillow
    eps.write_text("%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\n{} loop\n")
    good = render_strokes_png(selftest_digits[3], tmp_path / "three.png")
    result = run_cli("predict", str(eps), str(good), timeout=60)
    assert result.returncode == 1 and "loop.png: not an image file" in result.stderr
    assert f"{good}: 3 (" in result.stdout  # the files after it are still read
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_6_fifos_are_refused_without_blocking(qtbot, tmp_path, user_data_dir):
    from digitpad.gui.main_window import MainWindow

    fifo = tmp_path / "fifo.png"
    os.mkfifo(fifo)
    result = run_cli("predict", str(fifo), timeout=60)
    assert result.returncode == 1 and "fifo.png: is not a regular file" in result.stderr
    model_fifo = tmp_path / "fifo.keras"
    os.mkfifo(model_fifo)
    result = run_cli("evaluate", "--model", str(model_fifo), timeout=60)
    assert result.returncode == 2 and "not a regular file" in result.stderr
    (user_data_dir / "models").mkdir(parents=True)
    os.mkfifo(user_data_dir / "models" / "pipe.keras")  # in the models folder: the app still starts
    win = MainWindow()
    qtbot.addWidget(win)
    view = win.samples_page
    import_fifo = tmp_path / "fifo.json"
    os.mkfifo(import_fifo)
    with qtbot.waitSignal(view.import_from(import_fifo).failed, timeout=10000):
        pass
    assert "not a regular file" in view.message.text()
    entries = {e.path.name: e for e in win.model_store.entries()}
    assert entries["pipe.keras"].problem == "is not a regular file"
    win.close()


def test_7_large_selections_are_edited_off_the_gui_thread(qtbot, user_data_dir):
    """40,000 samples (more than SQLite's 32,766 variables, 14): select all, relabel, delete,
    undo; the window's event loop keeps running meanwhile (the benchmark times the stalls)."""
    from digitpad.gui.main_window import MainWindow

    bulk_samples(user_data_dir / "samples.sqlite3", 40_000)
    win = MainWindow()
    qtbot.addWidget(win)
    view = win.samples_page
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    view.grid.selectAll()
    assert len(view.selected_ids()) == 40_000
    settle(qtbot, view, lambda: view.relabel_selected(3), timeout=120000)
    assert win.sample_store.counts()[3] == 40_000 and "Relabelled 40000 samples" in view.message.text()
    before = len(ticks)
    settle(qtbot, view, view.delete_selected, timeout=120000)
    assert win.sample_store.count() == 0 and len(ticks) > before  # the loop ran while it worked
    settle(qtbot, view, view.undo_delete, timeout=120000)
    assert win.sample_store.count() == 40_000 and len(view.selected_ids()) == 40_000
    assert view.grid.selectionModel().selection().count() == 1  # one range, not 40,000
    timer.stop()
    win.close()


# -- tracebacks instead of words -----------------------------------------------------------
def test_8_edits_on_a_locked_database_say_so_and_keys_wait_for_a_running_edit(qtbot, window):
    view = window.samples_page
    ids = [window.sample_store.add(d, IMAGE + d, [[(d, 0), (d, 5)]]) for d in range(2)]
    view.refresh_from_store()
    view.select_ids(ids)
    other = sqlite3.connect(window.sample_store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        for action in (view.delete_selected, lambda: view.relabel_selected(5)):
            settle(qtbot, view, action, timeout=30000)
            assert "busy" in view.message.text() and window.sample_store.count() == 2
        with qtbot.waitSignal(view.tasks.finished, timeout=30000):
            view.delete_selected()
            assert view.delete_selected() is None and not view.delete_button.isEnabled()  # busy: the key waits
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert window.sample_store.count() == 2


@pytest.mark.parametrize("threshold", ["1e400", "NaN", "-1", "1.5"])
def test_9_a_card_threshold_must_be_finite_and_inside_0_1(tmp_path, selftest_digits, threshold):
    model = copy_bundled(tmp_path, "m.keras")
    card = model.with_suffix(".json")
    card.write_text(
        card.read_text().replace('"not_a_digit_threshold": 0.9208', f'"not_a_digit_threshold": {threshold}')
    )
    picture = render_strokes_png(selftest_digits[2], tmp_path / "two.png")
    result = run_cli("predict", "--model", str(model), str(picture), timeout=120)
    assert result.returncode == 0 and "threshold" in result.stderr and "using the bundled model" in result.stderr
    assert "Traceback" not in result.stderr
    result = run_cli("evaluate", "--model", str(model), timeout=120)
    assert result.returncode == 2 and "threshold" in result.stderr and "Traceback" not in result.stderr


def test_10_export_into_a_folder_that_cannot_be_written(tmp_path, monkeypatch, capsys):
    from digitpad import cli

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkdtemp", refused)
    assert cli.main(["export", "--format", "tflite", "--out", str(tmp_path / "m.tflite")]) == 1
    assert "cannot be written: Permission denied" in capsys.readouterr().err
    assert not (tmp_path / "m.tflite").exists()


def test_11_npz_headers_and_bombs_are_judged_before_loading(tmp_path):
    huge = tmp_path / "huge.npz"
    with zipfile.ZipFile(huge, "w") as zf:
        for key in ("x_train", "y_train", "x_test", "y_test"):
            header = io.BytesIO()
            shape = (10**9, 28, 28) if key.startswith("x") else (10**9,)
            np.lib.format.write_array_header_1_0(header, {"descr": "|u1", "fortran_order": False, "shape": shape})
            zf.writestr(f"{key}.npy", header.getvalue())  # the magic and a header: no data
    result = run_cli("evaluate", "--data", str(huge), timeout=60)
    assert result.returncode == 2 and "1,000,000,000 images" in result.stderr and "Traceback" not in result.stderr
    bomb = tmp_path / "bomb.npz"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        for key in ("x_train", "y_train", "x_test", "y_test"):
            data = io.BytesIO()
            np.save(data, np.zeros((700_000, 28, 28) if key.startswith("x") else (700_000,), np.uint8))
            zf.writestr(f"{key}.npy", data.getvalue())
    assert bomb.stat().st_size < 2_000_000
    result = run_cli("evaluate", "--data", str(bomb), timeout=60)
    assert result.returncode == 2 and "would unpack to" in result.stderr


def test_12_delete_and_rename_only_for_the_users_own_models(qtbot, window, tmp_path, monkeypatch):
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warnings.append(args[2]))
    outside = copy_bundled(tmp_path / "elsewhere", "mine.keras")
    window.open_model(outside)
    panel = window.train_page.models
    panel.select_model(outside)
    assert not panel.delete_button.isEnabled() and not panel.rename_button.isEnabled()
    panel.delete_selected(confirm=False)
    assert outside.exists()
    own = copy_bundled(window.model_store.models_dir, "own.keras")
    panel.refresh()
    panel.select_model(own)
    assert panel.delete_button.isEnabled() and panel.rename_button.isEnabled()
    own.with_suffix(".json").unlink()
    own.with_suffix(".json").mkdir()  # the card cannot be written
    panel.rename_selected("New name")
    assert warnings and "name was not changed" in warnings[-1]


def test_13_a_log_file_that_cannot_be_written_says_so_once(tmp_path, capfd):
    from digitpad.logs import QuietFileHandler

    handler = QuietFileHandler(tmp_path / "x.log")
    logger = logging.getLogger("digitpad.test_13")
    logger.propagate = False
    logger.addHandler(handler)
    try:

        def full_disk(_text):
            raise OSError(28, "No space left on device")

        handler.stream.write = full_disk
        for i in range(5):
            logger.warning("line %d", i)
    finally:
        logger.removeHandler(handler)
    err = capfd.readouterr().err
    assert "Logging error" not in err and err.count("cannot be written; logging to it stops") == 1


def test_14_more_ids_than_sqlite_variables(tmp_path):
    path = tmp_path / "s.sqlite3"
    bulk_samples(path, 33_000)
    store = SampleStore(path)
    ids = [row[0] for row in store.rows()]
    assert store.relabel(ids, 7) == 33_000 and store.counts()[7] == 33_000
    assert len(store.get(ids)) == 33_000
    op = store.delete(ids)
    assert store.count() == 0 and store.restore(op)[1] == 33_000 and store.count() == 33_000


# -- smaller --------------------------------------------------------------------------------
def test_15_instances_starting_at_once_on_a_new_folder_all_open_it(tmp_path):
    code = (
        "import sys; from digitpad.storage.samples import SampleStore; "
        "s = SampleStore(sys.argv[1], timeout=1.0); s.add(int(sys.argv[2]) % 10, __import__('numpy').zeros((28, 28)) "
        "+ int(sys.argv[2]) / 255, [[[0, 0], [1, 1]]]); print(s.count())"
    )
    path = tmp_path / "fresh" / "samples.sqlite3"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(path), str(i)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for i in range(12)
    ]
    failures = [p.communicate(timeout=120)[1].decode() for p in procs if p.wait(timeout=120) != 0]
    assert not failures, failures[0]
    assert SampleStore(path).count() == 12


def test_16_a_model_whose_card_cannot_be_written_is_not_left_behind(tmp_path, bundled_model, monkeypatch):
    from digitpad.storage import model_io

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(model_io, "write_card", no_space)
    path = tmp_path / "models" / "m.keras"
    path.parent.mkdir()
    with pytest.raises(OSError):
        save_model(bundled_model, path, {"name": "m"})
    assert list(path.parent.iterdir()) == []
    assert all(e.path != path for e in ModelStore(tmp_path).entries())


def test_17_an_old_database_with_a_bad_row_keeps_its_good_rows(qtbot, user_data_dir):
    from digitpad.gui.main_window import MainWindow

    user_data_dir.mkdir(parents=True)
    path = user_data_dir / "samples.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE samples (id INTEGER PRIMARY KEY, uid TEXT NOT NULL UNIQUE, label INTEGER NOT NULL, "
        "image BLOB NOT NULL, strokes TEXT NOT NULL, created TEXT NOT NULL, model TEXT, guess INTEGER)"
    )
    conn.execute("INSERT INTO samples VALUES (1, 'a', 3, ?, '[]', 'then', NULL, NULL)", (bytes(784),))
    conn.execute("INSERT INTO samples VALUES (2, 'b', 42, ?, '[]', 'then', NULL, NULL)", (bytes(784),))  # label 42
    conn.execute("INSERT INTO samples VALUES (3, 'c', 5, ?, '[]', 'then', NULL, NULL)", (bytes(10),))  # short image
    conn.commit()
    conn.close()
    win = MainWindow()
    qtbot.addWidget(win)
    assert [s.id for s in win.sample_store.all()] == [1] and win.sample_store.recovered_from is None
    assert win.sample_store.migration.kept_aside == 2 and "2 samples saved by an older DigitPad" in win.last_error
    kept = sqlite3.connect(path).execute(f"SELECT id FROM {NOT_MIGRATED} ORDER BY id").fetchall()
    assert kept == [(2,), (3,)]
    win.close()


def test_18_cosmetic(qtbot, window, tmp_path, capfd):
    # a picture over 89 megapixels: refused in words, without Pillow's warning on stderr
    big = tmp_path / "big.png"
    Image.new("1", (10_000, 9_000)).save(big)
    result = run_cli("predict", str(big), timeout=60)
    assert "too large (10000x9000 pixels" in result.stderr and "DecompressionBomb" not in result.stderr
    # a coordinate of 400 digits in an import file: plain words, not numpy's
    from digitpad.storage.sample_files import SampleFileError, read_export, write_export
    from digitpad.storage.sample_records import Sample

    bad = tmp_path / "bad.json"
    write_export([Sample(1, "u", 3, IMAGE, [[[int("9" * 400), 0], [1, 1]]], "then", None, None)], bad)
    with pytest.raises(SampleFileError, match="a point is not two finite numbers"):
        read_export(bad)
    # the status bar shows a card's accuracy only for the very file it describes
    liar = copy_bundled(tmp_path, "liar.keras", {"mnist_test_accuracy": 0.5, "sha256": "0" * 64})
    with qtbot.waitSignal(window.service.model_ready, timeout=30000):
        window.open_model(liar)
    assert "MNIST" not in window.model_label.text() and "50.00" not in window.model_label.text()
    # a failing worker job: one line on stderr, the traceback only in the log file
    capfd.readouterr()
    with qtbot.waitSignal(window.service.errored, timeout=10000):
        window.service.classify(tmp_path / "nothing.sqlite3")
    err = capfd.readouterr().err
    assert "Traceback" not in err
