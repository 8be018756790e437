"""The network architectures DigitPad can train. Each builder returns an uncompiled model
mapping float32 (N, 28, 28, 1) images in [0, 1] to softmax probabilities: ten digits, and an
eleventh "not a digit" class when trained on data that has one."""

from __future__ import annotations

from typing import Any

from digitpad.classes import DIGITS

# Names and descriptions import no TensorFlow, so the GUI can list them at start-up.
ARCHITECTURES = {
    "cnn": "Convolutional network (the bundled model's)",
    "mlp": "Tutorial MLP (Dense 128)",
}


def build_mlp(classes: int = DIGITS) -> Any:
    """The seed tutorial's network: Flatten -> Dense(128, relu) -> Dense(10)."""
    from digitpad.tfenv import keras

    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dense(classes, activation="softmax"),
        ],
        name="mlp",
    )


def batchnorm_momentum_for(total_steps: int) -> float:
    """BatchNorm's moving statistics average over about 1 / (1 - momentum) steps; that window
    must be short next to the run, or a short run is unusable in inference mode (one epoch of
    MNIST with Keras' 0.99 scored 71% on the test set, 95% with batch statistics). Long runs
    keep Keras' 0.99 (the bundled model's recipe: 20 epochs of 1,234 steps)."""
    return float(min(0.99, max(0.9, 1 - 100 / max(total_steps, 1))))


DROPOUT = 0.2  # of the bundled model (v3); v2 had 0.4, which left it short of fitting its data


def _conv_bn(filters: int, kernel: int, strides: int = 1, padding: str = "valid", momentum: float = 0.99) -> list[Any]:
    from digitpad.tfenv import keras

    layers = keras.layers
    return [
        layers.Conv2D(filters, kernel, strides=strides, padding=padding, use_bias=False),
        layers.BatchNormalization(momentum=momentum),
        layers.ReLU(),
    ]


def build_cnn(bn_momentum: float = 0.99, classes: int = DIGITS) -> Any:
    """The bundled model's network: three BatchNorm conv blocks with strided downsampling."""
    from digitpad.tfenv import keras

    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            *_conv_bn(32, 3, momentum=bn_momentum),
            *_conv_bn(32, 3, momentum=bn_momentum),
            *_conv_bn(32, 5, strides=2, padding="same", momentum=bn_momentum),
            layers.Dropout(DROPOUT),
            *_conv_bn(64, 3, momentum=bn_momentum),
            *_conv_bn(64, 3, momentum=bn_momentum),
            *_conv_bn(64, 5, strides=2, padding="same", momentum=bn_momentum),
            layers.Dropout(DROPOUT),
            *_conv_bn(128, 4, momentum=bn_momentum),
            layers.Flatten(),
            layers.Dropout(DROPOUT),
            layers.Dense(classes, activation="softmax"),
        ],
        name="cnn",
    )


def build(arch: str, total_steps: int | None = None, classes: int = DIGITS) -> Any:
    """A fresh model; `total_steps` (the run's length) sets BatchNorm's momentum."""
    if arch == "cnn":
        return build_cnn(0.99 if total_steps is None else batchnorm_momentum_for(total_steps), classes)
    if arch == "mlp":
        return build_mlp(classes)
    raise ValueError(f"unknown architecture {arch!r}; choose from {', '.join(ARCHITECTURES)}")
