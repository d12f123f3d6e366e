"""Change notices: what each publish changed, for agents' banners and `kb changes`.

A notice is written for every document change of a release (from the diff against the
release before it): which document, a one-line summary of what changed, the date it takes
effect and the approved wording it affects.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from ingest.model import sha256_hex
from kb_assistant.changes.diff import ReleaseDiff
from kb_assistant.store.catalog import Catalog

__all__ = ["ChangeNotice", "load_notices", "record_notices"]


@dataclass(frozen=True)
class ChangeNotice:
    notice_id: str
    release: int
    created_at: str
    doc_key: str
    title: str
    change: str
    effective_from: str | None
    summary: str
    wording_affected: list[str]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def record_notices(catalog: Catalog, diff: ReleaseDiff, release_id: int) -> int:
    rows = []
    for d in diff.documents:
        start = d.effective_from
        if d.change == "ends" and d.effective_to:  # the notice dates the day it stops applying
            start = date.fromordinal(date.fromisoformat(d.effective_to).toordinal() + 1).isoformat()
        notice_id = sha256_hex(f"{release_id}\x1f{d.doc_key}\x1f{d.version_id}\x1f{d.change}")[:16]
        rows.append(
            (notice_id, release_id, d.doc_key, d.title, d.change, start, d.summary(), d.wording_affected)
        )
    catalog.add_notices(rows)
    return len(rows)


def load_notices(catalog: Catalog, since: date | None = None) -> list[ChangeNotice]:
    """Notices of all releases; with `since`, those published or taking effect on or after it."""
    out = []
    for nid, rel, created, key, title, change, start, summary, wording in catalog.notices():
        if since is not None:
            published = date.fromisoformat(created[:10])
            effective = date.fromisoformat(start) if start else None
            if published < since and (effective is None or effective < since):
                continue
        ids = [str(v) for v in json.loads(wording)]
        out.append(ChangeNotice(nid, rel, created, key, title, change, start, summary, ids))
    return out
