"""Model cards: the JSON beside every model file that says what it is, how it was made and
how well it does. Built here only; `model_io.save_model` adds the file's name, size and hash."""

from __future__ import annotations

import datetime as _dt
from dataclasses import asdict
from pathlib import Path

from . import __version__
from .training import TRAINING_DATA, TrainConfig


def now() -> str:
    return _dt.datetime.now().astimezone().isoformat(timespec="seconds")


def data_description(config: TrainConfig) -> str:
    if not config.data:
        return TRAINING_DATA[config.training_data]
    mnist = f"MNIST from {Path(config.data).name}"
    return mnist if config.training_data == "mnist" else f"{TRAINING_DATA[config.training_data]} ({mnist})"


def training_card(result, n_test: int, n_fit: int) -> dict:
    """The card of a freshly trained model (a `training.TrainResult`)."""
    from .architectures import ARCHITECTURES

    model = result.model
    return {
        "name": f"{result.config.arch.upper()} {_dt.datetime.now():%Y-%m-%d %H:%M}",
        "architecture": result.config.arch,
        "architecture_description": ARCHITECTURES[result.config.arch],
        "layers": [layer.__class__.__name__ for layer in model.layers],
        "parameters": int(model.count_params()),
        "batchnorm_momentum": next(
            (float(layer.momentum) for layer in model.layers if layer.__class__.__name__ == "BatchNormalization"), None
        ),
        "recipe": asdict(result.config),
        "training_images": n_fit,
        "data": data_description(result.config),
        "classes": int(model.output_shape[-1]),
        "epochs_run": len(result.history.get("loss", [])),
        "training_seconds": round(result.seconds, 1),
        "mnist_test_accuracy": round(result.test_accuracy, 5),
        "mnist_test_images": n_test,
        "created": now(),
        "digitpad_version": __version__,
    }


def fine_tune_card(
    card: dict, base_card: dict | None, data: str, mnist_before: float, mine_before, mine_after, n_heldout: int
) -> dict:
    """A fine-tuned model's card: its training card, what it was tuned on, before and after."""
    card = dict(card)
    card.update(
        name=f"Fine-tuned {_dt.datetime.now():%Y-%m-%d %H:%M}",
        data=data,
        fine_tuned=True,
        base_model=(base_card or {}).get("name"),
        mnist_test_accuracy_before=round(mnist_before, 5),
        my_heldout_accuracy_before=None if mine_before is None else round(mine_before, 5),
        my_heldout_accuracy=None if mine_after is None else round(mine_after, 5),
        my_heldout_samples=n_heldout,
    )
    threshold = (base_card or {}).get("not_a_digit_threshold")
    if threshold is not None and "not_a_digit_threshold" not in card:
        card["not_a_digit_threshold"] = threshold  # tuning runs have no validation split to choose one
    return card
