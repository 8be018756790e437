"""The recognition worker's side of the writer memory (digitpad.reading.memory): its jobs, and
what the worker does with them. Work that may take long (embedding thousands of samples after
a model switch, the samples judging each other) goes a chunk per job and queues the rest behind
it: a drawing made meanwhile is read between two chunks, never after all of them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from digitpad.reading.memory_link import MemoryLink
from digitpad.reading.recognizer import Recognizer

log = logging.getLogger(__name__)
JUDGE_BUDGET = 4_000_000  # samples judged per step x samples in the memory: ~50 ms of the worker
JUDGE_MAX = 20_000  # above this many samples they are not judged (the work grows as its square)


@dataclass(frozen=True)
class SyncMemory:
    token: int
    after: int | None = None  # None: read the stored embeddings first; else embed those above


@dataclass(frozen=True)
class RememberSample:
    sample_id: int


@dataclass(frozen=True)
class JudgeMemory:
    token: int
    start: int = 0
    found: dict[int, int] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class UseMemory:
    on: bool


MemoryJob = SyncMemory | RememberSample | JudgeMemory | UseMemory


class MemoryJobs:
    """Set up on the GUI thread; `do` and `attach` run on the worker. A newer sync or judging
    replaces an older one still going (tokens, as for the worker's other jobs)."""

    def __init__(
        self,
        put: Callable[[Any], None],
        changed: Callable[[int], None],
        judged: Callable[[int, dict, bool], None],
    ):
        self._put = put  # queue a job for the worker
        self._changed = changed  # the memory now holds this many samples
        self._judged = judged  # token, {sample id: class its neighbours say, or -1: they agree}, complete
        self.samples_path: Path | None = None
        self.use_memory = True
        self.sync_token = 0
        self.judge_token = 0
        self.link: MemoryLink | None = None

    # -- GUI thread ------------------------------------------------------------------------
    def sync(self) -> None:
        """Read the memory again from the database (after an edit or a model switch)."""
        self.sync_token += 1
        self._put(SyncMemory(self.sync_token))

    # -- worker thread ---------------------------------------------------------------------
    def attach(self, recognizer: Recognizer) -> None:
        """A model was loaded: its memory is filled from the database."""
        recognizer.set_use_memory(self.use_memory)
        self.link = MemoryLink(recognizer, self.samples_path) if self.samples_path is not None else None
        if self.link is not None:
            self._load_stored(self.link)
            self._put(SyncMemory(self.sync_token, after=0))

    def _load_stored(self, link: MemoryLink) -> None:
        count = link.load_stored()
        log.info("writer memory: %d samples with embeddings of the active model", count)
        self._changed(count)

    def do(self, job: MemoryJob) -> None:
        if isinstance(job, UseMemory):
            self.use_memory = job.on
            if self.link is not None:
                self.link.recognizer.set_use_memory(job.on)
            return
        link = self.link
        if link is None:
            return
        if isinstance(job, RememberSample):
            if link.remember(job.sample_id):
                self._changed(len(link.recognizer.memory))
                self._judged(0, {job.sample_id: link.opinion(job.sample_id)}, False)
        elif isinstance(job, SyncMemory):
            self._sync(link, job)
        elif isinstance(job, JudgeMemory) and job.token == self.judge_token:
            rows = max(8, JUDGE_BUDGET // max(len(link.recognizer.memory), 1))
            found, going_on = link.judge(job.start, rows)
            job.found.update(found)
            if going_on is None:
                self._judged(job.token, job.found, True)
            else:
                self._put(JudgeMemory(job.token, going_on, job.found))

    def _sync(self, link: MemoryLink, job: SyncMemory) -> None:
        if job.token != self.sync_token:
            return  # a newer sync is queued
        if job.after is None:
            self._load_stored(link)
        last = link.embed_missing(job.after or 0)
        if last is not None:
            self._put(SyncMemory(job.token, last))  # the next chunk, behind the drawings queued now
            return
        self._changed(len(link.recognizer.memory))
        self.judge_token += 1
        if len(link.recognizer.memory) <= JUDGE_MAX:
            self._put(JudgeMemory(self.judge_token))
        else:  # the samples judge each other no more: minutes of work after every edit
            self._judged(self.judge_token, {}, True)
