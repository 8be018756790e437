"""The eleventh output (issue 10): "not a digit" in the window, the CLI and the chart; models
with ten outputs still work; fine-tuning keeps the class; the pen data pipeline."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from digitpad import resources
from digitpad.classes import NOT_A_DIGIT
from digitpad.learning import pendata
from digitpad.reading.answers import TEN_OUTPUT_THRESHOLD, decide
from digitpad.reading.recognizer import LoadedModel
from digitpad.storage.cards import read_card

from helpers import HASH, LETTER_W, SCRIBBLE, draw_digit, render_strokes_png, run_cli, wait_ready


@pytest.mark.parametrize("strokes", [HASH, SCRIBBLE, LETTER_W], ids=["hash", "scribble", "letter-W"])
def test_non_digits_are_rejected_in_the_window(qtbot, window, strokes):
    page = window.draw_page
    draw_digit(qtbot, window, strokes)
    assert page.shown_text() == "Not a digit"
    prediction = page.current_prediction
    assert prediction.digit is None and prediction.label == NOT_A_DIGIT
    assert len(page.chart.values) == 11 and page.chart.values.argmax() == NOT_A_DIGIT


def test_a_digit_is_still_a_digit_and_can_be_taught_as_not_one(qtbot, window, selftest_digits):
    page = window.draw_page
    draw_digit(qtbot, window, selftest_digits[8])
    assert page.shown_text() == "8"
    qtbot.mouseClick(page.teaching.not_digit_button, Qt.MouseButton.LeftButton)
    [sample] = window.sample_store.all()
    assert sample.label == NOT_A_DIGIT and sample.guess == 8
    assert "Saved as not a digit (it said 8)" in page.teaching.saved_label.text()


def test_predict_prints_not_a_digit(tmp_path, selftest_digits):
    hash_png = render_strokes_png(HASH, tmp_path / "hash.png")
    four = render_strokes_png(selftest_digits[4], tmp_path / "four.png")
    result = run_cli("predict", str(hash_png), str(four))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{hash_png}: not a digit (") and lines[0].endswith("%)")
    assert lines[1].startswith(f"{four}: 4 (")


def test_ten_output_models_fall_back_to_a_confidence_threshold():
    confident = np.array([0.01] * 9 + [0.91])
    assert decide(confident) == (9, pytest.approx(0.91))
    unsure = np.array([0.1] * 5 + [TEN_OUTPUT_THRESHOLD - 0.05] + [0.0] * 4)
    digit, confidence = decide(unsure)
    assert digit is None and confidence == pytest.approx(1 - unsure.max())
    eleven = np.array([0.04] * 9 + [0.1, 0.54])
    assert decide(eleven) == (None, pytest.approx(0.54))
    assert decide(eleven, threshold=0.6) == (9, pytest.approx(0.1))  # the model card's threshold


@pytest.fixture(scope="module")
def ten_output_model(tmp_path_factory):
    """A model trained on MNIST alone: ten outputs, like every model made before issue 10."""
    from digitpad.learning.recipe import TrainConfig
    from digitpad.learning.training import train
    from digitpad.storage.model_io import save_model

    config = TrainConfig(arch="mlp", training_data="mnist", epochs=3, train_limit=20000, test_limit=500, augment=False)
    result = train(config)
    path = tmp_path_factory.mktemp("models") / "mlp10.keras"
    save_model(result.model, path, result.card)
    return path


def test_a_ten_output_model_still_loads_and_reads_digits(qtbot, main_window, ten_output_model, selftest_digits):
    window = main_window
    wait_ready(qtbot, window)  # the bundled model first
    with qtbot.waitSignal(window.service.model_ready, timeout=30000) as ready:
        window.open_model(ten_output_model)
    assert ready.args[0].fallback_reason is None and ready.args[0].model.output_shape[-1] == 10
    draw_digit(qtbot, window, selftest_digits[0])
    prediction = window.draw_page.current_prediction
    assert len(prediction.probabilities) == 10 and window.draw_page.chart.values[NOT_A_DIGIT] == 0
    assert window.draw_page.shown_text() == "0"


def test_fine_tuning_keeps_the_eleventh_output_and_learns_the_samples(bundled_model, mnist, selftest_digits):
    """Drawings of a 7 taught as "not a digit": afterwards the model says so for them, which it
    did not before; it would fail if the samples were ignored."""
    from digitpad.learning.finetune import MySamples, fine_tune
    from digitpad.reading.preprocess import strokes_to_mnist

    rng = np.random.default_rng(0)
    sevens = []
    for _ in range(16):
        jitter = rng.normal(0, 2.0, 2)
        strokes = [[(x + jitter[0] * (i % 3), y + jitter[1]) for i, (x, y) in enumerate(s)] for s in selftest_digits[7]]
        sevens.append(np.round(strokes_to_mnist(strokes) * 255).astype(np.uint8))
    x = np.stack(sevens)
    y = np.full(len(x), NOT_A_DIGIT)
    small_mnist = type(mnist)(mnist.x_train[:600], mnist.y_train[:600], mnist.x_test[:300], mnist.y_test[:300])
    pen = pendata.load()
    pen_subset = pendata.PenData(pen.x[:600], pen.y[:600], pen.group[:600])
    before = bundled_model.predict(x[:, :, :, None] / 255.0, verbose=0).argmax(axis=1)
    assert (before == 7).mean() > 0.8
    base = LoadedModel(bundled_model, resources.bundled_model_path(), read_card(resources.bundled_model_path()))
    samples = MySamples(x[:12], y[:12], x[12:], y[12:])
    result = fine_tune(base, samples, mnist=small_mnist, pen=pen_subset, epochs=3, learning_rate=1e-3)
    tuned = result.result.model
    assert tuned.output_shape[-1] == 11
    after = tuned.predict(x[:, :, :, None] / 255.0, verbose=0).argmax(axis=1)
    assert (after == NOT_A_DIGIT).mean() > 0.8
    assert result.mine_before == 0.0 and result.mine_after > 0.5


def test_pen_data_is_deterministic_and_shipped():
    rows = [{"label": 3, "strokes": [[[0, 0], [10, 5], [0, 10], [10, 15], [0, 20]]]}]
    others = [
        {"label": "x", "strokes": [[[0, 0], [10, 10]], [[10, 0], [0, 10]]]},
        {"label": "O", "strokes": [[[0, 0], [5, 5]]]},
    ]
    first = pendata.build(rows, others, seed=5, renderings=3, scribbles=4)
    again = pendata.build(rows, others, seed=5, renderings=3, scribbles=4)
    assert np.array_equal(first.x, again.x) and np.array_equal(first.y, again.y)
    # 3 renderings of the 3, the "x" once ("O" looks like a zero: not a negative), 4 scribbles
    assert first.y.tolist() == [3, 3, 3] + [NOT_A_DIGIT] * 5
    assert first.group.tolist() == [0, 0, 0, 1, 2, 3, 4, 5]
    assert not np.array_equal(first.x[0], first.x[1])  # augmented copies differ
    shipped = pendata.load()
    counts = np.bincount(shipped.y, minlength=11)
    assert counts[:10].min() > 3000 and counts[NOT_A_DIGIT] > 30000 and shipped.x.dtype == np.uint8


def test_writing_styles_change_only_the_styled_digits_augmented_copies():
    one = [[[5, 0], [5, 20]]]
    rows = [{"label": 1, "strokes": one}, {"label": 3, "strokes": [[[0, 0], [10, 5], [0, 10], [10, 15], [0, 20]]]}]
    plain = pendata.build(rows, [], seed=5, renderings=6, scribbles=2)
    styled = pendata.build(rows, [], seed=5, renderings=6, scribbles=2, style_share=1.0)
    changed = (plain.x != styled.x).reshape(len(plain.y), -1).any(axis=1)
    # the 1's five augmented copies get an upstroke (and maybe a base); its first rendering, the 3 and the
    # scribbles stay image for image (the styles draw from a random stream of their own)
    assert changed.tolist() == [False] + [True] * 5 + [False] * 6 + [False] * 2
    assert np.array_equal(plain.y, styled.y) and np.array_equal(plain.group, styled.group)


def test_coarse_trajectory_joins_strokes_into_n_points():
    path = pendata.coarse([[[0, 0], [10, 0]], [[10, 10], [0, 10]]], 8)
    assert len(path) == 1 and len(path[0]) == 8
    assert path[0][0] == [0.0, 0.0] and path[0][-1] == [0.0, 10.0]


def test_validation_split_keeps_copies_of_one_drawing_together():
    from digitpad.learning.training import split_by_group

    groups = pendata.load().group[:5000]
    fit, val = split_by_group(groups, 0.2, seed=0)
    assert len(fit) + len(val) == len(groups) and not set(groups[fit]) & set(groups[val])
    assert 0.15 < len(np.unique(groups[val])) / len(np.unique(groups)) < 0.25
