"""Search latency in-process: p50/p95 per stage, cold and repeated queries.

Stages are timed by calling the same components `KB.search` uses, one after another:
query embedding, dense (vector store + filter), lexical (BM25 + filter), fusion and
hit assembly. Medians and ratios measured side by side in one run; no assertions.

    python bench/search_bench.py --kb KB_DIR --questions ../shared/eval-dev/*.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np

from kb_assistant.embed.cache import CachedQueryEmbedder
from kb_assistant.kb import KB
from kb_assistant.retrieve.fusion import fuse
from kb_assistant.retrieve.retrievers import DenseRetriever


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values) * 1000.0, q))


def load_queries(paths: list[Path]) -> list[str]:
    queries: list[str] = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                queries.append(json.loads(line)["query"])
    return queries


def stage_timings(kb: KB, queries: list[str]) -> dict[str, list[float]]:
    snapshot = kb.snapshot()
    searcher = kb.searcher()
    dense = next(r for r in searcher.retrievers if isinstance(r, DenseRetriever))
    lexical = [r for r in searcher.retrievers if not isinstance(r, DenseRetriever)]
    inner = kb.embedder.inner if isinstance(kb.embedder, CachedQueryEmbedder) else kb.embedder
    out: dict[str, list[float]] = {k: [] for k in ("embed", "dense", "lexical", "fusion", "total")}
    today = date.today()
    for query in queries:
        t0 = time.perf_counter()
        mask = snapshot.mask(today, None)
        vector = inner.embed_query(query)
        t1 = time.perf_counter()
        ranked = [dense.retrieve_vector(vector, snapshot, mask, searcher.candidates)]
        t2 = time.perf_counter()
        ranked.extend(r.retrieve(query, snapshot, mask, searcher.candidates) for r in lexical)
        t3 = time.perf_counter()
        fuse(ranked, searcher.weights, searcher.mode)
        t4 = time.perf_counter()
        for key, value in zip(out, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0), strict=True):
            out[key].append(value)
    return out


def end_to_end(kb: KB, queries: list[str], repeated: bool) -> list[float]:
    if isinstance(kb.embedder, CachedQueryEmbedder):
        kb.embedder.clear()
        if repeated:
            for query in queries:
                kb.search(query, k=10)
    times = []
    for query in queries:
        start = time.perf_counter()
        kb.search(query, k=10)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kb", type=Path, required=True)
    parser.add_argument("--questions", type=Path, nargs="+", required=True)
    parser.add_argument("--out", type=Path, default=Path("bench/out/search.json"))
    args = parser.parse_args()
    kb = KB(args.kb)
    queries = load_queries(args.questions)
    kb.search(queries[0], k=10)  # load model, snapshot, jieba
    stages = stage_timings(kb, queries)
    cold = end_to_end(kb, queries, repeated=False)
    warm = end_to_end(kb, queries, repeated=True)
    snapshot = kb.snapshot()
    total_median = float(np.median(stages["total"]))
    result = {
        "release": snapshot.release_id,
        "chunks": len(snapshot.rows),
        "queries": len(queries),
        "search_ms": {"p50": percentile(cold, 50), "p95": percentile(cold, 95)},
        "repeated_query_ms": {"p50": percentile(warm, 50), "p95": percentile(warm, 95)},
        "stages_ms": {k: {"p50": percentile(v, 50), "p95": percentile(v, 95)} for k, v in stages.items()},
        "stage_share_of_median": {
            k: round(float(np.median(v)) / total_median, 3) for k, v in stages.items() if k != "total"
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
