"""Combine ranked lists from several retrievers into one ranking."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

__all__ = ["FusionMode", "fuse"]


class FusionMode(StrEnum):
    RRF = "rrf"  # weighted reciprocal rank fusion
    SCORE = "score"  # weighted sum of min-max normalised scores


def fuse(
    ranked: Sequence[Sequence[tuple[int, float]]],
    weights: Sequence[float] | None = None,
    mode: FusionMode = FusionMode.RRF,
    rrf_k: int = 60,
) -> list[tuple[int, float]]:
    """Fuse lists of (row, score), each best first; ties broken by row for determinism."""
    if weights is None:
        weights = [1.0] * len(ranked)
    if len(weights) != len(ranked):
        raise ValueError(f"got {len(weights)} weights for {len(ranked)} ranked lists")
    if rrf_k < 0:
        raise ValueError(f"rrf_k must be >= 0, got {rrf_k}")
    total: dict[int, float] = {}
    for hits, weight in zip(ranked, weights, strict=True):
        if not hits:
            continue
        if mode is FusionMode.RRF:
            for rank, (row, _) in enumerate(hits, 1):
                total[row] = total.get(row, 0.0) + weight / (rrf_k + rank)
        elif mode is FusionMode.SCORE:
            scores = [s for _, s in hits]
            low, high = min(scores), max(scores)
            span = high - low or 1.0
            for row, score in hits:
                total[row] = total.get(row, 0.0) + weight * (score - low) / span
        else:  # pragma: no cover - Enum guards this
            raise ValueError(
                f"unknown fusion mode {mode!r} (valid: {', '.join(m.value for m in FusionMode)})"
            )
    return sorted(total.items(), key=lambda item: (-item[1], item[0]))
