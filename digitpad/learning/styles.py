"""Writing styles UNIPEN's writers seldom use, drawn onto augmented pen digits (issue 28): a 1
with a long upstroke and a base line, a slashed 0, a crossed 7, a 4 drawn without lifting the
pen. `pendata.build(style_share=...)` restyles that share of the augmented renderings of those
digits, drawing its choices from a random stream of its own, so that every other rendering of
the pen data stays exactly as without styles. Qt-free and TensorFlow-free."""

from __future__ import annotations

import numpy as np

STYLE_SEED = 20261207
STYLED = (0, 1, 4, 7)  # the digits that have a style here


def _box(parts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    points = np.concatenate(parts)
    return points.min(axis=0), points.max(axis=0)


def _line(start: tuple[float, float], end: tuple[float, float], n: int = 6) -> np.ndarray:
    return np.linspace(np.asarray(start, float), np.asarray(end, float), n)


def restyle(parts: list[np.ndarray], label: int, rng: np.random.Generator) -> list[np.ndarray]:
    """The strokes (y down) of one augmented digit, drawn in the other style of its digit."""
    if not parts or label not in STYLED:
        return parts
    (x0, y0), (x1, y1) = _box(parts)
    width, height = max(x1 - x0, 1e-3), max(y1 - y0, 1e-3)
    if label == 4:  # without lifting the pen: the strokes joined into one path
        return [np.concatenate(parts)]
    if label == 0:  # slashed: a diagonal through the loop
        inset = rng.uniform(0.0, 0.15)
        return [*parts, _line((x0 + inset * width, y1 - inset * height), (x1 - inset * width, y0 + inset * height))]
    if label == 7:  # crossed: a short bar through the stem at mid-height
        points = np.concatenate(parts)
        middle = y0 + height * rng.uniform(0.45, 0.6)
        near = points[np.abs(points[:, 1] - middle) < 0.15 * height]
        x = float(near[:, 0].mean()) if len(near) else (x0 + x1) / 2
        half = height * rng.uniform(0.15, 0.25)
        return [*parts, _line((x - half, middle), (x + half, middle))]
    # 1: a long upstroke into the top of the stem, and often a base line
    top = np.concatenate(parts)[np.concatenate(parts)[:, 1].argmin()]
    flag = height * rng.uniform(0.2, 0.35)
    upstroke = _line((top[0] - flag * 0.6, top[1] + flag * 0.8), (top[0], top[1]))
    out = [np.concatenate([upstroke, parts[0]]), *parts[1:]]
    if rng.random() < 0.6:
        base = height * rng.uniform(0.2, 0.35)
        bottom_x = float(np.concatenate(parts)[np.concatenate(parts)[:, 1].argmax(), 0])
        out.append(_line((bottom_x - base, y1), (bottom_x + base, y1)))
    return out
