"""Training-time augmentation that mimics drawn digits after DigitPad's preprocessing:
small rotations, scale changes, shifts and stroke-thickness changes.

It runs in the tf.data pipeline, never inside the saved model, so saved models hold only
stock Keras layers and load in a fresh process without custom objects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from digitpad.tfenv import keras, tf

MAX_ROTATION_DEG = 12.0
MAX_ZOOM = 0.12  # +-12% size
MAX_SHIFT_PX = 2.0
MAX_THICKNESS_BLEND = 0.6  # fraction of a 3x3 dilation (thicker) or erosion (thinner)


def make_augmenter(seed: int) -> keras.Sequential:
    return keras.Sequential(
        [
            keras.layers.RandomRotation(MAX_ROTATION_DEG / 360.0, fill_mode="constant", seed=seed),
            keras.layers.RandomZoom(MAX_ZOOM, fill_mode="constant", seed=seed + 1),
            keras.layers.RandomTranslation(
                MAX_SHIFT_PX / 28.0, MAX_SHIFT_PX / 28.0, fill_mode="constant", seed=seed + 2
            ),
        ],
        name="augmenter",
    )


def random_thickness(images: tf.Tensor, seed: int) -> tf.Tensor:
    """Thicken or thin each image's strokes by a random fraction of one pixel ring."""
    dilated = tf.nn.max_pool2d(images, ksize=3, strides=1, padding="SAME")
    eroded = -tf.nn.max_pool2d(-images, ksize=3, strides=1, padding="SAME")
    batch = tf.shape(images)[0]
    blend = tf.random.uniform((batch, 1, 1, 1), -MAX_THICKNESS_BLEND, MAX_THICKNESS_BLEND, seed=seed)
    target = tf.where(blend > 0, dilated, eroded)
    return images + tf.abs(blend) * (target - images)


def augment_fn(seed: int) -> Callable[[Any, Any], tuple[Any, Any]]:
    """A function for `tf.data.Dataset.map` over (images, labels) batches."""
    augmenter = make_augmenter(seed)

    def apply(images: Any, labels: Any) -> tuple[Any, Any]:
        images = augmenter(images, training=True)
        images = random_thickness(images, seed + 3)
        return tf.clip_by_value(images, 0.0, 1.0), labels

    return apply
