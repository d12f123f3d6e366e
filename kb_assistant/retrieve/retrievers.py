"""Retrievers: each returns (row, score) pairs, best first, over the rows a mask allows."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from kb_assistant.embed.base import Embedder
from kb_assistant.store.lexical import FIELDS
from kb_assistant.store.snapshot import ReleaseSnapshot
from kb_assistant.store.vectors import VectorStore
from kb_assistant.text.analyzer import Analyzer
from kb_assistant.text.thesaurus import Thesaurus

__all__ = ["DenseRetriever", "LexicalRetriever", "Retriever"]

FIELD_NAMES = tuple(f.name for f in FIELDS)


@runtime_checkable
class Retriever(Protocol):
    name: str

    def retrieve(
        self, query: str, snapshot: ReleaseSnapshot, mask: np.ndarray, n: int
    ) -> list[tuple[int, float]]: ...


class LexicalRetriever:
    """BM25 over one lexical field of the release, the query optionally expanded first."""

    def __init__(
        self, analyzer: Analyzer, field: str = "words", thesaurus: Thesaurus | None = None, name: str = "bm25"
    ) -> None:
        if field not in FIELD_NAMES:
            raise ValueError(f"unknown lexical field {field!r} (valid: {', '.join(FIELD_NAMES)})")
        self.analyzer = analyzer
        self.field = field
        self.thesaurus = thesaurus
        self.name = name

    def retrieve(
        self, query: str, snapshot: ReleaseSnapshot, mask: np.ndarray, n: int
    ) -> list[tuple[int, float]]:
        if self.thesaurus is not None:
            query = self.thesaurus.expand(query)
        scores = snapshot.lexical[self.field].scores(self.analyzer(query))
        if scores.size == 0:
            return []
        scores = np.where(mask, scores, 0.0)
        candidates = np.flatnonzero(scores > 0)
        if candidates.size > n:
            top = np.argpartition(-scores[candidates], n - 1)[:n]
            candidates = candidates[top]
        order = sorted(candidates.tolist(), key=lambda i: (-float(scores[i]), i))
        return [(i, float(scores[i])) for i in order]


class DenseRetriever:
    """Nearest vectors from the store, over-fetched and filtered to the allowed rows."""

    name = "dense"

    def __init__(self, embedder: Embedder, vectors: VectorStore, overfetch: int = 4) -> None:
        self.embedder = embedder
        self.vectors = vectors
        self.overfetch = overfetch

    def retrieve(
        self, query: str, snapshot: ReleaseSnapshot, mask: np.ndarray, n: int
    ) -> list[tuple[int, float]]:
        vector = self.embedder.embed_query(query)
        return self.retrieve_vector(vector, snapshot, mask, n)

    def retrieve_vector(
        self, vector: np.ndarray, snapshot: ReleaseSnapshot, mask: np.ndarray, n: int
    ) -> list[tuple[int, float]]:
        allowed = int(mask.sum())
        want = min(n, allowed)
        fetch = max(n * self.overfetch, 50)
        total = self.vectors.count()
        while True:
            out: list[tuple[int, float]] = []
            for chunk_hash, score in self.vectors.query(vector, min(fetch, total)):
                for row in snapshot.rows_by_hash.get(chunk_hash, ()):
                    if mask[row]:
                        out.append((row, score))
            if len(out) >= want or fetch >= total:
                return out[:n]
            fetch *= 4
