"""Resolve a citation (document + article or section) to the text in force in a release.

Wording entries and calculators cite by name; what an agent reads must be the cited
article as it stands in the release on the date asked about, or nothing at all.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from datetime import date

from ingest.metadata import canonical_title
from ingest.wording import WordingCitation
from kb_assistant.answer.extractive import NOTE_TEXT, is_table_row
from kb_assistant.model import Hit
from kb_assistant.retrieve.search import to_hit
from kb_assistant.store.snapshot import ReleaseSnapshot, region_applies

__all__ = ["CitationResolver", "noted_citations", "sentence_basis"]

_NOTE = re.compile("（依据：(" + NOTE_TEXT + ")）")
_NOTED_DOCUMENT = re.compile(r"《([^》]+)》([^《；]*)")
_NOTED_PART = re.compile(r"第[一二三四五六七八九十百零〇两\d]+[条项]")


def noted_citations(text: str) -> tuple[WordingCitation, ...]:
    """The articles named in a knowledge article's source notes, （依据：《X》第N条、第M条；《Y》）,
    in the order written; a document named without an article is cited as a whole."""
    out: list[WordingCitation] = []
    for note in _NOTE.finditer(text):
        for document in _NOTED_DOCUMENT.finditer(note.group(1)):
            name = document.group(1).strip()
            parts = _NOTED_PART.findall(document.group(2))
            for part in parts or [None]:
                citation = WordingCitation(name, part, None)
                if citation not in out:
                    out.append(citation)
    return tuple(out)


def _index_documents(snapshot: ReleaseSnapshot) -> dict[str, list[int]]:
    """Row indexes by document number and by canonical title."""
    built: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(snapshot.rows):
        built[canonical_title(row.title)].append(i)
        if row.doc_number:
            built[row.doc_number.strip()].append(i)
    return dict(built)


def _by_document(snapshot: ReleaseSnapshot) -> dict[str, list[int]]:
    return snapshot.derived("rows_by_document", _index_documents)


def sentence_basis(text: str, sentence: str) -> tuple[WordingCitation, ...]:
    """What a quoted sentence of a knowledge section rests on: the first source note at or
    after it in its paragraph (a note closes an item, which may span sentences split at ；),
    else the note of the lead-in of the list it belongs to."""
    start = text.find(sentence)
    if start < 0:
        return noted_citations(sentence)
    if is_table_row(sentence):
        return _table_basis(text, start)
    end = text.find("\n", start)
    note = _NOTE.search(text, start, len(text) if end < 0 else end)
    if note:
        return noted_citations(note.group(0))
    return _lead_in_basis(text[:start])


def _table_basis(text: str, start: int) -> tuple[WordingCitation, ...]:
    """A table row rests on the note under its table, else on the lead-in above it."""
    below = [line.strip() for line in text[start:].split("\n")]
    k = 0
    while k < len(below) and is_table_row(below[k]):
        k += 1
    while k < len(below) and not below[k]:
        k += 1
    note = _NOTE.match(below[k]) if k < len(below) else None
    return noted_citations(note.group(0)) if note else _lead_in_basis(text[:start])


def _lead_in_basis(before: str) -> tuple[WordingCitation, ...]:
    """The note of the list's lead-in ("按以下顺序确定：（依据：…）"), for an item without
    a note of its own: the nearest paragraph above ending that way, across other items."""
    for paragraph in reversed(before.split("\n")):
        paragraph = paragraph.strip()
        note = _NOTE.search(paragraph)
        if note is None:
            continue
        if paragraph[: note.start()].rstrip().endswith(("：", ":")) and note.end() == len(paragraph):
            return noted_citations(note.group(0))
        return ()  # an item with a note of its own: the list, if any, ended before it
    return ()


class CitationResolver:
    def __init__(self, snapshot: ReleaseSnapshot) -> None:
        self.snapshot = snapshot

    def resolve(self, citation: WordingCitation, as_of: date, region: str | None = None) -> Hit | None:
        """The cited article (all its parts joined) in force on `as_of`, or None when absent."""
        index = _by_document(self.snapshot)
        name = citation.document.strip()
        candidates = index.get(name) or index.get(canonical_title(name)) or []
        day = as_of.toordinal()
        rows = []
        for i in candidates:
            row = self.snapshot.rows[i]
            if not (self.snapshot.valid_from[i] <= day <= self.snapshot.valid_to[i]):
                continue
            if not region_applies(row.region, region):
                continue
            if not citation.points_at(row.article, row.heading):
                continue
            if not citation.article and not citation.section and row.position != 0:
                continue  # a whole document is cited by its opening
            rows.append(row)
        if not rows:
            return None
        rows.sort(key=lambda r: r.position)
        hit = to_hit(0, 1.0, rows[0])
        return replace(hit, text="\n".join(r.text for r in rows)) if len(rows) > 1 else hit

    def change_days(self, citation: WordingCitation, after: date, until: date) -> list[date]:
        """Days in (after, until] on which the cited document's text in force may change."""
        index = _by_document(self.snapshot)
        name = citation.document.strip()
        days: set[int] = set()
        for i in index.get(name) or index.get(canonical_title(name)) or []:
            days.add(int(self.snapshot.valid_from[i]))
            days.add(int(self.snapshot.valid_to[i]) + 1)
        low, high = after.toordinal(), until.toordinal()
        return [date.fromordinal(d) for d in sorted(days) if low < d <= high]

    def resolve_all(
        self, citations: tuple[WordingCitation, ...], as_of: date, region: str | None = None
    ) -> tuple[list[Hit], list[WordingCitation]]:
        """(resolved hits ranked in citation order, citations the release cannot show)."""
        hits: list[Hit] = []
        missing: list[WordingCitation] = []
        seen: set[tuple[str, str | None, str]] = set()
        for citation in citations:
            hit = self.resolve(citation, as_of, region)
            if hit is None:
                missing.append(citation)
                continue
            key = (hit.version_id, hit.article, hit.heading)
            if key not in seen:
                seen.add(key)
                hits.append(replace(hit, rank=len(hits) + 1))
        return hits, missing
