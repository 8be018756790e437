"""Pictures of paper -> where the handwriting is. Photos and scans, not just clean images.

A photo of a page is not "ink on a uniform background": one side of the page is brighter than the
other, the border holds a shadow or the table, the paper may be ruled or squared, the sensor adds
noise. So the paper's brightness is estimated locally (a morphological closing of a downscaled
copy, smoothed: the ink is thinner than the window, so the window's brightest pixel is paper, while
shadows and the page's edge are larger and keep their place),
and ink is how much darker than its own paper a pixel is (less for faint pencil on plain paper).
Ink is then split into connected parts (8-connected, labelled from runs) and what is not
handwriting is left out: ruled and grid lines (straight runs across most of the picture), the
printed boxes of a form, marks along the border (page edges, shadows) when there is handwriting
elsewhere, and specks. Light ink on a dark ground (a blackboard, a negative) is read the same way,
inverted; coloured ink counts by its darkest channel; a much darker desk around the sheet is made
paper.

NumPy and Pillow only: a connected-component labeller from scipy or OpenCV would save a screen
of code but add tens of megabytes to an installer that has 8 MiB left."""

from __future__ import annotations

from typing import Any

import numpy as np
from PIL import Image, ImageFilter

MAX_SIDE = 1200  # larger pictures are reduced first (box filter): 20 px of digit is all the model needs
BACKGROUND_SIDE = 128  # the paper's brightness is estimated at this size (smooth: lighting, shadows)
BACKGROUND_WINDOW = 1 / 8  # of the longer side: wider than any pen stroke, narrower than lighting changes
INK_CONTRAST = 0.35  # a pixel is ink when it is at least this much darker than its paper (fraction):
# pens, markers and chalk are far darker (0.6-0.9); paper texture, walls and JPEG noise are not
FAINT_SHARE = 0.6  # ... or, for faint writing (pencil: 0.3-0.45), this share of the picture's darkest
FAINT_FLOOR = 0.2  # ink, never below this
FAINT_MIN_PART = 0.04  # of the longer side: faint ink's smaller parts are the paper's (bits of lines)
FRAME_SIDE = 0.1  # of the shorter side: a printed box for handwriting is at least this large
FRAME_LINE = 0.8  # ... and its sides are straight lines along this much of it (askew: of its box)
FRAME_EDGE = 0.15  # ... within this share of its box's height (width) from the box's sides
PAGE_SHARE = (0.08, 0.95)  # a sheet on a desk covers this share of the photo (the rest, 5% at least: the desk),
PAGE_SIDE = 0.25  # ... at least this share of its width and of its height,
PAGE_SOLID = 0.7  # ... filling at least this share of its box, writing and all (a thick MNIST 0 fills 0.6),
PAGE_DARKER = 0.4  # ... and the desk is at most this bright next to it (a shadow is lighter)
LINE_LENGTH = 0.75  # a straight run over this fraction of the picture's width (height) is a ruled line
MIN_PART = 0.025  # of the longer side: smaller parts are specks (dust, JPEG blocks, grid crossings)
EDGE_BAND = 0.06  # a part touching the border and thinner than this (of the side) is the page's edge
SPECK = 0.05  # parts with less than this fraction of the largest part's ink are specks
FAINTER = 0.6  # parts whose mean contrast is below this share of the strongest part's are not writing


def over_white(image: Image.Image) -> Image.Image:
    """A picture with transparency laid over white paper (RGBA); others as they are."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        return Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
    return image


def wide_levels(image: Image.Image) -> np.ndarray | None:
    """A 16-bit or 32-bit single-channel picture as floats in [0, 1] (Pillow's convert() would
    clip it to 8 bits); None for the 8-bit modes."""
    if image.mode not in ("I;16", "I;16B", "I;16L", "I", "F"):
        return None
    arr = np.asarray(image, dtype=np.float64)
    top = 65535.0 if image.mode.startswith("I;16") or arr.max() > 255 else 255.0
    return np.clip(arr / top, 0, 1)


def gray_of(image: Any) -> np.ndarray:
    """Float 2-D in [0, 1], dark ink on light paper whatever the picture: transparency over white,
    16-bit and CMYK handled; colours by their darkest channel (blue or red ink is dark)."""
    if isinstance(image, Image.Image):
        image = over_white(image)
        levels = wide_levels(image)
        if levels is not None:
            channels = levels[..., None]
        else:
            channels = np.asarray(image.convert("RGB"), dtype=np.float64) / 255.0
    else:
        arr = np.asarray(image, dtype=np.float64)
        if arr.ndim == 3:
            arr = arr[..., :3]
        channels = arr / 255.0 if arr.size and arr.max() > 1.0 else arr
        if channels.ndim == 2:
            channels = channels[..., None]
    if channels.ndim != 3 or min(channels.shape[:2]) < 1:
        raise ValueError("not a 2-D image")
    luminance = channels.mean(axis=2)
    page = _page(luminance)
    if page is not None:  # a sheet on a darker desk: the desk is made paper, the sheet read as it is
        gray = channels.min(axis=2)
        return np.where(page, gray, np.median(gray[page])).astype(np.float32)
    if np.median(luminance) < 0.5:  # light ink on a dark ground: read it inverted
        return (1.0 - channels.max(axis=2)).astype(np.float32)
    return channels.min(axis=2).astype(np.float32)


def _otsu(values: np.ndarray, bins: int = 64) -> float:
    """The level that best splits `values` in [0, 1] into two classes (Otsu's method)."""
    counts, edges = np.histogram(values, bins=bins, range=(0.0, 1.0))
    p = counts / max(counts.sum(), 1)
    centres = (edges[:-1] + edges[1:]) / 2
    w0 = np.cumsum(p)
    mu = np.cumsum(p * centres)
    between = (mu[-1] * w0 - mu) ** 2 / np.maximum(w0 * (1 - w0), 1e-12)
    return float(edges[int(np.argmax(between[:-1])) + 1])


def _spans(mask: np.ndarray) -> np.ndarray:
    """Each row of `mask` filled from its first to its last set pixel."""
    cols = np.arange(mask.shape[1])
    first = np.where(mask.any(axis=1), mask.argmax(axis=1), mask.shape[1])
    last = mask.shape[1] - 1 - mask[:, ::-1].argmax(axis=1)
    return (cols >= first[:, None]) & (cols <= last[:, None])


def _page(luminance: np.ndarray) -> np.ndarray | None:
    """Where a sheet of paper lies when the photo takes in a much darker desk or table around it:
    the largest bright part with what lies between its edges (the writing), a little inside them.
    None when the picture is all page (or the sheet's surround is no darker than a shadow, or is
    paper too: the inside of a printed box), or when the bright part is thin strokes (chalk on a
    board) rather than a sheet."""
    h, w = luminance.shape
    small = _shrunk(luminance.astype(np.float32), BACKGROUND_SIDE)
    labels, count = label(small > _otsu(small))
    if count == 0:
        return None
    page = labels == int(np.argmax(np.bincount(labels.ravel())[1:])) + 1
    rows, cols = np.flatnonzero(page.any(axis=1)), np.flatnonzero(page.any(axis=0))
    tall, wide = rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1
    if min(tall / page.shape[0], wide / page.shape[1]) < PAGE_SIDE or page.sum() < PAGE_SOLID * tall * wide:
        return None  # a sheet is large and fills its box; strokes of chalk do not
    page = _spans(page) & _spans(page.T).T  # a sheet is convex: the writing on it, even at its edge
    if not PAGE_SHARE[0] <= page.mean() <= PAGE_SHARE[1]:
        return None
    if small[~page].mean() > PAGE_DARKER * small[page].mean():
        return None
    page = np.asarray(Image.fromarray(page.astype(np.uint8) * 255).filter(ImageFilter.MinFilter(3))) > 0
    return np.asarray(Image.fromarray(page.astype(np.uint8) * 255).resize((w, h), Image.Resampling.NEAREST)) > 0


def _fit(shape: tuple[int, ...], side: int) -> tuple[int, int]:
    """Pillow's (width, height) for a (h, w) picture reduced so that its longer side is at most `side`."""
    h, w = shape[:2]
    factor = max(1.0, max(h, w) / side)
    return max(1, round(w / factor)), max(1, round(h / factor))


def _shrunk(gray: np.ndarray, side: int) -> np.ndarray:
    """A float32 picture box-filtered down so that its longer side is at most `side` (as it is if so)."""
    if max(gray.shape) <= side:
        return gray
    return np.asarray(Image.fromarray(gray, "F").resize(_fit(gray.shape, side), Image.Resampling.BOX), dtype=np.float32)


def paper_brightness(gray: np.ndarray) -> np.ndarray:
    """The paper's brightness under every pixel (same shape as `gray`)."""
    h, w = gray.shape
    size = _fit(gray.shape, BACKGROUND_SIDE)
    eight_bit = Image.fromarray(np.clip(gray * 255 + 0.5, 0, 255).astype(np.uint8), "L")
    small = eight_bit.resize(size, Image.Resampling.BOX)
    window = max(3, int(max(size) * BACKGROUND_WINDOW) | 1)
    window = min(window, 31)
    # A closing: the maximum takes the ink away (it is narrower than the window), the minimum
    # brings back the shape of what is larger (shadows, the page's edge) where it was.
    small = small.filter(ImageFilter.MaxFilter(window)).filter(ImageFilter.MinFilter(window))
    small = small.filter(ImageFilter.BoxBlur(max(1, window // 4)))
    return np.asarray(small.resize((w, h), Image.Resampling.BILINEAR), dtype=np.float32) / 255.0


def label(mask: np.ndarray) -> tuple[np.ndarray, int]:
    """8-connected components of a boolean mask: (labels, count); label 0 is the background.
    Runs of each row are joined to the touching runs of the row above (union-find)."""
    h, w = mask.shape
    padded = np.zeros((h, w + 2), np.int8)
    padded[:, 1:-1] = mask
    diff = np.diff(padded, axis=1)
    rows, starts = np.nonzero(diff == 1)
    _rows, ends = np.nonzero(diff == -1)  # exclusive; same row-major order as the starts
    n = len(rows)
    parent = np.arange(n)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    row_first = np.searchsorted(rows, np.arange(h + 1))
    for r in range(1, h):
        a, a_end = row_first[r - 1], row_first[r]
        b, b_end = row_first[r], row_first[r + 1]
        while a < a_end and b < b_end:
            # 8-connectivity: runs touch when they overlap or meet at a corner.
            if ends[a] >= starts[b] and ends[b] >= starts[a]:
                ra, rb = find(a), find(b)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
            if ends[a] < ends[b]:
                a += 1
            else:
                b += 1
    roots = np.array([find(i) for i in range(n)], dtype=np.int64)
    _unique, ids = np.unique(roots, return_inverse=True)
    labels = np.zeros((h, w), np.int32)
    lengths = ends - starts
    first = np.repeat(np.cumsum(lengths) - lengths, lengths)
    flat = np.repeat(rows * w + starts, lengths) + (np.arange(int(lengths.sum())) - first)
    labels.ravel()[flat] = np.repeat(ids + 1, lengths)  # each run painted with its component's id
    return labels, int(ids.max() + 1) if n else 0


LINE_ANGLES = np.deg2rad(np.arange(-8.0, 8.5, 1.0))  # ruled lines photographed a little askew


def _line_pixels(mask: np.ndarray, length: float = LINE_LENGTH, least: int = 2) -> np.ndarray:
    """Pixels of straight, nearly horizontal lines across most of the picture (ruled paper),
    when there are at least `least` of them: one long straight stroke alone may be a 1 or a 7's
    bar. Found by projecting the ink along each angle: a line is a row of the projection that
    holds over `length` of the width; only its own pixels are removed, not the ink it crosses."""
    h, w = mask.shape
    ys, xs = np.nonzero(mask)
    out = np.zeros_like(mask)
    if len(ys) < length * w:
        return out
    best = None
    for angle in LINE_ANGLES:
        rows = np.round(ys - (xs - w / 2) * np.tan(angle)).astype(np.int64)
        offset = rows.min()
        counts = np.bincount(rows - offset)
        full = np.flatnonzero(counts >= length * w)
        if len(full) and (best is None or len(full) > len(best[1])):
            best = (rows, full + offset)
    if best is None:
        return out
    rows, full = best
    separate = 1 + np.count_nonzero(np.diff(full) > 2)
    if separate < least:
        return out
    on_line = np.isin(rows, np.unique(np.concatenate([full - 1, full, full + 1])))  # +-1: antialiasing
    out[ys[on_line], xs[on_line]] = True
    return out


def _boxes(labels: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(top, left, bottom, right), exclusive, of each labelled part, as arrays of `count`."""
    ys, xs = np.nonzero(labels)
    ids = labels[ys, xs] - 1
    top, left = np.full(count, labels.shape[0]), np.full(count, labels.shape[1])
    bottom, right = np.zeros(count, np.int64), np.zeros(count, np.int64)
    np.minimum.at(top, ids, ys)
    np.minimum.at(left, ids, xs)
    np.maximum.at(bottom, ids, ys + 1)
    np.maximum.at(right, ids, xs + 1)
    return top, left, bottom, right


def _printed_lines(contrast: np.ndarray, faint: float) -> np.ndarray:
    """Ruled and grid lines: long straight runs, horizontal and vertical, looked for in ink
    fainter than the pen's (`faint`: printed lines are lighter and break up at the threshold).
    Where the pen crosses a line it is darker than the line: that ink is not line."""
    fainter = contrast >= faint
    across, down = _line_pixels(fainter), _line_pixels(fainter.T).T
    return _pen_kept(across | down, contrast, across & down)


def _pen_kept(lines: np.ndarray, contrast: np.ndarray, crossings: np.ndarray | None = None) -> np.ndarray:
    """`lines` less where the pen crosses them: there the ink is darker than the line's print
    (but not where two printed lines cross, `crossings`: that print is darker too)."""
    if lines.any():
        level = float(np.median(contrast[lines]))
        darker = contrast >= max(level + 0.15, 1.3 * level)
        lines = lines & ~(darker if crossings is None else darker & ~crossings)
    return lines


def _frame_pixels(labels: np.ndarray, count: int) -> np.ndarray:
    """Printed boxes (a form's fields, a row of boxes for one digit each): parts with at least two
    straight lines across them and two down them, a little askew at most. Their lines' pixels;
    a digit written in the box, touching it or not, is not line and stays. A box partly out of
    the photo has a side fewer."""
    out = np.zeros(labels.shape, bool)
    top, left, bottom, right = _boxes(labels, count)
    h, w = labels.shape
    smallest = FRAME_SIDE * min(h, w)
    for i in np.flatnonzero((bottom - top >= smallest) & (right - left >= smallest)):
        crop = labels[top[i] : bottom[i], left[i] : right[i]] == i + 1
        across = _line_pixels(crop, FRAME_LINE, least=1)
        if not across.any():
            continue
        down = _line_pixels(crop.T, FRAME_LINE, least=1).T
        cut_off = (top[i] == 0, bottom[i] == h, left[i] == 0, right[i] == w)  # by the picture's border
        if _on_all_sides(across, down, cut_off):
            out[top[i] : bottom[i], left[i] : right[i]] |= across | down
    return out


def _on_all_sides(
    across: np.ndarray, down: np.ndarray, cut_off: tuple[bool, bool, bool, bool] = (False, False, False, False)
) -> bool:
    """Lines along the four sides (top, bottom, left, right) of their part's box: a box, not a
    hand-drawn "#" (its lines cross inside and stop short of the sides). One side may be missing
    where the part is `cut_off` by the picture's border."""
    h, w = across.shape
    rows, cols = np.flatnonzero(across.any(axis=1)), np.flatnonzero(down.any(axis=0))
    lined = (
        len(rows) > 0 and rows[0] < FRAME_EDGE * h,
        len(rows) > 0 and rows[-1] >= (1 - FRAME_EDGE) * h,
        len(cols) > 0 and cols[0] < FRAME_EDGE * w,
        len(cols) > 0 and cols[-1] >= (1 - FRAME_EDGE) * w,
    )
    return sum(lined) >= 3 and all(side or cut for side, cut in zip(lined, cut_off, strict=True))


def ink_threshold(contrast: np.ndarray) -> float:
    """How much darker than its paper a pixel must be to be ink: INK_CONTRAST for a pen, less for
    faint writing (pencil), judged by the darkest ink (2 x 2 means, so that noise does not count)."""
    darkest = float(
        ((contrast[1:, 1:] + contrast[:-1, 1:] + contrast[1:, :-1] + contrast[:-1, :-1]) / 4).max(initial=0)
    )
    return min(INK_CONTRAST, max(FAINT_FLOOR, FAINT_SHARE * darkest))


def find_ink(image: Any) -> np.ndarray:
    """A picture -> float32 ink map in [0, 1] (1 = ink) holding only the handwriting; all zeros
    when there is none (a blank page, a wall)."""
    gray = _shrunk(gray_of(image), MAX_SIDE)
    paper = paper_brightness(gray)
    contrast = np.clip((paper - gray) / np.maximum(paper, 0.05), 0.0, 1.0)
    # Ruled and grid lines: on a blank page they are the darkest marks, and what is left of them
    # at a fainter threshold looks like writing; so faint writing is looked for on plain paper.
    lines = _printed_lines(contrast, INK_CONTRAST / 2)
    threshold = INK_CONTRAST
    if not lines.any():
        faint = ink_threshold(contrast)
        if faint < INK_CONTRAST and not _printed_lines(contrast, faint / 2).any():
            threshold = faint
    mask = contrast >= threshold
    # The boxes of a form (looked for before the lines, which may be their sides): what was
    # written in them is read without them.
    lines |= _pen_kept(_frame_pixels(*label(mask)), contrast)
    mask &= ~lines
    labels, count = label(mask)
    if count == 0:
        return np.zeros_like(contrast)
    weights = np.bincount(labels.ravel(), weights=contrast.ravel(), minlength=count + 1)[1:]
    h, w = mask.shape
    top, left, bottom, right = _boxes(labels, count)
    tall, wide = bottom - top, right - left
    # Specks: little ink next to the largest part, or too small to be handwriting at all.
    smallest = MIN_PART if threshold >= INK_CONTRAST else FAINT_MIN_PART
    keep = (weights >= SPECK * weights.max()) & (np.maximum(tall, wide) >= smallest * max(h, w))

    border = np.zeros(count, bool)
    hugging = np.zeros(count, bool)  # thin along the border it touches: the page's edge, a shadow's rim
    for edge, depth in (
        (labels[0], tall / h),
        (labels[-1], tall / h),
        (labels[:, 0], wide / w),
        (labels[:, -1], wide / w),
    ):
        ids = np.unique(edge[edge > 0]) - 1
        border[ids] = True
        hugging[ids] |= depth[ids] < EDGE_BAND
    keep &= ~hugging
    if (keep & ~border).any():  # handwriting away from the border: the border's marks are the page's
        inner = weights[keep & ~border].max()
        keep &= ~border | (weights >= inner)
    # Marks much fainter than the writing are not writing: a shadow's rim or the shaded edge of
    # the page not reaching the border (the picture turned), a smudge. One pen's strokes are
    # equally strong (within 5% on the benchmark's photos); those marks, half as strong.
    strength = weights / np.maximum(np.bincount(labels.ravel(), minlength=count + 1)[1:], 1)
    if keep.any():
        keep &= strength >= FAINTER * strength[keep].max()
    kept = np.concatenate([[False], keep])[labels]
    # The soft edges of the strokes kept (below the contrast threshold) belong to them too.
    near = np.asarray(Image.fromarray(kept.astype(np.uint8) * 255, "L").filter(ImageFilter.MaxFilter(3))) > 0
    # Ink strength: the contrast, stretched so that a pen stroke's core is full ink.
    strong = float(np.percentile(contrast[kept], 90)) if kept.any() else 1.0
    ink = np.clip((contrast - threshold / 2) / max(strong - threshold / 2, 1e-3), 0.0, 1.0)
    return np.where(near & ~lines, ink, 0.0).astype(np.float32)
