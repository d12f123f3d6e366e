"""Hybrid search over one release snapshot: retrievers → fusion → one hit per article."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from kb_assistant.model import OPEN_END, OPEN_START, Hit
from kb_assistant.retrieve.fusion import FusionMode, fuse
from kb_assistant.retrieve.links import LinkConfig, links_for
from kb_assistant.retrieve.priors import DocumentPriors
from kb_assistant.retrieve.retrievers import Retriever
from kb_assistant.store.snapshot import ReleaseSnapshot, RowMeta

__all__ = ["HybridSearcher", "LinkConfig", "PriorConfig", "to_hit"]


def _iso_or_none(day: date | None, sentinel: date) -> str | None:
    return None if day is None or day == sentinel else day.isoformat()


def to_hit(rank: int, score: float, row: RowMeta) -> Hit:
    return Hit(
        rank=rank,
        score=round(score, 6),
        title=row.title,
        doc_number=row.doc_number,
        article=row.article,
        heading=row.heading,
        text=row.text,
        version_id=row.version_id,
        effective_from=_iso_or_none(row.effective_from or row.valid_from, OPEN_START),
        effective_to=_iso_or_none(row.valid_to, OPEN_END),
        region=row.region,
        source=row.source,
    )


@dataclass(frozen=True)
class PriorConfig:
    """How much the release's own structure weighs in (see `DocumentPriors`)."""

    article_weight: float = 0.0
    document_weight: float = 0.0
    local_penalty: float = 1.0

    def __post_init__(self) -> None:
        if self.article_weight < 0 or self.document_weight < 0:
            raise ValueError("prior weights must be >= 0")
        if not 0 < self.local_penalty <= 1:
            raise ValueError(f"local_penalty must be in (0, 1], got {self.local_penalty}")

    @property
    def neutral(self) -> bool:
        return self.article_weight == 0 and self.document_weight == 0 and self.local_penalty == 1


def priors_for(snapshot: ReleaseSnapshot, config: PriorConfig) -> DocumentPriors:
    """Priors depend only on the release's rows: computed once per snapshot and config."""
    return snapshot.derived(
        f"priors:{config}", lambda s: DocumentPriors(s.rows, config.article_weight, config.document_weight)
    )


class HybridSearcher:
    def __init__(
        self,
        retrievers: Sequence[Retriever],
        weights: Sequence[float] | None = None,
        mode: FusionMode = FusionMode.RRF,
        candidates: int = 50,
        rrf_k: int = 60,
        priors: PriorConfig | None = None,
        links: LinkConfig | None = None,
    ) -> None:
        if not retrievers:
            raise ValueError("HybridSearcher needs at least one retriever")
        if weights is not None and len(weights) != len(retrievers):
            raise ValueError(f"got {len(weights)} weights for {len(retrievers)} retrievers")
        if candidates < 1:
            raise ValueError(f"candidates must be >= 1, got {candidates}")
        self.retrievers = list(retrievers)
        self.weights = list(weights) if weights is not None else [1.0] * len(retrievers)
        self.mode = mode
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.priors = priors or PriorConfig()
        self.links = links or LinkConfig()

    def rank(
        self, snapshot: ReleaseSnapshot, query: str, as_of: date, region: str | None, n: int
    ) -> list[tuple[int, float]]:
        """Fused (row, score) pairs, best first, priors then article links applied.

        Several parts of an article may appear unless links are on (they score whole articles).
        """
        mask = snapshot.mask(as_of, region)
        ranked = [r.retrieve(query, snapshot, mask, n) for r in self.retrievers]
        fused = fuse(ranked, self.weights, self.mode, self.rrf_k) if len(ranked) > 1 else ranked[0]
        if not self.priors.neutral:
            weights = priors_for(snapshot, self.priors).weights(self.priors.local_penalty, region)
            fused = sorted(
                ((row, score * float(weights[row])) for row, score in fused), key=lambda x: (-x[1], x[0])
            )
        if not self.links.neutral:
            fused = links_for(snapshot).spread(snapshot.rows, fused, self.links)
        return fused

    def search(
        self, snapshot: ReleaseSnapshot, query: str, k: int, as_of: date, region: str | None = None
    ) -> list[Hit]:
        fused = self.rank(snapshot, query, as_of, region, max(self.candidates, k * 3))
        hits: list[Hit] = []
        seen: set[tuple[str, str]] = set()
        for row_index, score in fused:
            row = snapshot.rows[row_index]
            key = (row.doc_key, row.article or f"#{row.position}")
            if key in seen:
                continue
            seen.add(key)
            hits.append(to_hit(len(hits) + 1, score, row))
            if len(hits) == k:
                break
        return hits
