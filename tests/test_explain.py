"""'Show why' (issue 12, part 1): integrated-gradient evidence maps, in the core and the window."""

import numpy as np
import pytest

from digitpad.reading.explain import Explainer, share_on_ink
from digitpad.reading.preprocess import strokes_to_mnist

from helpers import draw_digit, wait_ready


@pytest.fixture(scope="module")
def explainer(bundled_model):
    return Explainer(bundled_model)


def test_evidence_lies_on_the_ink_and_differs_between_answers(explainer, bundled_model, selftest_digits):
    for label, strokes in selftest_digits.items():
        image = strokes_to_mnist(strokes)
        shown = explainer.explain(image, label)
        assert shown.shape == (28, 28) and np.isfinite(shown).all()
        assert share_on_ink(shown, image) >= 0.8
        other = explainer.explain(image, (label + 1) % 10)
        assert np.corrcoef(shown.ravel(), other.ravel())[0, 1] < 0.9
        # Completeness: the evidence adds up to how much likelier the answer is than on a blank page.
        probs = bundled_model(np.stack([image, np.zeros_like(image)])[..., None], training=False).numpy()
        gain = np.log(probs[0, label]) - np.log(probs[1, label])
        assert shown.sum() == pytest.approx(gain, rel=0.35, abs=0.3)


def test_show_why_in_the_window(qtbot, main_window, selftest_digits):
    wait_ready(qtbot, main_window)
    page = main_window.draw_page
    draw_digit(qtbot, main_window, selftest_digits[4])
    assert page.evidence is None and not page.canvas.has_evidence()  # off by default
    page.why_button.setChecked(True)
    qtbot.waitUntil(lambda: page.evidence is not None, timeout=10000)
    assert page.canvas.has_evidence() and "Evidence for a 4" in page.why_label.text()
    for_four = page.evidence.copy()
    page.chart.bar_clicked.emit(9)  # "why not a 9?"
    qtbot.waitUntil(lambda: "Evidence for a 9" in page.why_label.text(), timeout=10000)
    assert not np.allclose(page.evidence, for_four)
    page.clear_action.trigger()
    assert page.evidence is None and not page.canvas.has_evidence()
    page.why_button.setChecked(False)
