"""The pieces a drawing or a picture is cut into before the number reader puts them together
into digits: each stroke, a wide stroke also at its turning points (a "00" written without
lifting the pen), and in pictures runs of inked columns, touching digits also at their thinnest
columns. Qt-free: NumPy only."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np

from digitpad.reading.paper import SPECK

MAX_PIECES = 160  # beyond this (a huge scribble) wide strokes are not cut; the search stays bounded
CUT_WIDTH = 1.1  # a stroke wider than this (x height) may hold several digits: cut candidates
CUT_MARGIN = 0.25  # cuts at least this far (x height) from a stroke's ends and from each other


@dataclass(frozen=True)
class Piece:
    """A unit of ink: points [start, end] of stroke `stroke` (drawings) or columns [start, end)
    of the picture (stroke -1)."""

    stroke: int
    start: int
    end: int
    x0: float
    x1: float
    y0: float
    y1: float

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


def extent(points: np.ndarray) -> tuple[float, float, float, float]:
    return float(points[:, 0].min()), float(points[:, 0].max()), float(points[:, 1].min()), float(points[:, 1].max())


def cut_points(points: np.ndarray, height: float) -> list[int]:
    """Where a wide stroke may pass from one digit to the next: its turning points (local top
    or bottom), away from its ends and from each other."""
    x, y = points[:, 0], points[:, 1]
    if len(points) < 5 or (x.max() - x.min()) <= CUT_WIDTH * height:
        return []
    margin = CUT_MARGIN * height
    cuts: list[int] = []
    for i in range(2, len(points) - 2):
        window = y[i - 2 : i + 3]
        if not (y[i] >= window.max() or y[i] <= window.min()):
            continue
        if x[i] - x.min() < margin or x.max() - x[i] < margin:
            continue
        if cuts and abs(x[i] - x[cuts[-1]]) < margin:
            continue
        cuts.append(i)
    return cuts


def stroke_pieces(strokes: list[np.ndarray], cut: bool = True, height: float | None = None) -> list[Piece]:
    height = writing_height(strokes) if height is None else height
    pieces = []
    for index, points in enumerate(strokes):
        bounds = [0, *(cut_points(points, height) if cut else []), len(points) - 1]
        for start, end in pairwise(bounds):
            pieces.append(Piece(index, start, end, *extent(points[start : end + 1])))
    return pieces


def writing_height(strokes: list[np.ndarray]) -> float:
    """How tall the digits are: the tallest stroke (a 1, the body of a 4), or half the whole
    drawing's height if that is more (an "=" or a row of dashes has no tall stroke), never less
    than a tenth of the drawing's size, so that a row of short marks still has a scale."""
    tallest = max(float(s[:, 1].max() - s[:, 1].min()) for s in strokes)
    pts = np.concatenate(strokes)
    extent = pts.max(axis=0) - pts.min(axis=0)
    return max(tallest, 0.5 * float(extent[1]), 0.1 * float(extent.max()), 1e-6)


def joined(pieces: list[Piece]) -> list[list[Any]]:
    """A group's pieces in drawing order as [stroke, start, end, x0, x1], pieces cut from one
    stroke that still meet joined again (picture columns, stroke -1, stay apart)."""
    out: list[list[Any]] = []
    for p in sorted(pieces, key=lambda p: (p.stroke, p.start)):
        if out and p.stroke >= 0 and out[-1][0] == p.stroke and out[-1][2] == p.start:
            out[-1][2:] = [p.end, min(out[-1][3], p.x0), max(out[-1][4], p.x1)]
        else:
            out.append([p.stroke, p.start, p.end, p.x0, p.x1])
    return out


def group_strokes(strokes: list[np.ndarray], pieces: list[Piece]) -> list[np.ndarray]:
    """The polylines of a group of pieces, in drawing order: a whole stroke renders exactly as
    it was drawn."""
    return [strokes[s][a : b + 1] for s, a, b, _x0, _x1 in joined(pieces)]


def column_runs(ink: np.ndarray, mask: np.ndarray) -> list[Piece]:
    """Runs of inked columns, as pieces; specks (under paper.SPECK of the largest run's ink) left out."""
    columns = mask.any(axis=0)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], columns.astype(np.int8), [0]])))
    runs = list(zip(edges[::2], edges[1::2], strict=True))
    weights = [float(ink[:, a:b].sum()) for a, b in runs]
    return [column_piece(mask, a, b) for (a, b), w in zip(runs, weights, strict=True) if w >= SPECK * max(weights)]


def cut_runs(ink: np.ndarray, mask: np.ndarray, height: float, runs: list[Piece]) -> list[Piece]:
    """The runs (column_runs), each wider than CUT_WIDTH x height (touching digits) cut at its
    thinnest columns: local minima of the column's ink, spaced, a few per height."""
    column_ink = ink.sum(axis=0)
    pieces = []
    for run in runs:
        a, b = run.start, run.end
        if b - a <= CUT_WIDTH * height:
            pieces.append(run)
            continue
        cuts: list[int] = []
        margin = max(1, int(CUT_MARGIN * height))
        profile = column_ink[a:b]
        lows = [c for c in range(2, b - a - 2) if profile[c] <= profile[c - 2 : c + 3].min()]
        for c in sorted(lows, key=lambda c: profile[c]):
            x = a + c
            if x - a < margin or b - x < margin or any(abs(x - o) < margin for o in cuts):
                continue
            cuts.append(x)
            if len(cuts) >= int((b - a) / (0.3 * height)):
                break
        pieces.extend(column_piece(mask, left, right) for left, right in pairwise([a, *sorted(cuts), b]))
    return pieces


def column_piece(mask: np.ndarray, a: int, b: int) -> Piece:
    """Columns a to b of a run of inked columns (so every column holds ink), as a piece."""
    rows = np.flatnonzero(mask[:, a:b].any(axis=1))
    return Piece(-1, int(a), int(b), float(a), float(b), float(rows[0]), float(rows[-1] + 1))


def box_of(group: list[Piece]) -> tuple[float, float, float, float]:
    return (min(p.x0 for p in group), min(p.y0 for p in group), max(p.x1 for p in group), max(p.y1 for p in group))


def width_of(group: list[Piece]) -> float:
    return max(p.x1 for p in group) - min(p.x0 for p in group)
