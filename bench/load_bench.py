"""/v1/ask under load on 127.0.0.1 with wrk: throughput and p50/p95/p99, and a publish mid-run.

Starts `kb serve` (2 workers) on a copy of the store, warms each question once per worker,
then runs wrk (8 connections, fixed duration) rotating through the answer-set questions.
A quarter of the way in, another process publishes a new release; a checker thread asks during
the publish and verifies every answer's citations belong to the release the answer names.

    python bench/load_bench.py --kb bench/out/kb_answers --questions eval/answers_*.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

LUA = r"""
local questions = {}
for line in io.lines(os.getenv("KB_LOAD_QUESTIONS")) do questions[#questions + 1] = line end
local i = 0
request = function()
  i = i % #questions + 1
  return wrk.format("POST", "/v1/ask", {["Content-Type"] = "application/json",
    ["X-API-Key"] = os.getenv("KB_LOAD_KEY")}, questions[i])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %.1f %.1f %.1f %.1f\n", summary.requests,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write,
    summary.errors.timeout, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.duration / 1e6))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(base: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("the service did not become ready")


def check_releases(
    base: str, key: str, kb_dir: Path, questions: list[str], stop: threading.Event, out: dict
) -> None:
    """Ask while a publish happens; every answer's citations must be in force in its own release."""
    from kb_assistant.store.catalog import Catalog

    catalog = Catalog(kb_dir / "catalog.sqlite3")
    client = httpx.Client(
        base_url=base, headers={"X-API-Key": key, "Content-Type": "application/json"}, timeout=30
    )
    i = 0
    while not stop.is_set():
        question = questions[i % len(questions)]
        i += 1
        try:
            response = client.post("/v1/ask", content=question)
        except httpx.HTTPError:
            out["errors"] += 1
            continue
        out["checked"] += 1
        if response.status_code != 200:
            out["errors"] += 1
            continue
        answer = response.json()
        windows = catalog.release_windows(answer["release"])
        day = answer["as_of"]
        for hit in answer["citations"]:
            window = windows.get(hit["version_id"])
            if window is None or not (window[0].isoformat() <= day <= window[1].isoformat()):
                out["mixed"] += 1
        out["releases"].add(answer["release"])


def run_wrk(args: argparse.Namespace, work: Path, base: str, env: dict[str, str]) -> dict[str, Any]:
    command = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--timeout", "10s"]
    run = subprocess.run(
        [*command, "-s", str(work / "ask.lua"), base], env=env, capture_output=True, text=True, check=True
    )
    match = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)", run.stdout)
    if match is None:
        raise SystemExit(f"unexpected wrk output:\n{run.stdout}\n{run.stderr}")
    requests, status_err, sock_err, timeouts = (int(match.group(i)) for i in range(1, 5))
    p50, p95, p99, seconds = (float(match.group(i)) for i in range(5, 9))
    return {
        "duration_s": round(seconds, 1),
        "requests": requests,
        "throughput_rps": round(requests / seconds, 1),
        "latency_ms": {"p50": p50, "p95": p95, "p99": p99},
        "errors": {"non_2xx": status_err, "socket": sock_err, "timeouts": timeouts},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=Path, required=True)
    parser.add_argument("--questions", type=Path, nargs="+", required=True)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("bench/out/load.json"))
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    work = Path(tempfile.mkdtemp(prefix="kb-load-"))
    kb_dir = work / "kb"
    shutil.copytree(args.kb, kb_dir)
    key = secrets.token_urlsafe(24)
    bodies = []
    for path in args.questions:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                bodies.append(
                    json.dumps({"question": case["query"], "as_of": case.get("as_of")}, ensure_ascii=False)
                )
    (work / "questions.txt").write_text("\n".join(bodies) + "\n", encoding="utf-8")
    (work / "ask.lua").write_text(LUA, encoding="utf-8")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = os.environ | {
        "KB_API_KEYS": f"agent:{key}",
        "KB_EVAL_DIR": str(work / "no-gate"),
        "KB_LOAD_QUESTIONS": str(work / "questions.txt"),
        "KB_LOAD_KEY": key,
    }
    kb_bin = str(Path(sys.executable).parent / "kb")
    server = subprocess.Popen(
        [kb_bin, "serve", "--kb", str(kb_dir), "--port", str(port), "--workers", str(args.workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_ready(base)
        warm = httpx.Client(
            base_url=base, headers={"X-API-Key": key, "Content-Type": "application/json"}, timeout=60
        )
        # Requests land on a worker at random: after 3 passes per worker a question is still cold
        # on a given worker with probability (1 - 1/workers) ** (3 * workers), 1.6 % for two.
        for _ in range(3 * args.workers):
            for body in bodies:
                warm.post("/v1/ask", content=body.encode())

        steady = run_wrk(args, work, base, env)

        doc = work / "publish" / "notice.md"
        doc.parent.mkdir()
        doc.write_text(
            "---\ntitle: 负载测试期间发布的通知\neffective_from: 2020-01-01\n---\n"
            "# 负载测试期间发布的通知\n\n第一条 本通知用于验证发布期间的服务连续性。\n",
            encoding="utf-8",
        )
        checked: dict[str, Any] = {"checked": 0, "errors": 0, "mixed": 0, "releases": set()}
        stop = threading.Event()
        checker = threading.Thread(target=check_releases, args=(base, key, kb_dir, bodies, stop, checked))

        def publish_midway() -> None:
            time.sleep(args.duration / 4)
            command = [kb_bin, "ingest", "--kb", str(kb_dir), str(doc.parent), "--publish"]
            subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)

        publisher = threading.Thread(target=publish_midway)
        checker.start()
        publisher.start()
        during = run_wrk(args, work, base, env)
        publisher.join()
        time.sleep(5)  # let the checker see answers from the new release
        stop.set()
        checker.join()
        result = {
            "questions": len(bodies),
            "workers": args.workers,
            "connections": args.connections,
            "steady": steady,
            "with_publish": during
            | {
                "answers_checked": checked["checked"],
                "checker_errors": checked["errors"],
                "answers_mixing_releases": checked["mixed"],
                "releases_seen": sorted(checked["releases"]),
            },
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
        print(json.dumps(result, indent=2))
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
