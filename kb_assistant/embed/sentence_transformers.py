"""Optional backend for sites with a local sentence-transformers model directory.

Install with `pip install -e .[st]` (after `torch==2.13.0` on CPU-only machines).
Nothing is downloaded: the model must be a local directory.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kb_assistant.errors import ConfigError

__all__ = ["SentenceTransformerEmbedder"]


class SentenceTransformerEmbedder:
    def __init__(self, model_dir: Path, query_prefix: str = "", passage_prefix: str = "") -> None:
        if not Path(model_dir).is_dir():
            raise ConfigError(f"sentence-transformers model dir {model_dir} does not exist")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ConfigError("sentence-transformers is not installed: pip install -e '.[st]'") from exc
        self._model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        self.dim = int(self._model.get_sentence_embedding_dimension() or 0)
        self.name = f"st-{Path(model_dir).name}"
        self._query_prefix = query_prefix
        self._passage_prefix = passage_prefix

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            [self._passage_prefix + t for t in texts], normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        vector = self._model.encode(
            self._query_prefix + text, normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vector, dtype=np.float32)
