"""Keeps a recognizer's writer memory in step with the samples database: the stored embeddings
of the active model first (instant), the missing ones computed a chunk at a time (so that the
worker reads drawings in between), one more for each sample saved. Qt-free; runs on the
recognition worker."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from digitpad.reading.memory import EMBEDDING_DIM
from digitpad.reading.recognizer import Recognizer
from digitpad.storage.sample_embeddings import (
    missing_embeddings,
    sample_for_memory,
    save_embeddings,
    stored_embeddings,
)

log = logging.getLogger(__name__)

CHUNK = 256  # samples embedded per step: about 0.1-0.3 s of the worker on 2 cores
FLUSH = 8192  # embedded samples that join the memory at once
JUDGE_CHUNK = 1024  # samples judged by their neighbours per step


def as_stored(vectors: np.ndarray) -> np.ndarray:
    """Vectors as the database keeps them (float16): the memory reads the same before and
    after a restart."""
    return np.asarray(vectors, np.float16).astype(np.float32)


class MemoryLink:
    """One recognizer's memory and one samples database."""

    def __init__(self, recognizer: Recognizer, samples_path: Path):
        self.recognizer = recognizer
        self.samples_path = Path(samples_path)
        self._pending: list[tuple[list[int], list[int], np.ndarray]] = []  # embedded, not in the memory yet

    @property
    def key(self) -> str:
        return self.recognizer.model_key

    def load_stored(self) -> int:
        """The memory made of every stored embedding of the active model (labels as they are
        now); returns how many samples it holds."""
        self._pending = []
        ids, labels, vectors = stored_embeddings(self.samples_path, self.key)
        if vectors.shape[1:] != (EMBEDDING_DIM,):
            vectors = np.zeros((0, EMBEDDING_DIM), np.float32)
            ids, labels = ids[:0], labels[:0]
        self.recognizer.set_memory(ids, labels, vectors)
        return len(ids)

    def embed_missing(self, after: int = 0, limit: int = CHUNK) -> int | None:
        """Embed up to `limit` samples (ids above `after`) that have no embedding of this model
        and save them; they join the memory FLUSH at a time and when none is left (growing a
        memory of 150,000 by 256 at a time copied gigabytes). Returns the last id done, None
        when none was missing."""
        ids, labels, images = missing_embeddings(self.samples_path, self.key, after, limit)
        if not ids:
            self.flush()
            return None
        vectors = as_stored(self.recognizer.model_batch(images)[1])
        save_embeddings(self.samples_path, self.key, ids, vectors)
        self._pending.append((ids, labels, vectors))
        if sum(len(p[0]) for p in self._pending) >= FLUSH:
            self.flush()
        return ids[-1]

    def flush(self) -> None:
        """The samples embedded so far join the memory."""
        if self._pending:
            ids = [i for p in self._pending for i in p[0]]
            labels = [label for p in self._pending for label in p[1]]
            vectors = np.concatenate([p[2] for p in self._pending])
            self._pending = []
            self.recognizer.extend_memory(ids, labels, vectors)

    def judge(self, start: int = 0, limit: int = JUDGE_CHUNK) -> tuple[dict[int, int], int | None]:
        """The memory's opinion of its own samples start:start+limit (memory.disagreements) and
        where to go on (None: done)."""
        memory = self.recognizer.memory
        stop = min(start + limit, len(memory))
        return memory.disagreements(start, stop), (stop if stop < len(memory) else None)

    def remember(self, sample_id: int) -> bool:
        """A sample just saved joins the memory (the very next drawing is read with it);
        False when it is not there any more."""
        sample = sample_for_memory(self.samples_path, sample_id)
        if sample is None:
            return False
        label, image = sample
        vectors = as_stored(self.recognizer.model_batch(image[None])[1])
        save_embeddings(self.samples_path, self.key, [sample_id], vectors)
        self.recognizer.remember(sample_id, label, vectors)
        return True

    def opinion(self, sample_id: int) -> int:
        """The class a sample's nearest other samples vote for when it is not its label; -1
        when they agree with it (or none is near)."""
        at = np.flatnonzero(self.recognizer.memory.ids == sample_id)
        if not len(at):
            return -1
        return self.recognizer.memory.disagreements(int(at[0]), int(at[0]) + 1).get(sample_id, -1)
