"""The house rules, checked rather than hoped (docs/architecture.md): the layer contract, no
import cycles, no private name used across modules, TensorFlow out of start-up, and the size
limits that keep every room enterable."""

import ast
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "digitpad"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def modules():
    return sorted(PACKAGE.rglob("*.py"))


def test_the_layer_contract_holds():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_no_import_cycles():
    graph = grimp.build_graph("digitpad")
    cycles = {
        tuple(sorted((a, b)))
        for a in graph.modules
        for b in graph.find_modules_directly_imported_by(a)
        if a != b and graph.chain_exists(importer=b, imported=a)
    }
    assert not cycles


def test_no_private_name_is_imported_from_another_module():
    crossings = []
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("digitpad"):
                private = [a.name for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
                crossings += [f"{path.relative_to(ROOT)}: {node.module}.{name}" for name in private]
    assert not crossings


def test_modules_and_functions_stay_small():
    too_long = []
    for path in modules():
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_MODULE_LINES:
            too_long.append(f"{path.relative_to(ROOT)}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {length} lines")
    assert not too_long


@pytest.mark.parametrize(
    "modules",
    [
        ["digitpad.cli", "digitpad.gui.main_window", "digitpad.gui.app"],
        ["digitpad.reading.recognizer", "digitpad.learning.training", "digitpad.learning.finetune"],
        ["digitpad.storage.samples", "digitpad.storage.models", "digitpad.storage.model_io"],
    ],
)
def test_start_up_imports_no_tensorflow(modules):
    """The window is on screen before TensorFlow loads: importing it, the CLI or the core loads
    none (TensorFlow is imported inside the functions that need it)."""
    code = f"import sys; import {', '.join(modules)}; print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


def test_types_check():
    """mypy over the package ([tool.mypy] in pyproject.toml: strict on the core)."""
    mypy = Path(sys.executable).with_name("mypy")
    result = subprocess.run([str(mypy)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:]
