"""Where the release's texts cite documents and articles (本法第四十七条, 《劳动合同法》第四十六条).

Read by `DocumentPriors` (how often a document or article is cited) and by `ArticleLinks`
(which article points to which), so both see the same citations.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ingest.metadata import canonical_title
from ingest.numerals import NUMERAL_CHARS, article_label, parse_numeral
from kb_assistant.store.snapshot import RowMeta

__all__ = ["article_citations", "document_mentions", "document_names"]

_NUM = f"[{NUMERAL_CHARS}]+"
_ARTICLE_LIST = re.compile(rf"第({_NUM})条((?:(?:、|和|及|至)第?{_NUM}条)*)")
_SELF = re.compile(r"本(?:法|条例|规定|办法|解释|细则)$")
_QUOTED = re.compile(r"《([^《》]{2,60})》$")
_LIST_ITEM = re.compile(rf"第?({_NUM})条")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def document_names(rows: Sequence[RowMeta]) -> dict[str, str]:
    """Title and canonical title of every document → its doc_key."""
    names: dict[str, str] = {}
    for row in rows:
        names.setdefault(row.title, row.doc_key)
        names.setdefault(canonical_title(row.title), row.doc_key)
    return names


def document_mentions(rows: Sequence[RowMeta], names: dict[str, str]) -> Iterator[tuple[int, str]]:
    """(row, doc_key) for every mention of another document's name in a row's text."""
    # Longest names first so 劳动合同法实施条例 is not read as 劳动合同法.
    bare = sorted((n for n in names if len(n) >= 3), key=len, reverse=True)
    if not bare:
        return
    bare_re = re.compile("|".join(re.escape(n) for n in bare))
    for i, row in enumerate(rows):
        for match in bare_re.finditer(row.text):
            target = names[match.group(0)]
            if target != row.doc_key and _whole_name(row.text, match.start(), match.end()):
                yield i, target


def _whole_name(text: str, start: int, end: int) -> bool:
    """A name as cited (《…》, …第X条, or standing alone), not the stem of a longer name:
    渐进式延迟法定退休年龄 inside 《国务院关于渐进式延迟法定退休年龄的办法》 is no mention of it."""
    after = text[end : end + 1]
    if after in ("》", "第"):
        return True
    before = text[start - 1 : start] if start else ""
    return not _CJK.match(after or " ") and not _CJK.match(before or " ")


def article_citations(rows: Sequence[RowMeta], names: dict[str, str]) -> Iterator[tuple[int, str, str]]:
    """(row, cited doc_key, cited article label) for every article a row's text cites."""
    for i, row in enumerate(rows):
        text = row.text
        for match in _ARTICLE_LIST.finditer(text):
            before = text[max(0, match.start() - 62) : match.start()]
            cited = _cite_target(before, row.doc_key, names)
            if cited is None:
                continue
            for number in [match.group(1), *_LIST_ITEM.findall(match.group(2))]:
                yield i, cited, article_label(parse_numeral(number))


def _cite_target(before: str, own: str, names: dict[str, str]) -> str | None:
    if _SELF.search(before):
        return own
    quoted = _QUOTED.search(before)
    if quoted:
        return names.get(quoted.group(1)) or names.get(canonical_title(quoted.group(1)))
    for name, key in names.items():
        if len(name) >= 3 and before.endswith(name):
            return key
    return None
