"""Query-time context between articles: neighbours in a law and citations between articles.

Statutes put related rules side by side (第四十六条 when compensation is due, 第四十七条 how
much) and point to each other (第四十八条 "依照本法第八十七条规定支付赔偿金"). An article
next to, or citing, an article that matches the question strongly is likely part of the
answer even when its own words match less; so after fusion each candidate article gains a
share of its linked candidates' scores. Only candidates give and receive: nothing outside
the release's mask enters the ranking.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.numerals import article_label, parse_numeral
from kb_assistant.retrieve.citations import article_citations, document_names
from kb_assistant.store.snapshot import ReleaseSnapshot, RowMeta

__all__ = ["ArticleLinks", "LinkConfig", "links_for"]

ArticleKey = tuple[str, str]  # (doc_key, article label or "#position")

_ARTICLE = re.compile(r"第(.+)条")


@dataclass(frozen=True)
class LinkConfig:
    """Share of a linked candidate's score an article gains (0 turns a link kind off)."""

    neighbour_weight: float = 0.0  # the articles just before and after in the same document
    cites_weight: float = 0.0  # articles this article cites
    cited_by_weight: float = 0.0  # articles that cite this article

    def __post_init__(self) -> None:
        if min(self.neighbour_weight, self.cites_weight, self.cited_by_weight) < 0:
            raise ValueError("link weights must be >= 0")

    @property
    def neutral(self) -> bool:
        return self.neighbour_weight == 0 and self.cites_weight == 0 and self.cited_by_weight == 0


def article_key(row: RowMeta) -> ArticleKey:
    """One key per article, shared by all its parts (the unit `HybridSearcher` returns)."""
    return row.doc_key, row.article or f"#{row.position}"


class ArticleLinks:
    """Neighbour and citation links between the articles of a release."""

    def __init__(self, rows: Sequence[RowMeta]) -> None:
        self.neighbours: dict[ArticleKey, tuple[ArticleKey, ...]] = {}
        for row in rows:
            key = article_key(row)
            if key not in self.neighbours:
                self.neighbours[key] = _neighbours(row)
        cites: defaultdict[ArticleKey, set[ArticleKey]] = defaultdict(set)
        cited_by: defaultdict[ArticleKey, set[ArticleKey]] = defaultdict(set)
        for i, doc_key, label in article_citations(rows, document_names(rows)):
            source, target = article_key(rows[i]), (doc_key, label)
            if source != target:
                cites[source].add(target)
                cited_by[target].add(source)
        self.cites = {k: tuple(sorted(v)) for k, v in cites.items()}
        self.cited_by = {k: tuple(sorted(v)) for k, v in cited_by.items()}

    def spread(
        self, rows: Sequence[RowMeta], ranked: Sequence[tuple[int, float]], config: LinkConfig
    ) -> list[tuple[int, float]]:
        """One (row, score) per article, best first: its best part's score plus its links' shares."""
        best: dict[ArticleKey, tuple[int, float]] = {}
        for row, score in ranked:
            key = article_key(rows[row])
            if key not in best or score > best[key][1]:
                best[key] = (row, score)
        scores = {key: score for key, (_, score) in best.items()}

        def share(keys: tuple[ArticleKey, ...]) -> float:
            return sum(scores.get(k, 0.0) for k in keys)

        out = []
        for key, (row, score) in best.items():
            gain = config.neighbour_weight * share(self.neighbours.get(key, ()))
            gain += config.cites_weight * share(self.cites.get(key, ()))
            gain += config.cited_by_weight * share(self.cited_by.get(key, ()))
            out.append((row, score + gain))
        return sorted(out, key=lambda item: (-item[1], item[0]))


def _neighbours(row: RowMeta) -> tuple[ArticleKey, ...]:
    match = _ARTICLE.fullmatch(row.article or "")
    if match is None:
        return ()
    try:
        number = parse_numeral(match.group(1))
        return tuple((row.doc_key, article_label(n)) for n in (number - 1, number + 1) if n >= 1)
    except ValueError:
        return ()  # 第十六条之一, numbers out of range: no arithmetic on the label


def links_for(snapshot: ReleaseSnapshot) -> ArticleLinks:
    """Links depend only on the release's rows: computed once per snapshot."""
    return snapshot.derived("article_links", lambda s: ArticleLinks(s.rows))
