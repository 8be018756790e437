"""Why the model said what it said: a map of the evidence for one answer over its 28x28 input.

Integrated gradients (Sundararajan, Taly and Yan, "Axiomatic Attribution for Deep Networks",
ICML 2017): the gradient of the answer's log-probability, averaged along the straight path from a
blank input (no ink) to the drawing, times the drawing. It is honest for a convnet where a plain
gradient is not (a saturated ReLU or softmax hides what the input did): the attributions add up
to how much more likely the answer is for the drawing than for a blank page, so a map can be read
as "this ink made it a 7" (positive) or "this ink spoke against a 7" (negative). The blank input
has no ink, so evidence lies on the ink by construction: the map says which strokes counted, not
which missing stroke would have changed the answer. All steps go through the model in one batch
on the worker thread: about 30-40 ms a map on 2 cores (`python -m benchmarks.explain`)."""

from __future__ import annotations

from typing import Any

import numpy as np
from PIL import Image, ImageFilter

STEPS = 40  # points on the path; closer together near the blank end, where the answer changes fastest


class Explainer:
    """Integrated-gradient maps for one Keras model (built once: one traced function)."""

    def __init__(self, model: Any, steps: int = STEPS):
        from digitpad.tfenv import tf

        # alpha = u^2 at midpoints u: a Riemann sum in u with weights d(alpha)/du = 2u/steps. With
        # 40 points the maps add up to the log-probability gain within about 10% (uniform steps
        # need three times as many: the answer changes fastest near the blank end).
        u = (np.arange(steps) + 0.5) / steps
        alphas = tf.constant((u**2).astype(np.float32).reshape(-1, 1, 1, 1))
        weights = tf.constant((2 * u / steps).astype(np.float32).reshape(-1, 1, 1, 1))

        def attributions(image: Any, label: Any) -> Any:
            path = alphas * image[None]  # (steps, 28, 28, 1): blank -> the drawing
            with tf.GradientTape() as tape:
                tape.watch(path)
                probs = model(path, training=False)
                score = tf.math.log(tf.maximum(probs[:, label], 1e-12))
            grads = tape.gradient(score, path)
            return tf.reduce_sum(grads * weights, axis=0)[..., 0] * image[..., 0]

        self._attributions = tf.function(
            attributions,
            autograph=False,
            input_signature=[tf.TensorSpec((28, 28, 1), tf.float32), tf.TensorSpec((), tf.int32)],
        )
        self.explain(np.zeros((28, 28), np.float32), 0)  # trace now, not while a person waits

    def explain(self, image: np.ndarray, label: int) -> np.ndarray:
        """(28, 28) float32 evidence for class `label` (0-9, or 10: not a digit) in `image`
        ((28, 28) in [0, 1], as the model sees it): positive for, negative against."""
        x = np.asarray(image, np.float32).reshape(28, 28, 1)
        return np.asarray(self._attributions(x, np.int32(label)), np.float32)


def share_on_ink(evidence: np.ndarray, image: np.ndarray, reach: int = 1) -> float:
    """The share of the positive evidence that lies on ink or within `reach` pixels of it."""
    positive = np.clip(evidence, 0, None)
    total = float(positive.sum())
    if total <= 0:
        return 1.0
    ink = Image.fromarray((np.asarray(image) > 0.1).astype(np.uint8) * 255, "L")
    near = np.asarray(ink.filter(ImageFilter.MaxFilter(2 * reach + 1))) > 0
    return float(positive[near].sum()) / total
