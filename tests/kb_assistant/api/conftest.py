"""The service over the hotline's knowledge base: an in-process client and a live server."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kb_assistant.api.app import create_app
from kb_assistant.api.security import ApiKeys
from kb_assistant.config import Settings
from kb_assistant.kb import KB
from tests.kb_assistant.conftest import free_port

AGENT_KEY = "agent-key-for-tests-0001"
TRAINER_KEY = "trainer-key-for-tests-0001"
EVALUATOR_KEY = "evaluator-key-for-tests-01"
AGENT = {"X-API-Key": AGENT_KEY}
TRAINER = {"X-API-Key": TRAINER_KEY}
EVALUATOR = {"X-API-Key": EVALUATOR_KEY}
REPO = Path(__file__).resolve().parents[3]


def keys() -> ApiKeys:
    return ApiKeys.parse(f"agent:{AGENT_KEY},trainer:{TRAINER_KEY},evaluator:{EVALUATOR_KEY}")


def make_app(kb: KB, **overrides: object) -> FastAPI:
    options: dict[str, object] = {"eval_dir": REPO / "eval", "public_rate": "1000/minute"} | overrides
    settings = Settings(kb_dir=kb.kb_dir, **options)  # type: ignore[arg-type]
    return create_app(settings, kb, keys())


@pytest.fixture(scope="session")
def client(corpus_kb: KB) -> TestClient:
    return TestClient(make_app(corpus_kb))


@pytest.fixture(scope="session")
def live_server(corpus_kb: KB) -> Iterator[str]:
    """A real uvicorn server on 127.0.0.1 (for the browser tests); yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(make_app(corpus_kb), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start within 30 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
