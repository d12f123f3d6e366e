"""Shared fixtures: where the real files live, and a rule for when they are missing."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# The publish gate runs the question sets of KB_EVAL_DIR (default ./eval) on every publish;
# tests publish tiny stores, so they gate on an empty folder unless a test sets its own.
os.environ["KB_EVAL_DIR"] = tempfile.mkdtemp(prefix="kb-no-gate-")
SHARED = Path(os.environ.get("KB_SHARED_DIR", REPO.parent / "shared"))


def missing(message: str) -> None:
    """Fail in CI (CI=true), where .ci/run provides everything; skip elsewhere."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def require_shared(*parts: str) -> Path:
    """Path inside ../shared; fails in CI (CI=true) and skips elsewhere when it is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        missing(f"{path} is missing: tests need ../shared beside the repository")
    return path


def require_program(name: str, fallback: str | None = None) -> str:
    """A program of the Debian packages .ci/run installs (chromium, redis-server)."""
    found = shutil.which(name) or fallback
    if found is None or not Path(found).exists():
        missing(f"{name} is missing: apt-get install {name}")
    assert found is not None
    return found


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return require_shared()


@pytest.fixture(scope="session")
def official_dir() -> Path:
    return require_shared("corpus-official")


@pytest.fixture(scope="session")
def files_dir() -> Path:
    return require_shared("corpus-files")


@pytest.fixture(scope="session")
def official_kb(tmp_path_factory: pytest.TempPathFactory, official_dir: Path, files_dir: Path):
    """The whole official corpus and the real PDF/DOCX files, ingested and published once."""
    from kb_assistant.kb import KB

    kb = KB(tmp_path_factory.mktemp("official-kb"))
    report = kb.ingest([official_dir, files_dir], publish=True, note="official corpus")
    kb.first_report = report  # type: ignore[attr-defined]
    return kb
