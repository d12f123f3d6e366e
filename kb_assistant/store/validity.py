"""Which version of a document is in force on which day.

A version is in force from its `effective_from` until the day before the next
version of the same document starts (or a document naming it in `supersedes`
starts), or its own `effective_to`, whichever comes first. Two versions with the
same start date: the later ingested one is the correction and wins. Windows never
overlap within a document, so a query date picks at most one version per document.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from ingest.metadata import canonical_title
from kb_assistant.model import OPEN_END, OPEN_START
from kb_assistant.store.catalog import VersionRow

__all__ = ["validity_windows"]


def _day_before(day: date) -> date:
    return day - timedelta(days=1) if day > OPEN_START else OPEN_START


def validity_windows(versions: Iterable[VersionRow]) -> dict[str, tuple[date, date]]:
    """Map version id → (valid_from, valid_to), inclusive; valid_to < valid_from = never in force."""
    rows = list(versions)
    by_doc: dict[str, list[VersionRow]] = defaultdict(list)
    for row in rows:
        by_doc[row.doc_key].append(row)

    windows: dict[str, tuple[date, date]] = {}
    for doc_rows in by_doc.values():
        doc_rows.sort(key=lambda r: (r.effective_from or OPEN_START, r.seq))
        for i, row in enumerate(doc_rows):
            start = row.effective_from or OPEN_START
            end = row.effective_to or OPEN_END
            if i + 1 < len(doc_rows):
                end = min(end, _day_before(doc_rows[i + 1].effective_from or OPEN_START))
            windows[row.version_id] = (start, end)

    names: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        names[canonical_title(row.title)].add(row.doc_key)
        if row.doc_number:
            names[row.doc_number.strip()].add(row.doc_key)
    for row in rows:
        if not row.supersedes or windows[row.version_id][1] < windows[row.version_id][0]:
            continue
        start = row.effective_from or OPEN_START
        targets = set().union(
            *(names.get(n.strip(), set()) | names.get(canonical_title(n), set()) for n in row.supersedes)
        )
        targets.discard(row.doc_key)
        for other in rows:
            if other.doc_key in targets:
                o_start, o_end = windows[other.version_id]
                if o_start < start:
                    windows[other.version_id] = (o_start, min(o_end, _day_before(start)))
    return windows
