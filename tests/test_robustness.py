"""The robustness suite (issue 8): seeded random and hostile inputs through every path a user
can reach. `pytest tests/test_robustness.py -q -s` prints the figures the README quotes."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile

import numpy as np
import pytest
from PIL import Image

from digitpad.reading.preprocess import strokes_to_mnist

from helpers import render_strokes_png, run_cli

STROKE_SETS = 10_000


def random_stroke_set(rng: np.random.Generator) -> list:
    """One drawing as a hostile or broken input device might send it."""
    kind = rng.integers(8)
    n_strokes = int(rng.integers(0, 6))
    strokes = []
    for _ in range(n_strokes):
        n = int(rng.integers(0, 40))
        scale = 10.0 ** rng.uniform(-300, 300) if kind == 0 else 10.0 ** rng.uniform(-3, 4)
        points = rng.normal(0, 1, (n, 2)) * scale + rng.normal(0, scale, 2)
        if kind == 1 and n:  # NaN and inf sprinkled in
            points[rng.random(n) < 0.3] = rng.choice([np.nan, np.inf, -np.inf])
        if kind == 2:  # every point the same
            points[:] = points[:1] if n else points
        if kind == 3 and n:  # one point
            points = points[:1]
        strokes.append(points.tolist())
    if kind == 4:
        strokes.append([])  # an empty stroke among the others
    return strokes


def test_ten_thousand_random_stroke_sets_through_preprocessing_and_recognition(bundled_model):
    from digitpad import resources
    from digitpad.reading.recognizer import LoadedModel, Recognizer
    from digitpad.storage.cards import ModelCard

    rng = np.random.default_rng(20261129)
    images, blank, crashes = [], 0, []
    for number in range(STROKE_SETS):
        strokes = random_stroke_set(rng)
        try:
            image = strokes_to_mnist(strokes)
        except Exception as exc:  # a crash is a failure; collect them all to report
            crashes.append((number, repr(exc)))
            continue
        if image is None:
            blank += 1
            continue
        assert image.shape == (28, 28) and np.isfinite(image).all() and 0 <= image.min() and image.max() <= 1
        images.append(image)
    recognizer = Recognizer(LoadedModel(bundled_model, resources.bundled_model_path(), ModelCard()))
    probs = np.concatenate(
        [recognizer.predict_batch(np.stack(images[i : i + 512])) for i in range(0, len(images), 512)]
    )
    assert np.isfinite(probs).all() and np.allclose(probs.sum(axis=1), 1, atol=1e-4)
    answers = [recognizer.decide(p) for p in probs]
    print(
        f"\nrobustness: {STROKE_SETS} random stroke sets, {len(images)} recognised, {blank} blank, "
        f"{len(crashes)} crashes; {sum(d is None for d, _ in answers)} answered 'not a digit'"
    )
    assert crashes == []


def bad_model_files(folder):
    from digitpad import resources

    (folder / "empty.keras").write_bytes(b"")
    (folder / "text.keras").write_bytes(b"hello, I am not a model")
    bundled = resources.bundled_model_path().read_bytes()
    (folder / "truncated.keras").write_bytes(bundled[: len(bundled) // 2])
    with zipfile.ZipFile(folder / "foreign.keras", "w") as zf:
        zf.writestr("config.json", json.dumps({"class_name": "Nope", "config": {}}))
    with zipfile.ZipFile(folder / "bomb.keras", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("config.json", "{}")
        zf.writestr("model.weights.h5", bytes(300 * 1024 * 1024))
    (folder / "folder.keras").mkdir()
    (folder / "zero.keras").symlink_to("/dev/zero")
    (folder / "model.h5").write_bytes(b"HDF")
    return sorted(folder.iterdir())


def cli(capsys, *args) -> tuple[int, str, str]:
    """The CLI in this process (TensorFlow is loaded once): exit status, stdout, stderr."""
    from digitpad.cli import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_bad_model_files_through_the_cli(tmp_path, selftest_digits, capsys):
    models = tmp_path / "models"
    models.mkdir()
    image = render_strokes_png(selftest_digits[3], tmp_path / "three.png")
    for path in bad_model_files(models):
        code, _out, err = cli(capsys, "evaluate", "--model", str(path))
        assert code == 2 and path.name in err, (path, err)
        code, out, err = cli(capsys, "predict", "--model", str(path), str(image))
        assert code == 0 and "using the bundled model" in err, (path, err)
        assert out.startswith(f"{image}: 3 ("), (path, out)


def bad_pictures(folder, selftest_digits):
    good = render_strokes_png(selftest_digits[5], folder / "good.png")
    (folder / "empty.png").write_bytes(b"")
    (folder / "text.jpg").write_text("not a picture")
    (folder / "cut.png").write_bytes(good.read_bytes()[:200])
    Image.new("L", (1, 1), 0).save(folder / "one-pixel.png")
    Image.new("L", (64, 64), 255).save(folder / "blank.png")
    Image.new("L", (64, 64), 0).save(folder / "black.png")
    Image.open(good).convert("I;16").save(folder / "sixteen-bit.png")
    Image.open(good).convert("CMYK").save(folder / "cmyk.jpg")
    rgba = Image.open(good).convert("RGBA")
    rgba.putalpha(0)
    rgba.save(folder / "transparent.png")
    frames = [Image.open(good).convert("P"), Image.new("P", (300, 300), 0)]
    frames[0].save(folder / "animated.gif", save_all=True, append_images=frames[1:])
    Image.new("1", (12_000, 12_000), 1).save(folder / "huge.png")
    (folder / "folder.png").mkdir()
    return sorted(folder.iterdir())


def test_bad_pictures_through_predict(tmp_path, selftest_digits):
    folder = tmp_path / "pictures"
    folder.mkdir()
    paths = bad_pictures(folder, selftest_digits)
    result = run_cli("predict", *map(str, paths), timeout=180)
    assert "Traceback" not in result.stderr
    answered = {line.split(": ")[0] for line in result.stdout.splitlines()}
    refused = {line.split(": ")[2] for line in result.stderr.splitlines() if line.startswith("digitpad: error: ")}
    assert answered | refused == {str(p) for p in paths}  # every file: an answer or a reason
    assert str(folder / "good.png") in answered and str(folder / "huge.png") in refused
    assert result.returncode == 1


def test_a_model_save_killed_at_any_moment_leaves_a_loadable_model(tmp_path):
    """A process saving models over one path again and again is killed with SIGKILL at seeded
    random moments; the file at that path always loads."""
    from digitpad import resources
    from digitpad.storage.model_io import load_model

    target = tmp_path / "mine.keras"
    target.write_bytes(resources.bundled_model_path().read_bytes())
    script = textwrap.dedent(
        f"""
        from digitpad.storage.model_io import load_bundled_model, save_model
        model = load_bundled_model()
        print("ready", flush=True)
        while True:
            save_model(model, {str(target)!r}, {{"name": "again"}})
        """
    )
    rng = np.random.default_rng(7)
    for _round in range(3):
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.2, 1.5))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert load_model(target).output_shape[-1] in (10, 11)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    # temporary files of killed saves start with "." and are never listed as models
    from digitpad.storage.models import ModelStore

    store = ModelStore(tmp_path / "data")
    store.models_dir.mkdir(parents=True)
    for name in leftovers:
        (tmp_path / name).rename(store.models_dir / name)
    assert [e.path.name for e in store.entries() if not e.bundled] == []


@pytest.mark.parametrize("content", [b"", b"\x00" * 100, b"PK\x03\x04" + b"\x00" * 50, b"hello"])
def test_bad_npz_files_through_evaluate_and_train(tmp_path, content, capsys):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(content)
    for command in (("evaluate", "--data", str(bad)), ("train", "--epochs", "1", "--data", str(bad))):
        code, _out, err = cli(capsys, *command)
        assert code == 2 and "bad.npz" in err, (command, err)
