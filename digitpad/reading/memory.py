"""The writer memory: a person's confirmed samples, kept as prototypes in the active model's
embedding space (the last hidden layer, projected to EMBEDDING_DIM numbers when wider), whose nearest
neighbours' vote is mixed into the model's answer. It learns a correction the moment it is made:
no training, one matrix product per model call.

The rule (docs/model.md, "The writer memory"), chosen on writers no model here was trained on:
the K prototypes most similar to a drawing (cosine similarity) that are at least MARGIN similar
vote, each with its similarity, for its label; the vote gets WEIGHT of the answer, the model the
rest. A drawing far from every prototype gets the model's answer alone; and a vote for a digit
moves only the digits' share, never the "not a digit" probability, unless its nearest voter is
NAD_MARGIN similar (the same drawing, nearly): a clear non-digit near one of the person's digits
stays "not a digit". Qt-free, TensorFlow-free."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from digitpad.classes import NOT_A_DIGIT

log = logging.getLogger(__name__)

EMBEDDING_DIM = 128  # the numbers of the last hidden layer that a sample keeps (projected if wider)
JUDGE_K = 3  # the samples that judge each sample's label on My samples
NEAREST_KEPT = 3  # the nearest prototypes the recognizer's graph gives (a rule's k is at most this)
PROJECTION_SEED = 20261206  # the projection is fixed: the same model gives the same embeddings
EMBEDDING_VERSION = 2  # part of the key embeddings are stored under: a new way of making them, new ones


@dataclass(frozen=True)
class MemoryRule:
    k: int = 1  # prototypes that vote (the nearest only: chosen on fold b, docs/model.md)
    weight: float = 0.5  # the vote's share of the answer
    margin: float = 0.75  # cosine similarity a prototype needs to vote at all
    nad_margin: float = 0.95  # ... and to turn the model's "not a digit" into a digit


@dataclass(frozen=True)
class MemoryNote:
    """What the memory did to one answer."""

    label: int  # the class the prototypes voted for most
    weight: float  # the vote's share of the answer
    voters: tuple[int, ...]  # the sample ids that voted
    changed: bool = False  # the answer differs from the model's own
    model_label: int = -1  # the model's own answer (10: not a digit), which Show why explains


def projection(features: int) -> np.ndarray:
    """(features, EMBEDDING_DIM): how a model's last hidden layer becomes an embedding. A layer
    of at most EMBEDDING_DIM values (the bundled CNN's has 128) is kept as it is, padded with
    zeros: cosine similarities exact. A wider one (2048 values, say) goes through a fixed random
    projection, which keeps them approximately (Johnson-Lindenstrauss) in fewer numbers."""
    if features <= EMBEDDING_DIM:
        return np.eye(features, EMBEDDING_DIM, dtype=np.float32)
    rng = np.random.default_rng(PROJECTION_SEED)
    return (rng.standard_normal((features, EMBEDDING_DIM)) / np.sqrt(EMBEDDING_DIM)).astype(np.float32)


def normalised(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, np.float32).reshape(-1, EMBEDDING_DIM)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class WriterMemory:
    """The prototypes (sample id, label, unit embedding) of one model, and its vote."""

    def __init__(self, rule: MemoryRule | None = None, classes: int = 11):
        self.rule = rule or MemoryRule()
        self.classes = classes
        self.version = 0  # counts the changes: the recognizer's graph copy follows it
        self._hold(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, EMBEDDING_DIM), np.float32))

    def _hold(self, ids: np.ndarray, labels: np.ndarray, vectors: np.ndarray) -> None:
        self.ids, self.labels, self.vectors = ids, labels, np.ascontiguousarray(vectors, np.float32)
        self.version += 1

    def __len__(self) -> int:
        return len(self.ids)

    def set(self, ids: np.ndarray, labels: np.ndarray, vectors: np.ndarray) -> None:
        """Every prototype at once; labels the model cannot answer (not a digit, for a model
        with ten outputs) are left out."""
        ids, labels = np.asarray(ids, np.int64), np.asarray(labels, np.int64)
        keep = labels < self.classes
        self._hold(ids[keep], labels[keep], normalised(vectors)[keep])

    def add(self, sample_id: int, label: int, vector: np.ndarray) -> None:
        """One prototype (a sample just saved; one already here with this id is replaced)."""
        self.remove([sample_id])
        self.append([sample_id], [label], vector)

    def append(self, ids: list[int], labels: list[int], vectors: np.ndarray) -> None:
        """Prototypes of samples not in the memory yet (a chunk of them at once)."""
        ids_a, labels_a = np.asarray(ids, np.int64), np.asarray(labels, np.int64)
        keep = (labels_a < self.classes) & ~np.isin(ids_a, self.ids)
        self._hold(
            np.concatenate([self.ids, ids_a[keep]]),
            np.concatenate([self.labels, labels_a[keep]]),
            np.concatenate([self.vectors, normalised(vectors)[keep]]),
        )

    def remove(self, ids: list[int]) -> None:
        keep = ~np.isin(self.ids, ids)
        self._hold(self.ids[keep], self.labels[keep], self.vectors[keep])

    def nearest(
        self, embeddings: np.ndarray, exclude: np.ndarray | None = None, k: int = NEAREST_KEPT
    ) -> tuple[np.ndarray, np.ndarray]:
        """(columns (N, k), similarities (N, k)) of the k prototypes most similar to each
        embedding, most similar first (what the recognizer's graph computes; NumPy here, for
        the memory judging its own samples). `exclude`: one sample id per row that is left
        out for it (itself)."""
        sims = normalised(embeddings) @ self.vectors.T  # (N, M)
        if exclude is not None:
            sims[np.asarray(exclude)[:, None] == self.ids[None, :]] = -1.0
        k = min(k, sims.shape[1])
        at = np.argpartition(sims, sims.shape[1] - k, axis=1)[:, -k:] if k else np.zeros((len(sims), 0), np.int64)
        near = np.take_along_axis(sims, at, axis=1)
        order = np.argsort(-near, axis=1, kind="stable")
        return np.take_along_axis(at, order, axis=1), np.take_along_axis(near, order, axis=1)

    def vote(
        self, at: np.ndarray, near: np.ndarray, k: int | None = None
    ) -> tuple[np.ndarray, np.ndarray, list[tuple[int, ...]]]:
        """From the nearest prototypes (`nearest`, most similar first): the vote (N, classes) of
        the first k (default: the rule's) that pass the margin, each weighted by its similarity;
        the share the vote gets (N,); the voters' ids."""
        n = len(at)
        k = min(k or self.rule.k, at.shape[1])
        at, near = np.asarray(at)[:, :k].astype(np.int64), np.asarray(near)[:, :k]
        votes = np.zeros((n, self.classes), np.float32)
        voting = near >= self.rule.margin
        rows = np.broadcast_to(np.arange(n)[:, None], at.shape)
        np.add.at(votes, (rows[voting], self.labels[at[voting]]), near[voting])
        total = votes.sum(axis=1, keepdims=True)
        np.divide(votes, total, out=votes, where=total > 0)
        weights = np.where(voting.any(axis=1), self.rule.weight, 0.0).astype(np.float32)
        voters = [tuple(self.ids[at[r][voting[r]]].tolist()) for r in range(n)]
        return votes, weights, voters

    def mix(
        self,
        probs: np.ndarray,
        embeddings: np.ndarray | None = None,
        nearest: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> tuple[np.ndarray, list[MemoryNote | None]]:
        """The model's probabilities (N, classes) with the memory's vote mixed in, and a note
        per row (None where no prototype was near enough). The nearest prototypes come from
        the recognizer's graph (`nearest`) or are found here from the `embeddings`."""
        probs = np.asarray(probs, np.float32)
        if not len(self.ids):
            return probs, [None] * len(probs)
        if nearest is None:
            assert embeddings is not None, "mix needs the embeddings or their nearest prototypes"
            nearest = self.nearest(embeddings)
        at, near = nearest
        votes, weights, voters = self.vote(at, near)
        closest = np.asarray(near)[:, 0] if np.asarray(near).shape[1] else np.full(len(probs), -1.0)
        mixed = probs * (1 - weights[:, None]) + votes[:, : probs.shape[1]] * weights[:, None]
        if probs.shape[1] > NOT_A_DIGIT:
            keep = (weights > 0) & (votes[:, :NOT_A_DIGIT].sum(axis=1) > 0.5) & (closest < self.rule.nad_margin)
            # A vote for a digit redistributes the digits' share; "not a digit" stays the model's.
            digits = mixed[keep, :NOT_A_DIGIT]
            share = (1 - probs[keep, NOT_A_DIGIT]) / np.maximum(digits.sum(axis=1), 1e-12)
            mixed[keep, :NOT_A_DIGIT] = digits * share[:, None]
            mixed[keep, NOT_A_DIGIT] = probs[keep, NOT_A_DIGIT]
        notes = [
            MemoryNote(int(votes[i].argmax()), float(weights[i]), voters[i]) if weights[i] > 0 else None
            for i in range(len(probs))
        ]
        return mixed.astype(np.float32), notes

    def disagreements(self, start: int = 0, stop: int | None = None) -> dict[int, int]:
        """{sample id: the class its other samples vote for} for the prototypes start:stop whose
        JUDGE_K nearest other samples (each sample left out of its own vote; the rule's margin)
        say another class: the samples to look at for a wrong label. Three judges, not the
        reading rule's one: a wrong sample and its nearest right neighbour would otherwise
        accuse each other."""
        rows = slice(start, len(self.ids) if stop is None else stop)
        at, near = self.nearest(self.vectors[rows], exclude=self.ids[rows], k=JUDGE_K)
        votes, weights, _voters = self.vote(at, near, k=JUDGE_K)
        said = votes.argmax(axis=1)
        ids, labels = self.ids[rows], self.labels[rows]
        return {int(i): int(v) for i, lab, v, w in zip(ids, labels, said, weights, strict=True) if w > 0 and v != lab}
