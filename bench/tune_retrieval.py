"""Choose retrieval settings on the development split (never on single questions).

Runs every candidate generator once per question, caches the ranked lists, then scores
fusion variants offline, so a grid of weights takes seconds. Prints a table sorted by
the mean of STARD R@10 and LawBench R@10.

    python bench/tune_retrieval.py --kb /tmp/kb_off --dev ../shared/eval-dev
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np

from ingest.metadata import canonical_title
from kb_assistant.kb import KB
from kb_assistant.retrieve.fusion import fuse
from kb_assistant.retrieve.links import ArticleLinks, LinkConfig
from kb_assistant.retrieve.pipeline import HYBRID
from kb_assistant.retrieve.priors import DocumentPriors
from kb_assistant.store.ingestor import indexed_text
from kb_assistant.store.lexical import LexicalIndex
from kb_assistant.text.analyzer import Analyzer
from kb_assistant.text.thesaurus import Thesaurus

Ranked = list[tuple[int, float]]


def load(path: Path) -> list[tuple[str, set[tuple[str, str]]]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        gold = {(canonical_title(g["law"]), g["article"]) for g in item["gold"] if g.get("in_corpus", True)}
        if gold:
            out.append((item["query"], gold))
    return out


def top(scores: np.ndarray, mask: np.ndarray, n: int) -> Ranked:
    scores = np.where(mask, scores, 0.0)
    idx = np.argsort(-scores, kind="stable")[:n]
    return [(int(i), float(scores[i])) for i in idx if scores[i] > 0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kb", type=Path, required=True)
    parser.add_argument("--dev", type=Path, default=Path("../shared/eval-dev"))
    parser.add_argument("--generators", nargs="*", help="candidate generators to combine (default: all)")
    parser.add_argument("--body-vectors", type=Path, help="npy of article-text-only embeddings, row order")
    parser.add_argument("--prior-grid", type=float, nargs="*", default=[0.0, 0.3, 0.6, 1.0])
    default_links = HYBRID.links
    parser.add_argument(
        "--links",
        type=float,
        nargs=3,
        metavar=("NEIGHBOUR", "CITES", "CITED_BY"),
        default=[default_links.neighbour_weight, default_links.cites_weight, default_links.cited_by_weight],
        help="article-link weights applied after the priors (0 0 0 turns them off)",
    )
    args = parser.parse_args()
    kb = KB(args.kb)
    snap = kb.snapshot()
    mask = snap.mask(date.today(), None)
    rows = snap.rows
    texts = [indexed_text(r.title, r.heading, r.text) for r in rows]
    keys = [(canonical_title(r.title), r.article or f"#{r.position}") for r in rows]
    thesaurus = Thesaurus.load()
    words = Analyzer()
    bigram = Analyzer(bigrams=True)
    row_keys = [(r.version_id, r.position) for r in rows]
    idx_words = snap.lexical["words"]
    idx_bi = LexicalIndex.build(texts, row_keys, bigram, bigram.describe())
    idx_body = snap.lexical["body"]

    generators: dict[str, Callable[[str], Ranked]] = {
        "dense": lambda q: kb.searcher("dense").retrievers[0].retrieve(q, snap, mask, 100),  # type: ignore[attr-defined]
        "dense_x": lambda q: (
            kb.searcher("dense").retrievers[0].retrieve(thesaurus.expand(q), snap, mask, 100)
        ),  # type: ignore[attr-defined]
        "bm25w": lambda q: top(idx_words.scores(words(q)), mask, 100),
        "bm25w_x": lambda q: top(idx_words.scores(words(thesaurus.expand(q))), mask, 100),
        "bm25b_x": lambda q: top(idx_bi.scores(bigram(thesaurus.expand(q))), mask, 100),
        "bm25b": lambda q: top(idx_bi.scores(bigram(q)), mask, 100),
        "bm25body_x": lambda q: top(idx_body.scores(bigram(thesaurus.expand(q))), mask, 100),
    }
    if args.body_vectors:
        body_vectors = np.load(args.body_vectors)

        def dense_body(q: str) -> Ranked:
            return top(body_vectors @ kb.embedder.embed_query(q) + 1.0, mask, 100)

        generators["dense_body"] = dense_body
    sets = {p.name.split(".")[0]: load(p) for p in sorted(args.dev.glob("*.jsonl"))}
    cache: dict[str, dict[str, list[Ranked]]] = {
        name: {g: [fn(q) for q, _ in qs] for g, fn in generators.items()} for name, qs in sets.items()
    }

    prior_cache: dict[tuple[float, float], DocumentPriors] = {}
    link_config = LinkConfig(*args.links)
    links = ArticleLinks(rows)

    def score(
        name: str, ranked_lists: list[Ranked], prior: tuple[float, float, float]
    ) -> tuple[float, float]:
        art_w, doc_w, local_penalty = prior
        if (art_w, doc_w) not in prior_cache:
            prior_cache[(art_w, doc_w)] = DocumentPriors(rows, art_w, doc_w)
        weights = prior_cache[(art_w, doc_w)].weights(local_penalty, None)
        recalls, rrs = [], []
        for (_, gold), ranked in zip(sets[name], ranked_lists, strict=True):
            ranked = sorted(((r, s * weights[r]) for r, s in ranked), key=lambda x: -x[1])
            if not link_config.neutral:
                ranked = links.spread(rows, ranked, link_config)
            seen: list[tuple[str, str]] = []
            for r, _ in ranked:
                if keys[r] not in seen:
                    seen.append(keys[r])
                if len(seen) == 10:
                    break
            recalls.append(len(gold & set(seen)) / len(gold))
            rr = next((1 / (i + 1) for i, k in enumerate(seen) if k in gold), 0.0)
            rrs.append(rr)
        return float(np.mean(recalls)), float(np.mean(rrs))

    results = []
    names = args.generators or list(generators)
    priors = list(itertools.product(args.prior_grid, args.prior_grid, [1.0, 0.5, 0.3]))
    for combo_size in (1, 2, 3):
        for combo in itertools.combinations(names, combo_size):
            weight_grid = (
                [(1.0,)] if combo_size == 1 else itertools.product([0.5, 1.0, 2.0], repeat=combo_size)
            )
            for weights in weight_grid:
                if combo_size > 1 and weights[0] != 1.0:
                    continue
                for rrf_k in (10, 60):
                    fused = {
                        name: [
                            fuse([cache[name][g][i] for g in combo], list(weights), rrf_k=rrf_k)
                            for i in range(len(sets[name]))
                        ]
                        for name in sets
                    }
                    for prior in priors:
                        row = {"combo": "+".join(combo), "w": weights, "k": rrf_k, "prior": prior}
                        for name in sets:
                            row[name] = score(name, fused[name], prior)
                        results.append(row)
    stard, law = sorted(sets)[1], sorted(sets)[0]
    results.sort(key=lambda r: -(r[stard][0] + r[law][0] + r[stard][1]))
    for r in results[:40]:
        print(
            f"{r['combo']:<32} w={r['w']} k={r['k']} prior={r['prior']}  "
            f"STARD R@10={r[stard][0]:.3f} MRR={r[stard][1]:.3f}  LawBench R@10={r[law][0]:.3f}"
        )
    print("single generators:")
    for r in results:
        if "+" not in r["combo"] and r["k"] == 60 and r["prior"] == (0.0, 0.0, 1.0):
            print(f"  {r['combo']:<12} STARD {r[stard][0]:.3f}/{r[stard][1]:.3f}  LawBench {r[law][0]:.3f}")


if __name__ == "__main__":
    main()
