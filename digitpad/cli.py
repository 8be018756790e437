"""Command line: `digitpad` opens the app; subcommands work headless.

The core is imported at the top (none of it loads TensorFlow until a model is used); the GUI
only when the window is asked for, so that `predict` and `train` never load Qt."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

from digitpad import __version__, resources
from digitpad.learning.data import DataError, load_mnist, to_model_input
from digitpad.learning.export import FORMATS, ExportError, export_from_file
from digitpad.learning.pendata import PenDataError
from digitpad.learning.recipe import TRAINING_DATA, TrainConfig
from digitpad.learning.training import evaluate, per_digit_accuracy, train
from digitpad.logs import setup_logging
from digitpad.reading.answers import card_threshold
from digitpad.reading.preprocess import PictureError, open_picture
from digitpad.reading.recognizer import Recognizer, load_checked, load_with_fallback
from digitpad.storage.cards import ModelCard
from digitpad.storage.files import unique_path
from digitpad.storage.model_io import ModelLoadError, TargetError, check_save_target, save_model
from digitpad.storage.models import ModelStore

log = logging.getLogger(__name__)

NO_HANDWRITING = "no handwriting found in this picture"  # the window's words, too


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

    _train_parser(sub.add_parser("train", help="train a model and save it with its model card"))

    ex = sub.add_parser("export", help="export a model for serving, phones or other runtimes, checked on MNIST")
    ex.add_argument("--model", metavar="PATH", help="a .keras model (default: the active model)")
    ex.add_argument(
        "--format", required=True, choices=list(FORMATS), help="; ".join(f"{k}: {v}" for k, v in FORMATS.items())
    )
    ex.add_argument("--out", required=True, metavar="PATH", help="the folder (savedmodel) or file to write")
    return p


def _train_parser(tr: argparse.ArgumentParser) -> None:
    d = TrainConfig()
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
    tr.add_argument("--distill-weight", type=float, default=d.distill_weight, help="the teachers' share of each target")
    tr.add_argument(
        "--clean-negatives", action="store_true", help="leave out non-digit drawings that are digits in another style"
    )
    tr.add_argument("--pen-fold", choices=["a", "b"], help="pen data of one fold of sources only (screening runs)")


def _error(message: str) -> None:
    print(f"digitpad: error: {message}", file=sys.stderr)


def _config(args: argparse.Namespace) -> TrainConfig:
    return TrainConfig(
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


def _save_target(out: str | None, arch: str) -> Path:
    """Where the trained model goes, checked before training: a bad --out must not cost the run."""
    if out:
        return check_save_target(out)
    store = ModelStore()
    store.models_dir.mkdir(parents=True, exist_ok=True)  # the default place: make it
    return check_save_target(store.new_model_path(arch))


def cmd_train(args: argparse.Namespace) -> int:
    config = _config(args)
    problems = config.problems()
    if problems:
        for problem in problems:
            _error(problem)
        return 2
    try:
        out = _save_target(args.out, config.arch)
    except (TargetError, OSError) as exc:
        _error(str(exc))
        return 2
    print(
        f"Training {config.arch} on {TRAINING_DATA[config.training_data]} for {config.epochs} epochs "
        f"(batch {config.batch_size}, learning rate {config.learning_rate}, "
        f"augmentation {'on' if config.augment else 'off'})"
    )
    from digitpad.tfenv import training_device  # TensorFlow loads here, after the checks

    print(f"Training on {training_device()}")
    try:
        result = train(config, verbose=keras_verbosity())
    except (DataError, PenDataError, ModelLoadError, ValueError) as exc:
        _error(str(exc))
        return 2
    card = result.card.updated(command="digitpad " + " ".join(sys.argv[1:]))
    try:
        card = save_model(result.model, out, card)
    except OSError as exc:  # the disk filled up or the folder went away meanwhile
        _error(f"could not save {out}: {exc.strerror or exc}")
        return _rescue(result.model, out, card)
    print(f"MNIST test accuracy: {result.test_accuracy:.2%} on {card.mnist_test_images} images")
    print(f"Saved {out} ({(card.file_bytes or 0) / 1e6:.2f} MB, {card.parameters} parameters)")
    return 0


def _rescue(model: object, out: Path, card: ModelCard) -> int:
    """The trained model is not thrown away if any place can take it: a new file (never one
    already there, nor its card) in the temporary folder."""
    rescue = unique_path(Path(tempfile.gettempdir()) / out.name, siblings=(".json",))
    try:
        save_model(model, rescue, card)
    except OSError as exc:
        _error(f"no copy could be saved either ({exc.strerror or exc})")
        return 1
    print(f"Saved a copy to {rescue} instead", file=sys.stderr)
    return 1


def keras_verbosity() -> int:
    """Keras' own progress bar in a terminal; one line per epoch into a log file or a pipe (a bar
    redrawn at every step made a 20-epoch log of 5.5 MB); nothing where there is no output at
    all (`digitpad` on Windows is a windowed program: sys.stdout is None)."""
    if sys.stdout is None:
        return 0
    return 1 if sys.stdout.isatty() else 2


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    setup_logging()
    commands = {"train": cmd_train, "predict": cmd_predict, "evaluate": cmd_evaluate, "export": cmd_export}
    if args.command in commands:
        return commands[args.command](args)
    if args.self_test:
        from digitpad.selftest import run_self_test

        return run_self_test()
    if args.gui_test:
        from digitpad.gui.smoke import run_gui_test  # Qt: only for the window

        return run_gui_test()
    from digitpad.gui.app import run_app

    return run_app()


def _load_for_cli(path: str | None, default_active: bool) -> Recognizer | None:
    """The model to use, or None after printing why not. Falls back to the bundled model
    (with a warning) when a chosen model file is unusable."""
    wanted = Path(path) if path else (ModelStore().active_path() if default_active else None)
    try:
        loaded = load_with_fallback(wanted)
    except ModelLoadError as exc:
        _error(f"the bundled model is unusable ({exc}); reinstall DigitPad")
        return None
    if loaded.fallback_reason:
        print(f"digitpad: warning: {loaded.fallback_reason}; using the bundled model", file=sys.stderr)
    return Recognizer(loaded)


def cmd_predict(args: argparse.Namespace) -> int:
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
            if reading is not None:  # "7 (99%)", or a number: "2026 (2 99%, 0 98%, 2 99%, 6 97%)"
                print(f"{name}: {reading}")
                continue
            reason = NO_HANDWRITING
        _error(f"{name}: {reason}")
        failures += 1
    return 1 if failures else 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    try:
        mnist = load_mnist(args.data)
    except DataError as exc:
        _error(str(exc))
        return 2
    path = Path(args.model) if args.model else resources.bundled_model_path()
    try:
        loaded = load_checked(path)  # no fallback: scoring another model than asked would mislead
    except ModelLoadError as exc:
        _error(str(exc))
        return 2
    accuracy, confusion = evaluate(
        loaded.model, to_model_input(mnist.x_test), mnist.y_test, card_threshold(loaded.card)
    )
    print(f"Model: {path}")
    print(f"MNIST test accuracy: {accuracy:.2%} ({int(confusion.trace())}/{int(confusion.sum())})")
    print("Per digit: " + "  ".join(f"{d}: {a:.1%}" for d, a in enumerate(per_digit_accuracy(confusion))))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    wanted = Path(args.model) if args.model else ModelStore().active_path()
    try:
        loaded, result = export_from_file(wanted, args.format, args.out)
    except ModelLoadError as exc:
        _error(f"the bundled model is unusable ({exc}); reinstall DigitPad")
        return 2
    except ExportError as exc:
        _error(str(exc))
        return 1
    if loaded.fallback_reason:
        print(f"digitpad: warning: {loaded.fallback_reason}; exported the bundled model", file=sys.stderr)
    print(f"Exported {loaded.name} as {args.format} to {result.path} ({result.bytes / 1e6:.2f} MB)")
    print(
        f"Checked in its own runtime: answers like the Keras model on {result.agreement:.2%} "
        f"of {result.images} MNIST test images"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
