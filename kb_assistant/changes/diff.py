"""What a release (or the draft) changes against another: documents, articles, wording.

Versions are aligned per document; a new version is compared with the version it follows,
article by article (by 第X条 or section heading, then by text similarity for articles that
were renumbered), with a character-level diff of modified articles. Window changes of
versions both sides hold (a document superseded or retired on a date) are reported too.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from kb_assistant.model import OPEN_END, OPEN_START
from kb_assistant.store.catalog import Catalog, VersionRow, WordingRow
from kb_assistant.store.validity import serves

__all__ = ["ArticleChange", "DocumentChange", "ReleaseDiff", "WordingChange", "diff_windows"]

MOVED_SIMILARITY = 0.6  # an unmatched old and new article this similar are one article renumbered
MAX_EDIT_CHARS = 200

Windows = dict[str, tuple[date, date]]


@dataclass(frozen=True)
class ArticleChange:
    change: str  # added | removed | modified | moved
    article: str  # label in the new version (the old one for removed)
    old_article: str | None = None  # for moved
    edits: tuple[dict[str, Any], ...] = ()  # {"op": replace|insert|delete, "old", "new", "at"}


@dataclass
class DocumentChange:
    doc_key: str
    title: str
    doc_number: str | None
    change: str  # new_document | new_version | removed | ends | window
    version_id: str
    effective_from: str | None
    effective_to: str | None
    previous_version_id: str | None = None
    articles: list[ArticleChange] = field(default_factory=list)
    wording_affected: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for change notices: what changed and from when."""
        name = f"《{self.title}》" + (f"（{self.doc_number}）" if self.doc_number else "")
        when = _cn(self.effective_from)
        if self.change == "new_document":
            return f"{name}自{when}起施行。" if when else f"{name}新增。"
        if self.change == "ends":
            return f"{name}自{_cn(_next_day(self.effective_to))}起不再适用。"
        if self.change == "removed":
            return f"{name}的版本（自{when}起）已撤下。" if when else f"{name}的一个版本已撤下。"
        if self.change == "window":
            return f"{name}适用期调整为{when or '施行之日'}至{_cn(self.effective_to) or '今后'}。"
        parts = []
        for kind, verb in (
            ("modified", "修改"),
            ("added", "新增"),
            ("removed", "删除"),
            ("moved", "调整条序"),
        ):
            labels = [a.article for a in self.articles if a.change == kind]
            if labels:
                parts.append(verb + "、".join(labels[:6]) + ("等" if len(labels) > 6 else ""))
        first = next((a for a in self.articles if a.change == "modified" and a.edits), None)
        detail = ""
        if first is not None:
            edit = first.edits[0]
            if edit["op"] == "replace" and len(edit["old"]) <= 30 and len(edit["new"]) <= 30:
                detail = f"（{first.article}“{edit['old']}”改为“{edit['new']}”）"
        changes = "；".join(parts) or "文字调整"
        return f"{name}新版本自{when}起施行：{changes}{detail}。" if when else f"{name}新版本：{changes}。"


@dataclass(frozen=True)
class WordingChange:
    wording_id: str
    topic: str
    change: str  # added | revised | removed
    version_id: str
    effective_from: str | None
    # for `revised`: what differs from the version it replaces, in WORDING_PARTS order
    parts: list[str] = field(default_factory=list)


@dataclass
class ReleaseDiff:
    from_release: int | None
    to_release: int | str
    documents: list[DocumentChange]
    wording: list[WordingChange]

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.from_release,
            "to": self.to_release,
            "documents": [asdict(d) | {"summary": d.summary()} for d in self.documents],
            "wording": [asdict(w) for w in self.wording],
        }


def _cn(iso: str | None) -> str:
    if not iso:
        return ""
    day = date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def _next_day(iso: str | None) -> str | None:
    return None if not iso else date.fromordinal(date.fromisoformat(iso).toordinal() + 1).isoformat()


def _iso(day: date, sentinel: date) -> str | None:
    return None if day == sentinel else day.isoformat()


def _articles(catalog: Catalog, version_id: str) -> dict[str, str]:
    """Label → full text (parts joined), in document order."""
    out: dict[str, list[str]] = {}
    for chunk in catalog.chunks_of([version_id]):
        label = chunk.article or chunk.heading.split(" / ")[-1] or f"#{chunk.position}"
        out.setdefault(label, []).append(chunk.text)
    return {label: "\n".join(parts) for label, parts in out.items()}


def _edits(old: str, new: str) -> tuple[dict[str, Any], ...]:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return tuple(
        {"op": tag, "old": old[i1:i2][:MAX_EDIT_CHARS], "new": new[j1:j2][:MAX_EDIT_CHARS], "at": i1}
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    )


def compare_articles(old: dict[str, str], new: dict[str, str]) -> list[ArticleChange]:
    changes: list[ArticleChange] = []
    for label, text in new.items():
        if label in old and old[label] != text:
            changes.append(ArticleChange("modified", label, edits=_edits(old[label], text)))
    only_old = [label for label in old if label not in new]
    only_new = [label for label in new if label not in old]
    pairs = sorted(
        (
            (difflib.SequenceMatcher(None, old[o], new[n], autojunk=False).ratio(), o, n)
            for o in only_old
            for n in only_new
        ),
        reverse=True,
    )
    used_old: set[str] = set()
    used_new: set[str] = set()
    for ratio, o, n in pairs:
        if ratio < MOVED_SIMILARITY or o in used_old or n in used_new:
            continue
        used_old.add(o)
        used_new.add(n)
        edits = _edits(old[o], new[n]) if old[o] != new[n] else ()
        changes.append(ArticleChange("moved", n, old_article=o, edits=edits))
    changes += [ArticleChange("added", n) for n in only_new if n not in used_new]
    changes += [ArticleChange("removed", o) for o in only_old if o not in used_old]
    order = {label: i for i, label in enumerate(new)}
    return sorted(changes, key=lambda c: (order.get(c.article, len(order)), c.article))


def _cites(entry: WordingRow, version: VersionRow, labels: set[str] | None) -> bool:
    """Does the entry cite one of `labels` of this document (any article when None)?"""
    for citation in entry.citations:
        if not citation.names(version.title, version.doc_number):
            continue
        cited = citation.article or citation.section
        if labels is None or cited is None:
            return True
        if any(label.endswith(cited) or cited.endswith(label) for label in labels):
            return True
    return False


def diff_windows(
    catalog: Catalog, old: Windows, new: Windows, from_release: int | None, to_release: int | str
) -> ReleaseDiff:
    versions = {v.version_id: v for v in catalog.versions(set(old) | set(new))}
    by_doc: dict[str, list[VersionRow]] = defaultdict(list)
    for v in versions.values():
        by_doc[v.doc_key].append(v)
    # both sides' entries, read once: the draft's approved ones are what changed articles
    # affect, and a revision is compared with the version it replaces
    wordings = {
        w.version.version_id: w
        for w in catalog.wordings([v for v, row in versions.items() if row.format == "wording"])
    }
    approved = [w for v, w in wordings.items() if v in new and w.status == "approved"]
    documents: list[DocumentChange] = []
    wording: list[WordingChange] = []
    for doc_key in sorted(by_doc, key=lambda k: min(v.seq for v in by_doc[k])):
        rows = sorted(by_doc[doc_key], key=lambda v: (v.effective_from or OPEN_START, v.seq))
        if rows[0].format == "wording":
            wording.extend(_wording_changes(wordings, rows, old, new))
            continue
        documents.extend(_document_changes(catalog, rows, old, new, approved))
    return ReleaseDiff(from_release, to_release, documents, wording)


def _change(v: VersionRow, kind: str, window: tuple[date, date]) -> DocumentChange:
    start, end = window
    return DocumentChange(
        v.doc_key, v.title, v.doc_number, kind, v.version_id, _iso(start, OPEN_START), _iso(end, OPEN_END)
    )


def _document_changes(
    catalog: Catalog, rows: list[VersionRow], old: Windows, new: Windows, approved: list[WordingRow]
) -> list[DocumentChange]:
    out: list[DocumentChange] = []
    in_old, in_new = _serving(rows, old), _serving(rows, new)
    had = [v for v in rows if v.version_id in in_old]
    for v in rows:
        vid = v.version_id
        if vid in in_new and vid not in in_old:
            start = new[vid][0]
            earlier = [p for p in rows if p.version_id in in_new and p.version_id != vid]
            earlier = [p for p in earlier if new[p.version_id][0] < start]
            shadowed = [p for p in had if p.version_id not in in_new and old[p.version_id][0] <= start]
            displaced = shadowed or had
            previous = earlier[-1] if earlier else (displaced[-1] if displaced else None)
            change = _change(v, "new_version" if previous else "new_document", new[vid])
            if previous is not None:
                change.previous_version_id = previous.version_id
                before, after = _articles(catalog, previous.version_id), _articles(catalog, vid)
                change.articles = compare_articles(before, after)
                labels = {a.article for a in change.articles} | {a.old_article or "" for a in change.articles}
                labels.discard("")
                change.wording_affected = sorted(
                    {w.wording_id for w in approved if _cites(w, previous, labels)}
                )
            out.append(change)
        elif vid in in_old and vid not in in_new:
            out.append(_change(v, "removed", old[vid]))
        elif vid in in_old and vid in in_new and old[vid] != new[vid]:
            start, end = new[vid]
            kind = "ends" if start <= end < old[vid][1] else "window"
            change = _change(v, kind, new[vid])
            if kind == "ends":
                change.wording_affected = sorted({w.wording_id for w in approved if _cites(w, v, None)})
            out.append(change)
    # a text displaced on its own date is what its new version's line already tells of
    replaced = {c.previous_version_id for c in out if c.change == "new_version"}
    out = [c for c in out if not (c.change == "removed" and c.version_id in replaced)]
    order = {"new_document": 0, "new_version": 0, "removed": 1, "ends": 2, "window": 3}
    return sorted(out, key=lambda c: order[c.change])


def _serving(rows: list[VersionRow], windows: Windows) -> set[str]:
    """The versions a release serves: one it holds but never serves (a later text of the same
    date shadows it) is not in it for trainers, so a file put back to it brings it in."""
    return {v.version_id for v in rows if v.version_id in windows and serves(windows[v.version_id])}


def _wording_changes(
    wordings: dict[str, WordingRow], rows: list[VersionRow], old: Windows, new: Windows
) -> list[WordingChange]:
    out = []
    in_old, in_new = _serving(rows, old), _serving(rows, new)
    existed = [v for v in rows if v.version_id in in_old]
    displaced = [v for v in existed if v.version_id not in in_new] or existed
    for v in rows:
        start = _iso(new.get(v.version_id, old.get(v.version_id, (OPEN_START, OPEN_END)))[0], OPEN_START)
        parts: list[str] = []
        if v.version_id in in_new and v.version_id not in in_old:
            kind = "revised" if existed else "added"
            if existed:
                parts = _changed_parts(wordings, displaced[-1], v)
        elif v.version_id in in_old and v.version_id not in in_new:
            kind = "removed"
        else:
            continue
        out.append(WordingChange(v.doc_number or "", v.title, kind, v.version_id, start, parts))
    if any(c.change == "revised" for c in out):  # the revision's line tells of the text it replaces
        out = [c for c in out if c.change != "removed"]
    return out


WORDING_PARTS = ("answer", "questions", "not_questions", "citations", "dates", "status", "topic")


def _changed_parts(wordings: dict[str, WordingRow], before: VersionRow, after: VersionRow) -> list[str]:
    """Which parts of an entry a revision touched: a new answer text needs the trainers'
    review, new example questions only change which calls it matches."""
    a, b = wordings.get(before.version_id), wordings.get(after.version_id)
    if a is None or b is None:
        return []
    changed = {
        "answer": a.answer != b.answer,
        "questions": a.questions != b.questions,
        "not_questions": a.not_questions != b.not_questions,
        "citations": a.citations != b.citations,
        "dates": (before.effective_from, before.effective_to) != (after.effective_from, after.effective_to),
        "status": a.status != b.status,
        "topic": before.title != after.title,
    }
    return [part for part in WORDING_PARTS if changed[part]]
