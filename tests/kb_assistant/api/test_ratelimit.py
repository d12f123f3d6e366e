"""The public chat's rate limit: who the caller is behind a proxy, and one count across
replicas when they share a real redis-server."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kb_assistant.api.ratelimit import PublicLimiter
from kb_assistant.errors import ConfigError
from kb_assistant.kb import KB
from tests.conftest import require_program
from tests.kb_assistant.api.conftest import make_app
from tests.kb_assistant.conftest import free_port

QUESTION = {"question": "产假几天"}


def codes(calls: list[tuple[TestClient, str]]) -> list[int]:
    """Status of a public question from each (replica, caller address forwarded by the proxy)."""
    return [
        client.post("/v1/public/ask", json=QUESTION, headers={"X-Forwarded-For": caller}).status_code
        for client, caller in calls
    ]


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    program = require_program("redis-server")
    port = free_port()
    server = subprocess.Popen(
        [program, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("redis-server did not start within 20 s") from None
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=10)


def test_rate_limit_behind_a_trusted_proxy_counts_each_forwarded_caller(corpus_kb: KB):
    client = TestClient(make_app(corpus_kb, public_rate="2/minute", trusted_proxies="*"))
    calls = [(client, "10.0.0.1"), (client, "10.0.0.2"), (client, "10.0.0.1"), (client, "10.0.0.1")]
    assert codes(calls) == [200, 200, 200, 429]  # the second caller has a count of its own


def test_rate_limit_ignores_forwarded_for_from_an_untrusted_peer(corpus_kb: KB):
    # the test client connects as "testclient", not a trusted proxy: a caller cannot dodge the
    # limit by sending a new X-Forwarded-For each time
    client = TestClient(make_app(corpus_kb, public_rate="2/minute"))
    assert codes([(client, "10.0.0.1"), (client, "10.0.0.2"), (client, "10.0.0.3")]) == [200, 200, 429]


def test_rate_limit_in_memory_is_counted_by_each_replica(corpus_kb: KB):
    replicas = [TestClient(make_app(corpus_kb, public_rate="2/minute", trusted_proxies="*")) for _ in "ab"]
    calls = [(replicas[i % 2], "10.0.1.1") for i in range(4)]
    assert codes(calls) == [200, 200, 200, 200]  # two replicas, two counts of two


def test_rate_limit_in_shared_redis_is_one_count_across_replicas(corpus_kb: KB, redis_url: str):
    options = {"public_rate": "2/minute", "trusted_proxies": "*", "public_rate_storage": redis_url}
    replicas = [TestClient(make_app(corpus_kb, **options)) for _ in "ab"]
    calls = [(replicas[i % 2], "10.0.2.1") for i in range(3)] + [(replicas[1], "10.0.2.2")]
    assert codes(calls) == [200, 200, 429, 200]


def test_rate_limit_storage_must_be_one_limits_knows():
    with pytest.raises(
        ConfigError, match=r"^KB_PUBLIC_RATE_STORAGE 'mysql://db': .*\(valid: memory://, redis://"
    ):
        PublicLimiter("20/minute", "mysql://db")


def test_rate_limit_storage_unreachable_lets_the_public_ask_and_logs(
    corpus_kb: KB, caplog: pytest.LogCaptureFixture
):
    client = TestClient(
        make_app(corpus_kb, public_rate="1/minute", public_rate_storage="redis://127.0.0.1:1")
    )
    assert codes([(client, "10.0.0.1"), (client, "10.0.0.1")]) == [200, 200]
    assert "public rate limit not applied, its storage is unreachable: " in caplog.text
