"""Shared by the benchmarks: where reports go and what machine they ran on."""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
from pathlib import Path

# Reports go to an ignored folder (or DIGITPAD_REPORTS): running a benchmark leaves the checkout
# clean. The README and docs/benchmarks.md hold the figures of record.
RESULTS = Path(os.environ.get("DIGITPAD_REPORTS") or Path(__file__).resolve().parents[1] / "reports")
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
DEV_STROKES = SHARED_DATA / "uji_digits_dev.jsonl"


def machine() -> dict:
    return {
        "cpu_count": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def write_report(name: str, report: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    report = {
        "benchmark": name,
        "date": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        **report,
    }
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"report written to {path}")
    return path


def percentile(values, q: float) -> float:
    import numpy as np

    return float(np.percentile(np.asarray(values, float), q)) if len(values) else float("nan")
