"""Vector-store implementations every contract test runs against: embedded and a real server."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb_assistant.store.vectors import ChromaVectorStore


@pytest.fixture(params=["embedded", "server"])
def vector_store(request: pytest.FixtureRequest, tmp_path: Path) -> ChromaVectorStore:
    name = f"contract-{request.node.name}".replace("[", "-").replace("]", "")[:60].rstrip("-_.")
    if request.param == "embedded":
        return ChromaVectorStore(name, path=tmp_path / "chroma")
    url = request.getfixturevalue("chroma_server")
    return ChromaVectorStore(name, url=url)
