"""Vectors keyed by chunk hash, behind one Protocol.

Only ids and vectors live here: text and metadata stay in the catalog, and the
release/date filtering happens outside the vector store (a Chroma `where` filter
costs ~100x an unfiltered query at this size).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable
from urllib.parse import urlparse

import numpy as np

from kb_assistant.errors import ConfigError, StoreError

__all__ = ["ChromaVectorStore", "VectorStore"]

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


@runtime_checkable
class VectorStore(Protocol):
    def upsert(self, ids: Sequence[str], vectors: np.ndarray) -> None: ...

    def existing(self, ids: Sequence[str]) -> set[str]: ...

    def fetch(self, ids: Sequence[str]) -> np.ndarray:
        """Vectors for `ids`, in that order; a missing id is an error."""
        ...

    def query(self, vector: np.ndarray, n: int) -> list[tuple[str, float]]:
        """Nearest ids with cosine similarity, best first."""
        ...

    def count(self) -> int: ...

    def refresh(self) -> None:
        """Pick up vectors written by another process (a no-op where the store is shared)."""
        ...


class ChromaVectorStore:
    """Chroma, embedded (`PersistentClient` under the KB dir) or a server (`HttpClient`)."""

    _BATCH = 2000

    def __init__(self, collection: str, path: Path | None = None, url: str | None = None) -> None:
        import chromadb

        if (path is None) == (url is None):
            raise ConfigError("ChromaVectorStore needs exactly one of path (embedded) or url (server)")
        settings = chromadb.Settings(anonymized_telemetry=False)
        if url is not None:
            parsed = urlparse(url)
            if parsed.scheme not in ("http", "https") or not parsed.hostname:
                raise ConfigError(f"KB_CHROMA_URL must look like http://host:port, got {url!r}")
            self._client = chromadb.HttpClient(
                host=parsed.hostname,
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=settings,
            )
        else:
            assert path is not None
            self._client = chromadb.PersistentClient(path=str(path), settings=settings)
        self._name = collection
        self._path = path
        self._settings = settings
        self._open_collection()

    def _open_collection(self) -> None:
        self._collection = self._client.get_or_create_collection(
            self._name, configuration={"hnsw": {"space": "cosine", "ef_search": 128}}, embedding_function=None
        )
        self._count: int | None = None

    def refresh(self) -> None:
        """See vectors another process added since this one opened an embedded store.

        An embedded Chroma keeps its index in memory per process: after a publish by the
        writer, a reader must reopen it (the server mode needs nothing). Chroma shares one
        in-memory system per directory; replacing it moves every client of this directory
        in the process to the fresh one.
        """
        if self._path is None:
            return
        import chromadb
        from chromadb.api.shared_system_client import SharedSystemClient

        identifier = getattr(self._client, "_identifier")  # noqa: B009  (private: see docstring)
        SharedSystemClient._identifier_to_system.pop(identifier, None)
        SharedSystemClient._identifier_to_refcount.pop(identifier, None)
        self._client = chromadb.PersistentClient(path=str(self._path), settings=self._settings)
        self._open_collection()

    def upsert(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        for start in range(0, len(ids), self._BATCH):
            self._collection.upsert(
                ids=list(ids[start : start + self._BATCH]), embeddings=vectors[start : start + self._BATCH]
            )
        self._count = None

    def existing(self, ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), self._BATCH):
            got = self._collection.get(ids=unique[start : start + self._BATCH], include=[])
            found.update(got["ids"])
        return found

    def fetch(self, ids: Sequence[str]) -> np.ndarray:
        try:
            return self._fetch(ids)
        except Exception as exc:  # chromadb raises its own InternalError for ids it has not loaded
            if self._path is None or "finding id" not in str(exc):
                raise
            self.refresh()  # another process published: reopen and read again
            return self._fetch(ids)

    def _fetch(self, ids: Sequence[str]) -> np.ndarray:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(ids), self._BATCH):
            got = self._collection.get(ids=list(ids[start : start + self._BATCH]), include=["embeddings"])
            embeddings = got.get("embeddings")
            if embeddings is None:
                embeddings = []
            found.update(zip(got["ids"], (np.asarray(e, dtype=np.float32) for e in embeddings), strict=True))
        missing = [i for i in ids if i not in found]
        if missing:
            raise StoreError(f"{len(missing)} vector(s) missing from the vector store, e.g. {missing[0]}")
        if not ids:
            return np.zeros((0, 0), dtype=np.float32)
        return np.vstack([found[i] for i in ids])

    def query(self, vector: np.ndarray, n: int) -> list[tuple[str, float]]:
        n = min(n, self.count())
        if n <= 0:
            return []
        result = self._collection.query(
            query_embeddings=np.asarray(vector, dtype=np.float32).reshape(1, -1),
            n_results=n,
            include=["distances"],
        )
        ids = result["ids"][0]
        distances = (result.get("distances") or [[]])[0]
        return [(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]

    def count(self) -> int:
        """Cached: another process may add vectors, but never ones a release of ours lacks."""
        if self._count is None:
            self._count = int(self._collection.count())
        return self._count
