"""Exact article-level retrieval metrics for one query.

A key is `(law, article)`. Laws are compared by `canonical_title` so that gold written as
《中华人民共和国劳动法》 matches a hit titled 劳动法 (and version notes do not matter);
article labels are compared without whitespace. A key that appears twice in a ranking counts
only at its first position: the later copy still occupies its slot (the searcher wasted it)
but earns nothing. Every function returns None when the gold set is empty, so callers skip
the query instead of scoring it 0.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

from ingest.metadata import canonical_title

__all__ = ["Key", "article_key", "hit_at_k", "mean", "mrr_at_k", "ndcg_at_k", "recall_at_k"]

Key = tuple[str, str]


def article_key(law: str, article: str) -> Key:
    """The comparable form of (law, article): canonical title and whitespace-free label."""
    return canonical_title(law), re.sub(r"\s+", "", article)


def _gold_ranks(ranking: Sequence[Key], gold: Iterable[Key], k: int) -> tuple[list[int], int]:
    """1-based ranks (within the top k) of the first occurrence of each gold key, and |gold|."""
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    gold_keys = {article_key(*key) for key in gold}
    seen: set[Key] = set()
    ranks: list[int] = []
    for rank, raw in enumerate(ranking[:k], 1):
        key = article_key(*raw)
        if key in seen:
            continue
        seen.add(key)
        if key in gold_keys:
            ranks.append(rank)
    return ranks, len(gold_keys)


def recall_at_k(ranking: Sequence[Key], gold: Iterable[Key], k: int) -> float | None:
    """Share of the gold articles found in the top k."""
    ranks, n_gold = _gold_ranks(ranking, gold, k)
    return len(ranks) / n_gold if n_gold else None


def hit_at_k(ranking: Sequence[Key], gold: Iterable[Key], k: int) -> float | None:
    """1.0 when at least one gold article is in the top k, else 0.0."""
    ranks, n_gold = _gold_ranks(ranking, gold, k)
    return (1.0 if ranks else 0.0) if n_gold else None


def mrr_at_k(ranking: Sequence[Key], gold: Iterable[Key], k: int) -> float | None:
    """Reciprocal rank of the first gold article in the top k (0.0 when none is there)."""
    ranks, n_gold = _gold_ranks(ranking, gold, k)
    return (1.0 / ranks[0] if ranks else 0.0) if n_gold else None


def ndcg_at_k(ranking: Sequence[Key], gold: Iterable[Key], k: int) -> float | None:
    """Binary-relevance nDCG; the ideal ranking puts min(|gold|, k) gold articles first."""
    ranks, n_gold = _gold_ranks(ranking, gold, k)
    if not n_gold:
        return None
    dcg = sum(1.0 / math.log2(rank + 1) for rank in ranks)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(n_gold, k) + 1))
    return dcg / ideal


def mean(values: Iterable[float | None]) -> float | None:
    """Mean over the scored queries (None values are skipped); None when nothing was scored."""
    scored = [v for v in values if v is not None]
    return sum(scored) / len(scored) if scored else None
