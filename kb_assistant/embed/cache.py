"""Hotline callers ask the same questions again and again: cache query vectors."""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

import numpy as np

from kb_assistant.embed.base import Embedder

__all__ = ["CachedQueryEmbedder"]


class CachedQueryEmbedder:
    """Wraps an embedder with an LRU cache for `embed_query` (passages pass through)."""

    def __init__(self, inner: Embedder, size: int = 4096) -> None:
        if size < 1:
            raise ValueError(f"cache size must be >= 1, got {size}")
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self._size = size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = Lock()
        self.hits = 0
        self.misses = 0

    def clear(self) -> None:
        """Forget cached vectors (benchmarks measure cold queries this way)."""
        with self._lock:
            self._cache.clear()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_passages(texts)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                self.hits += 1
                return cached
        vector = self.inner.embed_query(text)
        vector.setflags(write=False)
        with self._lock:
            self.misses += 1
            self._cache[text] = vector
            if len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return vector
