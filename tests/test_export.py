"""Share a model (issue 12, part 3): export, checked in its own runtime, from the CLI and the window."""

import numpy as np
import pytest

from digitpad.learning.export import ExportError, export_model

from helpers import run_cli, wait_ready


@pytest.fixture
def exports(tmp_path):
    """An empty folder for exports: afterwards it must hold only what was written whole."""
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


def test_cli_exports_tflite_and_savedmodel_checked_on_mnist(exports):
    result = run_cli("export", "--format", "tflite", "--out", str(exports / "m.tflite"), timeout=300)
    assert result.returncode == 0, result.stderr
    assert "answers like the Keras model on 100.00% of 10000 MNIST test images" in result.stdout
    assert (exports / "m.tflite").stat().st_size < 2_000_000  # float16 weights
    result = run_cli("export", "--format", "savedmodel", "--out", str(exports / "served"), timeout=300)
    assert result.returncode == 0, result.stderr
    assert (exports / "served" / "saved_model.pb").is_file()
    again = run_cli("export", "--format", "savedmodel", "--out", str(exports / "served"))
    assert again.returncode == 1 and "already exists" in again.stderr
    assert sorted(p.name for p in exports.iterdir()) == ["m.tflite", "served"]  # nothing half-written


def test_cli_exports_onnx_checked_in_onnx_runtime(exports):
    """The onnx extra (in the test extra): tf2onnx converts, ONNX Runtime answers like Keras."""
    result = run_cli("export", "--format", "onnx", "--out", str(exports / "m.onnx"), timeout=600)
    assert result.returncode == 0, result.stderr
    assert "answers like the Keras model on 100.00% of 10000 MNIST test images" in result.stdout
    assert sorted(p.name for p in exports.iterdir()) == ["m.onnx"]  # nothing else left


def test_an_export_that_answers_differently_is_refused(exports):
    """A model whose two answers differ by less than float16 can hold: its TensorFlow Lite export
    (float16 weights) ties them and answers the other class, so it is refused and not written."""
    from digitpad.tfenv import keras

    layer = keras.layers.Dense(2, kernel_initializer="zeros")
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), layer, keras.layers.Softmax()])
    kernel = np.zeros((784, 2), np.float32)
    kernel[:, 1] = 1.3e-8  # below float16's smallest number: 0 there
    layer.kernel.assign(kernel)
    images = np.ones((50, 28, 28), np.float32)  # class 1 by a hair (logits 0 and 1e-5)
    with pytest.raises(ExportError, match="only 0.00% of 50"):
        export_model(model, "tflite", exports / "tied.tflite", images)
    assert list(exports.iterdir()) == []
    assert export_model(model, "savedmodel", exports / "exact", images).agreement == 1.0


def test_export_from_the_window(qtbot, main_window, tmp_path):
    wait_ready(qtbot, main_window)
    main_window.export_model("tflite", tmp_path / "phone.tflite")
    qtbot.waitUntil(lambda: main_window.last_export is not None, timeout=120000)
    assert "100.00% of 10000" in main_window.last_export and (tmp_path / "phone.tflite").is_file()
    main_window.export_model("onnx", tmp_path / "m.onnx")
    qtbot.waitUntil(lambda: main_window.last_export is not None, timeout=300000)
    assert "100.00% of 10000" in main_window.last_export and (tmp_path / "m.onnx").is_file()
    main_window.export_model("onnx", tmp_path / "m.onnx")  # it exists now
    qtbot.waitUntil(lambda: main_window.last_export is not None, timeout=60000)
    assert main_window.last_export.startswith("Export refused") and "already exists" in main_window.last_export
