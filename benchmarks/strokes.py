"""Stroke replay through the real GUI.

    python -m benchmarks.strokes [FILE.jsonl]

Replays every sample of a pen-stroke file (default: ../shared/data/uji_digits_dev.jsonl) as
mouse press/move/release events on the real canvas of the real window (offscreen), reads the
digit the window shows, and reports accuracy overall and per digit for several placements,
plus the latency from pen-up to prediction shown."""

from __future__ import annotations

import argparse
import json
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


def load_samples(path: Path) -> list[dict]:
    samples = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.strip():
                try:
                    row = json.loads(line)
                    samples.append({"label": int(row["label"]), "strokes": row["strokes"]})
                except (ValueError, KeyError, TypeError) as exc:
                    raise SystemExit(f"{path}:{number}: not a pen-stroke sample ({exc})")
    return samples


def replay(window, samples, fraction, center, app) -> dict:
    from digitpad.gui import replay as rp
    from digitpad.gui.replay import draw_stroke, fit_strokes

    page = window.draw_page
    canvas = page.canvas
    correct = defaultdict(int)
    total = defaultdict(int)
    latencies = []
    for sample in samples:
        page.clear_action.trigger()
        placed = fit_strokes(sample["strokes"], canvas.width(), canvas.height(), fraction, center)
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
        deadline = pen_up + 10
        while page.shown_request != final_id and time.perf_counter() < deadline:
            app.processEvents()
        latencies.append((page.shown_at - pen_up) * 1000)
        total[sample["label"]] += 1
        correct[sample["label"]] += int(page.digit_label.text() == str(sample["label"]))
    n = sum(total.values())
    return {
        "accuracy": sum(correct.values()) / n,
        "samples": n,
        "per_digit": {str(d): round(correct[d] / total[d], 4) for d in sorted(total)},
        "latency_ms": {"median": round(percentile(latencies, 50), 2), "p95": round(percentile(latencies, 95), 2),
                       "max": round(max(latencies), 2)},
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(DEV_STROKES))
    args = parser.parse_args(argv)
    samples = load_samples(Path(args.file))

    from digitpad.gui.app import make_app
    from digitpad.gui.main_window import MainWindow

    app = make_app()
    window = MainWindow()
    window.resize(900, 560)
    window.show()
    window.start()
    while not window.service.ready:
        app.processEvents()
        time.sleep(0.005)
    canvas = window.draw_page.canvas
    print(f"{len(samples)} samples from {args.file}; canvas {canvas.width()}x{canvas.height()}")
    # Warm-up: one pass over a few samples so that first-call costs are not counted.
    replay(window, samples[:10], 0.7, (0.5, 0.5), app)
    results = {}
    for name, fraction, center in PLACEMENTS:
        result = replay(window, samples, fraction, center, app)
        results[name] = result
        lat = result["latency_ms"]
        print(f"{name:20s} accuracy {result['accuracy']:.2%}  pen-up->shown median {lat['median']:.1f} ms"
              f"  p95 {lat['p95']:.1f} ms")
        print("   per digit: " + " ".join(f"{d}:{a:.0%}" for d, a in result["per_digit"].items()))
    window.close()
    write_report("strokes", {"file": str(args.file), "canvas": [canvas.width(), canvas.height()],
                             "model": window.service.loaded.card.get("name"), "placements": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
