"""Import TensorFlow/Keras quietly; every core module that needs Keras goes through here."""

import os

# TensorFlow prints start-up chatter on stderr that means nothing to a user.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

__all__ = ["keras", "tf"]
