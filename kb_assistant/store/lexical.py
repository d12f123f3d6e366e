"""A release's BM25 index (bm25s), saved as a folder that describes itself.

The folder holds bm25s's arrays (numpy, no pickles) and `kb_lexical.json` with the
format version, the analyser's description and the row keys in index order. A
folder is named by the hash of what went into it, so identical releases share it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kb_assistant.errors import StoreError

__all__ = ["FIELDS", "LexicalField", "LexicalIndex"]

FORMAT_VERSION = 1
MANIFEST = "kb_lexical.json"


@dataclass(frozen=True)
class LexicalField:
    """One BM25 index of a release: which text of a chunk, analysed how.

    `words` sees title + heading path + text (a query naming the law finds it);
    `body` sees the article text alone with words and character bigrams (titles repeated
    on every article of a law would otherwise drown the article's own words).
    """

    name: str
    bigrams: bool
    with_title: bool


FIELDS = (
    LexicalField("words", bigrams=False, with_title=True),
    LexicalField("body", bigrams=True, with_title=False),
)


class LexicalIndex:
    """BM25 over analysed chunk texts; rows are (version_id, position) keys."""

    def __init__(self, bm25: Any, rows: list[tuple[str, int]], analyzer_description: dict[str, Any]) -> None:
        self._bm25 = bm25
        self.rows = rows
        self.analyzer_description = analyzer_description

    @classmethod
    def build(
        cls,
        texts: Sequence[str],
        rows: list[tuple[str, int]],
        analyzer: Callable[[str], list[str]],
        analyzer_description: dict[str, Any],
        k1: float = 1.2,
        b: float = 0.75,
    ) -> LexicalIndex:
        import bm25s

        corpus_tokens = [analyzer(t) or [""] for t in texts]
        bm25 = bm25s.BM25(k1=k1, b=b, method="lucene")
        if corpus_tokens:
            bm25.index(corpus_tokens, show_progress=False)
        return cls(bm25, rows, analyzer_description)

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every row for the query tokens (zeros when nothing matches)."""
        if not self.rows:
            return np.zeros(0, dtype=np.float32)
        ids = self._bm25.get_tokens_ids(list(tokens))
        if not ids:
            return np.zeros(len(self.rows), dtype=np.float32)
        return np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32)

    def save(self, directory: Path) -> None:
        """Write atomically: build in a temp folder beside it, then rename."""
        if directory.exists():
            return
        directory.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=directory.parent))
        try:
            if self.rows:
                self._bm25.save(str(tmp), show_progress=False)
            manifest = {
                "format_version": FORMAT_VERSION,
                "library": "bm25s",
                "params": {"k1": self._bm25.k1, "b": self._bm25.b, "method": self._bm25.method},
                "analyzer": self.analyzer_description,
                "rows": self.rows,
            }
            (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, directory)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)

    @classmethod
    def load(cls, directory: Path, analyzer_description: dict[str, Any]) -> LexicalIndex:
        import bm25s

        manifest_path = directory / MANIFEST
        if not manifest_path.exists():
            raise StoreError(f"lexical index {directory} is missing or incomplete")
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("format_version") != FORMAT_VERSION:
            raise StoreError(f"lexical index {directory} has format {manifest.get('format_version')}")
        if manifest.get("analyzer") != analyzer_description:
            raise StoreError(f"lexical index {directory} was built with another analyser; rebuild it")
        rows = [(str(v), int(p)) for v, p in manifest["rows"]]
        bm25 = bm25s.BM25.load(str(directory), mmap=False) if rows else bm25s.BM25()
        return cls(bm25, rows, analyzer_description)
