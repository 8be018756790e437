import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from digitpad.reading.preprocess import strokes_to_mnist
from digitpad.storage.sample_files import SampleFileError
from digitpad.storage.samples import SampleStore


@pytest.fixture
def store(tmp_path):
    s = SampleStore(tmp_path / "samples.sqlite3")
    yield s
    s.close()


def add_digits(store, selftest_digits, labels=range(10), model="test-model"):
    ids = []
    for label in labels:
        strokes = selftest_digits[label]
        ids.append(store.add(label, strokes_to_mnist(strokes), strokes, model=model, guess=(label + 1) % 10))
    return ids


def test_add_keeps_image_strokes_label_time_and_model(store, selftest_digits):
    [sample_id] = add_digits(store, selftest_digits, [7])
    [sample] = store.get([sample_id])
    assert sample.label == 7 and sample.model == "test-model" and sample.guess == 8
    assert sample.image.shape == (28, 28) and sample.image.dtype == np.uint8
    np.testing.assert_allclose(sample.image_float, strokes_to_mnist(selftest_digits[7]), atol=1 / 255)
    assert len(sample.strokes) == len(selftest_digits[7])
    assert sample.strokes[0][0] == pytest.approx(selftest_digits[7][0][0], abs=0.01)
    assert sample.created[:4].isdigit()


def test_same_sample_twice_is_stored_once(store, selftest_digits):
    first = add_digits(store, selftest_digits, [3])
    again = add_digits(store, selftest_digits, [3])
    assert first[0] is not None and again == [None] and store.count() == 1


def test_relabel_delete_restore_filter_counts(store, selftest_digits):
    ids = add_digits(store, selftest_digits)
    assert store.counts() == {**{d: 1 for d in range(10)}, 10: 0}  # 10: "not a digit"
    store.relabel([ids[1]], 7)
    assert [s.label for s in store.all(label=7)] == [7, 7]
    assert store.counts()[1] == 0 and store.counts()[7] == 2
    op = store.delete(ids[:3])
    assert store.count() == 7 and store.deleted_count(op) == 3
    assert store.restore(op) == (ids[:3], 3)  # undo
    assert store.count() == 10 and [s.id for s in store.all()] == ids
    with pytest.raises(ValueError):
        store.relabel([ids[0]], 12)


def test_export_import_round_trip_and_dedupe(tmp_path, store, selftest_digits):
    add_digits(store, selftest_digits)
    exported = tmp_path / "mine.digitpad-samples.json"
    assert store.export(exported) == 10
    other = SampleStore(tmp_path / "other.sqlite3")
    assert other.import_file(exported) == (10, 0)
    assert other.import_file(exported) == (0, 10)  # merging again adds nothing
    original = {s.uid: s for s in store.all()}
    for s in other.all():
        o = original[s.uid]
        assert (s.label, s.strokes, s.created, s.model, s.guess) == (o.label, o.strokes, o.created, o.model, o.guess)
        np.testing.assert_array_equal(s.image, o.image)
    other.close()


@pytest.mark.parametrize("damage", ["truncate", "foreign", "checksum", "bad-sample", "missing"])
def test_bad_import_file_changes_nothing(tmp_path, store, selftest_digits, damage):
    add_digits(store, selftest_digits, [1, 2])
    exported = tmp_path / "export.json"
    store.export(exported)
    target = SampleStore(tmp_path / "target.sqlite3")
    add_digits(target, selftest_digits, [5])
    before = [(s.uid, s.label) for s in target.all()]
    text = exported.read_text()
    if damage == "truncate":
        exported.write_text(text[: len(text) // 2])
    elif damage == "foreign":
        exported.write_text(json.dumps({"hello": "world"}))
    elif damage == "checksum":
        doc = json.loads(text)
        doc["samples"][0]["label"] = 9
        exported.write_text(json.dumps(doc))
    elif damage == "bad-sample":
        doc = json.loads(text)
        doc["samples"][1]["image"] = "AAAA"
        payload = json.dumps(doc["samples"], separators=(",", ":"))
        import hashlib

        doc["sha256"] = hashlib.sha256(payload.encode()).hexdigest()
        exported.write_text(json.dumps(doc))
    else:
        exported.unlink()
    with pytest.raises(SampleFileError):
        target.import_file(exported)
    assert [(s.uid, s.label) for s in target.all()] == before
    target.close()


def test_corrupt_database_is_moved_aside(tmp_path, selftest_digits):
    path = tmp_path / "samples.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    store = SampleStore(path)
    assert store.recovered_from is not None and store.recovered_from.exists()
    assert store.recovered_from.read_bytes().startswith(b"this is not a database")
    assert "corrupt" in store.recovered_from.name and store.count() == 0
    add_digits(store, selftest_digits, [4])
    store.close()
    again = SampleStore(path)
    assert again.recovered_from is None and again.count() == 1
    again.close()


WRITER = textwrap.dedent("""
    import sys, numpy as np
    from digitpad.storage.samples import SampleStore
    store = SampleStore(sys.argv[1])
    rng = np.random.default_rng(0)
    for i in range(100000):
        sample_id = store.add(i % 10, rng.random((28, 28)), [[(i, 0), (i + 1, 5)]], model="kill-test")
        print(sample_id, flush=True)
""")


def test_killed_process_loses_at_most_the_sample_being_saved(tmp_path):
    path = tmp_path / "samples.sqlite3"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
    confirmed = []
    while len(confirmed) < 300:
        line = proc.stdout.readline()
        assert line, "writer died early"
        confirmed.append(int(line))
    os.kill(proc.pid, signal.SIGKILL)  # mid-write: it was saving more when killed
    proc.wait()
    confirmed += [int(line) for line in proc.stdout.read().split()]  # reported before the kill
    assert proc.returncode == -signal.SIGKILL
    store = SampleStore(path)
    assert store.recovered_from is None
    ids = {s.id for s in store.all()}
    assert set(confirmed) <= ids  # every save it reported is there
    assert len(ids) <= len(confirmed) + 1  # plus at most the one in flight
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.close()


def test_an_export_re_saved_by_another_tool_still_imports(tmp_path, store, selftest_digits):
    """DigitPad's own files are decoded a sample at a time; a file re-indented by another tool
    takes the whole-file path and gives the same samples."""
    import json

    from digitpad.storage.sample_files import read_export

    add_digits(store, selftest_digits, [1, 4, 7])
    ours = tmp_path / "ours.json"
    assert store.export(ours) == 3
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(json.loads(ours.read_text()), indent=2))
    assert read_export(ours) == read_export(pretty)
    assert [r["label"] for r in read_export(ours)] == [1, 4, 7]
    empty = SampleStore(tmp_path / "empty.sqlite3")
    assert empty.export(tmp_path / "none.json") == 0 and read_export(tmp_path / "none.json") == []
    empty.close()
