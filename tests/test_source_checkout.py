"""README commands work from the repository root after the README's install: there the
checkout's digitpad/ shadows the installed package, and models/ and assets/ are read from the
top-level folders (issue 9)."""

import subprocess
import sys
from pathlib import Path

from helpers import write_small_mnist

ROOT = Path(__file__).resolve().parents[1]


def run_from_root(*args, timeout=120):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def test_python_m_digitpad_from_the_repository_root(tmp_path, mnist):
    small = write_small_mnist(tmp_path / "small.npz", mnist, 10, 200)
    code = (
        "import digitpad.resources as r; "
        "print(r.bundled_model_path().is_file(), r.mnist_path().is_file(), r.pen_data_path().is_file())"
    )
    probe = run_from_root("-c", code)
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.split() == ["True", "True", "True"]
    result = run_from_root("-m", "digitpad", "evaluate", "--data", str(small))
    assert result.returncode == 0, result.stderr
    assert "MNIST test accuracy" in result.stdout


def test_benchmark_commands_start_from_the_repository_root():
    for module in ("benchmarks.strokes", "benchmarks.rejection", "benchmarks.accuracy"):
        result = run_from_root("-m", module, "--help")
        assert result.returncode == 0, (module, result.stderr)
