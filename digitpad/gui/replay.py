"""Replay pen strokes on the canvas as real mouse events (benchmarks, tests, self-test)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication


def fit_strokes(strokes, width: float, height: float, fraction: float = 0.7, center: tuple[float, float] = (0.5, 0.5)):
    """Scale strokes (any units, y down) so the digit is `fraction` of the canvas height
    (narrower if it would not fit across) with its box centred at `center` (fractions)."""
    xs = [p[0] for s in strokes for p in s]
    ys = [p[1] for s in strokes for p in s]
    box_w, box_h = max(xs) - min(xs), max(ys) - min(ys)
    scale = fraction * height / max(box_h, 1e-9)
    if box_w * scale > 0.95 * width:
        scale = 0.95 * width / max(box_w, 1e-9)
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    ox, oy = center[0] * width - cx * scale, center[1] * height - cy * scale
    return [[(p[0] * scale + ox, p[1] * scale + oy) for p in s] for s in strokes]


def _send(widget, kind, pos: QPointF, buttons) -> None:
    button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else Qt.MouseButton.LeftButton
    event = QMouseEvent(kind, pos, widget.mapToGlobal(pos), button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def press(widget, x: float, y: float) -> None:
    _send(widget, QEvent.Type.MouseButtonPress, QPointF(x, y), Qt.MouseButton.LeftButton)


def move(widget, x: float, y: float) -> None:
    _send(widget, QEvent.Type.MouseMove, QPointF(x, y), Qt.MouseButton.LeftButton)


def release(widget, x: float, y: float) -> None:
    _send(widget, QEvent.Type.MouseButtonRelease, QPointF(x, y), Qt.MouseButton.NoButton)


def draw_stroke(widget, points, process_events: bool = True) -> None:
    """Press at the first point, move through the rest, release at the last."""
    app = QApplication.instance()
    press(widget, *points[0])
    for x, y in points[1:]:
        move(widget, x, y)
        if process_events:
            if app is not None:
                app.processEvents()  # let throttled live updates run, as while a person draws
    release(widget, *points[-1])
