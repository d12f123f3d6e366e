"""The banner on an answer whose policy just changed or is about to change (within 90 days).

Agents must know when the rule they read out is new, or is about to be replaced: a caller
asking in June about a rule that changes on 1 July needs both. The banner is computed from
the release's own validity windows, so it appears and disappears with the dates, never by hand.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from kb_assistant.model import Hit
from kb_assistant.store.snapshot import ReleaseSnapshot

__all__ = ["NOTICE_DAYS", "ChangeBanner"]

NOTICE_DAYS = 90

Spans = tuple[dict[str, str], dict[str, set[tuple[int, int]]]]


def _index_windows(snapshot: ReleaseSnapshot) -> Spans:
    """version id → doc key, and doc key → {(valid_from, valid_to)} as ordinals."""
    doc_of: dict[str, str] = {}
    spans: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for i, row in enumerate(snapshot.rows):
        doc_of[row.version_id] = row.doc_key
        spans[row.doc_key].add((int(snapshot.valid_from[i]), int(snapshot.valid_to[i])))
    return doc_of, dict(spans)


def _windows_by_doc(snapshot: ReleaseSnapshot) -> Spans:
    return snapshot.derived("windows_by_document", _index_windows)


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class ChangeBanner:
    def __init__(self, snapshot: ReleaseSnapshot, summaries: dict[tuple[str, str], str]) -> None:
        self.snapshot = snapshot
        self.summaries = summaries  # (doc_key, effective date ISO) → summary from the change notices

    def notices(self, cited: list[Hit], as_of: date) -> list[str]:
        doc_of, spans = _windows_by_doc(self.snapshot)
        today = as_of.toordinal()
        out: list[str] = []
        for doc_key in dict.fromkeys(doc_of.get(h.version_id) for h in cited):
            if doc_key is None:
                continue
            title = next(h.title for h in cited if doc_of.get(h.version_id) == doc_key)
            windows = sorted(w for w in spans.get(doc_key, set()) if w[0] <= w[1])
            current = next((w for w in windows if w[0] <= today <= w[1]), None)
            if current is None:
                continue
            if today - current[0] <= NOTICE_DAYS:  # a new version, or a new document replacing others
                out.append(self._line("该政策自{day}起调整", doc_key, title, date.fromordinal(current[0])))
            upcoming = next((w for w in windows if today < w[0] <= today + NOTICE_DAYS), None)
            if upcoming is not None:
                out.append(self._line("该政策将于{day}起调整", doc_key, title, date.fromordinal(upcoming[0])))
            elif current[1] < today + NOTICE_DAYS and current[1] != date.max.toordinal():
                end = date.fromordinal(current[1]) + timedelta(days=1)
                out.append(f"《{title}》将于{_cn(end)}起不再适用。")
        return out

    def _line(self, lead: str, doc_key: str, title: str, day: date) -> str:
        summary = self.summaries.get((doc_key, day.isoformat())) or f"《{title}》施行新版本。"
        return lead.format(day=_cn(day)) + "：" + summary
