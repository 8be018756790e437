"""Training through the GUI against plain Keras, GUI responsiveness while training, and one
epoch of the default recipe.

    python -m benchmarks.training [--images N] [--skip-full-epoch]

1. Throughput: samples/s of training through the Train tab (worker thread, LiveProgress
   callbacks, signals, live curves) against `model.fit` on the same model, data and batch
   size with no callbacks, alternated in one run.
2. Responsiveness: while the GUI trains, a 10 ms timer on the GUI thread records how late it
   fires (event-loop stalls): p50/p99/max.
3. One epoch of the default CNN recipe on all of MNIST: seconds and test accuracy."""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from .report import percentile, write_report  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=12000, help="training images for parts 1-2")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--skip-full-epoch", action="store_true")
    args = parser.parse_args(argv)

    from PySide6.QtCore import QTimer

    from digitpad.gui.app import make_app
    from digitpad.gui.main_window import MainWindow
    from digitpad.learning.data import load_mnist
    from digitpad.learning.recipe import TrainConfig
    from digitpad.learning.training import train

    mnist = load_mnist()
    config = TrainConfig(epochs=args.epochs, train_limit=args.images, test_limit=2000)
    app = make_app()
    window = MainWindow()
    window.show()
    window.start()
    while not window.service.ready:
        app.processEvents()
        time.sleep(0.01)
    page = window.train_page

    plain, gui, stalls = [], [], []
    for round_ in range(args.rounds):
        result = train(config, mnist=mnist)
        plain.append(result.card["training_images"] * args.epochs / result.seconds)
        print(f"round {round_ + 1}: plain model.fit {plain[-1]:.0f} samples/s")

        results = []
        page.run_finished.connect(results.append)
        last = [time.perf_counter()]

        def tick(last=last):
            now = time.perf_counter()
            stalls.append(max(0.0, (now - last[0]) * 1000 - 10))
            last[0] = now

        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(tick)
        page.start(config, mnist=mnist)
        last[0] = time.perf_counter()
        timer.start()
        while not results:
            app.processEvents()
            time.sleep(0.001)
        timer.stop()
        page.run_finished.disconnect(results.append)
        gui.append(results[0].card["training_images"] * args.epochs / results[0].seconds)
        page.discard_result()
        print(f"round {round_ + 1}: through the GUI {gui[-1]:.0f} samples/s")

    plain_rate, gui_rate = sum(plain) / len(plain), sum(gui) / len(gui)
    overhead = 1 - gui_rate / plain_rate
    stall = {
        "p50": round(percentile(stalls, 50), 2),
        "p99": round(percentile(stalls, 99), 2),
        "max": round(max(stalls), 2),
        "ticks": len(stalls),
    }
    print(f"throughput: plain {plain_rate:.0f}/s, GUI {gui_rate:.0f}/s, GUI overhead {overhead:.1%}")
    print(
        f"event-loop stalls while training (ms late on a 10 ms timer): p50 {stall['p50']} "
        f"p99 {stall['p99']} max {stall['max']}"
    )
    report = {
        "images": args.images,
        "epochs": args.epochs,
        "batch_size": config.batch_size,
        "plain_samples_per_s": plain,
        "gui_samples_per_s": gui,
        "gui_overhead": round(overhead, 4),
        "event_loop_stall_ms": stall,
    }
    window.close()

    if not args.skip_full_epoch:
        full = train(replace(TrainConfig(), epochs=1), mnist=mnist)
        print(
            f"one epoch of the default CNN recipe: {full.seconds:.1f} s, MNIST test accuracy {full.test_accuracy:.2%}"
        )
        report["default_recipe_one_epoch"] = {"seconds": round(full.seconds, 1), "test_accuracy": full.test_accuracy}
    write_report("training", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
