"""Read views of a release for people: its documents, their versions and articles."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from ingest.model import sha256_hex
from kb_assistant.model import OPEN_END, OPEN_START
from kb_assistant.store.catalog import Catalog, VersionRow

__all__ = ["document_detail", "document_id", "list_documents"]


def document_id(doc_key: str) -> str:
    """A stable, URL-safe id for a document (its key is a title)."""
    return sha256_hex(doc_key)[:16]


def _iso(day: date, sentinel: date) -> str | None:
    return None if day == sentinel else day.isoformat()


def _version(v: VersionRow, window: tuple[date, date]) -> dict[str, Any]:
    return {
        "version_id": v.version_id,
        "doc_number": v.doc_number,
        "effective_from": v.effective_from.isoformat() if v.effective_from else None,
        "valid_from": _iso(window[0], OPEN_START),
        "valid_to": _iso(window[1], OPEN_END),
        "in_force_ever": window[0] <= window[1],
        "articles": v.chunk_count,
        "source": v.source,
    }


def list_documents(catalog: Catalog, windows: dict[str, tuple[date, date]]) -> list[dict[str, Any]]:
    by_doc: dict[str, list[VersionRow]] = defaultdict(list)
    for v in catalog.versions(windows):
        if v.format != "wording":
            by_doc[v.doc_key].append(v)
    out = []
    for doc_key, versions in by_doc.items():
        versions.sort(key=lambda v: (v.effective_from or date.min, v.seq))
        latest = versions[-1]
        out.append(
            {
                "id": document_id(doc_key),
                "title": latest.title,
                "region": latest.region,
                "level": latest.level,
                "versions": [_version(v, windows[v.version_id]) for v in versions],
            }
        )
    return sorted(out, key=lambda d: d["title"])


def document_detail(
    catalog: Catalog, windows: dict[str, tuple[date, date]], doc_id: str
) -> dict[str, Any] | None:
    for doc in list_documents(catalog, windows):
        if doc["id"] != doc_id:
            continue
        for version in doc["versions"]:
            version["text"] = [
                {"article": c.article, "heading": c.heading, "text": c.text}
                for c in catalog.chunks_of([version["version_id"]])
            ]
        return doc
    return None
