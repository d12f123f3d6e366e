"""Embedders behind one Protocol; `make_embedder` picks one from settings."""

from kb_assistant.embed.base import Embedder, make_embedder
from kb_assistant.embed.cache import CachedQueryEmbedder

__all__ = ["CachedQueryEmbedder", "Embedder", "make_embedder"]
