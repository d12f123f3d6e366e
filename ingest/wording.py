"""Approved answer wording (统一答复口径): a Markdown file with front matter `kind: wording`.

A wording entry is content like a document: ingested, versioned by its content hash
and published with releases. Its body is the answer agents read out verbatim; its
front matter says which questions it answers, what it rests on and when it applies.

`kind: not_covered` is the same kind of file for a topic the knowledge base does not
answer yet (the local minimum wage amount, marriage leave): its body is the approved
handover line, its questions are callers' questions about the topic, and it cites
nothing. Trainers publish, date and roll it back like any wording.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ingest.metadata import canonical_title, front_date, question_list
from ingest.model import sha256_hex

__all__ = [
    "NOT_COVERED",
    "WORDING_KEYS",
    "WORDING_KINDS",
    "WORDING_STATUSES",
    "WordingCitation",
    "WordingEntry",
    "is_wording",
    "parse_wording",
]

WORDING_STATUSES = ("draft", "approved")
NOT_COVERED = "not_covered"
WORDING_KINDS = ("wording", NOT_COVERED)
WORDING_KEYS = (
    "kind",
    "id",
    "topic",
    "status",
    "owner",
    "approved_at",
    "effective_from",
    "effective_to",
    "region",
    "questions",
    "not_questions",
    "citations",
)
_REQUIRED = ("id", "topic", "status", "owner", "questions", "citations")
# a topic not covered yet rests on no article, and has no neighbour it must not answer
_NOT_COVERED_KEYS = tuple(k for k in WORDING_KEYS if k not in ("citations", "not_questions"))


@dataclass(frozen=True)
class WordingCitation:
    """What an entry rests on: a document (title or number) and its article or section."""

    document: str
    article: str | None = None
    section: str | None = None

    def label(self) -> str:
        where = self.article or self.section or ""
        return f"《{self.document}》{where}"

    def names(self, title: str, doc_number: str | None) -> bool:
        """Is this the cited document? By its number, or its title without 中华人民共和国 and 《》."""
        return self.document == doc_number or canonical_title(self.document) == canonical_title(title)

    def points_at(self, article: str | None, heading: str) -> bool:
        """Is this the cited part? A section is named by its own heading, the last of the path."""
        if self.article:
            return article == self.article
        if self.section:
            last = heading.split(" / ")[-1].strip()
            return last.endswith(self.section) or heading == self.section
        return True


@dataclass(frozen=True)
class WordingEntry:
    wording_id: str
    topic: str
    status: str
    owner: str
    approved_at: date | None
    effective_from: date | None
    effective_to: date | None
    region: str
    questions: tuple[str, ...]
    citations: tuple[WordingCitation, ...]
    answer: str
    source: str
    # Near-topic questions this answer does not answer: a caller closer to one of these
    # than to any example question gets an extractive answer instead of this wording.
    not_questions: tuple[str, ...] = ()
    kind: str = "wording"  # or NOT_COVERED: the answer is the handover line of a missing topic

    @property
    def version_hash(self) -> str:
        """Identity of this text of the entry (the source path is not part of it)."""
        payload = {
            "id": self.wording_id,
            "topic": self.topic,
            "status": self.status,
            "owner": self.owner,
            "approved_at": _iso(self.approved_at),
            "effective_from": _iso(self.effective_from),
            "effective_to": _iso(self.effective_to),
            "region": self.region,
            "questions": list(self.questions),
            "citations": [[c.document, c.article, c.section] for c in self.citations],
            "answer": self.answer,
        }
        if self.not_questions:  # entries without them keep the hash they always had
            payload["not_questions"] = list(self.not_questions)
        if self.kind != "wording":
            payload["kind"] = self.kind
        return sha256_hex("wording\x1f" + json.dumps(payload, ensure_ascii=False, sort_keys=True))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def is_wording(front_matter: Mapping[str, Any]) -> bool:
    """A wording file of either kind (a document has no `kind`)."""
    return str(front_matter.get("kind", "")).strip() in WORDING_KINDS


def parse_wording(front_matter: Mapping[str, Any], body: str, source: str) -> WordingEntry:
    """Check the front matter of a wording file; errors name the key and the valid values."""
    kind = str(front_matter.get("kind", "")).strip()
    valid = _NOT_COVERED_KEYS if kind == NOT_COVERED else WORDING_KEYS
    unknown = sorted(str(k) for k in front_matter if k not in valid)
    if unknown:
        raise ValueError(f"unknown {kind} key(s): {', '.join(unknown)}; valid keys: {', '.join(valid)}")
    required = [k for k in _REQUIRED if k in valid]
    missing = [k for k in required if front_matter.get(k) in (None, "", [])]
    if missing:
        raise ValueError(f"wording entry lacks {', '.join(missing)}")
    status = str(front_matter["status"]).strip()
    if status not in WORDING_STATUSES:
        raise ValueError(f"wording status {status!r} is not one of: {', '.join(WORDING_STATUSES)}")
    start = _optional_date(front_matter, "effective_from")
    end = _optional_date(front_matter, "effective_to")
    if start and end and end < start:
        raise ValueError(f"wording key 'effective_to' ({end}) is before 'effective_from' ({start})")
    answer = _answer_text(body)
    if not answer:
        raise ValueError("wording entry has no answer text below its front matter")
    questions = _questions(front_matter["questions"])
    return WordingEntry(
        wording_id=str(front_matter["id"]).strip(),
        topic=str(front_matter["topic"]).strip(),
        status=status,
        owner=str(front_matter["owner"]).strip(),
        approved_at=_optional_date(front_matter, "approved_at"),
        effective_from=start,
        effective_to=end,
        region=str(front_matter.get("region") or "全国").strip(),
        questions=questions,
        citations=() if kind == NOT_COVERED else _citations(front_matter["citations"]),
        answer=answer,
        source=source,
        not_questions=_not_questions(front_matter.get("not_questions"), questions),
        kind=kind,
    )


def _optional_date(front_matter: Mapping[str, Any], key: str) -> date | None:
    value = front_matter.get(key)
    return None if value in (None, "") else front_date(key, value)


def _questions(value: Any) -> tuple[str, ...]:
    questions = question_list(value, "questions", "example questions")
    if not questions:
        raise ValueError("wording key 'questions' needs at least one example question")
    return questions


def _not_questions(value: Any, questions: tuple[str, ...]) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    out = question_list(value, "not_questions", "questions this answer does not answer")
    both = [q for q in out if q in questions]
    if both:
        raise ValueError(f"wording question {both[0]!r} is listed in both 'questions' and 'not_questions'")
    return out


def _citations(value: Any) -> tuple[WordingCitation, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError("wording key 'citations' must be a non-empty list of {document, article|section}")
    out = []
    for item in value:
        if not isinstance(item, Mapping) or not item.get("document"):
            raise ValueError(f"wording citation {item!r} needs a 'document' (title or document number)")
        extra = sorted(set(map(str, item)) - {"document", "article", "section"})
        if extra:
            raise ValueError(
                f"wording citation keys {', '.join(extra)} unknown; valid: document, article, section"
            )
        document = str(item["document"]).strip().strip("《》")
        article = str(item["article"]).strip() if item.get("article") else None
        section = str(item["section"]).strip() if item.get("section") else None
        out.append(WordingCitation(document, article, section))
    return tuple(out)


def _answer_text(body: str) -> str:
    """The body without a leading `# heading` (a title line is not part of what is read out)."""
    lines = [line.rstrip() for line in body.strip().splitlines()]
    while lines and (not lines[0].strip() or lines[0].startswith("# ")):
        lines.pop(0)
    return "\n".join(lines).strip()
