"""Document priors computed from the release itself, not from questions.

Citation: how often other texts cite a document (《劳动合同法》, 劳动合同法第四十七条) and an
article (本法第四十七条, 依照劳动合同法第四十六条). Articles that regulations, interpretations
and the law itself point to are the ones callers' questions most often turn on.

Locality: a document of one region (上海市劳动合同条例) restates national rules for its
own region; when a query names no region, national documents are preferred.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from ingest.metadata import canonical_title
from ingest.numerals import NUMERAL_CHARS, article_label, parse_numeral
from kb_assistant.store.snapshot import RowMeta

__all__ = ["DocumentPriors"]

_NUM = f"[{NUMERAL_CHARS}]+"
_ARTICLE_LIST = re.compile(rf"第({_NUM})条((?:(?:、|和|及|至)第?{_NUM}条)*)")
_SELF = re.compile(r"本(?:法|条例|规定|办法|解释|细则)$")
_QUOTED = re.compile(r"《([^《》]{2,60})》$")
_LIST_ITEM = re.compile(rf"第?({_NUM})条")


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
    names: dict[str, str] = {}
    for row in rows:
        names.setdefault(row.title, row.doc_key)
        names.setdefault(canonical_title(row.title), row.doc_key)
    # Longest names first so 劳动合同法实施条例 is not read as 劳动合同法.
    bare = sorted((n for n in names if len(n) >= 3), key=len, reverse=True)
    bare_re = re.compile("|".join(re.escape(n) for n in bare)) if bare else None
    articles: Counter[tuple[str, str]] = Counter()
    documents: Counter[str] = Counter()
    for row in rows:
        text = row.text
        if bare_re is not None:
            for match in bare_re.finditer(text):
                target = names[match.group(0)]
                if target != row.doc_key:
                    documents[target] += 1
        for match in _ARTICLE_LIST.finditer(text):
            before = text[max(0, match.start() - 62) : match.start()]
            cited = _cite_target(before, row.doc_key, names)
            if cited is None:
                continue
            numbers = [match.group(1), *_LIST_ITEM.findall(match.group(2))]
            for number in numbers:
                articles[(cited, article_label(parse_numeral(number)))] += 1
    return articles, documents


def _cite_target(before: str, own: str, names: dict[str, str]) -> str | None:
    if _SELF.search(before):
        return own
    quoted = _QUOTED.search(before)
    if quoted:
        return names.get(quoted.group(1)) or names.get(canonical_title(quoted.group(1)))
    for name, key in names.items():
        if len(name) >= 3 and before.endswith(name):
            return key
    return None
