"""The search pipelines `KB.search` offers, with the settings chosen on the development split.

`hybrid` is the product's search. `bm25` and `dense` are the plain baselines that
`kb eval --compare` runs beside it: one retriever, raw query, no priors.
Settings come from `bench/tune_retrieval.py` over ../shared/eval-dev (methods, never
single questions); the README records the figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kb_assistant.embed.base import Embedder
from kb_assistant.retrieve.fusion import FusionMode
from kb_assistant.retrieve.retrievers import DenseRetriever, LexicalRetriever
from kb_assistant.retrieve.search import HybridSearcher, LinkConfig, PriorConfig
from kb_assistant.store.vectors import VectorStore
from kb_assistant.text.analyzer import Analyzer
from kb_assistant.text.thesaurus import Thesaurus

__all__ = ["HYBRID", "SEARCH_METHODS", "HybridSettings", "build_searcher"]

SEARCH_METHODS = ("hybrid", "bm25", "dense")


@dataclass(frozen=True)
class HybridSettings:
    dense_weight: float = 1.0
    body_weight: float = 0.5
    words_weight: float = 0.5
    rrf_k: int = 10
    candidates: int = 100
    priors: PriorConfig = field(
        default_factory=lambda: PriorConfig(article_weight=1.0, document_weight=1.5, local_penalty=0.5)
    )
    links: LinkConfig = field(
        default_factory=lambda: LinkConfig(neighbour_weight=0.2, cites_weight=0.1, cited_by_weight=0.05)
    )


HYBRID = HybridSettings()


def build_searcher(
    method: str,
    embedder: Embedder,
    vectors: VectorStore,
    analyzers: dict[str, Analyzer],
    thesaurus: Thesaurus,
    settings: HybridSettings = HYBRID,
) -> HybridSearcher:
    if method == "hybrid":
        return HybridSearcher(
            [
                DenseRetriever(embedder, vectors),
                LexicalRetriever(analyzers["body"], "body", thesaurus, name="bm25-body"),
                LexicalRetriever(analyzers["words"], "words", thesaurus, name="bm25-words"),
            ],
            weights=[settings.dense_weight, settings.body_weight, settings.words_weight],
            mode=FusionMode.RRF,
            candidates=settings.candidates,
            rrf_k=settings.rrf_k,
            priors=settings.priors,
            links=settings.links,
        )
    if method == "bm25":
        return HybridSearcher([LexicalRetriever(analyzers["words"], "words")])
    if method == "dense":
        return HybridSearcher([DenseRetriever(embedder, vectors)])
    raise ValueError(f"unknown search method {method!r} (valid: {', '.join(SEARCH_METHODS)})")
