"""Import TensorFlow/Keras quietly; every core module that needs Keras goes through here."""

import contextlib
import os
import sys
from importlib import metadata

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


@contextlib.contextmanager
def _quiet_native_stderr():
    """TensorFlow's C++ start-up notes (oneDNN, absl) ignore TF_CPP_MIN_LOG_LEVEL and mean
    nothing to a user: silence file descriptor 2 while it loads. DIGITPAD_DEBUG=1 shows them."""
    if os.environ.get("DIGITPAD_DEBUG"):
        yield
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real stderr (a frozen GUI app on Windows)
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


with _quiet_native_stderr():
    import keras  # noqa: E402
    import tensorflow as tf  # noqa: E402

    tf.constant(0)  # the second batch of notes comes with the first op
if not os.environ.get("DIGITPAD_DEBUG"):
    # TensorFlow's Python warnings (AutoGraph's "Unable to locate the source code" in the frozen
    # app, which ships no .py files) mean nothing to a user either.
    tf.get_logger().setLevel("ERROR")


def gpu_install_problem(distributions: set[str], built_with_cuda: bool) -> str | None:
    """What is wrong, in words, when the `gpu` extra (the `tensorflow` distribution) is installed
    beside tensorflow-cpu and the CPU-only build's files ended up on top; else None."""
    if {"tensorflow", "tensorflow-cpu"} <= distributions and not built_with_cuda:
        return (
            "the gpu extra is installed but TensorFlow's CPU-only build is in place; "
            "fix it with: pip install --force-reinstall --no-deps tensorflow"
        )
    return None


def training_device() -> str:
    """Where Keras trains here, in words: "GPU (NVIDIA ...)" when TensorFlow sees one (the
    `gpu` extra on Linux), else "CPU (N cores)" (and why, when the gpu extra is shadowed)."""
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        try:
            name = tf.config.experimental.get_device_details(gpus[0]).get("device_name") or gpus[0].name
        except (RuntimeError, ValueError):
            name = gpus[0].name
        more = f" and {len(gpus) - 1} more" if len(gpus) > 1 else ""
        return f"GPU ({name}{more})"

    names = {d.metadata["Name"].lower() for d in metadata.distributions() if d.metadata["Name"]}
    problem = gpu_install_problem(names, tf.test.is_built_with_cuda())
    return f"CPU ({os.cpu_count()} cores)" + (f": {problem}" if problem else "")


__all__ = ["gpu_install_problem", "keras", "tf", "training_device"]
