"""Command line: `digitpad` opens the app; subcommands work headless."""

from __future__ import annotations

import argparse
import logging
import sys

from . import __version__


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="digitpad",
        description="Draw a digit, see it recognised live. Without a command, opens the app.",
    )
    p.add_argument("--version", action="version", version=f"DigitPad {__version__}")
    p.add_argument("--self-test", action="store_true", help="check the installed app and exit")
    p.add_argument(
        "--gui-test", action="store_true", help="open the window, draw the self-test digits, check the guesses and quit"
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    pr = sub.add_parser("predict", help="recognise a digit or a number in image files (PNG, JPEG)")
    pr.add_argument("images", nargs="+", metavar="IMAGE")
    pr.add_argument("--model", metavar="PATH", help="a .keras model (default: the active model)")

    ev = sub.add_parser("evaluate", help="MNIST test accuracy of a model")
    ev.add_argument("--model", metavar="PATH", help="a .keras model (default: the bundled model)")
    ev.add_argument("--data", metavar="NPZ", help="MNIST .npz in Keras' layout (default: bundled)")

    tr = sub.add_parser("train", help="train a model and save it with its model card")
    from .training import TrainConfig

    d = TrainConfig()
    from .training import TRAINING_DATA

    tr.add_argument("--arch", default=d.arch, help=f"architecture: cnn or mlp (default {d.arch})")
    tr.add_argument(
        "--training-data",
        default=d.training_data,
        choices=list(TRAINING_DATA),
        help="; ".join(f"{k}: {v}" for k, v in TRAINING_DATA.items())
        + f" (default {d.training_data}, the bundled recipe)",
    )
    tr.add_argument("--epochs", type=int, default=d.epochs)
    tr.add_argument("--batch-size", type=int, default=d.batch_size)
    tr.add_argument("--learning-rate", type=float, default=d.learning_rate)
    tr.add_argument("--validation-split", type=float, default=d.validation_split)
    tr.add_argument("--no-augment", action="store_true", help="train without augmentation")
    tr.add_argument("--seed", type=int, default=d.seed)
    tr.add_argument("--data", metavar="NPZ", help="MNIST .npz in Keras' layout (default: bundled)")
    tr.add_argument("--limit", type=int, metavar="N", help="train on the first N images only")
    tr.add_argument("--test-limit", type=int, metavar="N", help="evaluate on the first N test images")
    tr.add_argument(
        "--out", metavar="PATH", help="where to write the .keras file (default: a new file in your models folder)"
    )
    tr.add_argument(
        "--teacher",
        action="append",
        default=[],
        metavar="PATH",
        help="a .keras model whose answers the new model learns too (repeat for several; distillation)",
    )
    tr.add_argument(
        "--distill-weight", type=float, default=d.distill_weight, help="the teachers' share of each target"
    )
    tr.add_argument(
        "--clean-negatives", action="store_true", help="leave out non-digit drawings that are digits in another style"
    )
    tr.add_argument("--pen-fold", choices=["a", "b"], help="pen data of one fold of sources only (screening runs)")
    from .export import FORMATS

    ex = sub.add_parser("export", help="export a model for serving, phones or other runtimes, checked on MNIST")
    ex.add_argument("--model", metavar="PATH", help="a .keras model (default: the active model)")
    ex.add_argument(
        "--format", required=True, choices=list(FORMATS), help="; ".join(f"{k}: {v}" for k, v in FORMATS.items())
    )
    ex.add_argument("--out", required=True, metavar="PATH", help="the folder (savedmodel) or file to write")
    return p


def _error(message: str) -> None:
    print(f"digitpad: error: {message}", file=sys.stderr)


def cmd_train(args) -> int:
    from .data import DataError
    from .model_io import ModelLoadError, save_model
    from .pendata import PenDataError
    from .training import TRAINING_DATA, TrainConfig, train

    config = TrainConfig(
        arch=args.arch,
        training_data=args.training_data,
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        validation_split=args.validation_split,
        augment=not args.no_augment,
        seed=args.seed,
        data=args.data,
        train_limit=args.limit,
        test_limit=args.test_limit,
        pen_fold=args.pen_fold,
        teachers=tuple(args.teacher),
        distill_weight=args.distill_weight,
        clean_negatives=args.clean_negatives,
    )
    problems = config.problems()
    if problems:
        for problem in problems:
            _error(problem)
        return 2
    from .model_io import TargetError, check_save_target

    try:  # before training: a bad --out must not cost the whole run
        if args.out:
            out = check_save_target(args.out)
        else:
            from .store import ModelStore

            store = ModelStore()
            store.models_dir.mkdir(parents=True, exist_ok=True)  # the default place: make it
            out = check_save_target(store.new_model_path(config.arch))
    except (TargetError, OSError) as exc:
        _error(str(exc))
        return 2
    print(
        f"Training {config.arch} on {TRAINING_DATA[config.training_data]} for {config.epochs} epochs "
        f"(batch {config.batch_size}, learning rate {config.learning_rate}, "
        f"augmentation {'on' if config.augment else 'off'})"
    )
    from .tfenv import training_device

    print(f"Training on {training_device()}")
    try:
        result = train(config, verbose=_keras_verbosity())
    except (DataError, PenDataError, ModelLoadError, ValueError) as exc:
        _error(str(exc))
        return 2
    card = dict(result.card)
    card["command"] = "digitpad " + " ".join(sys.argv[1:])
    try:
        card = save_model(result.model, out, card)
    except OSError as exc:  # the disk filled up or the folder went away meanwhile
        _error(f"could not save {out}: {exc.strerror or exc}")
        import tempfile
        from pathlib import Path

        rescue = Path(tempfile.gettempdir()) / out.name
        try:  # the trained model is not thrown away if any place can take it
            card = save_model(result.model, rescue, card)
        except OSError:
            return 1
        print(f"Saved a copy to {rescue} instead", file=sys.stderr)
        return 1
    print(f"MNIST test accuracy: {result.test_accuracy:.2%} on {card['mnist_test_images']} images")
    print(f"Saved {out} ({card['file_bytes'] / 1e6:.2f} MB, {card['parameters']} parameters)")
    return 0


def _keras_verbosity() -> int:
    """Keras' own progress bar in a terminal; one line per epoch into a log file or a pipe (a bar
    redrawn at every step made a 20-epoch log of 5.5 MB); nothing where there is no output at
    all (`digitpad` on Windows is a windowed program: sys.stdout is None)."""
    if sys.stdout is None:
        return 0
    return 1 if sys.stdout.isatty() else 2


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .logs import setup_logging

    setup_logging()
    if args.command == "train":
        return cmd_train(args)
    if args.command == "predict":
        return cmd_predict(args)
    if args.command == "evaluate":
        return cmd_evaluate(args)
    if args.command == "export":
        return cmd_export(args)
    if args.self_test:
        from .selftest import run_self_test

        return run_self_test()
    if args.gui_test:
        from .gui.smoke import run_gui_test

        return run_gui_test()
    from .gui.app import run_app

    return run_app()


def _load_for_cli(path: str | None, default_active: bool):
    """The model to use, or None after printing why not. Falls back to the bundled model
    (with a warning) when a chosen model file is unusable."""
    from .model_io import ModelLoadError
    from .recognizer import Recognizer, load_with_fallback

    wanted = path
    if wanted is None and default_active:
        from .store import ModelStore

        wanted = ModelStore().active_path()
    try:
        loaded = load_with_fallback(wanted)
    except ModelLoadError as exc:
        _error(f"the bundled model is unusable ({exc}); reinstall DigitPad")
        return None
    if loaded.fallback_reason:
        logging.getLogger(__name__).info("model fallback: %s", loaded.fallback_reason)
        print(f"digitpad: warning: {loaded.fallback_reason}; using the bundled model", file=sys.stderr)
    return Recognizer(loaded)


def cmd_predict(args) -> int:
    from .preprocess import PictureError, open_picture

    recognizer = _load_for_cli(args.model, default_active=True)
    if recognizer is None:
        return 2
    failures = 0
    for name in args.images:
        try:
            reading = recognizer.read_picture(open_picture(name))
        except PictureError as exc:
            reason = str(exc)
        else:
            if reading is None:
                reason = "no digit found (the image is blank)"
            else:  # "7 (99%)", or a number: "2026 (2 99%, 0 98%, 2 99%, 6 97%)"
                print(f"{name}: {reading}")
                continue
        _error(f"{name}: {reason}")
        failures += 1
    return 1 if failures else 0


def cmd_evaluate(args) -> int:
    from .data import DataError, load_mnist, to_model_input
    from .training import evaluate

    try:
        mnist = load_mnist(args.data)
    except DataError as exc:
        _error(str(exc))
        return 2
    from . import resources
    from .model_io import ModelLoadError, load_model

    path = args.model or resources.bundled_model_path()
    try:
        model = load_model(path)  # no fallback: scoring another model than asked would mislead
    except ModelLoadError as exc:
        _error(str(exc))
        return 2
    from .model_io import read_card
    from .recognizer import card_threshold

    threshold = card_threshold(read_card(path))
    accuracy, confusion = evaluate(model, to_model_input(mnist.x_test), mnist.y_test, threshold)
    print(f"Model: {path}")
    print(f"MNIST test accuracy: {accuracy:.2%} ({int(confusion.trace())}/{int(confusion.sum())})")
    per_digit = confusion.diagonal() / confusion.sum(axis=1).clip(min=1)
    print("Per digit: " + "  ".join(f"{d}: {a:.1%}" for d, a in enumerate(per_digit)))
    return 0


def cmd_export(args) -> int:
    from .data import DataError, load_mnist, to_model_input
    from .export import ExportError, export_model

    recognizer = _load_for_cli(args.model, default_active=True)
    if recognizer is None:
        return 2
    try:
        images = to_model_input(load_mnist().x_test)
        result = export_model(recognizer.loaded.model, args.format, args.out, images)
    except (ExportError, DataError) as exc:
        _error(str(exc))
        return 1
    print(f"Exported {recognizer.loaded.name} as {args.format} to {result.path} ({result.bytes / 1e6:.2f} MB)")
    print(
        f"Checked in its own runtime: answers like the Keras model on {result.agreement:.2%} "
        f"of {result.images} MNIST test images"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
