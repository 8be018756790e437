"""Stroke replay through the real GUI.

    python -m benchmarks.strokes [FILE.jsonl[.gz]] [--placements NAME,...] [--coarse N]
    python -m benchmarks.strokes --memory 10000 [--placements NAME,...]

Replays every sample of a pen-stroke file (default: ../shared/data/uji_digits_dev.jsonl; of a
file with `dev` rows, only those) as mouse press/move/release events on the real canvas of the
real window (offscreen), reads the digit the window shows, and reports accuracy overall and per
digit for each placement (default: all four), plus the latency from pen-up to prediction shown.
`--coarse N` first turns every drawing into what a rough tablet records: all strokes joined
into one path (pen-up jumps included) resampled to N equally spaced points, as one stroke.
`--memory N` measures what the writer memory costs: a fresh data folder with N samples (MNIST
training images, seeded), their embeddings computed at start, and every drawing replayed twice
in a row, with the memory on and off (View > Use My Samples), so that both see the same load."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from .report import DEV_STROKES, percentile, write_report  # noqa: E402

# (name, fraction of the canvas height, centre as fractions of the canvas)
PLACEMENTS = [
    ("large-centred", 0.70, (0.5, 0.5)),
    ("small-centred", 0.30, (0.5, 0.5)),
    ("small-top-left", 0.30, (0.22, 0.22)),
    ("small-bottom-right", 0.30, (0.78, 0.78)),
]


def dev_rows(path: Path) -> list[dict]:
    """Rows of a pen-stroke file: its `dev` rows if it has any (train rows are never measured)."""
    from digitpad.learning.pendata import PenDataError, read_rows

    try:
        rows = read_rows(path)
    except PenDataError as exc:
        raise SystemExit(str(exc)) from None
    if any(row.get("split") == "dev" for row in rows):
        rows = [row for row in rows if row.get("split") == "dev"]
    return [row for row in rows if any(len(s) for s in row["strokes"])]


def load_samples(path: Path, coarse_points: int | None = None) -> list[dict]:
    """The digit samples to replay, as drawn or (with `coarse_points`) as a rough tablet records them."""
    from digitpad.learning.pendata import coarse

    return [
        {
            "label": int(row["label"]),
            "strokes": coarse(row["strokes"], coarse_points) if coarse_points else row["strokes"],
        }
        for row in dev_rows(path)
    ]


def replay_one(window, strokes, fraction, center, app) -> tuple[str, float]:
    """Draw one drawing on the real canvas with mouse events; (the text the window shows for
    it, milliseconds from the last pen-up to that answer shown)."""
    from PySide6.QtCore import QEventLoop, QTimer

    from digitpad.gui import replay as rp
    from digitpad.gui.replay import draw_stroke, fit_strokes

    page = window.draw_page
    canvas = page.canvas
    page.clear_action.trigger()
    placed = fit_strokes(strokes, canvas.width(), canvas.height(), fraction, center)
    for stroke in placed[:-1]:
        draw_stroke(canvas, stroke)
    last = placed[-1]
    # The last stroke by hand, to time pen-up -> prediction shown.
    rp.press(canvas, *last[0])
    for x, y in last[1:]:
        rp.move(canvas, x, y)
        app.processEvents()
    pen_up = time.perf_counter()
    rp.release(canvas, *last[-1])
    final_id = window.service.latest_request
    # Wait as the app's event loop does, asleep until the worker's answer (or the deadline's
    # timer) arrives: spinning processEvents() would hold the GIL against the recognition
    # thread and time the benchmark's own loop (p95 a fifth longer).
    deadline = pen_up + 10
    guard = QTimer()
    guard.setSingleShot(True)
    guard.start(10_000)
    while page.shown_request != final_id and time.perf_counter() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    guard.stop()
    return page.shown_text(), (window.shown_times.get(final_id, float("nan")) - pen_up) * 1000


def replay(window, samples, fraction, center, app) -> dict:
    correct = defaultdict(int)
    total = defaultdict(int)
    latencies = []
    for sample in samples:
        shown, latency = replay_one(window, sample["strokes"], fraction, center, app)
        latencies.append(latency)
        total[sample["label"]] += 1
        correct[sample["label"]] += int(shown == str(sample["label"]))
    n = sum(total.values())
    return {
        "accuracy": sum(correct.values()) / n,
        "samples": n,
        "per_digit": {str(d): round(correct[d] / total[d], 4) for d in sorted(total)},
        "latency_ms": {
            "median": round(percentile(latencies, 50), 2),
            "p95": round(percentile(latencies, 95), 2),
            "max": round(max(latencies), 2),
        },
    }


def replay_paired(window, samples, fraction, center, app) -> dict:
    """Each drawing with the writer memory on, then off: {"on": replay result, "off": ...}."""
    halves: dict[str, list] = {"on": [], "off": []}
    for sample in samples:
        for mode in ("on", "off"):
            window.service.set_use_memory(mode == "on")
            halves[mode].append((sample, *replay_one(window, sample["strokes"], fraction, center, app)))
    window.service.set_use_memory(True)
    out = {}
    for mode, rows in halves.items():
        latencies = [latency for _s, _shown, latency in rows]
        out[mode] = {
            "accuracy": sum(shown == str(s["label"]) for s, shown, _l in rows) / len(rows),
            "samples": len(rows),
            "latency_ms": {
                "median": round(percentile(latencies, 50), 2),
                "p95": round(percentile(latencies, 95), 2),
                "max": round(max(latencies), 2),
            },
        }
    return out


def fill_memory(count: int) -> Path:
    """A fresh data folder whose samples database holds `count` MNIST training images."""
    import tempfile

    import numpy as np

    from digitpad.learning.data import load_mnist
    from digitpad.storage.samples import SampleStore

    folder = Path(tempfile.mkdtemp(prefix="digitpad-memory-bench-"))
    os.environ["DIGITPAD_DATA_DIR"] = str(folder)
    mnist = load_mnist()
    chosen = np.random.default_rng(0).choice(len(mnist.x_train), count, replace=False)
    store = SampleStore(folder / "samples.sqlite3")
    for i in chosen:
        store.add(int(mnist.y_train[i]), mnist.x_train[i], [], created="2026-01-01T00:00:00+00:00")
    store.close()
    return folder


def memory_main(args, samples, chosen, known) -> int:
    folder = fill_memory(args.memory)
    app, window = open_window()
    started = time.perf_counter()
    while window.memory_count < args.memory and time.perf_counter() - started < 600:
        app.processEvents()
        time.sleep(0.01)
    embedded_s = time.perf_counter() - started
    print(f"memory: {window.memory_count} samples, embedded in {embedded_s:.1f} s at start ({folder})")
    replay_paired(window, samples[:10], 0.7, (0.5, 0.5), app)  # warm-up
    results = {}
    for name in chosen:
        fraction, center = known[name]
        results[name] = replay_paired(window, samples, fraction, center, app)
        on, off = results[name]["on"]["latency_ms"], results[name]["off"]["latency_ms"]
        print(
            f"{name:20s} pen-up->shown p95 {on['p95']:.1f} ms with the memory, {off['p95']:.1f} ms without "
            f"({on['p95'] - off['p95']:+.2f} ms); median {on['median']:.1f} / {off['median']:.1f} ms; "
            f"accuracy {results[name]['on']['accuracy']:.2%} / {results[name]['off']['accuracy']:.2%}"
        )
    window.close()
    write_report(
        args.name or "strokes-memory",
        {
            "file": str(args.file),
            "memory": window.memory_count,
            "embedded_s": round(embedded_s, 1),
            "placements": results,
        },
    )
    return 0


def open_window():
    """The real main window, offscreen, with its model loaded."""
    from digitpad.gui.app import make_app
    from digitpad.gui.main_window import MainWindow

    app = make_app()
    window = MainWindow()
    window.resize(900, 560)
    window.shown_times = {}  # request id -> when its answer was on screen (the window's signal)
    window.draw_page.prediction_shown.connect(lambda rid: window.shown_times.__setitem__(rid, time.perf_counter()))
    window.show()
    window.start()
    while not window.service.ready:
        app.processEvents()
        time.sleep(0.005)
    return app, window


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(DEV_STROKES))
    parser.add_argument(
        "--placements",
        default=",".join(name for name, *_ in PLACEMENTS),
        help="comma-separated, of: " + ", ".join(name for name, *_ in PLACEMENTS),
    )
    parser.add_argument("--coarse", type=int, metavar="N", help="replay each drawing as N points (one path)")
    parser.add_argument("--name", default=None, help="report name (default: strokes, or strokes-coarse-N)")
    parser.add_argument("--memory", type=int, metavar="N", help="time the writer memory with N samples in it")
    args = parser.parse_args(argv)
    known = {name: (fraction, center) for name, fraction, center in PLACEMENTS}
    chosen = [name.strip() for name in args.placements.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in known]
    if unknown or not chosen:
        parser.error(f"unknown placement(s) {', '.join(unknown)}; choose from {', '.join(known)}")
    if args.coarse is not None and args.coarse < 2:
        parser.error("--coarse needs at least 2 points")
    samples = load_samples(Path(args.file), args.coarse)
    if args.memory:
        return memory_main(args, samples, chosen, known)

    app, window = open_window()
    canvas = window.draw_page.canvas
    # Warm-up: one pass over a few samples so that first-call costs are not counted.
    replay(window, samples[:10], 0.7, (0.5, 0.5), app)
    results = {}
    for name in chosen:
        fraction, center = known[name]
        results[name] = replay(window, samples, fraction, center, app)
    correct = sum(r["accuracy"] * r["samples"] for r in results.values())
    overall = correct / sum(r["samples"] for r in results.values())
    print(
        f"accuracy: {overall:.2%} ({len(results)} placement(s) x {len(samples)} drawings from {args.file}"
        + (f", coarse {args.coarse} points" if args.coarse else "")
        + ")"
    )
    for name, result in results.items():
        lat = result["latency_ms"]
        print(
            f"{name:20s} accuracy {result['accuracy']:.2%}  pen-up->shown median {lat['median']:.1f} ms"
            f"  p95 {lat['p95']:.1f} ms"
        )
        print("   per digit: " + " ".join(f"{d}:{a:.0%}" for d, a in result["per_digit"].items()))
    window.close()
    name = args.name or ("strokes" if not args.coarse else f"strokes-coarse-{args.coarse}")
    write_report(
        name,
        {
            "file": str(args.file),
            "coarse_points": args.coarse,
            "overall_accuracy": round(overall, 4),
            "canvas": [canvas.width(), canvas.height()],
            "model": window.service.loaded.card.get("name"),
            "placements": results,
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
