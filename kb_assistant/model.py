"""Rows the library hands to its callers. API schemas live in the api package."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

__all__ = ["Hit", "IngestReport", "Release", "SearchResult"]

OPEN_START = date(1, 1, 1)
OPEN_END = date(9999, 12, 31)


@dataclass(frozen=True)
class Hit:
    """One article (or section) found by a search, in the version in force on `as_of`."""

    rank: int
    score: float
    title: str
    doc_number: str | None
    article: str | None
    heading: str
    text: str
    version_id: str
    effective_from: str | None
    effective_to: str | None
    region: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SearchResult:
    release: int
    as_of: str
    hits: list[Hit]

    def to_dict(self) -> dict[str, Any]:
        return {"release": self.release, "as_of": self.as_of, "hits": [h.to_dict() for h in self.hits]}


@dataclass(frozen=True)
class Release:
    release_id: int
    created_at: str
    author: str
    note: str
    documents: int
    versions: int
    chunks: int
    wording: int = 0  # approved-wording topics in the release

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class IngestReport:
    """What one `KB.ingest` run did, file by file."""

    added: list[dict[str, Any]] = field(default_factory=list)  # new versions
    unchanged: list[str] = field(default_factory=list)
    # files put back to a text ingested before: that version is current again, in the draft
    restored: list[str] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    chunks_embedded: int = 0
    chunks_reused: int = 0
    release: int | None = None

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"ok": self.ok}
