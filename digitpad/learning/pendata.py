"""Pen-stroke training data: real drawn digits, clearly-non-digit characters and scribbles,
rendered to 28x28 through DigitPad's own preprocessing. Qt-free and TensorFlow-free.

Rendering in Python is slow (about 1.3 ms a drawing), so the augmented renderings are made
once, with a fixed seed, and kept in one compressed .npz (`pen_strokes.npz`, shipped in the
package): training reads images, never strokes.

    python -m digitpad.learning.pendata --digits ../shared/data/unipen_digits.jsonl.gz \
        --other ../shared/data/unipen_other.jsonl.gz --out assets/pen_strokes.npz
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from digitpad import resources
from digitpad.classes import NOT_A_DIGIT
from digitpad.learning.styles import STYLE_SEED, STYLED, restyle
from digitpad.reading.preprocess import strokes_to_mnist
from digitpad.storage.files import atomic_write

log = logging.getLogger(__name__)

SCRIBBLE_SOURCE = "scribble"
# Letters and symbols that do not look like any digit (the UNIPEN data README's list); the
# others (O, l, Z, S, ...) are left out of the negatives on purpose.
CLEARLY_NOT_DIGITS = frozenset("ACEFHKMNPRVWXacdefhkmnprtuvwx#%*+<=>@")

DIGIT_RENDERINGS = 8  # per training digit: one as drawn, seven augmented
SCRIBBLES = 6000
BUILD_SEED = 20261129

# Stroke-level augmentation: how people and tablets differ.
MAX_ROTATION_DEG = 12.0
MAX_SHEAR = 0.25  # slant
MAX_LOG_ASPECT = 0.2  # width scaled by exp(+-0.2)
STROKE_OFFSET = 0.03  # per-stroke shift, in units of the drawing's size
JITTER = 0.006
COARSE_POINTS = (8, 16)  # a rough tablet: the whole drawing as one path of 8-16 points
COARSE_SHARE = 0.25  # of augmented renderings


class PenDataError(Exception):
    """A pen-stroke file that cannot be used; the message is meant for the user."""


def read_rows(path: str | Path, split: str | None = None) -> list[dict[str, Any]]:
    """Rows of a pen-stroke .jsonl or .jsonl.gz file ({"label", "strokes", ...}); with `split`,
    only rows of that split. Labels stay as stored (digits as ints, characters as strings)."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    rows = []
    try:
        with opener(path, "rt", encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                    strokes = row["strokes"]
                    label = row["label"]
                except (ValueError, KeyError, TypeError) as exc:
                    raise PenDataError(f"{path}:{number}: not a pen-stroke sample ({exc})") from exc
                if split is not None and row.get("split") != split:
                    continue
                rows.append({**row, "label": label, "strokes": strokes})
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise PenDataError(f"{path} cannot be read ({exc})") from exc
    return rows


def _arrays(strokes: Any) -> list[np.ndarray]:
    return [np.asarray(s, dtype=np.float64)[:, :2] for s in strokes if len(s)]


def resample_path(points: np.ndarray, n: int) -> np.ndarray:
    """`n` points equally spaced along the polyline `points` (first and last kept)."""
    if len(points) < 2:
        return np.repeat(points[:1], n, axis=0)
    seg = np.linalg.norm(np.diff(points, axis=0), axis=1)
    along = np.concatenate([[0.0], np.cumsum(seg)])
    if along[-1] <= 0:
        return np.repeat(points[:1], n, axis=0)
    at = np.linspace(0.0, along[-1], n)
    return np.stack([np.interp(at, along, points[:, 0]), np.interp(at, along, points[:, 1])], axis=1)


def coarse(strokes: Any, n: int) -> list[list[list[float]]]:
    """What a rough tablet records: all strokes joined into one path in drawing order (pen-up
    jumps included) and resampled to `n` equally spaced points, as one stroke."""
    parts = _arrays(strokes)
    if not parts:
        return []
    return [resample_path(np.concatenate(parts), n).tolist()]


def augment_strokes(strokes: Any, rng: np.random.Generator) -> list[np.ndarray]:
    """One random variation of a drawing: per-drawing rotation, slant, aspect; per-stroke
    offsets and jitter; dropped points; sometimes a coarse 8-16 point trajectory."""
    parts = _arrays(strokes)
    if not parts:
        return []
    pts = np.concatenate(parts)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    size = float((hi - lo).max()) or 1.0
    centre = (lo + hi) / 2
    parts = [(p - centre) / size for p in parts]
    angle = np.deg2rad(rng.uniform(-MAX_ROTATION_DEG, MAX_ROTATION_DEG))
    cos, sin = np.cos(angle), np.sin(angle)
    aspect = np.exp(rng.uniform(-MAX_LOG_ASPECT, MAX_LOG_ASPECT))
    shear = rng.uniform(-MAX_SHEAR, MAX_SHEAR)
    # x' = aspect * (x + shear * y), then rotate
    linear = np.array([[cos, -sin], [sin, cos]]) @ np.array([[aspect, aspect * shear], [0.0, 1.0]])
    out = []
    for p in parts:
        p = p @ linear.T
        if len(parts) > 1 and rng.random() < 0.5:
            p = p + rng.normal(0.0, STROKE_OFFSET, size=2)
        if rng.random() < 0.5:
            p = p + rng.normal(0.0, JITTER, size=p.shape)
        if len(p) > 3 and rng.random() < 0.3:
            keep = rng.random(len(p)) > 0.25
            keep[0] = keep[-1] = True
            p = p[keep]
        out.append(p)
    roll = rng.random()
    if roll < COARSE_SHARE:
        return [np.asarray(s) for s in coarse(out, int(rng.integers(COARSE_POINTS[0], COARSE_POINTS[1] + 1)))]
    if roll < COARSE_SHARE + 0.15:  # a slow sampling rate: every k-th point of each stroke
        k = int(rng.integers(2, 5))
        out = [p[::k] if len(p[::k]) > 1 else p[[0, -1]] for p in out]
    return out


def scribble(rng: np.random.Generator) -> list[np.ndarray]:
    """A drawing that is no character: a tangled random walk, a zigzag, overlapping loops or
    crossing lines."""
    kind = int(rng.integers(4))
    if kind == 0:  # tangled walk: heading turns a lot
        n = int(rng.integers(25, 70))
        heading = np.cumsum(rng.normal(0, 0.8, n)) + rng.uniform(0, 2 * np.pi)
        steps = np.stack([np.cos(heading), np.sin(heading)], axis=1) * rng.uniform(0.5, 1.5, (n, 1))
        return [np.cumsum(steps, axis=0)]
    if kind == 1:  # zigzag or hatching across the box
        n = int(rng.integers(5, 12))
        xs = np.linspace(0, 1, n) + rng.normal(0, 0.03, n)
        ys = np.where(np.arange(n) % 2 == 0, 0.0, 1.0) * rng.uniform(0.3, 1.0) + rng.normal(0, 0.05, n)
        pts = np.stack([xs, ys], axis=1)
        return [pts if rng.random() < 0.5 else pts[:, ::-1]]
    if kind == 2:  # several overlapping loops
        loops = int(rng.integers(3, 7))
        t = np.linspace(0, 2 * np.pi * loops, 30 * loops)
        drift = np.linspace(0, rng.uniform(1.0, 3.0), len(t))
        r = rng.uniform(0.4, 1.0)
        pts = np.stack([r * np.cos(t) + drift, rng.uniform(0.6, 1.4) * r * np.sin(t)], axis=1)
        return [pts]
    n_lines = int(rng.integers(3, 7))  # crossing straight lines
    return [rng.uniform(0, 1, (2, 2)) for _ in range(n_lines)]


def render(strokes: Any) -> np.ndarray | None:
    """Strokes -> uint8 (28, 28) (255 = ink) through DigitPad's preprocessing, every point joined
    to the next by a straight line, as the shipped pen data (and the bundled models' training) were made:
    a rebuild reproduces them byte for byte. (Reading, the app draws a rough tablet's strokes
    through a spline and thins dense ones.)"""
    image = strokes_to_mnist([np.asarray(s).tolist() for s in strokes], smooth=False, thin=False)
    return None if image is None else np.round(image * 255).astype(np.uint8)


@dataclass(frozen=True)
class PenData:
    """Rendered pen data: x uint8 (N, 28, 28); y int (N,), NOT_A_DIGIT for non-digits;
    `group` the drawing each rendering came from (augmented copies share one, so that a
    validation split never holds a copy of a training drawing); `source` the UNIPEN institution
    it came from ("scribble" for generated scribbles), so that whole sources can be held out."""

    x: np.ndarray
    y: np.ndarray
    group: np.ndarray
    source: np.ndarray | None = None

    def subset(self, keep: np.ndarray) -> PenData:
        """The renderings at `keep` (indices or a boolean mask)."""
        return PenData(self.x[keep], self.y[keep], self.group[keep], None if self.source is None else self.source[keep])


# Two folds of whole sources, about equal in digits and non-digits, for choosing recipes and
# finding label conflicts on data a model never saw (docs/model.md, the selection protocol).
# Generated scribbles are split by their group's parity.
SOURCE_FOLDS = {"a": ("syn", "apb", "kai", "sie"), "b": ("app", "apa", "mot", "lav")}


def fold_mask(data: PenData, fold: str) -> np.ndarray:
    """Which renderings belong to `fold` ("a" or "b") of SOURCE_FOLDS."""
    if data.source is None:
        raise PenDataError("this pen data has no sources: rebuild it with python -m digitpad.learning.pendata")
    scribble_parity = 0 if fold == "a" else 1
    return np.isin(data.source, SOURCE_FOLDS[fold]) | (
        (data.source == SCRIBBLE_SOURCE) & (data.group % 2 == scribble_parity)
    )


def build(
    digit_rows: Sequence[dict[str, Any]],
    other_rows: Sequence[dict[str, Any]],
    seed: int = BUILD_SEED,
    renderings: int = DIGIT_RENDERINGS,
    scribbles: int = SCRIBBLES,
    style_share: float = 0.0,
) -> PenData:
    """Render training digits `renderings` times each (the first as drawn), clearly-non-digit
    characters once each (augmented) and `scribbles` generated scribbles. Deterministic.
    `style_share`: that share of the augmented renderings of 0, 1, 4 and 7 redrawn in another
    writing style (`styles`); the rest of the data stays the same image for image."""
    rng = np.random.default_rng(seed)
    style_rng = np.random.default_rng(STYLE_SEED)
    xs, ys, groups, sources = [], [], [], []

    def add(strokes: Any, label: int, group: int, source: str) -> None:
        image = render(strokes)
        if image is not None:
            xs.append(image)
            ys.append(label)
            groups.append(group)
            sources.append(source)

    group = 0
    for row in digit_rows:
        for k in range(renderings):
            strokes = row["strokes"] if k == 0 else augment_strokes(row["strokes"], rng)
            if k and style_share and int(row["label"]) in STYLED and style_rng.random() < style_share:
                strokes = restyle(strokes, int(row["label"]), style_rng)
            add(strokes, int(row["label"]), group, row.get("source", ""))
        group += 1
    for row in other_rows:
        if row["label"] in CLEARLY_NOT_DIGITS:
            add(augment_strokes(row["strokes"], rng), NOT_A_DIGIT, group, row.get("source", ""))
            group += 1
    for _ in range(scribbles):
        add(scribble(rng), NOT_A_DIGIT, group, SCRIBBLE_SOURCE)
        group += 1
    return PenData(np.stack(xs), np.asarray(ys, np.uint8), np.asarray(groups, np.int32), np.asarray(sources, str))


def save(data: PenData, path: str | Path) -> None:
    def write(tmp: Path) -> None:
        with open(tmp, "wb") as f:
            if data.source is None:
                np.savez_compressed(f, x=data.x, y=data.y, group=data.group)
            else:
                np.savez_compressed(f, x=data.x, y=data.y, group=data.group, source=data.source.astype(str))

    atomic_write(Path(path), write)


def load(path: str | Path | None = None) -> PenData:
    """The rendered pen data (default: the copy shipped in the package), without pickle."""
    path = Path(path) if path is not None else resources.pen_data_path()
    try:
        with np.load(path, allow_pickle=False) as npz:
            x, y, group = npz["x"], npz["y"], npz["group"]
            source = npz["source"] if "source" in npz.files else None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as exc:
        raise PenDataError(f"{path} is not DigitPad's rendered pen data ({exc})") from exc
    if x.dtype != np.uint8 or x.ndim != 3 or x.shape[1:] != (28, 28) or not (len(x) == len(y) == len(group)):
        raise PenDataError(f"{path}: arrays of unexpected shapes {x.shape} {y.shape} {group.shape}")
    if source is not None and (source.dtype.kind != "U" or source.shape != y.shape):
        raise PenDataError(f"{path}: sources of unexpected type {source.dtype} {source.shape}")
    if len(y) and int(y.max()) > NOT_A_DIGIT:
        raise PenDataError(f"{path}: labels outside 0-{NOT_A_DIGIT}")
    return PenData(x, y.astype(np.int64), group.astype(np.int64), source)


def conflicts_path() -> Path:
    return resources.asset_path("pen_conflicts.json")


def load_conflicts(path: str | Path | None = None) -> np.ndarray:
    """Groups of the shipped pen data whose non-digit drawing is a digit in another writer's
    style (found by `benchmarks.conflicts`; docs/model.md): left out by `clean_negatives`."""
    path = Path(path) if path is not None else conflicts_path()
    try:
        groups = json.loads(path.read_text(encoding="utf-8"))["groups"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PenDataError(f"{path} is not a list of conflicting pen drawings ({exc})") from exc
    return np.asarray([int(g) for g in groups], np.int64)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render pen-stroke training data once.")
    parser.add_argument("--digits", required=True, help="UNIPEN digits .jsonl.gz (train rows used)")
    parser.add_argument("--other", required=True, help="UNIPEN letters and symbols .jsonl.gz (train rows)")
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=BUILD_SEED)
    parser.add_argument("--style-share", type=float, default=0.0, help="augmented 0, 1, 4, 7 redrawn in other styles")
    args = parser.parse_args(argv)
    try:
        digits = read_rows(args.digits, split="train")
        other = read_rows(args.other, split="train")
    except PenDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    data = build(digits, other, seed=args.seed, style_share=args.style_share)
    save(data, args.out)
    counts = np.bincount(data.y, minlength=11)
    print(
        f"{len(data.y)} renderings from {len(digits)} digits and {len(other)} other characters; "
        f"per class {counts.tolist()}; written to {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
