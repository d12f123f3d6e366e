"""The values that flow through ingestion: loaded text, chunks, parsed documents.

Everything here is immutable and knows nothing of stores or releases, so a parsed
document can be compared, hashed and cached without side effects.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

__all__ = ["Chunk", "DocumentMeta", "LoadedText", "ParsedDocument", "sha256_hex"]


def sha256_hex(text: str) -> str:
    """Content hash used for every identity in the product (versions, chunks)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class LoadedText:
    """What a loader returns.

    `text` is normalised (see `ingest.normalize`), one paragraph or line per "\\n".
    Markdown-style headings (`# `, `## `) are kept where the source marks headings
    (Markdown, HTML h1-h6, DOCX heading styles); PDFs and plain text have none.
    """

    path: Path
    format: str  # "md" | "txt" | "pdf" | "docx" | "html"
    text: str
    front_matter: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chunk:
    """One unit of retrieval: an article (or a 款-bounded part of one) or a section.

    `article` is the canonical label in Chinese numerals (第十六条, 第十六条之一), None
    for chunks of documents without articles. `part`/`part_count` are 1/1 for a whole
    article; a long article split at 款 boundaries yields parts 1..n with the same
    `article`. `heading_path` holds the 编/章/节 (or notice headings) above the chunk.
    """

    text: str
    article: str | None = None
    article_number: int | None = None
    article_sub: int = 0  # 1 for 第X条之一
    part: int = 1
    part_count: int = 1
    heading_path: tuple[str, ...] = ()
    # callers' questions this section answers (front matter `section_questions`), not embedded
    # with the text: they are compared with a caller's question, question to question
    questions: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        return " / ".join(self.heading_path)


@dataclass(frozen=True)
class DocumentMeta:
    """Front matter, or what the text itself says when there is none."""

    title: str
    doc_number: str | None = None
    issuer: str | None = None
    region: str = "全国"
    level: str | None = None
    effective_from: date | None = None
    effective_to: date | None = None
    supersedes: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    # (heading after "## ", example questions) per section, in front-matter order
    section_questions: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class ParsedDocument:
    """A file turned into metadata and chunks; `version_hash` identifies this text."""

    meta: DocumentMeta
    chunks: tuple[Chunk, ...]
    source: str
    format: str
    body: str
    warnings: tuple[str, ...] = ()

    @property
    def version_hash(self) -> str:
        m = self.meta
        key = "\x1f".join(
            [
                m.title,
                m.doc_number or "",
                m.issuer or "",
                m.region,
                m.level or "",
                m.effective_from.isoformat() if m.effective_from else "",
                m.effective_to.isoformat() if m.effective_to else "",
                ",".join(m.supersedes),
                ",".join(m.topics),
                self.body,
            ]
        )
        if m.section_questions:  # absent from older versions: their ids stay as they were
            key += "\x1f" + json.dumps(m.section_questions, ensure_ascii=False)
        return sha256_hex(key)
