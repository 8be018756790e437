"""How well a group of pieces reads as one digit, by its shape: the scores the number reader adds
to the model's log-probabilities, the geometry of touching and overlapping parts, the candidate
groups of a drawing and the best path through them. Qt-free."""

from __future__ import annotations

import math

import numpy as np

from digitpad.classes import DIGITS, NOT_A_DIGIT
from digitpad.reading.pieces import Piece, box_of, joined, width_of

# Shape scores, in the same units as the log-probabilities they are added to.
WIDE_PENALTY = 3.0  # per height of width beyond WIDE_FROM
WIDE_FROM = 1.0
GAP_PENALTY = 6.0  # per height of horizontal gap inside one digit
JOIN_PENALTY = 2.0  # for a digit whose parts stand side by side (overlapping < JOIN_OVERLAP of the narrower)
JOIN_OVERLAP = 0.3
JOIN_FROM = 0.5  # x height: the join penalty grows from this width to full at twice it
OVERLAP_PENALTY = 2.5  # for two neighbouring digits whose extents fully overlap
NOT_DIGIT_COST = 3.0  # a candidate may be "not a digit" (a letter, a scribble), at this cost
PROB_FLOOR = 1e-6
DOT = 0.2  # x height: a part smaller than this both ways is a dot or a speck, not a digit alone
DOT_PENALTY = 4.0
MAX_PIECES_PER_DIGIT = 4  # a digit of up to four pieces (strokes or parts of strokes)
MAX_DIGIT_WIDTH = 2.0  # x the writing's height: no candidate of several pieces is wider
WHOLE_WIDTH = 3.0  # x height: up to this wide, the whole drawing is always a candidate (a letter is
# narrower; a long number is wider and would pay a large render at every pen-up for nothing)

Span = tuple[int, int]  # pieces[i:j] as one digit
TOUCH = 0.05  # x height: two parts this close touch
STACKED = 0.5  # two parts overlapping across more than this share of the narrower are stacked


def digit_score(probs: np.ndarray) -> float:
    """How well a candidate reads: the log-probability of its best digit or, at a cost, of "not
    a digit" (so that a letter is one "not a digit" rather than the ink split into digit-like
    bits, while ink that digits explain well is read as digits)."""
    score = math.log(max(float(np.max(probs[:DIGITS])), PROB_FLOOR))
    if len(probs) > NOT_A_DIGIT:
        score = max(score, math.log(max(float(probs[NOT_A_DIGIT]), PROB_FLOOR)) - NOT_DIGIT_COST)
    return score


def is_dot(group: list[Piece], height: float) -> bool:
    box = box_of(group)
    return max(box[2] - box[0], box[3] - box[1]) < DOT * height


def shape_score(group: list[Piece], height: float) -> float:
    width = width_of(group) / height
    score = -WIDE_PENALTY * max(0.0, width - WIDE_FROM)
    if is_dot(group, height):
        score -= DOT_PENALTY  # a dot or a speck is no digit: it belongs to a neighbour (or is a point)
    parts = sorted((x0, x1) for *_run, x0, x1 in joined(group))  # one digit's parts, left to right
    if len(parts) > 1:
        # The parts of one digit overlap (a 4's two strokes, a 5's hat, a 7's bar); two digits
        # side by side do not. The weakest link counts: the widest gap, or the least overlap.
        weakest = math.inf
        left, right = parts[0]
        for x0, x1 in parts[1:]:
            shared = min(right, x1) - x0
            weakest = min(weakest, shared / max(min(x1 - x0, right - left), 0.05 * height))
            if shared < 0:
                score -= GAP_PENALTY * -shared / height
            right = max(right, x1)
        # Scaled by width: a narrow group (a 4 whose bar meets its stem) is one digit whatever
        # its parts do; one as wide as two digits is not.
        wide = min(1.0, max(0.0, (width - JOIN_FROM) / JOIN_FROM))
        score -= wide * JOIN_PENALTY * min(1.0, max(0.0, JOIN_OVERLAP - weakest) / JOIN_OVERLAP)
    return score


def overlap(left: list[Piece], right: list[Piece]) -> float:
    """How far the left group's extent reaches past the right group's start (< 0: a gap)."""
    return max(p.x1 for p in left) - min(p.x0 for p in right)


def overlap_penalty(left: list[Piece], right: list[Piece], height: float) -> float:
    """Two neighbouring digits whose horizontal extents overlap are less likely two digits."""
    reach = overlap(left, right)
    if reach <= 0:
        return 0.0
    narrower = max(min(width_of(left), width_of(right)), 0.1 * height)
    return OVERLAP_PENALTY * min(1.0, reach / narrower)


def meet(a: np.ndarray, b: np.ndarray, height: float) -> bool:
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


def candidate_spans(pieces: list[Piece], height: float) -> list[Span]:
    """Every run of up to MAX_PIECES_PER_DIGIT neighbouring pieces no wider than a digit can be,
    and the whole drawing unless it is long."""
    n = len(pieces)
    spans = [
        (i, j)
        for j in range(1, n + 1)
        for i in range(max(0, j - MAX_PIECES_PER_DIGIT), j)
        if j - i == 1 or width_of(pieces[i:j]) <= MAX_DIGIT_WIDTH * height
    ]
    if (0, n) not in spans and width_of(pieces) <= WHOLE_WIDTH * height:
        spans.append((0, n))  # the whole drawing is a candidate (one digit, or none) unless long
    return spans


def best_path(score: dict[Span, float], pieces: list[Piece], height: float) -> list[Span] | None:
    """The spans covering all pieces whose scores, less the overlap between neighbours, add up
    to the most (dynamic programming over the candidates); None when no path covers them."""
    n = len(pieces)
    # best[(i, j)]: the best reading of pieces[:j] whose last digit is pieces[i:j].
    best: dict[Span, tuple[float, Span | None]] = {}
    for i, j in sorted(score, key=lambda s: s[1]):
        if i == 0:
            best[i, j] = (score[i, j], None)
            continue
        options = [
            (best[k, i][0] - overlap_penalty(pieces[k:i], pieces[i:j], height), (k, i))
            for k in range(max(0, i - MAX_PIECES_PER_DIGIT), i)
            if (k, i) in best
        ]
        if options:
            value, back = max(options, key=lambda o: o[0])
            best[i, j] = (value + score[i, j], back)
    ends = [key for key in best if key[1] == n]
    if not ends:
        return None
    span: Span | None = max(ends, key=lambda key: best[key][0])
    chosen = []
    while span is not None:
        chosen.append(span)
        span = best[span][1]
    return chosen[::-1]
