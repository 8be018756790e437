"""The network architectures DigitPad can train. Each builder returns an uncompiled model
mapping float32 (N, 28, 28, 1) images in [0, 1] to ten softmax probabilities."""

from __future__ import annotations

# Names and descriptions import no TensorFlow, so the GUI can list them at start-up.
ARCHITECTURES = {
    "cnn": "Convolutional network (the bundled model's)",
    "mlp": "Tutorial MLP (Dense 128)",
}


def build_mlp():
    """The seed tutorial's network: Flatten -> Dense(128, relu) -> Dense(10)."""
    from .tfenv import keras

    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ],
        name="mlp",
    )


def _conv_bn(filters: int, kernel: int, strides: int = 1, padding: str = "valid") -> list:
    from .tfenv import keras

    layers = keras.layers
    return [
        layers.Conv2D(filters, kernel, strides=strides, padding=padding, use_bias=False),
        # momentum 0.9, not Keras' 0.99: the moving statistics must keep up in short runs
        # (one epoch with 0.99 scored 71% on MNIST test with batch statistics at 95%).
        layers.BatchNormalization(momentum=0.9),
        layers.ReLU(),
    ]


def build_cnn():
    """The bundled model's network: three BatchNorm conv blocks with strided downsampling."""
    from .tfenv import keras

    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            *_conv_bn(32, 3),
            *_conv_bn(32, 3),
            *_conv_bn(32, 5, strides=2, padding="same"),
            layers.Dropout(0.4),
            *_conv_bn(64, 3),
            *_conv_bn(64, 3),
            *_conv_bn(64, 5, strides=2, padding="same"),
            layers.Dropout(0.4),
            *_conv_bn(128, 4),
            layers.Flatten(),
            layers.Dropout(0.4),
            layers.Dense(10, activation="softmax"),
        ],
        name="cnn",
    )


_BUILDERS = {"cnn": build_cnn, "mlp": build_mlp}


def build(arch: str):
    try:
        return _BUILDERS[arch]()
    except KeyError:
        raise ValueError(f"unknown architecture {arch!r}; choose from {', '.join(ARCHITECTURES)}")
