"""Hybrid search over one release snapshot: retrievers → fusion → one hit per article."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from kb_assistant.model import OPEN_END, OPEN_START, Hit
from kb_assistant.retrieve.fusion import FusionMode, fuse
from kb_assistant.retrieve.retrievers import Retriever
from kb_assistant.store.snapshot import ReleaseSnapshot, RowMeta

__all__ = ["HybridSearcher", "to_hit"]


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


class HybridSearcher:
    def __init__(
        self,
        retrievers: Sequence[Retriever],
        weights: Sequence[float] | None = None,
        mode: FusionMode = FusionMode.RRF,
        candidates: int = 50,
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

    def search(
        self, snapshot: ReleaseSnapshot, query: str, k: int, as_of: date, region: str | None = None
    ) -> list[Hit]:
        mask = snapshot.mask(as_of, region)
        n = max(self.candidates, k * 3)
        ranked = [r.retrieve(query, snapshot, mask, n) for r in self.retrievers]
        fused = fuse(ranked, self.weights, self.mode) if len(ranked) > 1 else ranked[0]
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
