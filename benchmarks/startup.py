"""Time from launch to window shown and to model ready.

    python -m benchmarks.startup [--runs N] [--command CMD...]

Starts the real app (`python -m digitpad`, or the given command, e.g. the frozen build) N times
with QT_QPA_PLATFORM=offscreen; the app reports when its window was shown and when the model
was ready (DIGITPAD_STARTUP_REPORT=1), then quits."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from .report import percentile, write_report


def launch_once(command: list[str]) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DIGITPAD_STARTUP_REPORT="1")
    started = time.time()
    proc = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=120, cwd=tempfile.gettempdir()
    )  # `-m` must find the installed package
    if proc.returncode != 0:
        raise SystemExit(f"app exited {proc.returncode}: {proc.stderr[-2000:]}")
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    return {
        "window_shown_s": report["window_shown"] - started,
        "model_ready_s": report["model_ready"] - started,
        "exit_s": time.time() - started,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--command", nargs="+", default=[sys.executable, "-m", "digitpad"])
    parser.add_argument("--name", default="startup", help="report name (startup, startup-frozen, ...)")
    args = parser.parse_args(argv)
    launch_once(args.command)  # warm the disk cache; not counted
    runs = [launch_once(args.command) for _ in range(args.runs)]
    summary = {
        key: {"median": round(percentile([r[key] for r in runs], 50), 3), "max": round(max(r[key] for r in runs), 3)}
        for key in runs[0]
    }
    for key, value in summary.items():
        print(f"{key:16s} median {value['median']:.3f} s   max {value['max']:.3f} s")
    write_report(args.name, {"command": args.command, "runs": runs, "summary": summary})
    return 0


if __name__ == "__main__":
    sys.exit(main())
