"""Share a model: export it for serving (TensorFlow SavedModel), phones and small devices
(TensorFlow Lite, float16 weights) or other runtimes (ONNX), and check every export.

Each export is written beside its target and checked before it takes the target's name: it is
loaded back in its own runtime (tf.saved_model.load, the TensorFlow Lite interpreter, ONNX
Runtime) and its answers on the MNIST test set are compared with the Keras model's; under 99.9%
agreement the export is refused and nothing is left behind. No network is needed. Qt-free."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from digitpad.learning.data import DataError, load_mnist, to_model_input
from digitpad.reading.recognizer import LoadedModel, load_with_fallback

FORMATS = {
    "savedmodel": "TensorFlow SavedModel (a folder): for serving",
    "tflite": "TensorFlow Lite, float16 weights (a .tflite file): for phones and small devices",
    "onnx": "ONNX (a .onnx file): for other runtimes",
}
MIN_AGREEMENT = 0.999


class ExportError(Exception):
    """An export DigitPad cannot make or that failed its check; the message is for the user."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    format: str
    agreement: float  # the share of MNIST test images on which the export answers like Keras
    images: int
    bytes: int


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else path.stat().st_size


def export_model(model: Any, fmt: str, out: str | Path, images: np.ndarray) -> ExportResult:
    """Export `model` (a Keras model) as `fmt` to `out`, checked on `images` ((N, 28, 28) in
    [0, 1]): refused (ExportError, nothing written) below MIN_AGREEMENT."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    if fmt == "onnx" and not all(importlib.util.find_spec(name) for name in ("tf2onnx", "onnxruntime")):
        raise ExportError(
            "ONNX export needs the tf2onnx converter and the onnxruntime runtime to check it: "
            "pip install 'digitpad[onnx]'. They are not part of TensorFlow and the installer does not "
            "ship them, so no .onnx file is written."
        )
    out = Path(out)
    if out.exists():
        raise ExportError(f"{out} already exists; choose a new name")
    if not out.parent.is_dir():
        raise ExportError(f"no such folder: {out.parent}")
    x = np.asarray(images, np.float32).reshape(-1, 28, 28, 1)
    expected = np.asarray(model.predict(x, batch_size=500, verbose=0)).argmax(axis=1)
    try:
        work = Path(tempfile.mkdtemp(prefix=".digitpad-export-", dir=out.parent))
    except OSError as exc:
        raise ExportError(f"{out.parent} cannot be written: {exc.strerror or exc}") from None
    try:
        saved = work / "savedmodel"
        model.export(str(saved), format="tf_saved_model", verbose=False)
        if fmt == "savedmodel":
            made, answers = saved, _savedmodel_answers(saved, x)
        elif fmt == "onnx":
            made = work / "model.onnx"
            _onnx_convert(saved, made)
            answers = _onnx_answers(made, x)
        else:
            made = work / "model.tflite"
            made.write_bytes(_tflite_bytes(saved))
            answers = _tflite_answers(made, x)
        agreement = float((answers == expected).mean())
        if agreement < MIN_AGREEMENT:
            raise ExportError(
                f"the {fmt} export answers like the Keras model on only {agreement:.2%} of {len(x)} MNIST "
                f"test images (at least {MIN_AGREEMENT:.1%} needed); it was not kept"
            )
        made.rename(out)
        return ExportResult(out, fmt, agreement, len(x), _size(out))
    except ExportError:
        raise
    except Exception as exc:  # a converter that does not support this model or version
        raise ExportError(f"{fmt} export failed: {type(exc).__name__}: {exc}") from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)


def export_from_file(model_path: Path | None, fmt: str, out: str | Path) -> tuple[LoadedModel, ExportResult]:
    """Export the model at `model_path` (None: bundled; an unusable file falls back to the bundled
    model, and the LoadedModel returned says so), checked on MNIST's 10,000 test images: what
    the command line's `export` and the window's File > Export Model both run."""
    loaded = load_with_fallback(model_path)
    try:
        images = to_model_input(load_mnist().x_test)
    except DataError as exc:
        raise ExportError(str(exc)) from None
    return loaded, export_model(loaded.model, fmt, out, images)


def _savedmodel_answers(path: Path, x: np.ndarray) -> np.ndarray:
    from digitpad.tfenv import tf

    served = tf.saved_model.load(str(path))
    return np.concatenate([served.serve(x[i : i + 500]).numpy().argmax(axis=1) for i in range(0, len(x), 500)])


def _tflite_bytes(saved: Path) -> bytes:
    from digitpad.tfenv import tf

    converter = tf.lite.TFLiteConverter.from_saved_model(str(saved))
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.target_spec.supported_types = [tf.float16]
    return converter.convert()


def _tflite_answers(path: Path, x: np.ndarray) -> np.ndarray:

    from digitpad.tfenv import tf

    with warnings.catch_warnings():  # tf.lite.Interpreter: "use ai_edge_litert" (not installed)
        warnings.simplefilter("ignore")
        interpreter = tf.lite.Interpreter(model_path=str(path))
    source, target = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    answers = []
    for i in range(0, len(x), 500):
        batch = x[i : i + 500]
        interpreter.resize_tensor_input(source["index"], list(batch.shape))
        interpreter.allocate_tensors()
        interpreter.set_tensor(source["index"], batch)
        interpreter.invoke()
        answers.append(interpreter.get_tensor(target["index"]).argmax(axis=1))
    return np.concatenate(answers)


def _onnx_convert(saved: Path, out: Path) -> None:
    """tf2onnx's converter, from the SavedModel, in a process of its own."""
    done = subprocess.run(
        [sys.executable, "-m", "tf2onnx.convert", "--saved-model", str(saved), "--output", str(out)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode != 0 or not out.is_file():
        detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ExportError(f"tf2onnx could not convert the model: {detail}")


def _onnx_answers(path: Path, x: np.ndarray) -> np.ndarray:
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return np.concatenate([session.run(None, {name: x[i : i + 500]})[0].argmax(axis=1) for i in range(0, len(x), 500)])
