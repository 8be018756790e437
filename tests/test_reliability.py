"""The reliability pass (issue 8): each defect found by a hostile user, reproduced as a test
that failed before the fix. Core paths here; the GUI's in test_reliability_gui.py."""

import base64
import hashlib
import json
import os
import sqlite3
import zipfile

import numpy as np
import pytest

from digitpad.learning.data import DataError, load_mnist
from digitpad.storage.sample_files import EXPORT_FORMAT, EXPORT_VERSION, SampleFileError, read_export
from digitpad.storage.sample_schema import SCHEMA_VERSION
from digitpad.storage.samples import SampleStore, SampleStoreError

from helpers import run_cli

IMAGE = np.zeros((28, 28), np.uint8)


def add(store, label, shift=0):
    image = IMAGE.copy()
    image[shift % 28, (shift // 28) % 28] = 255
    return store.add(label, image, [[(shift, 0), (shift, 5)]])


# -- 1. undo delete after SQLite would have reused the top id ----------------------------
def test_restore_after_the_newest_sample_was_deleted_and_another_saved(tmp_path):
    store = SampleStore(tmp_path / "s.sqlite3")
    first, newest = add(store, 1, 1), add(store, 2, 2)
    op = store.delete([newest])
    third = add(store, 3, 3)
    assert third != newest  # ids are never reused
    assert store.restore(op) == ([newest], 1)
    assert sorted(s.id for s in store.all()) == sorted([first, newest, third])


def test_restore_reports_a_sample_saved_again_meanwhile(tmp_path):
    store = SampleStore(tmp_path / "s.sqlite3")
    sample_id = add(store, 4, 4)
    op = store.delete([sample_id])
    add(store, 4, 4)  # the very same drawing, saved again
    assert store.restore(op) == ([], 1)
    assert store.count() == 1


# -- 2. locked is not damaged ------------------------------------------------------------
def test_a_locked_database_is_left_alone_with_a_message(tmp_path):
    path = tmp_path / "s.sqlite3"
    SampleStore(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA journal_mode=DELETE")
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(SampleStoreError, match="locked"):
            SampleStore(path, timeout=0.2)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert path.exists() and not list(tmp_path.glob("*.corrupt-*"))


def test_a_damaged_database_is_moved_aside(tmp_path):
    path = tmp_path / "s.sqlite3"
    path.write_bytes(b"this is not SQLite" * 100)
    store = SampleStore(path)
    assert store.recovered_from is not None and store.recovered_from.exists()
    assert store.count() == 0


# -- 3. schema versions ------------------------------------------------------------------
V1_SCHEMA = """
CREATE TABLE samples (id INTEGER PRIMARY KEY, uid TEXT NOT NULL UNIQUE,
    label INTEGER NOT NULL CHECK (label BETWEEN 0 AND 9), image BLOB NOT NULL CHECK (length(image) = 784),
    strokes TEXT NOT NULL, created TEXT NOT NULL, model TEXT, guess INTEGER);
CREATE INDEX samples_label ON samples(label);
"""


def test_a_version_1_database_is_migrated_with_its_samples(tmp_path):
    path = tmp_path / "s.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(V1_SCHEMA)
    conn.execute("INSERT INTO samples VALUES (7, 'u', 3, ?, '[]', 'then', 'm', 5)", (bytes(784),))
    conn.commit()
    conn.close()
    store = SampleStore(path)
    [sample] = store.all()
    assert (sample.id, sample.label, sample.guess, sample.created) == (7, 3, 5, "then")
    assert store._conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert add(store, 10, 9) is not None  # "not a digit" fits the new schema


@pytest.mark.parametrize(
    "ddl, match",
    [
        ("CREATE TABLE samples (id INTEGER PRIMARY KEY, uid TEXT, label INTEGER)", "unknown layout"),
        (V1_SCHEMA.replace("guess INTEGER", "guess INTEGER, pressure BLOB NOT NULL"), "unknown layout"),
    ],
)
def test_an_unknown_layout_is_refused_and_left_alone(tmp_path, ddl, match):
    path = tmp_path / "s.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(ddl)
    conn.close()
    before = path.read_bytes()
    with pytest.raises(SampleStoreError, match=match):
        SampleStore(path)
    assert path.read_bytes() == before


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "s.sqlite3"
    SampleStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(SampleStoreError, match="newer DigitPad"):
        SampleStore(path)


def test_a_samples_folder_that_is_a_file(tmp_path):
    blocker = tmp_path / "data"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(SampleStoreError, match="cannot be made"):
        SampleStore(blocker / "samples.sqlite3")


# -- 6. strict imports -------------------------------------------------------------------
def export_document(samples):
    payload = json.dumps(samples, separators=(",", ":"))
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "count": len(samples),
        "sha256": hashlib.sha256(payload.encode()).hexdigest(),
        "samples": samples,
    }


def sample_record(**overrides):
    record = {
        "uid": "x",
        "label": 7,
        "image": base64.b64encode(bytes(784)).decode(),
        "strokes": [[[0, 0], [1, 1]]],
        "created": "2026-11-29",
        "model": None,
        "guess": None,
    }
    record.update(overrides)
    return record


@pytest.mark.parametrize(
    "overrides",
    [
        {"guess": 2e30},
        {"label": "7"},
        {"label": 7.9},
        {"label": True},
        {"label": "٧"},
        {"guess": 99},
        {"label": -1},
        {"strokes": [[[float("nan"), 0]]]},
        {"strokes": [[["a", 0]]]},
        {"strokes": "no"},
        {"image": base64.b64encode(bytes(10)).decode()},
        {"created": 5},
    ],
)
def test_import_refuses_bad_values(tmp_path, overrides):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(export_document([sample_record(**overrides)])))
    with pytest.raises(SampleFileError, match="sample 1 is malformed"):
        read_export(path)


def test_import_accepts_a_good_record_with_not_a_digit(tmp_path):
    path = tmp_path / "good.json"
    path.write_text(json.dumps(export_document([sample_record(label=10, guess=3)])))
    [record] = read_export(path)
    assert record["label"] == 10 and record["guess"] == 3


def test_import_refuses_deep_nesting_and_devices(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(SampleFileError, match="nested too deeply|not a DigitPad"):
        read_export(deep)
    link = tmp_path / "zero.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(SampleFileError, match="not a regular file"):
        read_export(link)
    with pytest.raises(SampleFileError, match="folder"):
        read_export(tmp_path)


# -- 4, 5, 13. the CLI checks before it works --------------------------------------------
@pytest.mark.parametrize(
    "out, message",
    [
        ("m.h5", "must end in .keras"),
        ("somedir", "is a folder"),
        ("missing/dir/m.keras", "does not exist"),
    ],
)
def test_train_checks_out_before_training(tmp_path, out, message):
    (tmp_path / "somedir").mkdir()
    target = tmp_path / out
    result = run_cli("train", "--epochs", "1", "--out", str(target) + ("/" if out == "somedir" else ""))
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert "Training" not in result.stdout  # refused before a single epoch


def test_train_never_overwrites_the_bundled_model():
    from digitpad import resources

    bundled = resources.bundled_model_path()
    before = bundled.read_bytes()
    result = run_cli("train", "--epochs", "1", "--out", str(bundled))
    assert result.returncode == 2 and "bundled model" in result.stderr
    assert bundled.read_bytes() == before


def test_train_refuses_absurd_epochs():
    result = run_cli("train", "--epochs", "99999999999999999999")
    assert result.returncode == 2 and "Epochs must be" in result.stderr and "Traceback" not in result.stderr


def test_predict_needs_no_writable_data_folder(tmp_path, selftest_digits):
    from helpers import render_strokes_png

    image = render_strokes_png(selftest_digits[3], tmp_path / "three.png")
    blocker = tmp_path / "notafolder"
    blocker.write_text("x")
    result = run_cli("predict", str(image), env=dict(os.environ, DIGITPAD_DATA_DIR=str(blocker)))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{image}: 3 (")


def test_predict_refuses_a_huge_picture_from_its_header(tmp_path):
    from PIL import Image

    huge = tmp_path / "huge.png"
    Image.new("1", (13_000, 13_000), 1).save(huge)  # a few KB on disk, 169 megapixels
    result = run_cli("predict", str(huge), timeout=60)
    assert result.returncode == 1 and "too large" in result.stderr


# -- 11. data files ----------------------------------------------------------------------
def write_npz(path, x_train, y_train, x_test, y_test):
    np.savez(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    return path


def test_float_and_wide_pixels_are_converted(tmp_path, mnist):
    x, y = mnist.x_test[:50], mnist.y_test[:50]
    floats = load_mnist(write_npz(tmp_path / "f.npz", x / 255.0, y, x / 255.0, y))
    assert np.array_equal(floats.x_test, x)
    wide = load_mnist(write_npz(tmp_path / "w.npz", x.astype(np.int64), y, x.astype(np.int64), y))
    assert np.array_equal(wide.x_test, x)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda x, y: (x.astype(np.int64) * 300, y), "above 255"),
        (lambda x, y: (x, np.where(np.arange(len(y)) == 0, np.nan, y)), "not whole numbers"),
        (lambda x, y: (x, y.astype(str)), "labels, not digits"),
        (lambda x, y: (x[:0], y[:0]), "no images"),
    ],
)
def test_bad_data_files_are_refused_in_words(tmp_path, mnist, change, message):
    x, y = change(mnist.x_test[:50], mnist.y_test[:50])
    with pytest.raises(DataError, match=message):
        load_mnist(write_npz(tmp_path / "bad.npz", mnist.x_train[:50], mnist.y_train[:50], x, y))


def test_a_text_file_is_not_called_pickled_data(tmp_path):
    path = tmp_path / "five.npz"
    path.write_text("hello")
    with pytest.raises(DataError, match="not an .npz file"):
        load_mnist(path)


# -- 12. models that are not probability models ------------------------------------------
def save_plain_model(path, activation="softmax", nan=False):
    from digitpad.tfenv import keras

    model = keras.Sequential(
        [keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10, activation=activation)]
    )
    if nan:
        model.set_weights([np.full_like(w, np.nan) for w in model.get_weights()])
    model.save(path)
    return path


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"activation": None}, "not probabilities"),
        ({"nan": True}, "not numbers"),
    ],
)
def test_models_whose_outputs_are_not_probabilities_are_refused(tmp_path, kwargs, message):
    from digitpad.storage.model_io import ModelLoadError, load_model

    path = save_plain_model(tmp_path / "m.keras", **kwargs)
    with pytest.raises(ModelLoadError, match=message):
        load_model(path)


# -- 8. a zip bomb in the models folder --------------------------------------------------
def test_a_zip_bomb_in_the_models_folder_is_listed_as_unusable_without_unpacking(tmp_path):
    from digitpad.storage.models import ModelStore

    store = ModelStore(tmp_path / "data")
    store.models_dir.mkdir(parents=True)
    bomb = store.models_dir / "bomb.keras"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("config.json", "{}")
        zf.writestr("model.weights.h5", bytes(300 * 1024 * 1024))
    [entry] = [e for e in store.entries() if e.path == bomb]
    assert entry.problem and "unpack" in entry.problem
