import zipfile

import numpy as np
import pytest

from digitpad import resources
from digitpad.learning.data import DataError, load_mnist, to_model_input
from digitpad.reading.folding import fold_batchnorm
from digitpad.reading.recognizer import load_with_fallback
from digitpad.storage.cards import card_path_for, read_card
from digitpad.storage.files import UMASK
from digitpad.storage.model_io import ModelLoadError, load_model, save_model, sha256_of


def test_bundled_mnist_loads(mnist):
    assert mnist.x_train.shape == (60000, 28, 28) and mnist.x_test.shape == (10000, 28, 28)
    assert mnist.x_train.dtype == np.uint8 and set(np.unique(mnist.y_test)) == set(range(10))
    x = to_model_input(mnist.x_test[:3])
    assert x.shape == (3, 28, 28, 1) and x.dtype == np.float32 and x.max() <= 1.0


def test_mnist_errors_are_readable(tmp_path):
    with pytest.raises(DataError, match="not found"):
        load_mnist(tmp_path / "missing.npz")
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(DataError, match="not an .npz file"):
        load_mnist(tmp_path / "junk.npz")
    np.savez(tmp_path / "partial.npz", x_train=np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(DataError, match="missing"):
        load_mnist(tmp_path / "partial.npz")


def test_mnist_refuses_pickles(tmp_path):
    objects = np.array([{"a": 1}, None], dtype=object)
    np.savez(tmp_path / "pickled.npz", x_train=objects, y_train=objects, x_test=objects, y_test=objects)
    with pytest.raises(DataError):
        load_mnist(tmp_path / "pickled.npz")


def test_bundled_model_and_card_agree(bundled_model):
    card = read_card(resources.bundled_model_path())
    assert card["sha256"] == sha256_of(resources.bundled_model_path())
    assert card["mnist_test_accuracy"] >= 0.99 and card["classes"] == bundled_model.output_shape[-1] == 11
    assert 0.5 <= card["not_a_digit_threshold"] < 1
    assert card["parameters"] == bundled_model.count_params()
    assert resources.bundled_model_path().stat().st_size <= 2_000_000


def test_bundled_model_reads_mnist(bundled_model, mnist):
    probs = np.asarray(bundled_model(to_model_input(mnist.x_test[:200]), training=False))
    assert (probs.argmax(1) == mnist.y_test[:200]).mean() >= 0.98


def test_batchnorm_folded_for_reading_gives_the_same_answers(bundled_model, mnist, recognizer):
    from digitpad.learning.architectures import build
    from digitpad.tfenv import keras

    x = to_model_input(mnist.x_test[:300])
    folded = fold_batchnorm(bundled_model)
    assert not any(isinstance(layer, keras.layers.BatchNormalization | keras.layers.Dropout) for layer in folded.layers)
    expected = np.asarray(bundled_model(x, training=False))
    np.testing.assert_allclose(np.asarray(folded(x)), expected, atol=1e-5)
    np.testing.assert_allclose(recognizer.predict_batch(x), expected, atol=1e-5)  # what the app reads with

    # A network whose BatchNorm layers hold statistics far from the identity (a fresh model's
    # are 0 and 1) folds the same; a network without BatchNorm is used as it is.
    rng = np.random.default_rng(0)
    cnn = build("cnn", classes=11)
    for layer in cnn.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            n = layer.gamma.shape[0]
            gamma, beta, mean, variance = (
                rng.uniform(0.5, 2, n),
                rng.normal(0, 1, n),
                rng.normal(0, 1, n),
                rng.uniform(0.1, 3, n),
            )
            layer.set_weights([gamma, beta, mean, variance])
    np.testing.assert_allclose(np.asarray(fold_batchnorm(cnn)(x)), np.asarray(cnn(x, training=False)), atol=1e-5)
    mlp = build("mlp")
    assert fold_batchnorm(mlp) is mlp


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("missing.keras", None, "not found"),
        ("junk.keras", b"hello", "damaged or not a Keras model"),
        ("model.h5", b"\x89HDF", "not a .keras model"),
    ],
)
def test_unusable_model_files(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ModelLoadError, match=message):
        load_model(path)


def test_truncated_model_file(tmp_path):
    data = resources.bundled_model_path().read_bytes()
    path = tmp_path / "cut.keras"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelLoadError, match="cut.keras (is damaged|could not be loaded)"):
        load_model(path)


def test_foreign_zip_is_refused(tmp_path):
    path = tmp_path / "foreign.keras"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "not a model")
    with pytest.raises(ModelLoadError, match="foreign.keras is not a Keras model"):
        load_model(path)


def test_model_with_code_is_refused_in_safe_mode(tmp_path):
    from digitpad.tfenv import keras

    model = keras.Sequential(
        [keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Lambda(lambda x: x * 2), keras.layers.Dense(10)]
    )
    path = tmp_path / "lambda.keras"
    model.save(path)
    with pytest.raises(ModelLoadError, match="could not be loaded"):
        load_model(path)


def test_model_of_another_shape_is_refused(tmp_path):
    from digitpad.tfenv import keras

    model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Flatten(), keras.layers.Dense(10)])
    model.save(tmp_path / "cifar.keras")
    with pytest.raises(ModelLoadError, match="not a digit model"):
        load_model(tmp_path / "cifar.keras")


def test_fallback_to_bundled_model(tmp_path):
    (tmp_path / "broken.keras").write_bytes(b"\x00" * 100)
    loaded = load_with_fallback(tmp_path / "broken.keras")
    assert loaded.path == resources.bundled_model_path()
    assert "broken.keras" in loaded.fallback_reason


def test_save_writes_model_and_card(tmp_path, bundled_model):
    path = tmp_path / "copy.keras"
    card = save_model(bundled_model, path, {"name": "copy"})
    assert read_card(path)["name"] == "copy"
    assert card["sha256"] == sha256_of(path)
    reloaded = load_model(path)
    x = np.random.default_rng(0).random((4, 28, 28, 1), dtype=np.float32)
    np.testing.assert_allclose(reloaded(x, training=False), bundled_model(x, training=False), atol=1e-6)
    # Normal permissions, not mkstemp's 0600: an installed or shared model must be readable.
    assert path.stat().st_mode & 0o777 == 0o666 & ~UMASK
    assert card_path_for(path).stat().st_mode & 0o777 == 0o666 & ~UMASK
    with zipfile.ZipFile(path) as zf:  # no optimizer state: inference weights only
        assert zf.getinfo("model.weights.h5").file_size < 2_000_000


def test_failed_save_leaves_previous_file_intact(tmp_path, bundled_model, monkeypatch):
    path = tmp_path / "model.keras"
    save_model(bundled_model, path, {"name": "first"})
    before = path.read_bytes()

    from digitpad.tfenv import keras

    def crash(self, filepath, *args, **kwargs):
        with open(filepath, "wb") as f:
            f.write(b"half a model")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(keras.Model, "save", crash)
    with pytest.raises(OSError):
        save_model(bundled_model, path, {"name": "second"})
    assert path.read_bytes() == before
    assert read_card(path)["name"] == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json", "model.keras"]
    assert card_path_for(path).exists()
