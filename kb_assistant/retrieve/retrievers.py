"""Retrievers: each returns (row, score) pairs, best first, over the rows a mask allows."""

from __future__ import annotations

from functools import lru_cache
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

    def tokens(self, query: str) -> tuple[str, ...]:
        """Analysed (and expanded) query; cached, since hotline questions repeat."""
        return _analysed(self.analyzer, self.thesaurus, query)

    def retrieve(
        self, query: str, snapshot: ReleaseSnapshot, mask: np.ndarray, n: int
    ) -> list[tuple[int, float]]:
        scores = snapshot.lexical[self.field].scores(self.tokens(query))
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
    """Cosine similarity between the query and the release's chunks.

    Up to `exact_limit` rows the release's vectors are held as one matrix (fetched once
    per release from the vector store) and scored exactly, with the date/region mask
    applied in memory: at 100k rows that is one matrix-vector product. Larger releases
    use the store's approximate index, over-fetched and filtered the same way.
    """

    name = "dense"

    def __init__(
        self, embedder: Embedder, vectors: VectorStore, overfetch: int = 4, exact_limit: int = 300_000
    ) -> None:
        self.embedder = embedder
        self.vectors = vectors
        self.overfetch = overfetch
        self.exact_limit = exact_limit

    def retrieve(
        self, query: str, snapshot: ReleaseSnapshot, mask: np.ndarray, n: int
    ) -> list[tuple[int, float]]:
        vector = self.embedder.embed_query(query)
        return self.retrieve_vector(vector, snapshot, mask, n)

    def retrieve_vector(
        self, vector: np.ndarray, snapshot: ReleaseSnapshot, mask: np.ndarray, n: int
    ) -> list[tuple[int, float]]:
        if len(snapshot.rows) <= self.exact_limit:
            return self._exact(vector, snapshot, mask, n)
        return self._approximate(vector, snapshot, mask, n)

    def _exact(
        self, vector: np.ndarray, snapshot: ReleaseSnapshot, mask: np.ndarray, n: int
    ) -> list[tuple[int, float]]:
        matrix = release_matrix(snapshot, self.vectors)
        if matrix.shape[0] == 0:
            return []
        scores = matrix @ vector.astype(np.float32)
        scores[~mask] = -np.inf  # in place: np.where would allocate a float64 copy per query
        n = min(n, int(mask.sum()))
        if n <= 0:
            return []
        top = np.argpartition(-scores, n - 1)[:n]
        order = sorted(top.tolist(), key=lambda i: (-float(scores[i]), i))
        return [(i, float(scores[i])) for i in order]

    def _approximate(
        self, vector: np.ndarray, snapshot: ReleaseSnapshot, mask: np.ndarray, n: int
    ) -> list[tuple[int, float]]:
        want = min(n, int(mask.sum()))
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


@lru_cache(maxsize=8192)
def _analysed(analyzer: Analyzer, thesaurus: Thesaurus | None, query: str) -> tuple[str, ...]:
    return tuple(analyzer(thesaurus.expand(query) if thesaurus is not None else query))


def release_matrix(snapshot: ReleaseSnapshot, vectors: VectorStore) -> np.ndarray:
    """The release's vectors in row order, loaded once per snapshot."""

    def load(snapshot: ReleaseSnapshot) -> np.ndarray:
        hashes = list(snapshot.rows_by_hash)
        fetched = vectors.fetch(hashes)
        matrix = np.zeros((len(snapshot.rows), fetched.shape[1] if fetched.size else 0), dtype=np.float32)
        for chunk_hash, vector in zip(hashes, fetched, strict=True):
            matrix[snapshot.rows_by_hash[chunk_hash]] = vector
        matrix.setflags(write=False)
        return matrix

    return snapshot.derived("vector_matrix", load)
