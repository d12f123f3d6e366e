"""Vectors of the wording entries' example questions and answers, embedded once per embedder.

Example questions are embedded as queries (they are compared with callers' questions);
an entry's answer text as a passage (what a question retrieves). Both are kept in the
catalog by content hash, so re-ingesting or publishing never embeds the same text twice.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ingest.model import sha256_hex
from kb_assistant.embed.base import Embedder
from kb_assistant.store.catalog import Catalog

__all__ = ["QuestionVectors", "best_of_each", "two_best_of_each"]


class QuestionVectors:
    def __init__(self, catalog: Catalog, embedder: Embedder) -> None:
        self.catalog = catalog
        self.embedder = embedder

    def matrix(self, texts: Sequence[str], as_passages: bool = False) -> np.ndarray:
        """One L2-normalised row per text, embedding only those not stored yet."""
        prefix = "passage\x1f" if as_passages else ""
        hashes = [sha256_hex(prefix + t) for t in texts]
        stored = self.catalog.question_vectors(self.embedder.name, hashes)
        todo = {h: t for t, h in zip(texts, hashes, strict=True) if h not in stored}
        if todo:
            if as_passages:
                vectors = list(self.embedder.embed_passages(list(todo.values())))
            else:
                vectors = [self.embedder.embed_query(t) for t in todo.values()]
            fresh = {h: np.asarray(v, dtype=np.float32).tobytes() for h, v in zip(todo, vectors, strict=True)}
            self.catalog.add_question_vectors(self.embedder.name, fresh)
            stored.update(fresh)
        if not hashes:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        return np.stack([np.frombuffer(stored[h], dtype=np.float32) for h in hashes])


def best_of_each(vectors: np.ndarray, owners: np.ndarray, query: np.ndarray, count: int) -> np.ndarray:
    """Per owner (0..count-1), the highest cosine of the query to its rows; -1 for owners without rows."""
    best = np.full(count, -1.0, dtype=np.float32)
    if owners.size:
        np.maximum.at(best, owners, vectors @ query)
    return best


def two_best_of_each(
    vectors: np.ndarray, owners: np.ndarray, query: np.ndarray, count: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per owner, the highest and the second-highest cosine of the query to its rows
    (-1 where there is none)."""
    best = np.full(count, -1.0, dtype=np.float32)
    second = np.full(count, -1.0, dtype=np.float32)
    if owners.size == 0:
        return best, second
    cosines = vectors @ query
    order = np.lexsort((-cosines, owners))  # by owner, nearest first
    grouped = owners[order]
    firsts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    best[grouped[firsts]] = cosines[order[firsts]]
    nexts = firsts + 1
    paired = nexts < grouped.size
    paired[paired] = grouped[nexts[paired]] == grouped[firsts[paired]]
    second[grouped[firsts[paired]]] = cosines[order[nexts[paired]]]
    return best, second
