"""Many samples: import, window start, the model's check of every sample, and edits of all of them.

    python -m benchmarks.samples [--count N]

Writes an export file of N samples (default 150,000: drawings of the self-test digits, shifted
so that every one differs), imports it through the My samples tab (a background thread), then
opens a second window on that data folder and measures: import time and the longest GUI stall
during it, window construction to shown, the time for the active model's answer on every
sample (read and predicted in chunks on the worker), and, on all N selected at once, Relabel,
Delete, Undo delete and Select all after it: the time each takes and the longest GUI stall
meanwhile (a 10 ms timer; a stall is how late it fires). Target: no stall over 100 ms."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from .report import percentile, write_report  # noqa: E402


def make_export(path: Path, count: int) -> None:
    from digitpad import resources
    from digitpad.reading.preprocess import strokes_to_mnist
    from digitpad.storage.sample_files import write_export
    from digitpad.storage.sample_records import Sample

    digits = resources.selftest_digits()
    images = {d["label"]: strokes_to_mnist(d["strokes"]) for d in digits}
    samples = []
    for i in range(count):
        digit = digits[i % 10]
        strokes = [[[x + i * 0.01, y] for x, y in s] for s in digit["strokes"]]
        image = (images[digit["label"]] * 255).astype("uint8")
        # (the import recomputes each uid from the label, image and strokes: all differ here)
        samples.append(Sample(i + 1, str(i), digit["label"], image, strokes, "2026-11-29T00:00:00+00:00", None, None))
    write_export(samples, path)


class StallMeter:
    """A 10 ms timer on the GUI thread: how late it fires is how long the window stalled."""

    def __init__(self):
        from PySide6.QtCore import QTimer

        self.stalls: list[float] = []
        self.last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.stalls.append((now - self.last) * 1000 - 10)
        self.last = now

    def start(self) -> None:
        self.stalls.clear()
        self.last = time.perf_counter()
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        now = time.perf_counter()
        self.stalls.append((now - self.last) * 1000 - 10)  # the wait since the last tick counts too
        return max(self.stalls)


def measure_edits(app, view) -> dict:
    """Select all, relabel, delete, undo, select all again: seconds and the longest stall each."""
    meter, out = StallMeter(), {}

    def timed(name, action):
        meter.start()
        started = time.perf_counter()
        action()
        while view.busy():
            app.processEvents()
            time.sleep(0.002)
        app.processEvents()
        seconds, stall = time.perf_counter() - started, meter.stop()
        out[name] = {"seconds": round(seconds, 2), "max_stall_ms": round(stall, 1)}
        print(f"{name}: {seconds:.1f} s, longest GUI stall {stall:.0f} ms ({view.message.text()[:60]})")

    timed("select all", view.grid.selectAll)
    timed("relabel all", lambda: view.relabel_selected(3))
    timed("delete all", view.delete_selected)
    timed("undo delete", view.undo_delete)
    timed("select all after undo", view.grid.selectAll)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=150_000)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="digitpad-samples-bench-"))
    os.environ["DIGITPAD_DATA_DIR"] = str(folder / "data")
    export = folder / "many.digitpad-samples.json"
    started = time.perf_counter()
    make_export(export, args.count)
    print(
        f"export of {args.count} samples written in {time.perf_counter() - started:.1f} s "
        f"({export.stat().st_size / 1e6:.0f} MB)"
    )

    from PySide6.QtCore import QTimer

    from digitpad.gui.app import make_app
    from digitpad.gui.main_window import MainWindow

    app = make_app()
    window = MainWindow()
    window.show()
    stalls, last = [], [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        stalls.append((now - last[0]) * 1000 - 10)
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()
    started = time.perf_counter()
    task = window.samples_page.import_from(export)
    while not task.finished:
        app.processEvents()
        time.sleep(0.002)
    imported = time.perf_counter() - started
    timer.stop()
    print(
        f"import: {imported:.1f} s; GUI stalls meanwhile p99 {percentile(stalls, 99):.0f} ms, max {max(stalls):.0f} ms"
    )
    print(f"   {window.samples_page.message.text()}")
    window.close()

    started = time.perf_counter()
    second = MainWindow()
    second.show()
    app.processEvents()
    shown = time.perf_counter() - started
    print(f"window with {second.sample_store.count()} samples: constructed and shown in {shown:.2f} s")
    second.start()
    started = time.perf_counter()
    while len(second.samples_page.predictions) < args.count and time.perf_counter() - started < 600:
        app.processEvents()
        time.sleep(0.01)
    checked = time.perf_counter() - started
    print(
        f"the model's answer on all {len(second.samples_page.predictions)} samples: {checked:.1f} s "
        "(model load included)"
    )
    edits = measure_edits(app, second.samples_page)
    second.close()
    write_report(
        "samples",
        {
            "count": args.count,
            "import_seconds": round(imported, 2),
            "gui_stall_ms": {"p99": round(percentile(stalls, 99), 1), "max": round(max(stalls), 1)},
            "window_shown_seconds": round(shown, 3),
            "check_all_seconds": round(checked, 1),
            "edits_of_all": edits,
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
