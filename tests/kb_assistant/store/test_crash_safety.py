"""Kill -9 in the middle of an ingest: the last release keeps answering, a rerun finishes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

FIRST = """---
title: 社会保险经办服务指南
effective_from: 2024-01-01
---
# 社会保险经办服务指南

第一条 参保人员可以通过网上服务平台查询个人权益记录。
"""


def kb(*args: str, kb_dir: Path) -> list[str]:
    return [sys.executable, "-m", "kb_assistant.cli", *args, "--kb", str(kb_dir)]


def write_many(folder: Path, count: int) -> None:
    folder.mkdir(parents=True)
    for i in range(count):
        articles = "\n\n".join(
            f"第{n}条 第{i}号文件第{n}条规定了参保登记、缴费基数核定和待遇支付的第{i * 10 + n}种情形。"
            for n in range(1, 6)
        )
        (folder / f"doc{i:03d}.md").write_text(
            f"---\ntitle: 测试文件{i:03d}号\neffective_from: 2024-01-01\n---\n"
            f"# 测试文件{i:03d}号\n\n{articles}\n",
            encoding="utf-8",
        )


def draft_count(kb_dir: Path) -> int:
    try:
        with sqlite3.connect(kb_dir / "catalog.sqlite3", timeout=5) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM draft").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_kill_during_ingest_keeps_last_release_and_rerun_finishes(tmp_path: Path):
    kb_dir = tmp_path / "kb"
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    (tmp_path / "first").mkdir()
    (tmp_path / "first" / "guide.md").write_text(FIRST, encoding="utf-8")
    subprocess.run(kb("ingest", str(tmp_path / "first"), "--publish", kb_dir=kb_dir), check=True, env=env)
    write_many(tmp_path / "many", 120)

    proc = subprocess.Popen(
        kb("ingest", str(tmp_path / "many"), "--publish", kb_dir=kb_dir),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while draft_count(kb_dir) < 5 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the ingest finished before it could be killed: make the input larger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 5 <= draft_count(kb_dir) < 120

    searched = subprocess.run(
        kb("search", "个人权益记录", "--json", kb_dir=kb_dir),
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(searched.stdout)
    assert result["release"] == 1
    assert result["hits"][0]["title"] == "社会保险经办服务指南"

    rerun = subprocess.run(
        kb("ingest", str(tmp_path / "many"), "--publish", "--json", kb_dir=kb_dir),
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(rerun.stdout)
    assert report["release"] == 2
    assert len(report["added"]) + len(report["unchanged"]) == 120
    assert len(report["unchanged"]) >= 5
    releases = json.loads(
        subprocess.run(
            kb("releases", "--json", kb_dir=kb_dir), env=env, capture_output=True, text=True
        ).stdout
    )
    assert releases[-1]["versions"] == 121
