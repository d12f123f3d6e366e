"""Document priors computed from the release itself, not from questions.

Citation: how often other texts cite a document (《劳动合同法》, 劳动合同法第四十七条) and an
article (本法第四十七条, 依照劳动合同法第四十六条). Articles that regulations, interpretations
and the law itself point to are the ones callers' questions most often turn on.

Locality: a document of one region (上海市劳动合同条例) restates national rules for its
own region; when a query names no region, national documents are preferred.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from kb_assistant.retrieve.citations import article_citations, document_mentions, document_names
from kb_assistant.store.snapshot import RowMeta

__all__ = ["DocumentPriors"]


class DocumentPriors:
    """Per-row multipliers: citation prior × locality prior (1.0 means no change)."""

    def __init__(
        self, rows: Sequence[RowMeta], article_weight: float = 0.3, document_weight: float = 0.3
    ) -> None:
        if article_weight < 0 or document_weight < 0:
            raise ValueError("prior weights must be >= 0")
        self.article_cites, self.document_cites = _count_citations(rows)
        top_doc = max(self.document_cites.values(), default=0)
        weights = np.ones(len(rows), dtype=np.float64)
        for i, row in enumerate(rows):
            art = self.article_cites.get((row.doc_key, row.article or ""), 0)
            doc = self.document_cites.get(row.doc_key, 0)
            weights[i] *= 1.0 + article_weight * math.log1p(art)
            if top_doc:
                weights[i] *= 1.0 + document_weight * math.log1p(doc) / math.log1p(top_doc)
        self.citation = weights
        self.local = np.array([r.region not in ("", "全国") for r in rows], dtype=bool)

    def weights(self, local_penalty: float, region: str | None) -> np.ndarray:
        """Multipliers for a query; other regions' documents are damped only without --region."""
        if region or local_penalty == 1.0:
            return self.citation
        return np.where(self.local, self.citation * local_penalty, self.citation)


def _count_citations(rows: Sequence[RowMeta]) -> tuple[Counter[tuple[str, str]], Counter[str]]:
    names = document_names(rows)
    documents: Counter[str] = Counter(target for _, target in document_mentions(rows, names))
    articles: Counter[tuple[str, str]] = Counter(
        (cited, label) for _, cited, label in article_citations(rows, names)
    )
    return articles, documents
