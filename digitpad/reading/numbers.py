"""Reading a number: one drawing (or one picture) of one or many digits -> its digits, left to right.

Segmentation by recognition. The ink is cut into pieces (`pieces`); pieces are sorted left to
right and every run of up to MAX_PIECES_PER_DIGIT neighbouring pieces is a candidate digit:
rendered the MNIST way, it is scored by the recogniser (how sure it is of its best digit; "not a
digit" scores low) and by its shape (`scoring`). Dynamic programming over the candidates finds
the best whole reading, and a few rules, each pinned by a test, correct what the search alone
gets wrong (a digit with a stray mark, a letter of digit-like strokes, a dot). Candidates are
cached by their ink, so a new stroke costs only the candidates that contain it.

Qt-free: NumPy and Pillow, with the model behind a `classify(images) -> probabilities` function."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
from PIL import Image

from digitpad.classes import NOT_A_DIGIT
from digitpad.reading.answers import DigitReading, NumberReading, Prediction
from digitpad.reading.memory import MemoryNote
from digitpad.reading.pieces import (
    MAX_PIECES,
    Piece,
    box_of,
    column_runs,
    cut_runs,
    extent,
    group_strokes,
    stroke_pieces,
    width_of,
    writing_height,
)
from digitpad.reading.preprocess import finite_strokes, ink_to_mnist, is_sparse, strokes_to_mnist, to_ink
from digitpad.reading.scoring import (
    TOUCH,
    WIDE_FROM,
    Span,
    best_path,
    candidate_spans,
    digit_score,
    is_dot,
    meet,
    overlap,
    shape_score,
)

log = logging.getLogger(__name__)

DIGIT_PENALTY = 0.5  # for every digit: two readings that explain the ink equally well -> fewer digits
WHOLE_BONUS = 1.0  # for reading the whole drawing as one digit: most drawings in the Draw tab are one
SURE_WHOLE = 0.95  # a whole drawing read this surely as a digit outweighs a reading with a stray mark
SURE_DIGIT = 0.99  # ... and, no wider than WIDE_FROM, any reading of its parts
ONE_CHARACTER = 0.8  # x height: a drawing no wider than this is one character (two digits are wider)
ONE_CHARACTER_WITH_MARK = 1.2  # ... or this, when a part of it is no digit (an H's bar, a K's arms)
# Letters made of digit-like strokes (NumberReader._letter_like).
LETTER_PARTS = (1, None)  # what a letter's parts read as alone: 1s (V, H, K, n, u, w) or not a digit

Scored = tuple[Any, Any]  # (28x28 image or None, probabilities or None)
Decide = Callable[[np.ndarray], tuple[int | None, float]]


@dataclass(frozen=True)
class Ink:
    """What the search needs of one drawing or picture: `render(group)` -> (cache key, a function
    drawing its 28x28 image); `make(group, image, probs)` -> its DigitReading; `meet(left, right)`
    whether two groups touch (drawings only: letters of digit-like strokes)."""

    render: Callable[[list[Piece]], tuple[Any, Callable[[], Any]]]
    make: Callable[[list[Piece], Any, Any], DigitReading]
    meet: Callable[[list[Piece], list[Piece]], bool] | None = None


class NumberReader:
    """Reads drawings and pictures with one classifier; remembers the candidates it has scored."""

    def __init__(
        self,
        classify: Callable[[np.ndarray], np.ndarray],
        decide: Decide,
        cache_size: int = 4096,
        note: Callable[[np.ndarray], MemoryNote | None] | None = None,
    ):
        self._classify = classify  # (N, 28, 28) float32 -> (N, classes) probabilities
        self._decide = decide  # probabilities -> (digit or None, confidence)
        self._note = note  # probabilities -> what the writer memory did to them
        self._cache: OrderedDict[Any, Scored] = OrderedDict()
        self._cache_size = cache_size
        self._pictures_read = 0

    def forget(self) -> None:
        """Score every candidate afresh (the answers changed: the writer memory learnt something)."""
        self._cache.clear()

    # -- drawings --------------------------------------------------------------------------
    def read_strokes(self, strokes: Any) -> NumberReading | None:
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

        def render(group: list[Piece]) -> tuple[Any, Callable[[], Any]]:
            polylines = group_strokes(strokes, group)
            key = ("s", *(p.tobytes() for p in polylines))
            return key, lambda: strokes_to_mnist(polylines, smooth=rough, size=height)

        def make(group: list[Piece], image: Any, probs: Any) -> DigitReading:
            polylines = group_strokes(strokes, group)
            return DigitReading(
                self._predict(image, probs), box_of(group), tuple(tuple(map(tuple, s.tolist())) for s in polylines)
            )

        def touch(left: list[Piece], right: list[Piece]) -> bool:
            a = np.concatenate(group_strokes(strokes, left))
            b = np.concatenate(group_strokes(strokes, right))
            return meet(a, b, height)

        # A wide stroke that surely reads as one digit alone (a 2 with a long base, a wide 5) is
        # not cut: its parts read as digits too ("123" was 1523). Read again without its cuts;
        # mostly from the cache (a group of all of a stroke's pieces renders as the whole stroke,
        # so the first reading scored it and its neighbours with it).
        wholes = [
            (Piece(s, 0, len(strokes[s]) - 1, *extent(strokes[s])), [p for p in pieces if p.stroke == s])
            for s in sorted({p.stroke for p in pieces if p.start > 0})
        ]
        return self._read_uncut(pieces, wholes, SURE_WHOLE, height, Ink(render, make, touch))

    # -- pictures --------------------------------------------------------------------------
    def read_picture(self, picture: Any) -> NumberReading | None:
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

        def render(group: list[Piece]) -> tuple[Any, Callable[[], Any]]:
            x0, x1 = int(min(p.start for p in group)), int(max(p.end for p in group))
            return ("p", picture_id, x0, x1), lambda: ink_to_mnist(ink[:, x0:x1])

        def make(group: list[Piece], image: Any, probs: Any) -> DigitReading:
            x0, y0, x1, y1 = box_of(group)
            return DigitReading(self._predict(image, probs), (x0 * factor, y0 * factor, x1 * factor, y1 * factor))

        # As with a wide stroke: a run of inked columns that reads as one digit alone at 99% or
        # more is not cut (photos of a wide 8 and of a 2 with a long base read "95" and "121";
        # two touching digits read whole as one at 95-98%: "44" as a 4, "95" as a 5).
        wholes = [(run, [p for p in pieces if run.start <= p.start < run.end]) for run in runs if run not in pieces]
        return self._read_uncut(pieces, wholes, SURE_DIGIT, height, Ink(render, make))

    # -- the search ------------------------------------------------------------------------
    def _read_uncut(
        self, pieces: list[Piece], wholes: list[tuple[Piece, list[Piece]]], sure: float, height: float, ink: Ink
    ) -> NumberReading | None:
        """The reading of `pieces`, again with each whole (a stroke or a run of ink that was cut,
        paired with its pieces) that alone reads as one digit at `sure` or more put back uncut.
        The wholes are scored in the first reading's model call."""
        reading = self._read(pieces, height, ink, also=[whole for whole, _parts in wholes])
        read = self._scored([ink.render([whole]) for whole, _parts in wholes])  # from the cache
        uncut = [
            (w, parts) for (w, parts), (_img, probs) in zip(wholes, read, strict=True) if self._sure_digit(probs, sure)
        ]
        if not uncut:
            return reading
        dropped = {id(p) for _whole, parts in uncut for p in parts}
        pieces = [p for p in pieces if id(p) not in dropped] + [whole for whole, _parts in uncut]
        return self._read(pieces, height, ink)

    def _predict(self, image: Any, probs: Any) -> Prediction:
        digit, confidence = self._decide(probs)
        return Prediction(digit, confidence, probs, image, self._note(probs) if self._note else None)

    def _scored(self, candidates: Sequence[tuple[Any, Callable[[], Any]]]) -> list[Scored]:
        """(image, probabilities) for each (key, render) candidate; one model call for the new ones."""
        out: list[Scored | None] = [None] * len(candidates)
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
                self._cache[key] = out[i]  # type: ignore[assignment]
        for i, (key, _draw) in enumerate(candidates):
            if out[i] is None:  # a repeat of a group drawn for an earlier candidate of this call
                out[i] = self._cache[key]
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return out  # type: ignore[return-value]

    def _read(self, pieces: list[Piece], height: float, ink: Ink, also: Sequence[Piece] = ()) -> NumberReading | None:
        """The best reading of `pieces`: score the candidates, find the best path, apply the rules.
        `also`: more pieces to score, each alone, in the same model call (for the cache: one call
        costs about as much as several images)."""
        pieces = sorted(pieces, key=lambda p: (p.center, p.x0))
        spans = candidate_spans(pieces, height)
        scored = self._scored([ink.render(pieces[i:j]) for i, j in spans] + [ink.render([piece]) for piece in also])
        results = dict(zip(spans, scored[: len(spans)], strict=True))
        score = self._span_scores(results, pieces, height)
        chosen = best_path(score, pieces, height) if score else None
        if chosen is None:
            return None
        chosen = self._corrected(chosen, results, pieces, height, ink)
        return NumberReading(tuple(ink.make(pieces[i:j], *results[i, j]) for i, j in chosen))

    def _span_scores(self, results: dict[Span, Scored], pieces: list[Piece], height: float) -> dict[Span, float]:
        """Each candidate's score: how well it reads, its shape, a cost per digit, a bonus for
        the whole drawing; no score for two digits that merely touch."""
        score = {}
        for (i, j), (image, probs) in results.items():
            if image is None:
                continue
            score[i, j] = digit_score(probs) + shape_score(pieces[i:j], height) - DIGIT_PENALTY
        for i, j in list(score):
            if j - i > 1 and self._two_digits(results, pieces, i, j, height):
                del score[i, j]  # not a candidate: two digits that touch
        n = len(pieces)
        if (0, n) in score:
            score[0, n] += WHOLE_BONUS
        return score

    # -- the rules after the search ----------------------------------------------------------
    def _corrected(
        self, chosen: list[Span], results: dict[Span, Scored], pieces: list[Piece], height: float, ink: Ink
    ) -> list[Span]:
        """The best path, corrected by the rules below, in this order."""
        n = len(pieces)
        answers = [self._decide(results[span][1])[0] for span in chosen]  # None: not a digit
        whole = results.get((0, n))
        whole_probs = whole[1] if whole is not None and whole[0] is not None else None
        width = width_of(pieces)
        if len(chosen) > 1 and self._digit_with_a_mark(answers, whole_probs, width, height):
            chosen, answers = [(0, n)], [self._decide(whole_probs)[0]]  # type: ignore[arg-type]
        if len(chosen) > 1 and self._one_character(answers, whole_probs, width, height):
            chosen, answers = [(0, n)], [None]
        if len(chosen) > 1 and self._no_digit_as_a_whole(chosen, answers, results, pieces, ink):
            chosen = [(0, n)]
        if len(chosen) > 1:
            # A dot or a speck too far from the digits to go with one (a full stop after the
            # number, the pen touching the tablet) is no part of the reading: no digit (enlarged
            # to 28x28, a dot looks like a 0), nor "not a digit" (test_a_dot_far_from_the_digits_is_left_out).
            chosen = [(i, j) for i, j in chosen if not is_dot(pieces[i:j], height)] or chosen
        return chosen

    def _digit_with_a_mark(self, answers: list[int | None], whole_probs: Any, width: float, height: float) -> bool:
        """A digit and a stray mark (a slip of the pen, a dot) read as the digit plus a part that
        is not one: when the whole drawing reads as a sure digit, that is the answer. So it is,
        whatever its parts read, when the whole is no wider than one digit and read surer still
        (a photo of an S-shaped 5, cut at a thin column, was "51").
        test_a_sure_digit_with_a_stray_mark_stays_one_digit, test_photos' S-shaped 5."""
        return self._sure_digit(whole_probs) and (
            None in answers or width <= WIDE_FROM * height and self._sure_digit(whole_probs, SURE_DIGIT)
        )

    def _one_character(self, answers: list[int | None], whole_probs: Any, width: float, height: float) -> bool:
        """One character's box that, whole, surely is no digit (an R, a K, a %) is one "not a
        digit", however well its strokes read as digits alone (an R's stem and its "3"); a little
        wider when a part is no digit either (a K's stem, and its arms apart from it). Not when
        every part is a 1: 1s written close together are still "11" (an "ll" is no negative
        either: it looks like digits).
        test_one_character_that_surely_is_no_digit_is_not_split_into_digits."""
        return (
            whole_probs is not None
            and width <= (ONE_CHARACTER_WITH_MARK if None in answers else ONE_CHARACTER) * height
            and len(whole_probs) > NOT_A_DIGIT
            and whole_probs[NOT_A_DIGIT] >= SURE_WHOLE
            and self._is_not_digit(whole_probs)  # the model card's threshold may be higher still
            and any(answer != 1 for answer in answers)
        )

    def _no_digit_as_a_whole(
        self, chosen: list[Span], answers: list[int | None], results: dict[Span, Scored], pieces: list[Piece], ink: Ink
    ) -> bool:
        """The drawing is not a digit, as one answer, if it has no digit in any part, or if it is
        letter-like and the whole reads "not a digit" (scored now if it was too wide to be a
        candidate: only then, a number never pays for it).
        test_a_letter_of_digit_like_strokes_is_not_a_digit."""
        no_digit = all(answer is None for answer in answers)
        if not (no_digit or self._letter_like(chosen, answers, pieces, ink.meet)):
            return False
        n = len(pieces)
        if (0, n) not in results:
            (results[0, n],) = self._scored([ink.render(pieces)])
        whole_image, whole_probs = results[0, n]
        return whole_image is not None and (no_digit or self._is_not_digit(whole_probs))

    def _two_digits(self, results: dict[Span, Scored], pieces: list[Piece], i: int, j: int, height: float) -> bool:
        """Whether pieces[i:j], read as one digit, is rather two side by side: split somewhere into
        two parts that merely touch (overlap by no more than TOUCH x height), each read as a digit
        more surely than the whole. A 1 touching an 8 was read as one 8 at 28-89% ("81" as 8). The
        parts of one digit overlap more (a 4's stem crosses its bar, a 5's hat spans its body) or
        read less surely than the digit they make. test_two_digits_that_merely_touch_are_two."""
        digit, confidence = self._decide(results[i, j][1])
        if digit is None:
            return False
        for k in range(i + 1, j):
            if overlap(pieces[i:k], pieces[k:j]) > TOUCH * height:
                continue
            parts = [results.get(span) for span in ((i, k), (k, j))]
            if all(part is not None and part[0] is not None for part in parts):
                answers = [self._decide(part[1]) for part in parts]  # type: ignore[index]
                if all(d is not None and c > confidence for d, c in answers):
                    return True
        return False

    def _sure_digit(self, probs: Any, sure: float = SURE_WHOLE) -> bool:
        if probs is None:
            return False
        digit, confidence = self._decide(probs)
        return digit is not None and confidence >= sure

    def _is_not_digit(self, probs: Any) -> bool:
        return self._decide(probs)[0] is None

    @staticmethod
    def _letter_like(
        chosen: list[Span],
        answers: list[int | None],
        pieces: list[Piece],
        touch: Callable[[list[Piece], list[Piece]], bool] | None,
    ) -> bool:
        """A letter drawn with digit-like strokes ("V" as 11, "H" as 1?1, "u" as 111, "a" as 01):
        every part touches or stacks on its neighbour and some part is a 1 or not a digit. Digits
        of a number seldom touch (and then, in the dev data, never a 1)."""
        return (
            touch is not None
            and any(answer in LETTER_PARTS for answer in answers)
            and all(touch(pieces[a:b], pieces[c:d]) for (a, b), (c, d) in pairwise(chosen))
        )


def picture_of(image: np.ndarray) -> Image.Image:
    """A float ink map (1 = ink) as a dark-on-light picture (tests, benchmarks)."""
    return Image.fromarray(((1.0 - np.clip(image, 0, 1)) * 255).astype(np.uint8), "L")
