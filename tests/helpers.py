"""Helpers shared by the test modules (fixtures live in conftest.py)."""

import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from digitpad.gui.replay import draw_stroke, fit_strokes

# Drawn by hand, in canvas-like coordinates (y down): things that are no digit.
HASH = [[(30, 0), (20, 100)], [(70, 0), (60, 100)], [(0, 30), (100, 30)], [(-5, 70), (95, 70)]]
SCRIBBLE = [[(0, 0), (90, 10), (5, 25), (95, 35), (0, 50), (90, 60), (10, 75), (95, 85), (0, 100), (80, 100)]]
LETTER_W = [[(0, 0), (20, 100), (50, 30), (80, 100), (100, 0)]]


def write_small_mnist(path: Path, mnist, n_train: int, n_test: int) -> Path:
    """An MNIST-layout .npz holding the first images of each split."""
    np.savez(
        path,
        x_train=mnist.x_train[:n_train],
        y_train=mnist.y_train[:n_train],
        x_test=mnist.x_test[:n_test],
        y_test=mnist.y_test[:n_test],
    )
    return path


def run_cli(*args, env=None, timeout=120):
    # From a neutral folder: `-m` puts the working directory first on sys.path, and the
    # checkout's digitpad/ is not the installed package (it lacks the bundled files).
    return subprocess.run(
        [sys.executable, "-m", "digitpad", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=tempfile.gettempdir(),
    )


def wait_ready(qtbot, win):
    qtbot.waitUntil(lambda: win.service.ready, timeout=30000)


def draw_digit(qtbot, win, strokes, fraction=0.7, center=(0.5, 0.5)):
    page = win.draw_page
    canvas = page.canvas
    placed = fit_strokes(strokes, canvas.width(), canvas.height(), fraction, center)
    for stroke in placed:
        draw_stroke(canvas, stroke)
    wait_shown(qtbot, win)


def wait_shown(qtbot, win):
    """Until the answer for the drawing as it is now is on screen."""
    latest = win.service.latest_request
    qtbot.waitUntil(lambda: win.draw_page.shown_request == latest, timeout=10000)


def render_strokes_png(strokes, path: Path, size=300, pen=14, dark_on_light=True, margin=40):
    """A picture of a digit as a person might scan or export it."""
    from PIL import Image, ImageDraw

    pts = np.array([p for s in strokes for p in s], float)
    lo, hi = pts.min(0), pts.max(0)
    width, height = (size, size) if isinstance(size, int) else size
    scale = min((width - 2 * margin) / max(hi[0] - lo[0], 1e-9), (height - 2 * margin) / max(hi[1] - lo[1], 1e-9))
    paper, ink = (255, 0) if dark_on_light else (0, 255)
    img = Image.new("L", (width, height), paper)
    draw = ImageDraw.Draw(img)
    for s in strokes:
        xy = [tuple((np.array(p) - lo) * scale + margin) for p in s]
        draw.line(xy, fill=ink, width=pen, joint="curve")
        for x, y in (xy[0], xy[-1]):
            draw.ellipse((x - pen / 2, y - pen / 2, x + pen / 2, y + pen / 2), fill=ink)
    img.save(path)
    return path


def compose_number(digits: dict, text: str, gap: float = 0.3, height: float = 100.0) -> list[list]:
    """Strokes of the number `text` written with the drawings in `digits` ({digit: strokes}):
    each scaled to `height`, left to right, `gap` x height apart (negative: they overlap)."""
    out, x = [], 0.0
    for char in text:
        strokes = [np.asarray(s, float) for s in digits[int(char)]]
        pts = np.concatenate(strokes)
        lo, hi = pts.min(0), pts.max(0)
        scale = height / max(hi[1] - lo[1], 1e-9)
        out.extend(((s - lo) * scale + [x, 0.0]).tolist() for s in strokes)
        x += (hi[0] - lo[0]) * scale + gap * height
    return out


def dot(x: float, y: float, r: float = 2.0) -> list[list[float]]:
    """A dot of radius `r` at (x, y) as one small closed stroke: a full stop, the pen's touch."""
    return [[x + r * np.cos(t), y + r * np.sin(t)] for t in np.linspace(0, 2 * np.pi, 8)]


def settle(qtbot, view, action=None, timeout=20000):
    """Run `action()` (an edit on My samples, done on a background thread) and wait until it
    and what follows it on the GUI thread are over."""
    if action is None:
        if view.busy():
            with qtbot.waitSignal(view.tasks.finished, timeout=timeout):
                pass
        return None
    with qtbot.waitSignal(view.tasks.finished, timeout=timeout):
        result = action()
    return result
