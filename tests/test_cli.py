import re
import sys

from digitpad import __version__

from helpers import compose_number, render_strokes_png, run_cli, write_small_mnist


def test_version_and_help():
    result = run_cli("--version")
    assert result.returncode == 0 and __version__ in result.stdout
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("predict", "evaluate", "train"):
        assert command in result.stdout


def test_predict_images_and_bad_files(tmp_path, selftest_digits):
    good = [
        render_strokes_png(selftest_digits[2], tmp_path / "two.png"),
        render_strokes_png(selftest_digits[7], tmp_path / "seven.png", dark_on_light=False, pen=24),
    ]
    jpeg = tmp_path / "five.jpg"
    from PIL import Image

    Image.open(render_strokes_png(selftest_digits[5], tmp_path / "five.png", pen=8)).convert("RGB").save(jpeg)
    (tmp_path / "junk.png").write_bytes(b"this is not a picture")
    blank = tmp_path / "blank.png"
    Image.new("L", (100, 100), 255).save(blank)
    png = (tmp_path / "two.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(png[: len(png) // 3])

    result = run_cli(
        "predict",
        *map(str, good),
        str(tmp_path / "junk.png"),
        str(tmp_path / "nope.png"),
        str(jpeg),
        str(blank),
        str(tmp_path / "cut.png"),
    )
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{good[0]}: 2 (") and lines[1].startswith(f"{good[1]}: 7 (")
    assert lines[2].startswith(f"{jpeg}: 5 (")
    errors = result.stderr.splitlines()
    assert len(errors) == 4, result.stderr
    assert "junk.png: not an image file" in errors[0]
    assert "nope.png: no such file" in errors[1]
    assert "blank.png: no handwriting found in this picture" in errors[2]
    assert "cut.png: damaged image" in errors[3]
    assert "Traceback" not in result.stderr


def test_predict_all_good_exits_zero(tmp_path, selftest_digits):
    image = render_strokes_png(selftest_digits[0], tmp_path / "zero.png")
    result = run_cli("predict", str(image))
    assert result.returncode == 0 and result.stdout.startswith(f"{image}: 0 (")
    assert result.stderr == ""


def test_predict_a_number(tmp_path, selftest_digits):
    image = render_strokes_png(compose_number(selftest_digits, "2026"), tmp_path / "year.png", size=(600, 180), pen=9)
    result = run_cli("predict", str(image))
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(rf"{re.escape(str(image))}: 2026 \(2 \d+%, 0 \d+%, 2 \d+%, 6 \d+%\)\n", result.stdout)


def test_evaluate_on_a_small_file_and_bad_inputs(tmp_path, mnist):
    small = write_small_mnist(tmp_path / "small.npz", mnist, 10, 300)
    result = run_cli("evaluate", "--data", str(small))
    assert result.returncode == 0, result.stderr
    accuracy = float(result.stdout.split("MNIST test accuracy: ")[1].split("%")[0])
    assert accuracy >= 98.0
    assert "/300)" in result.stdout

    (tmp_path / "bad.npz").write_bytes(b"nonsense")
    result = run_cli("evaluate", "--data", str(tmp_path / "bad.npz"))
    assert result.returncode == 2 and "bad.npz is not an .npz file" in result.stderr
    result = run_cli("evaluate", "--data", str(small), "--model", str(tmp_path / "none.keras"))
    assert result.returncode == 2 and "model file not found" in result.stderr


def test_train_refuses_bad_values():
    result = run_cli("train", "--epochs", "0", "--batch-size", "0")
    assert result.returncode == 2
    assert "Epochs must be" in result.stderr and "Batch size must be" in result.stderr
    result = run_cli("train", "--epochs", "two")
    assert result.returncode == 2 and "invalid int value" in result.stderr


def test_train_a_tiny_model(tmp_path):
    out = tmp_path / "tiny.keras"
    result = run_cli(
        "train",
        "--arch",
        "mlp",
        "--training-data",
        "mnist",
        "--epochs",
        "1",
        "--limit",
        "600",
        "--test-limit",
        "500",
        "--batch-size",
        "64",
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"^Training on (CPU \(\d+ cores\)|GPU \(.+\))$", result.stdout, re.M)
    assert "MNIST test accuracy" in result.stdout and out.exists()
    from digitpad.storage.cards import read_card
    from digitpad.storage.model_io import load_model

    card = read_card(out)
    assert card["architecture"] == "mlp" and card["recipe"]["train_limit"] == 600
    assert card["mnist_test_images"] == 500 and 0.5 < card["mnist_test_accuracy"] <= 1.0
    assert card["classes"] == 10 and card["data"] == "MNIST"
    load_model(out)


def test_train_the_bundled_recipe_on_a_subset_gives_eleven_outputs(tmp_path):
    """The default training data is MNIST + pen strokes + not-a-digit, from the shipped pen data."""
    out = tmp_path / "pen.keras"
    result = run_cli(
        "train", "--arch", "mlp", "--epochs", "2", "--limit", "2000", "--test-limit", "500", "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    assert "MNIST + pen strokes + not-a-digit" in result.stdout
    # Written to a pipe (as `nohup ... > log`): one line per epoch, no redrawn progress bar.
    epochs = [line for line in result.stdout.splitlines() if "val_accuracy" in line]
    assert len(epochs) == 2 and "\x1b[" not in result.stdout and "━" not in result.stdout
    from digitpad.storage.cards import read_card
    from digitpad.storage.model_io import load_model

    card = read_card(out)
    assert card["classes"] == 11 and card["recipe"]["training_data"] == "mnist+pen"
    assert load_model(out).output_shape[-1] == 11


def test_train_output_follows_where_it_goes(monkeypatch):
    """Keras' progress bar in a terminal, one line per epoch into a pipe, nothing without output
    (the windowed `digitpad` on Windows has no stdout: writing to it would fail)."""
    import io

    from digitpad.cli import keras_verbosity

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    for stdout, verbosity in ((Terminal(), 1), (io.StringIO(), 2), (None, 0)):
        monkeypatch.setattr(sys, "stdout", stdout)
        assert keras_verbosity() == verbosity


def test_self_test_passes():
    result = run_cli("--self-test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test passed" in result.stdout


def test_gui_test_draws_and_reads_in_the_real_window(tmp_path):
    import os

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DIGITPAD_DATA_DIR=str(tmp_path / "data"))
    result = run_cli("--gui-test", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("ok   drew") == 10 and "GUI test passed" in result.stdout
    assert "interface language: " in result.stdout
    assert (tmp_path / "data" / "samples.sqlite3").exists()
