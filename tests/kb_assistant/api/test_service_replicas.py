"""Replicas sharing one PostgreSQL service database (KB_SERVICE_URL), and a service whose
database is down: answers still go out."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kb_assistant.kb import KB
from tests.kb_assistant.api.conftest import AGENT, TRAINER, make_app
from tests.kb_assistant.store.postgres_server import postgres_cluster

UNREACHABLE = "postgresql://kb@127.0.0.1:1/postgres"


@pytest.fixture(scope="module")
def service_url() -> Iterator[str]:
    with postgres_cluster() as (url, _):
        yield url


def test_replicas_sharing_postgres_see_each_others_acks_and_gaps(corpus_kb: KB, service_url: str):
    one = TestClient(make_app(corpus_kb, service_url=service_url))
    other = TestClient(make_app(corpus_kb, service_url=service_url))
    agent = AGENT | {"X-Agent-Id": "B007"}
    first = one.get("/v1/changes", headers=agent).json()[0]["notice_id"]
    assert one.post(f"/v1/changes/{first}/ack", headers=agent).status_code == 200
    seen = other.get("/v1/changes", headers=agent).json()
    assert [n["acknowledged"] for n in seen if n["notice_id"] == first] == [True]

    escalated = one.post("/v1/public/ask", json={"question": "明天常德会下雨吗"}).json()
    assert escalated["mode"] == "escalate"
    gaps = other.get("/v1/gaps", headers=TRAINER).json()
    assert [g["answer_id"] for g in gaps if g["kind"] == "escalated"] == [escalated["answer_id"]]


def test_service_database_down_still_answers_and_refuses_feedback(
    corpus_kb: KB, caplog: pytest.LogCaptureFixture
):
    client = TestClient(make_app(corpus_kb, service_url=UNREACHABLE))
    escalated = client.post("/v1/ask", json={"question": "明天常德会下雨吗"}, headers=AGENT)
    assert (escalated.status_code, escalated.json()["mode"]) == (200, "escalate")
    assert "not recorded for /v1/gaps: cannot reach the service database" in caplog.text
    feedback = client.post("/v1/feedback", json={"answer_id": "ab12", "verdict": "wrong"}, headers=AGENT)
    assert feedback.status_code == 503
    assert feedback.json()["detail"].startswith("cannot reach the service database (KB_SERVICE_URL): ")
