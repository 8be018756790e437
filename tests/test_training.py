import numpy as np

from digitpad.learning.architectures import batchnorm_momentum_for
from digitpad.learning.data import to_model_input
from digitpad.learning.finetune import split_user_samples
from digitpad.learning.recipe import TrainConfig
from digitpad.learning.training import train


def test_short_cnn_run_is_usable_in_inference_mode(mnist):
    """BatchNorm's moving statistics must keep up in short runs: with Keras' default momentum
    (0.99) this run scored 20-70% in inference mode against ~90% with batch statistics."""
    config = TrainConfig(
        arch="cnn", epochs=1, train_limit=6000, test_limit=500, batch_size=64, augment=False, validation_split=0.0
    )
    result = train(config, mnist=mnist)
    x = to_model_input(mnist.x_test[:500])
    batch_stats = np.concatenate(
        [np.asarray(result.model(x[i : i + 100], training=True)) for i in range(0, 500, 100)]
    ).argmax(1)
    batch_accuracy = (batch_stats == mnist.y_test[:500]).mean()
    assert result.test_accuracy > 0.8
    assert result.test_accuracy > batch_accuracy - 0.1


def test_split_user_samples_keeps_some_of_each_digit_aside():
    labels = np.array([d for d in range(10) for _ in range(4)] + [3])
    train_idx, heldout_idx = split_user_samples(labels)
    assert len(set(train_idx) & set(heldout_idx)) == 0 and len(train_idx) + len(heldout_idx) == 41
    assert sorted(set(labels[heldout_idx])) == list(range(10))
    assert sorted(set(labels[train_idx])) == list(range(10))
    single = split_user_samples(np.array([5]))
    assert list(single[0]) == [0] and len(single[1]) == 0


def test_batchnorm_momentum_follows_the_run_length():
    assert batchnorm_momentum_for(30 * 446) == 0.99  # the bundled recipe: Keras' default
    assert batchnorm_momentum_for(446) == 0.9  # one epoch of MNIST
    assert 0.9 < batchnorm_momentum_for(5000) < 0.99


def test_training_device_says_where_and_spots_a_shadowed_gpu_extra():
    from digitpad.tfenv import gpu_install_problem, tf, training_device

    device = training_device()
    assert device.startswith("GPU (") if tf.config.list_physical_devices("GPU") else device.startswith("CPU (")
    # The gpu extra (tensorflow) beside tensorflow-cpu, with the CPU-only build's files on top:
    problem = gpu_install_problem({"tensorflow", "tensorflow-cpu", "keras"}, built_with_cuda=False)
    assert "pip install --force-reinstall --no-deps tensorflow" in problem
    assert gpu_install_problem({"tensorflow", "tensorflow-cpu"}, built_with_cuda=True) is None
    assert gpu_install_problem({"tensorflow-cpu"}, built_with_cuda=False) is None  # the default install
    assert gpu_install_problem({"tensorflow"}, built_with_cuda=False) is None  # Windows, macOS
