"""The writer memory (issue 29): the rule on its own (margins, the "not a digit" safeguard, the
samples judging each other), its embeddings in SQLite, the real model's memory (an empty one
changes nothing, one call gives both answers), and through the real window: correct a drawing,
draw it again, see the new answer; a restart; a model switch; the switch in the View menu; a
mislabelled sample found on My samples."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from digitpad.classes import NOT_A_DIGIT
from digitpad.gui.main_window import MainWindow
from digitpad.reading.memory import EMBEDDING_DIM, MemoryRule, WriterMemory
from digitpad.reading.memory_link import MemoryLink
from digitpad.reading.preprocess import strokes_to_mnist
from digitpad.storage.sample_embeddings import missing_embeddings, save_embeddings, stored_embeddings
from digitpad.storage.samples import SampleStore

from helpers import HASH, SCRIBBLE, compose_number, draw_digit, settle, wait_ready


def unit(*values: float) -> np.ndarray:
    v = np.zeros(EMBEDDING_DIM, np.float32)
    v[: len(values)] = values
    return v / np.linalg.norm(v)


def at_similarity(base: np.ndarray, similarity: float) -> np.ndarray:
    """A unit vector whose cosine similarity with the unit vector `base` is `similarity`."""
    other = np.zeros(EMBEDDING_DIM, np.float32)
    other[-1] = 1.0  # orthogonal to `base` (whose last value is 0)
    return similarity * base + np.sqrt(1 - similarity**2) * other


def probabilities(**classes: float) -> np.ndarray:
    p = np.zeros(11, np.float32)
    for name, value in classes.items():
        p[NOT_A_DIGIT if name == "nad" else int(name[1:])] = value
    return p


# -- the rule --------------------------------------------------------------------------------
def test_an_empty_memory_changes_nothing():
    memory = WriterMemory()
    probs = np.random.default_rng(0).dirichlet(np.ones(11), size=5).astype(np.float32)
    mixed, notes = memory.mix(probs, np.ones((5, EMBEDDING_DIM)))
    assert mixed is probs or np.array_equal(mixed, probs)
    assert notes == [None] * 5


def test_only_near_samples_vote_and_the_vote_is_capped():
    memory = WriterMemory(MemoryRule(k=1, weight=0.5, margin=0.75, nad_margin=0.95))
    base = unit(1, 2, 3)
    memory.set(np.array([1]), np.array([1]), base[None])
    model = probabilities(d7=0.9, d1=0.1)
    far, _ = memory.mix(model[None], at_similarity(base, 0.6)[None])  # below the margin: no vote
    assert np.array_equal(far[0], model)
    near, [note] = memory.mix(model[None], at_similarity(base, 0.85)[None])
    assert near[0].argmax() == 1 and near[0][1] == pytest.approx(0.55) and near[0][7] == pytest.approx(0.45)
    assert note.label == 1 and note.weight == 0.5 and note.voters == (1,)


def test_a_clear_non_digit_stays_one_near_a_digit_sample():
    memory = WriterMemory()
    base = unit(3, 1, 4, 1, 5)
    memory.set(np.array([1]), np.array([3]), base[None])
    model = probabilities(nad=0.9, d3=0.1)
    near, _ = memory.mix(model[None], at_similarity(base, 0.9)[None])  # near, not the same drawing
    assert near[0].argmax() == NOT_A_DIGIT and near[0][NOT_A_DIGIT] == pytest.approx(0.9)
    same, _ = memory.mix(model[None], at_similarity(base, 0.99)[None])  # the very drawing saved as a 3
    assert same[0].argmax() == 3


def test_the_samples_judge_each_other_each_left_out_of_its_own_vote():
    memory = WriterMemory()
    threes = [at_similarity(unit(1, 1), s) for s in (0.99, 0.98, 0.97)]
    eights = [at_similarity(unit(1, -1), s) for s in (0.99, 0.98)]
    wrong = at_similarity(unit(1, 1), 0.96)  # drawn like the 3s, saved as an 8
    memory.set(np.arange(1, 7), np.array([3, 3, 3, 8, 8, 8]), np.stack([*threes, *eights, wrong]))
    assert memory.disagreements() == {6: 3}
    assert memory.disagreements(0, 3) == {}  # the 3s: two 3s outvote the wrong 8


# -- storage ---------------------------------------------------------------------------------
def test_embeddings_are_stored_per_model_and_follow_the_samples(tmp_path, selftest_digits):
    store = SampleStore(tmp_path / "samples.sqlite3")
    ids = [store.add(d, strokes_to_mnist(selftest_digits[d]), selftest_digits[d]) for d in (1, 2, 3)]
    path = store.path
    missing_ids, labels, images = missing_embeddings(path, "model-a")
    assert missing_ids == ids and labels == [1, 2, 3] and images.shape == (3, 28, 28) and images.max() == 1.0
    vectors = np.random.default_rng(1).standard_normal((3, EMBEDDING_DIM)).astype(np.float32)
    assert save_embeddings(path, "model-a", ids, vectors)
    got_ids, got_labels, got = stored_embeddings(path, "model-a")
    assert got_ids.tolist() == ids and got_labels.tolist() == [1, 2, 3]
    np.testing.assert_allclose(got, vectors, rtol=1e-3, atol=1e-3)  # float16 on disk
    assert missing_embeddings(path, "model-a")[0] == [] and missing_embeddings(path, "model-b")[0] == ids
    store.relabel([ids[0]], 7)  # the label is the sample's: the vector stays, the label follows
    store.delete([ids[1]])  # a deleted sample leaves the memory (and comes back with Undo)
    got_ids, got_labels, _ = stored_embeddings(path, "model-a")
    assert got_ids.tolist() == [ids[0], ids[2]] and got_labels.tolist() == [7, 3]


# -- the real model ----------------------------------------------------------------------------
def test_the_real_model_with_an_empty_memory_reads_exactly_as_without(recognizer, mnist):
    images = mnist.x_test[:64].astype(np.float32) / 255.0
    probs, embeddings = recognizer.model_batch(images)  # one call: the answers and the embeddings
    assert embeddings.shape == (64, EMBEDDING_DIM)
    np.testing.assert_allclose(np.linalg.norm(embeddings, axis=1), 1.0, rtol=1e-5)
    assert len(recognizer.memory) == 0
    assert np.array_equal(recognizer.predict_batch(images), probs)


@pytest.fixture
def fresh_recognizer():
    from digitpad.reading.recognizer import Recognizer, load_with_fallback

    return Recognizer(load_with_fallback(None))


def test_a_hundred_digit_samples_do_not_turn_clear_non_digits_into_digits(fresh_recognizer, mnist, tmp_path):
    store = SampleStore(tmp_path / "samples.sqlite3")
    for image, label in zip(mnist.x_test[:100], mnist.y_test[:100], strict=True):
        store.add(int(label), image, [])
    link = MemoryLink(fresh_recognizer, store.path)
    assert link.load_stored() == 0
    while link.embed_missing() is not None:
        pass
    assert len(fresh_recognizer.memory) == 100
    for strokes in (HASH, SCRIBBLE):
        [digit] = fresh_recognizer.read_strokes(strokes).digits
        assert digit.prediction.digit is None


def test_a_correction_is_read_on_the_next_drawing_and_survives_a_new_link(fresh_recognizer, selftest_digits, tmp_path):
    seven = selftest_digits[7]
    assert fresh_recognizer.read_strokes(seven).text == "7"
    store = SampleStore(tmp_path / "samples.sqlite3")
    sample = store.add(1, strokes_to_mnist(seven), seven)  # "no, it is a 1"
    assert MemoryLink(fresh_recognizer, store.path).remember(sample)
    again = [[(x * 1.3 + 40, y * 1.3 + 10) for x, y in s] for s in seven]  # drawn again, bigger, elsewhere
    reading = fresh_recognizer.read_strokes(again)
    prediction = reading.digits[0].prediction
    assert reading.text == "1" and prediction.from_memory and prediction.memory.model_label == 7
    number = compose_number(selftest_digits, "37")  # numbers use it for each digit
    assert fresh_recognizer.read_strokes(number).text == "31"
    fresh_recognizer.set_memory(np.zeros(0), np.zeros(0), np.zeros((0, EMBEDDING_DIM)))
    assert fresh_recognizer.read_strokes(again).text == "7"
    assert fresh_recognizer.read_strokes(number).text == "37"
    assert MemoryLink(fresh_recognizer, store.path).load_stored() == 1  # stored with the sample
    assert fresh_recognizer.read_strokes(again).text == "1"
    fresh_recognizer.set_use_memory(False)
    assert fresh_recognizer.read_strokes(again).text == "7"


# -- through the window ----------------------------------------------------------------------------
def memory_holds(qtbot, window, count):
    qtbot.waitUntil(lambda: window.memory_count == count, timeout=30000)


def redraw(qtbot, window, strokes, center=(0.4, 0.45), fraction=0.5):
    window.draw_page.canvas.clear()
    draw_digit(qtbot, window, strokes, fraction=fraction, center=center)
    return window.draw_page.shown_text()


def test_correct_draw_again_see_the_new_answer(qtbot, window, selftest_digits):
    page = window.draw_page
    draw_digit(qtbot, window, selftest_digits[7])
    assert page.shown_text() == "7"
    page.save_sample(1)  # this writer's 1s look like that
    memory_holds(qtbot, window, 1)
    assert redraw(qtbot, window, selftest_digits[7]) == "1"
    assert "1 — from your samples (the model alone: 7)" in page.confidence_label.text()
    assert "Your samples: 1 in use" in window.memory_label.text()
    page.why_button.setChecked(True)  # Show why explains the model's own answer
    qtbot.waitUntil(lambda: page.evidence is not None, timeout=10000)
    assert page.chart.explained == 7 and "the model's own answer" in page.why_label.text()
    page.why_button.setChecked(False)
    window.memory_action.trigger()  # View > Use My Samples: off, remembered
    assert redraw(qtbot, window, selftest_digits[7]) == "7" and "from your samples" not in page.confidence_label.text()
    assert "off" in window.memory_label.text()
    window.memory_action.trigger()
    assert redraw(qtbot, window, selftest_digits[7]) == "1"
    assert redraw(qtbot, window, selftest_digits[3]) == "3"  # other digits as before


def test_the_memory_survives_a_restart_and_follows_a_model_switch(
    qtbot, window, selftest_digits, tmp_path, bundled_model
):
    import sqlite3

    from digitpad.storage.model_io import save_model
    from digitpad.tfenv import keras

    draw_digit(qtbot, window, selftest_digits[7])
    window.draw_page.save_sample(1)
    memory_holds(qtbot, window, 1)
    window.close()

    again = MainWindow()
    qtbot.addWidget(again)
    again.show()
    again.start()
    wait_ready(qtbot, again)
    memory_holds(qtbot, again, 1)  # the stored embedding, no recomputation
    assert redraw(qtbot, again, selftest_digits[7]) == "1"

    other = keras.models.clone_model(bundled_model)  # another model file: its own embeddings
    other.set_weights(bundled_model.get_weights())
    head = other.layers[-1]
    head.set_weights([w * 1.01 for w in head.get_weights()])
    path = tmp_path / "other.keras"
    save_model(other, path, {"name": "Other"})
    with qtbot.waitSignal(again.service.memory_judged, timeout=60000):  # after the sync's last chunk
        again.open_model(path)
    conn = sqlite3.connect(again.sample_store.path)
    models = conn.execute("SELECT COUNT(DISTINCT model), COUNT(*) FROM embeddings").fetchone()
    conn.close()
    assert models == (2, 2)  # computed for the new model, kept for the old one
    assert again.memory_count == 1 and redraw(qtbot, again, selftest_digits[7]) == "1"
    again.train_page.service.shutdown()
    again.close()


def test_a_mislabelled_sample_is_shown_on_my_samples(qtbot, window, mnist):
    view = window.samples_page
    rng = np.random.default_rng(3)
    three = mnist.x_test[np.flatnonzero(mnist.y_test == 3)[0]].astype(np.int16)
    copies = [np.clip(three + rng.integers(-6, 7, three.shape), 0, 255).astype(np.uint8) for _ in range(4)]
    ids = [window.sample_store.add(label, image, []) for label, image in zip((3, 3, 3, 8), copies, strict=True)]
    with qtbot.waitSignal(window.service.memory_judged, timeout=30000) as judged:
        view.refresh_from_store()
        window.service.sync_memory()  # what an import does
    assert judged.args[1] == {ids[3]: 3} and judged.args[2]
    qtbot.waitUntil(lambda: view.model.opinions == {ids[3]: 3}, timeout=5000)
    view.only_doubted.setChecked(True)
    assert view.visible_ids() == [ids[3]]
    index = view.model.index(0)
    assert "Your samples most like it are 3: is its label wrong?" in index.data(Qt.ItemDataRole.ToolTipRole)
    view.model.predictions.clear()  # without the model's opinion, the caption is the memory's
    view.model.set_predictions({})
    assert view.visible_texts() == ["8 (like your 3)"]
    assert "your other samples disagree with 1" in view.counts_label.text()
    view.select_ids([ids[3]])
    with qtbot.waitSignal(window.service.memory_judged, timeout=30000):
        settle(qtbot, view, lambda: view.relabel_selected(3))
    qtbot.waitUntil(lambda: view.model.opinions == {}, timeout=5000)
    assert view.visible_ids() == []
