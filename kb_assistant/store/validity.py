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

__all__ = ["serves", "validity_windows"]


# the window of a version never in force, though it starts at OPEN_START (a version without
# `effective_from` replaced by another without one): date.min has no day before it, so the
# window starts the day after instead, and valid_to < valid_from still says "never"
_NEVER_FROM_START = (OPEN_START + timedelta(days=1), OPEN_START)


def _day_before(day: date) -> date:
    return day - timedelta(days=1) if day > OPEN_START else OPEN_START


def _window(start: date, end: date, replaced_from: date | None) -> tuple[date, date]:
    """(start, end) cut the day before `replaced_from`; empty when that is on or before start."""
    if replaced_from is None:
        return start, end
    if replaced_from <= start:
        return _NEVER_FROM_START if start == OPEN_START else (start, _day_before(start))
    return start, min(end, _day_before(replaced_from))


def serves(window: tuple[date, date]) -> bool:
    """Is a version with this window ever in force (a shadowed one's ends before it starts)?"""
    return window[0] <= window[1]


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
            following = doc_rows[i + 1].effective_from or OPEN_START if i + 1 < len(doc_rows) else None
            windows[row.version_id] = _window(start, end, following)

    names: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        names[canonical_title(row.title)].add(row.doc_key)
        if row.doc_number:
            names[row.doc_number.strip()].add(row.doc_key)
    for row in rows:
        if not row.supersedes or not serves(windows[row.version_id]):
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
                    windows[other.version_id] = _window(o_start, o_end, start)
    return windows
