"""Wording follows the text: an approved entry whose cited article changed needs review.

An entry was approved against the text its citations pointed to on its baseline day (the
later of its approval and the start of its window). From the first day on which any cited
article reads differently in the release (a new version, or the article gone), the entry
`needs_review`: it is not read out verbatim for those dates until a trainer publishes a
revised entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kb_assistant.answer.citations import CitationResolver
from kb_assistant.store.catalog import WordingRow

__all__ = ["ReviewState", "review_from"]


@dataclass(frozen=True)
class ReviewState:
    wording_id: str
    version_id: str
    needs_review_from: date
    citation: str  # the citation whose text changed


def review_from(
    entry: WordingRow, window: tuple[date, date], resolver: CitationResolver
) -> ReviewState | None:
    start, end = window
    baseline = max(start, entry.approved_at or start)
    if baseline > end:
        return None
    first: ReviewState | None = None
    for citation in entry.citations:
        before = resolver.resolve(citation, baseline)
        if before is None:
            continue  # the release never held this source; nothing to compare
        for day in resolver.change_days(citation, baseline, end):
            after = resolver.resolve(citation, day)
            if after is None or after.text != before.text:
                if first is None or day < first.needs_review_from:
                    label = citation.label()
                    first = ReviewState(entry.wording_id, entry.version.version_id, day, label)
                break
    return first
