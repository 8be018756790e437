"""Strokes or a picture of a digit -> a 28x28 image the way MNIST was made.

MNIST's recipe (LeCun et al.): the digit's bounding box is scaled, keeping its aspect ratio,
so that its longer side is 20 pixels, anti-aliased, and placed in a 28x28 field with its centre
of mass at the centre. DigitPad adds one step MNIST did not need: stroke thickness is
normalised, because a pen on a 400-pixel canvas, a finger and a 3-pixel scan all differ in
width while MNIST's strokes are about the same everywhere.

Everything here is NumPy and Pillow: no Qt, no TensorFlow."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageOps, UnidentifiedImageError

from digitpad.reading.paper import find_ink
from digitpad.storage.files import not_a_regular_file

SIZE = 28
BOX = 20.0  # the longer side of the digit's bounding box, ink included
CENTER = 14.0  # MNIST's mean centre of mass, in pixel-index coordinates (measured: 14.0, 14.0)
STROKE_WIDTH = 2.4  # pen width in output pixels, tuned on the dev pen strokes (see benchmarks)
SUPERSAMPLE = 8  # render at 8x and box-filter down: anti-aliasing
SPARSE = 0.15  # most points this far apart (x the drawing's size, or the writing's height): a rough tablet's
SPLINE_STEPS = 4  # ... drawn through a spline with this many points per segment

Point = Sequence[float]
Stroke = Sequence[Point]


def is_blank(strokes: Sequence[Stroke] | None) -> bool:
    return not strokes or not any(len(s) for s in strokes)


def finite_strokes(strokes: Any) -> list[np.ndarray]:
    """The strokes as (n, 2) float arrays without points that are not finite numbers (a broken
    tablet driver, a damaged file) and without empty strokes."""
    out = []
    for stroke in strokes or ():
        if not len(stroke):
            continue
        pts = np.asarray([p[:2] for p in stroke], dtype=np.float64).reshape(-1, 2)
        pts = pts[np.isfinite(pts).all(axis=1)]
        if len(pts):
            out.append(pts)
    return out


def _points(strokes: Sequence[Any]) -> np.ndarray:
    return np.array([p[:2] for s in strokes for p in s], dtype=np.float64)


def catmull_rom(points: np.ndarray, steps: int = SPLINE_STEPS) -> np.ndarray:
    """The Catmull-Rom spline through `points` (n, 2), `steps` points per segment, ends kept."""
    if len(points) < 3:
        return points
    p = np.vstack([2 * points[0] - points[1], points, 2 * points[-1] - points[-2]])
    t = np.linspace(0.0, 1.0, steps, endpoint=False)[None, :, None]
    p0, p1, p2, p3 = (p[i : i + len(points) - 1, None, :] for i in range(4))
    curve = 0.5 * (2 * p1 + (p2 - p0) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2 + (3 * p1 - p0 - 3 * p2 + p3) * t**3)
    return np.vstack([curve.reshape(-1, 2), points[-1:]])


def is_sparse(stroke: np.ndarray, size: float) -> bool:
    """Most of the stroke's points lie over SPARSE x `size` apart: a rough tablet's."""
    if len(stroke) < 3 or not 0 < size < np.inf:
        return False
    steps = np.hypot(*(stroke[1:] - stroke[:-1]).T)  # hypot: no overflow to inf on huge coordinates
    return 2 * np.count_nonzero(steps > SPARSE * size) > len(steps)


def smooth_sparse(strokes: list[np.ndarray], size: float | None = None) -> list[np.ndarray]:
    """A rough tablet records a digit in a few points (8-16), and straight lines between them
    draw corners where the pen drew curves: such strokes (is_sparse for `size`, default the
    drawing's larger side) are drawn through a spline instead (read right: UJI's digits as 8
    points 93.0% -> 94.0%, UNIPEN's 91.5% -> 92.1%). Strokes whose points lie closer (every pen,
    mouse and finger here) are kept as they are."""
    if size is None:
        lo = np.min([s.min(axis=0) for s in strokes], axis=0)
        hi = np.max([s.max(axis=0) for s in strokes], axis=0)
        size = float((hi - lo).max())
    out = []
    for s in strokes:
        spline = catmull_rom(s) if is_sparse(s, size) else s
        out.append(spline if spline is s or np.isfinite(spline).all() else s)  # 1e308s stay as they are
    return out


def _thin(pts: np.ndarray, step: float) -> np.ndarray:
    """The points of a polyline at least about `step` apart along it (ends kept): a fast tablet
    or a long scribble gives thousands of points a quarter of an output pixel apart, and
    drawing each joint costs time without changing a pixel."""
    if len(pts) <= 2:
        return pts
    along = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(pts, axis=0).T))])
    keep = np.concatenate([[True], np.diff(np.floor(along / step)) > 0])
    keep[-1] = True
    return pts[keep]


def _render(
    strokes: list[np.ndarray], origin: np.ndarray, scale: float, offset: np.ndarray, width: float, thin: bool = True
) -> np.ndarray:
    """Draw strokes mapped by (p - origin) * scale + offset (output pixels), anti-aliased;
    `thin`: dense points thinned first (see _thin)."""
    ss = SUPERSAMPLE
    img = Image.new("L", (SIZE * ss, SIZE * ss), 0)
    draw = ImageDraw.Draw(img)
    radius = width * ss / 2
    for stroke in strokes:
        if not len(stroke):
            continue
        pts = ((np.asarray(stroke, dtype=np.float64)[:, :2] - origin) * scale + offset) * ss
        pts = _thin(pts, ss / 2) if thin else pts
        xy = [tuple(p) for p in pts]
        if len(xy) > 1:
            line_width = max(1, int(round(width * ss)))
            draw.line(xy, fill=255, width=line_width)
            if line_width > 4:
                # Round joints: a disc at each inner point, of the radius PIL's joint="curve"
                # gives its wedges (half the width less a pixel): the same pixels within 0.1%,
                # in a third of the time (PIL computes each wedge's angles in Python).
                joint = line_width / 2 - 1
                for x, y in xy[1:-1]:
                    draw.ellipse((x - joint, y - joint, x + joint, y + joint), fill=255)
        for x, y in (xy[0], xy[-1]) if len(xy) > 1 else (xy[0],):  # round caps
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    small = img.reduce(ss)  # box filter: each output pixel is the mean of its ss x ss block
    return np.asarray(small, dtype=np.float32) / 255.0


def center_of_mass(image: np.ndarray) -> tuple[float, float]:
    """(row, column) of the ink's centre of mass in pixel-index coordinates."""
    total = float(image.sum())
    if total <= 0:
        return (image.shape[0] - 1) / 2, (image.shape[1] - 1) / 2
    rows, cols = np.indices(image.shape)
    return float((image * rows).sum() / total), float((image * cols).sum() / total)


def strokes_to_mnist(
    strokes: Sequence[Stroke] | Sequence[np.ndarray],
    width: float = STROKE_WIDTH,
    smooth: bool = True,
    thin: bool = True,
    size: float | None = None,
) -> np.ndarray | None:
    """Pen strokes (lists of (x, y), any units, y down) -> float32 (28, 28) in [0, 1], or None
    when there is no ink. Independent of where and how large the digit was drawn, and of the
    pen's width: strokes are re-drawn at a fixed width after scaling. A rough tablet's sparse
    strokes are drawn through a spline (`smooth`, see smooth_sparse: sparse for `size`, default
    the drawing's) and dense ones thinned (`thin`, see _thin); without either, every point is
    joined to the next by a straight line, as the shipped pen data were rendered (so that a
    rebuild reproduces them)."""
    arrays = finite_strokes(strokes)
    if not arrays:
        return None
    if smooth:
        arrays = smooth_sparse(arrays, size)
    pts = _points(arrays)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    extent = float((hi - lo).max())
    scale = (BOX - width) / extent if extent > 0 else 1.0
    # First pass: bounding box centred, to find the centre of mass.
    offset = SIZE / 2 - (hi - lo) / 2 * scale
    first = _render(arrays, lo, scale, offset, width, thin)
    row, col = center_of_mass(first)
    # Second pass: shifted so the centre of mass lands on MNIST's, to the sub-pixel.
    offset = offset + np.array([CENTER - col, CENTER - row])
    return _render(arrays, lo, scale, offset, width, thin)


def to_ink(image: Any) -> np.ndarray:
    """A picture (PIL image or array, any mode) -> float32 2-D ink map in [0, 1], 1 = ink,
    holding only the handwriting: paper read locally (uneven light, shadows), ruled lines,
    border marks and specks left out; dark-on-light and light-on-dark (see `paper`)."""
    return find_ink(image)


def stroke_thickness(ink: np.ndarray) -> float:
    """Estimated stroke width in pixels: twice the inked area over its boundary length."""
    solid = ink > 0.5
    area = int(solid.sum())
    if area == 0:
        return 0.0
    padded = np.pad(solid, 1)
    interior = padded[1:-1, 1:-1] & padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:]
    boundary = int((solid & ~interior).sum())
    return 2.0 * area / max(boundary, 1)


MAX_PICTURE_PIXELS = 40_000_000  # a 8000x5000 photo; larger would take gigabytes to decode


class PictureError(ValueError):
    """A picture DigitPad cannot read; the message is meant for the user."""


# The raster formats DigitPad reads, and only these: Pillow would otherwise hand an EPS or
# PostScript file (whatever its name) to Ghostscript, which can hang or write files.
PICTURE_FORMATS = ("PNG", "JPEG", "BMP", "GIF", "TIFF", "WEBP", "PPM")  # JPEG includes MPO (phones)
# Pillow's own bomb check warns on stderr from 89 megapixels: DigitPad checks the size itself,
# from the header, before decoding (MAX_PICTURE_PIXELS), and says so in words.
Image.MAX_IMAGE_PIXELS = None


def open_picture(path: str | Path) -> Image.Image:
    """Open and decode a picture file, refusing in words what is not one (a FIFO, a folder, an
    EPS), is damaged or is too large to decode safely (checked from the header, before decoding)."""
    try:
        problem = not_a_regular_file(Path(path))
    except FileNotFoundError:
        raise PictureError("no such file") from None
    except OSError as exc:
        raise PictureError(f"cannot be read ({exc.strerror or exc})") from None
    if problem:
        raise PictureError(problem)
    try:
        with Image.open(path, formats=PICTURE_FORMATS) as image:
            width, height = image.size
            if width * height > MAX_PICTURE_PIXELS:
                raise PictureError(
                    f"too large ({width}x{height} pixels; at most {MAX_PICTURE_PIXELS // 1_000_000} megapixels)"
                )
            image.load()
            return ImageOps.exif_transpose(image)
    except UnidentifiedImageError:
        raise PictureError("not an image file DigitPad can read (PNG, JPEG, BMP, GIF, TIFF, WebP)") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise PictureError(f"damaged image ({exc})") from None


WORK_SIDE = 160  # pictures are normalised at 8x the 20 px box: fine control of thickness


def _bbox(mask: np.ndarray) -> tuple[slice, slice]:
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)


def _normalise_thickness(work: Image.Image, width: float) -> Image.Image:
    """Grow or shrink strokes with 3x3 max/min filters (each pass: ~2 px wider or thinner) so
    that they end up about `width` output pixels wide. Strokes within 20% are left alone."""
    wanted = width * WORK_SIDE / BOX
    have = stroke_thickness(np.asarray(work, dtype=np.float32) / 255.0)
    if have <= 0 or 0.8 <= have / wanted <= 1.25:
        return work
    steps = int(round((wanted - have) / 2))
    if steps < 0:
        steps = max(steps, -int(have / 2 - 1))  # never erode a stroke away
    pass_filter = ImageFilter.MaxFilter(3) if steps > 0 else ImageFilter.MinFilter(3)
    for _ in range(abs(steps)):
        work = work.filter(pass_filter)
    return work


def image_to_mnist(image: Any, width: float = STROKE_WIDTH) -> np.ndarray | None:
    """A picture of one digit -> float32 (28, 28) in [0, 1], or None when it holds no ink."""
    return ink_to_mnist(to_ink(image), width)


def ink_to_mnist(ink: np.ndarray, width: float = STROKE_WIDTH) -> np.ndarray | None:
    """An ink map (`to_ink`: 1 = ink) of one digit -> float32 (28, 28) in [0, 1], or None."""
    if ink.max() <= 0:
        return None
    crop = ink[_bbox(ink > 0.2 * ink.max())]
    # Work at 160 px on the longer side, with a margin for thickening.
    factor = WORK_SIDE / max(crop.shape)
    size = (max(1, round(crop.shape[1] * factor)), max(1, round(crop.shape[0] * factor)))
    pic = Image.fromarray((crop * 255).astype(np.uint8), "L")
    resample = Image.Resampling.BILINEAR if factor >= 1 else Image.Resampling.LANCZOS
    work = Image.new("L", (size[0] + 2 * WORK_SIDE // 4, size[1] + 2 * WORK_SIDE // 4), 0)
    work.paste(pic.resize(size, resample), (WORK_SIDE // 4, WORK_SIDE // 4))
    work = _normalise_thickness(work, width)
    arr = np.asarray(work, dtype=np.float32) / 255.0
    if not (arr > 0.2).any():  # faint specks only
        return None
    arr = arr[_bbox(arr > 0.2)]
    # Scale the longer side to 20 px (anti-aliased), then centre the mass on MNIST's centre.
    h, w = arr.shape
    scale = BOX / max(h, w)
    nh, nw = max(1, int(round(h * scale))), max(1, int(round(w * scale)))
    small = Image.fromarray((arr * 255).astype(np.uint8), "L").resize((nw, nh), Image.Resampling.LANCZOS)
    small_arr = np.clip(np.asarray(small, dtype=np.float32) / 255.0, 0, 1)
    row, col = center_of_mass(small_arr)
    canvas = Image.new("F", (SIZE, SIZE), 0.0)
    top, left = CENTER - row, CENTER - col
    itop, ileft = int(np.floor(top)), int(np.floor(left))
    canvas.paste(Image.fromarray(small_arr, "F"), (ileft, itop))
    frac_x, frac_y = left - ileft, top - itop
    shifted = canvas.transform(  # the sub-pixel part of the shift, bilinear
        (SIZE, SIZE), Image.Transform.AFFINE, (1, 0, -frac_x, 0, 1, -frac_y), Image.Resampling.BILINEAR
    )
    return np.clip(np.asarray(shifted, dtype=np.float32), 0.0, 1.0)
