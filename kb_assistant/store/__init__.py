"""Persistence: the SQLite catalog, the vector store, per-release lexical indexes."""

from kb_assistant.store.catalog import Catalog
from kb_assistant.store.lexical import LexicalIndex
from kb_assistant.store.snapshot import ReleaseSnapshot
from kb_assistant.store.vectors import ChromaVectorStore, VectorStore

__all__ = ["Catalog", "ChromaVectorStore", "LexicalIndex", "ReleaseSnapshot", "VectorStore"]
