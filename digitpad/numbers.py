"""Reading a number: one drawing (or one picture) of one or many digits -> its digits, left to right.

Segmentation by recognition. The ink is cut into pieces: each stroke, wide strokes also at their
turning points (a "00" written without lifting the pen) and, in pictures, runs of inked columns
(touching digits also at their thinnest columns). Pieces are sorted left to right and every run of
up to MAX_PIECES_PER_DIGIT neighbouring pieces is a candidate digit: rendered the MNIST way, it is
scored by the recogniser (how sure it is of its best digit; "not a digit" scores low) and by its
shape (a digit is not much wider than the writing is tall, has no wide gap inside, and does not
overlap its neighbours). Dynamic programming over the candidates finds the best whole reading.
Candidates are cached by their ink, so a new stroke costs only the candidates that contain it.

Qt-free: NumPy and Pillow, with the model behind a `classify(images) -> probabilities` function."""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np
from PIL import Image

from .paper import SPECK
from .pendata import NOT_A_DIGIT
from .preprocess import finite_strokes, ink_to_mnist, is_sparse, strokes_to_mnist, to_ink

MAX_PIECES_PER_DIGIT = 4  # a digit of up to four pieces (strokes or parts of strokes)
MAX_PIECES = 160  # beyond this (a huge scribble) wide strokes are not cut; the search stays bounded
MAX_DIGIT_WIDTH = 2.0  # x the writing's height: no candidate of several pieces is wider
CUT_WIDTH = 1.1  # a stroke wider than this (x height) may hold several digits: cut candidates
CUT_MARGIN = 0.25  # cuts at least this far (x height) from a stroke's ends and from each other
# Shape scores, in the same units as the log-probabilities they are added to.
WIDE_PENALTY = 3.0  # per height of width beyond WIDE_FROM
WIDE_FROM = 1.0
GAP_PENALTY = 6.0  # per height of horizontal gap inside one digit
JOIN_PENALTY = 2.0  # for a digit whose parts stand side by side (overlapping < JOIN_OVERLAP of the narrower)
JOIN_OVERLAP = 0.3
JOIN_FROM = 0.5  # x height: the join penalty grows from this width to full at twice it
OVERLAP_PENALTY = 2.5  # for two neighbouring digits whose extents fully overlap
NOT_DIGIT_COST = 3.0  # a candidate may be "not a digit" (a letter, a scribble), at this cost
DIGIT_PENALTY = 0.5  # for every digit: two readings that explain the ink equally well -> fewer digits
WHOLE_BONUS = 1.0  # for reading the whole drawing as one digit: most drawings in the Draw tab are one
WHOLE_WIDTH = 3.0  # x height: up to this wide, the whole drawing is always a candidate (a letter is
# narrower; a long number is wider and would pay a large render at every pen-up for nothing)
PROB_FLOOR = 1e-6
SURE_WHOLE = 0.95  # a whole drawing read this surely as a digit outweighs a reading with a stray mark
SURE_DIGIT = 0.99  # ... and, no wider than WIDE_FROM, any reading of its parts
ONE_CHARACTER = 0.8  # x height: a drawing no wider than this is one character (two digits are wider)
ONE_CHARACTER_WITH_MARK = 1.2  # ... or this, when a part of it is no digit (an H's bar, a K's arms)
DOT = 0.2  # x height: a part smaller than this both ways is a dot or a speck, not a digit alone
DOT_PENALTY = 4.0
# Letters made of digit-like strokes (NumberReader._letter_like).
LETTER_PARTS = (1, None)  # what a letter's parts read as alone: 1s (V, H, K, n, u, w) or not a digit
TOUCH = 0.05  # x height: two parts this close touch
STACKED = 0.5  # two parts overlapping across more than this share of the narrower are stacked


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


@dataclass(frozen=True)
class DigitReading:
    """One digit of a reading (or a part that is not a digit)."""

    prediction: object  # digitpad.recognizer.Prediction
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in the input's coordinates
    strokes: tuple = ()  # this digit's strokes (drawings), to keep it as a sample

    @property
    def text(self) -> str:
        return "?" if self.prediction.digit is None else str(self.prediction.digit)


@dataclass(frozen=True)
class NumberReading:
    digits: tuple[DigitReading, ...]

    @property
    def text(self) -> str:
        """The number as shown, "?" for a part that is not a digit."""
        return "".join(d.text for d in self.digits)

    @property
    def is_single(self) -> bool:
        return len(self.digits) == 1

    def mapped(self, scale: float, origin: tuple[float, float]) -> NumberReading:
        """The same reading with every box's (x, y) moved to origin + (x, y) * scale."""
        return NumberReading(
            tuple(replace(d, box=tuple(v * scale + origin[i % 2] for i, v in enumerate(d.box))) for d in self.digits)
        )

    def __str__(self) -> str:
        if self.is_single:
            return str(self.digits[0].prediction)
        parts = ", ".join(str(d.prediction) for d in self.digits)
        return f"{self.text} ({parts.replace(' (', ' ').replace(')', '')})"


def _extent(points: np.ndarray) -> tuple[float, float, float, float]:
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
            pieces.append(Piece(index, start, end, *_extent(points[start : end + 1])))
    return pieces


def writing_height(strokes: list[np.ndarray]) -> float:
    """How tall the digits are: the tallest stroke (a 1, the body of a 4), or half the whole
    drawing's height if that is more (an "=" or a row of dashes has no tall stroke), never less
    than a tenth of the drawing's size, so that a row of short marks still has a scale."""
    tallest = max(float(s[:, 1].max() - s[:, 1].min()) for s in strokes)
    pts = np.concatenate(strokes)
    extent = pts.max(axis=0) - pts.min(axis=0)
    return max(tallest, 0.5 * float(extent[1]), 0.1 * float(extent.max()), 1e-6)


def _joined(pieces: list[Piece]) -> list[list]:
    """A group's pieces in drawing order as [stroke, start, end, x0, x1], pieces cut from one
    stroke that still meet joined again (picture columns, stroke -1, stay apart)."""
    out: list[list] = []
    for p in sorted(pieces, key=lambda p: (p.stroke, p.start)):
        if out and p.stroke >= 0 and out[-1][0] == p.stroke and out[-1][2] == p.start:
            out[-1][2:] = [p.end, min(out[-1][3], p.x0), max(out[-1][4], p.x1)]
        else:
            out.append([p.stroke, p.start, p.end, p.x0, p.x1])
    return out


def _group_strokes(strokes: list[np.ndarray], pieces: list[Piece]) -> list[np.ndarray]:
    """The polylines of a group of pieces, in drawing order: a whole stroke renders exactly as
    it was drawn."""
    return [strokes[s][a : b + 1] for s, a, b, _x0, _x1 in _joined(pieces)]


class NumberReader:
    """Reads drawings and pictures with one classifier; remembers the candidates it has scored."""

    def __init__(self, classify: Callable[[np.ndarray], np.ndarray], decide, cache_size: int = 4096):
        from .recognizer import Prediction

        self._classify = classify  # (N, 28, 28) float32 -> (N, classes) probabilities
        self._decide = decide  # probabilities -> (digit or None, confidence)
        self._prediction = Prediction
        self._cache: OrderedDict = OrderedDict()
        self._cache_size = cache_size
        self._pictures_read = 0

    # -- drawings --------------------------------------------------------------------------
    def read_strokes(self, strokes) -> NumberReading | None:
        """None for an empty drawing."""
        strokes = finite_strokes(strokes)
        if not strokes:
            return None
        height = writing_height(strokes)
        # A rough tablet's sparse strokes are drawn through a spline, sparse for the writing's
        # height (a short piece alone would look sparse); cut where their own points turn.
        rough = any(is_sparse(s, height) for s in strokes)
        pieces = stroke_pieces(strokes, height=height)
        if len(pieces) > MAX_PIECES:
            pieces = stroke_pieces(strokes, cut=False, height=height)

        def render(group: list[Piece]):
            polylines = _group_strokes(strokes, group)
            key = ("s", *(p.tobytes() for p in polylines))
            return key, lambda: strokes_to_mnist(polylines, smooth=rough, size=height)

        def make(group: list[Piece], image, probs) -> DigitReading:
            polylines = _group_strokes(strokes, group)
            return DigitReading(
                self._predict(image, probs),
                _box(group),
                tuple(tuple(map(tuple, s.tolist())) for s in polylines),
            )

        def meet(left: list[Piece], right: list[Piece]) -> bool:
            a = np.concatenate(_group_strokes(strokes, left))
            b = np.concatenate(_group_strokes(strokes, right))
            return _meet(a, b, height)

        # A wide stroke that surely reads as one digit alone (a 2 with a long base, a wide 5) is
        # not cut: its parts read as digits too ("123" was 1523). Read again without its cuts;
        # mostly from the cache (a group of all of a stroke's pieces renders as the whole stroke,
        # so the first reading scored it and its neighbours with it).
        wholes = [
            (Piece(s, 0, len(strokes[s]) - 1, *_extent(strokes[s])), [p for p in pieces if p.stroke == s])
            for s in sorted({p.stroke for p in pieces if p.start > 0})
        ]
        return self._read_uncut(pieces, wholes, SURE_WHOLE, height, render, make, meet)

    # -- pictures --------------------------------------------------------------------------
    def read_picture(self, picture) -> NumberReading | None:
        """None for a picture without ink."""
        ink = to_ink(picture)
        if ink.max() <= 0:
            return None
        # Boxes in the picture's own pixels (a large picture is read reduced).
        width = picture.size[0] if isinstance(picture, Image.Image) else np.asarray(picture).shape[1]
        factor = width / ink.shape[1]
        mask = ink > 0.2 * ink.max()
        rows = np.flatnonzero(mask.any(axis=1))
        height = float(rows[-1] - rows[0] + 1)
        runs = column_runs(ink, mask)
        pieces = cut_runs(ink, mask, height, runs)
        if len(pieces) > MAX_PIECES:
            pieces = runs

        self._pictures_read += 1
        picture_id = self._pictures_read  # cache keys of this picture's own, never another's

        def render(group: list[Piece]):
            x0, x1 = int(min(p.start for p in group)), int(max(p.end for p in group))
            return ("p", picture_id, x0, x1), lambda: ink_to_mnist(ink[:, x0:x1])

        def make(group: list[Piece], image, probs) -> DigitReading:
            return DigitReading(self._predict(image, probs), tuple(v * factor for v in _box(group)))

        # As with a wide stroke: a run of inked columns that reads as one digit alone at 99% or
        # more is not cut (photos of a wide 8 and of a 2 with a long base read "95" and "121";
        # two touching digits read whole as one at 95-98%: "44" as a 4, "95" as a 5).
        wholes = [(run, [p for p in pieces if run.start <= p.start < run.end]) for run in runs if run not in pieces]
        return self._read_uncut(pieces, wholes, SURE_DIGIT, height, render, make)

    # -- the search ------------------------------------------------------------------------
    def _read_uncut(self, pieces, wholes, sure: float, height, render, make, meet=None):
        """The reading of `pieces`, again with each whole (a stroke or a run of ink that was cut,
        paired with its pieces) that alone reads as one digit at `sure` or more put back uncut.
        The wholes are scored in the first reading's model call."""
        reading = self._read(pieces, height, render, make, meet, also=[whole for whole, _parts in wholes])
        read = self._scored([render([whole]) for whole, _parts in wholes])  # from the cache
        uncut = [
            (w, parts) for (w, parts), (_img, probs) in zip(wholes, read, strict=True) if self._sure_digit(probs, sure)
        ]
        if not uncut:
            return reading
        dropped = {id(p) for _whole, parts in uncut for p in parts}
        pieces = [p for p in pieces if id(p) not in dropped] + [whole for whole, _parts in uncut]
        return self._read(pieces, height, render, make, meet)

    def _predict(self, image, probs):
        digit, confidence = self._decide(probs)
        return self._prediction(digit, confidence, probs, image)

    def _scored(self, candidates: list[tuple]) -> list[tuple]:
        """(image, probabilities) for each (key, render) candidate; one model call for the new ones."""
        out: list = [None] * len(candidates)
        todo, drawn = [], set()
        for i, (key, draw) in enumerate(candidates):
            if key is not None and key in self._cache:
                self._cache.move_to_end(key)
                out[i] = self._cache[key]
            elif key is None or key not in drawn:  # the same group twice in one call: drawn once
                todo.append((i, key, draw()))
                drawn.add(key)
        images = [img for _i, _k, img in todo if img is not None]
        probs = iter(self._classify(np.stack(images)) if images else ())
        for i, key, image in todo:
            out[i] = (image, next(probs) if image is not None else None)
            if key is not None:
                self._cache[key] = out[i]
        for i, (key, _draw) in enumerate(candidates):
            if out[i] is None:  # a repeat of a group drawn for an earlier candidate of this call
                out[i] = self._cache[key]
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return out

    def _read(self, pieces: list[Piece], height: float, render, make, meet=None, also=()) -> NumberReading | None:
        """The best reading of `pieces`; `also`: more pieces to score, each alone, in the same
        model call (for the cache: one call costs about as much as several images)."""
        pieces = sorted(pieces, key=lambda p: (p.center, p.x0))
        n = len(pieces)
        spans = [
            (i, j)
            for j in range(1, n + 1)
            for i in range(max(0, j - MAX_PIECES_PER_DIGIT), j)
            if j - i == 1 or _width(pieces[i:j]) <= MAX_DIGIT_WIDTH * height
        ]
        width = _width(pieces)  # the whole drawing's
        if (0, n) not in spans and width <= WHOLE_WIDTH * height:
            spans.append((0, n))  # the whole drawing is a candidate (one digit, or none) unless long
        scored = self._scored([render(pieces[i:j]) for i, j in spans] + [render([piece]) for piece in also])
        results = dict(zip(spans, scored[: len(spans)], strict=True))
        score = {}
        for (i, j), (image, probs) in results.items():
            if image is None:
                continue
            score[i, j] = _digit_score(probs) + _shape_score(pieces[i:j], height) - DIGIT_PENALTY
        for i, j in list(score):
            if j - i > 1 and self._two_digits(results, pieces, i, j, height):
                del score[i, j]  # not a candidate: two digits that touch
        if not score:
            return None
        if (0, n) in score:
            score[0, n] += WHOLE_BONUS
        # best[(i, j)]: the best reading of pieces[:j] whose last digit is pieces[i:j].
        best: dict[tuple[int, int], tuple[float, tuple[int, int] | None]] = {}
        for i, j in sorted(score, key=lambda s: s[1]):
            if i == 0:
                best[i, j] = (score[i, j], None)
                continue
            options = [
                (best[k, i][0] - _overlap_penalty(pieces[k:i], pieces[i:j], height), (k, i))
                for k in range(max(0, i - MAX_PIECES_PER_DIGIT), i)
                if (k, i) in best
            ]
            if options:
                value, back = max(options, key=lambda o: o[0])
                best[i, j] = (value + score[i, j], back)
        ends = [key for key in best if key[1] == n]
        if not ends:
            return None
        span: tuple[int, int] | None = max(ends, key=lambda key: best[key][0])
        chosen = []
        while span is not None:
            chosen.append(span)
            span = best[span][1]
        chosen.reverse()
        answers = [self._decide(results[span][1])[0] for span in chosen]  # None: not a digit
        whole = results.get((0, n))
        whole_probs = whole[1] if whole is not None and whole[0] is not None else None
        if (
            len(chosen) > 1
            and self._sure_digit(whole_probs)
            and (None in answers or width <= WIDE_FROM * height and self._sure_digit(whole_probs, SURE_DIGIT))
        ):
            # A digit and a stray mark (a slip of the pen, a dot) read as the digit plus a part
            # that is not one: when the whole drawing reads as a sure digit, that is the answer.
            # So it is, whatever its parts read, when the whole is no wider than one digit and
            # read surer still (a photo of an S-shaped 5, cut at a thin column, was "51").
            chosen, answers = [(0, n)], [self._decide(whole_probs)[0]]
        if (
            len(chosen) > 1
            and whole_probs is not None
            and width <= (ONE_CHARACTER_WITH_MARK if None in answers else ONE_CHARACTER) * height
            and len(whole_probs) > NOT_A_DIGIT
            and whole_probs[NOT_A_DIGIT] >= SURE_WHOLE
            and self._is_not_digit(whole_probs)  # the model card's threshold may be higher still
            and any(answer != 1 for answer in answers)
        ):
            # One character's box that, whole, surely is no digit (an R, a K, a %) is one "not a
            # digit", however well its strokes read as digits alone (an R's stem and its "3"); a
            # little wider when a part is no digit either (a K's stem, and its arms apart from it).
            # Not when every part is a 1: 1s written close together are still "11" (an "ll" is
            # no negative either: it looks like digits).
            chosen = [(0, n)]
            answers = [None]
        no_digit = all(answer is None for answer in answers)
        if len(chosen) > 1 and (no_digit or self._letter_like(chosen, answers, pieces, meet)):
            # The drawing is not a digit, as one answer, if the whole reads so (scored now if it
            # was too wide to be a candidate: only then, a number never pays for it). With no
            # digit in any part, it is one "not a digit" whatever the whole reads.
            if (0, n) not in results:
                (results[0, n],) = self._scored([render(pieces)])
            whole_image, whole_probs = results[0, n]
            if whole_image is not None and (no_digit or self._is_not_digit(whole_probs)):
                chosen = [(0, n)]
        if len(chosen) > 1:
            # A dot or a speck too far from the digits to go with one (a full stop after the
            # number, the pen touching the tablet) is no part of the reading: no digit (enlarged
            # to 28x28, a dot looks like a 0), nor "not a digit".
            chosen = [(i, j) for i, j in chosen if not _is_dot(pieces[i:j], height)] or chosen
        return NumberReading(tuple(make(pieces[i:j], *results[i, j]) for i, j in chosen))

    def _two_digits(self, results, pieces: list[Piece], i: int, j: int, height: float) -> bool:
        """Whether pieces[i:j], read as one digit, is rather two side by side: split somewhere into
        two parts that merely touch (overlap by no more than TOUCH x height), each read as a digit
        more surely than the whole. A 1 touching an 8 was read as one 8 at 28-89% ("81" as 8). The
        parts of one digit overlap more (a 4's stem crosses its bar, a 5's hat spans its body) or
        read less surely than the digit they make."""
        digit, confidence = self._decide(results[i, j][1])
        if digit is None:
            return False
        for k in range(i + 1, j):
            if _overlap(pieces[i:k], pieces[k:j]) > TOUCH * height:
                continue
            parts = [results.get(span) for span in ((i, k), (k, j))]
            if all(part is not None and part[0] is not None for part in parts):
                answers = [self._decide(part[1]) for part in parts]
                if all(d is not None and c > confidence for d, c in answers):
                    return True
        return False

    def _sure_digit(self, probs, sure: float = SURE_WHOLE) -> bool:
        if probs is None:
            return False
        digit, confidence = self._decide(probs)
        return digit is not None and confidence >= sure

    def _is_not_digit(self, probs) -> bool:
        return self._decide(probs)[0] is None

    @staticmethod
    def _letter_like(chosen, answers, pieces: list[Piece], meet) -> bool:
        """A letter drawn with digit-like strokes ("V" as 11, "H" as 1?1, "u" as 111, "a" as 01):
        every part touches or stacks on its neighbour and some part is a 1 or not a digit. Digits
        of a number seldom touch (and then, in the dev data, never a 1)."""
        return (
            meet is not None
            and any(answer in LETTER_PARTS for answer in answers)
            and all(meet(pieces[a:b], pieces[c:d]) for (a, b), (c, d) in pairwise(chosen))
        )


def column_runs(ink: np.ndarray, mask: np.ndarray) -> list[Piece]:
    """Runs of inked columns, as pieces; specks (under paper.SPECK of the largest run's ink) left out."""
    columns = mask.any(axis=0)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], columns.astype(np.int8), [0]])))
    runs = list(zip(edges[::2], edges[1::2], strict=True))
    weights = [float(ink[:, a:b].sum()) for a, b in runs]
    return [_column_piece(mask, a, b) for (a, b), w in zip(runs, weights, strict=True) if w >= SPECK * max(weights)]


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
        pieces.extend(_column_piece(mask, left, right) for left, right in pairwise([a, *sorted(cuts), b]))
    return pieces


def _column_piece(mask: np.ndarray, a: int, b: int) -> Piece:
    """Columns a to b of a run of inked columns (so every column holds ink), as a piece."""
    rows = np.flatnonzero(mask[:, a:b].any(axis=1))
    return Piece(-1, int(a), int(b), float(a), float(b), float(rows[0]), float(rows[-1] + 1))


def _box(group: list[Piece]) -> tuple[float, float, float, float]:
    return (min(p.x0 for p in group), min(p.y0 for p in group), max(p.x1 for p in group), max(p.y1 for p in group))


def _width(group: list[Piece]) -> float:
    return max(p.x1 for p in group) - min(p.x0 for p in group)


def _digit_score(probs: np.ndarray) -> float:
    """How well a candidate reads: the log-probability of its best digit or, at a cost, of "not
    a digit" (so that a letter is one "not a digit" rather than the ink split into digit-like
    bits, while ink that digits explain well is read as digits)."""
    score = math.log(max(float(np.max(probs[:10])), PROB_FLOOR))
    if len(probs) > 10:
        score = max(score, math.log(max(float(probs[10]), PROB_FLOOR)) - NOT_DIGIT_COST)
    return score


def _is_dot(group: list[Piece], height: float) -> bool:
    box = _box(group)
    return max(box[2] - box[0], box[3] - box[1]) < DOT * height


def _shape_score(group: list[Piece], height: float) -> float:
    width = _width(group) / height
    score = -WIDE_PENALTY * max(0.0, width - WIDE_FROM)
    if _is_dot(group, height):
        score -= DOT_PENALTY  # a dot or a speck is no digit: it belongs to a neighbour (or is a point)
    parts = sorted((x0, x1) for *_run, x0, x1 in _joined(group))  # one digit's parts, left to right
    if len(parts) > 1:
        # The parts of one digit overlap (a 4's two strokes, a 5's hat, a 7's bar); two digits
        # side by side do not. The weakest link counts: the widest gap, or the least overlap.
        weakest = math.inf
        left, right = parts[0]
        for x0, x1 in parts[1:]:
            overlap = min(right, x1) - x0
            weakest = min(weakest, overlap / max(min(x1 - x0, right - left), 0.05 * height))
            if overlap < 0:
                score -= GAP_PENALTY * -overlap / height
            right = max(right, x1)
        # Scaled by width: a narrow group (a 4 whose bar meets its stem) is one digit whatever
        # its parts do; one as wide as two digits is not.
        wide = min(1.0, max(0.0, (width - JOIN_FROM) / JOIN_FROM))
        score -= wide * JOIN_PENALTY * min(1.0, max(0.0, JOIN_OVERLAP - weakest) / JOIN_OVERLAP)
    return score


def _overlap(left: list[Piece], right: list[Piece]) -> float:
    """How far the left group's extent reaches past the right group's start (< 0: a gap)."""
    return max(p.x1 for p in left) - min(p.x0 for p in right)


def _overlap_penalty(left: list[Piece], right: list[Piece], height: float) -> float:
    """Two neighbouring digits whose horizontal extents overlap are less likely two digits."""
    overlap = _overlap(left, right)
    if overlap <= 0:
        return 0.0
    narrower = max(min(_width(left), _width(right)), 0.1 * height)
    return OVERLAP_PENALTY * min(1.0, overlap / narrower)


def _meet(a: np.ndarray, b: np.ndarray, height: float) -> bool:
    """Two parts' points (N, 2) touch (closer than TOUCH x height) or stack (overlap across more
    than STACKED of the narrower: the bars of an "=")."""
    overlap = min(a[:, 0].max(), b[:, 0].max()) - max(a[:, 0].min(), b[:, 0].min())
    if overlap > STACKED * max(min(np.ptp(a[:, 0]), np.ptp(b[:, 0])), 1e-9):
        return True
    reach = TOUCH * height
    if max(a[:, 0].min(), b[:, 0].min()) - min(a[:, 0].max(), b[:, 0].max()) > reach or (
        max(a[:, 1].min(), b[:, 1].min()) - min(a[:, 1].max(), b[:, 1].max()) > reach
    ):
        return False  # their boxes are apart
    a, b = a[:: 1 + len(a) // 300], b[:: 1 + len(b) // 300]  # bounded work for long strokes
    return bool(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2).min() <= reach**2)


def picture_of(image: np.ndarray) -> Image.Image:
    """A float ink map (1 = ink) as a dark-on-light picture (tests, benchmarks)."""
    return Image.fromarray(((1.0 - np.clip(image, 0, 1)) * 255).astype(np.uint8), "L")
