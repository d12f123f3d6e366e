"""Document metadata: front matter when present, otherwise what the header and text say.

Retrieval filters by region and by the version in force on a date, so `effective_from` matters
most: an amended text is in force from its commencement date but never before its amendment
date. Front matter always wins; the text is only read for what the front matter leaves out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from ingest.model import DocumentMeta
from ingest.normalize import normalize_text
from ingest.numerals import parse_numeral
from ingest.structure import INFO_END, TITLE_RE, is_article_start

__all__ = ["FRONT_MATTER_KEYS", "canonical_title", "front_date", "infer_metadata", "question_list"]

FRONT_MATTER_KEYS = (
    "title", "doc_number", "issuer", "region", "level",
    "effective_from", "effective_to", "supersedes", "topics", "section_questions",
)  # fmt: skip
HEADER_LINES = 15
_DATE = re.compile(
    r"(\d{4}|[〇○零Ｏ一二三四五六七八九]{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月"
    r"\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日"
)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_VERSION_NOTE = re.compile(r"[（(][^（）()]*(?:\d{4}|修正|修订|文本|版|令|号)[^（）()]*[）)]$")
_KIND = re.compile(r"施行|执行|公布|发布|通过|批准")
_KINDS = {"施行": "commence", "执行": "commence", "公布": "promulgate", "发布": "promulgate"}
_KINDS |= {"通过": "adopt", "批准": "adopt"}
_ON_PROMULGATION = re.compile(r"(?:公布|发布|印发)之日起?(?:施行|执行|实施|生效)")
_BODY_START = re.compile(
    r"本(?:法|条例|规定|办法|细则|解释|决定|通知|意见|规则)自(?P<when>公布之日|发布之日|印发之日|.{4,16}?日)"
    r"起?(?:施行|执行|实施|生效)"
)
_ORDER = re.compile(r"([\u4e00-\u9fff\u2e80-\u2fdf]{1,16})令第([\d一二三四五六七八九十百零〇]+)号")
_NOTICE_NO = re.compile(r"^[（(]?([\u4e00-\u9fff]{2,10})[〔\[［](\d{4})[〕\]］]第?(\d+)号")
_NAME_CUT = re.compile(r"日|共和国|根据|公布|发布|通过|批准")
_STATE_COUNCIL = re.compile(r"国务院(?:第\d+次常务会议|令|发布|公布|批准)")
_CONGRESS = re.compile(
    r"(?:([\u4e00-\u9fff]{2,8}?(?:省|市|自治区)))?第[一二三四五六七八九十]+届"
    r"(全国人民代表大会(?:常务委员会)?|人民代表大会(?:常务委员会)?)"
)
_ORGAN_LINE = re.compile(r"^(?:中华人民共和国)?([\u4e00-\u9fff]{2,14}(?:部|局|委员会|署|办公室|人民政府))$")
_MINISTRY_MEETING = re.compile(r"([\u4e00-\u9fff]{2,14}?部)第\d+次部务会议")
_TITLE_ISSUERS = ("最高人民法院", "最高人民检察院", "国务院")
_REGION = re.compile(r"^([\u4e00-\u9fff]{2,7}?(?:省|自治区))?([\u4e00-\u9fff]{2,4}?市(?!场))?")
_NOT_PLACE = re.compile(r"关于|的|人民|国务|中华|全国")


@lru_cache(maxsize=65536)
def canonical_title(title: str) -> str:
    """Identity key of a title: no 《》, whitespace, leading 中华人民共和国 or trailing version note."""
    key = re.sub(r"\s+", "", title).replace("《", "").replace("》", "").removeprefix("中华人民共和国")
    while (note := _VERSION_NOTE.search(key)) and note.start() > 0:
        key = key[: note.start()]
    return key


def infer_metadata(text: str, front_matter: Mapping[str, Any], fallback_title: str) -> DocumentMeta:
    """Metadata of one document; raises ValueError naming the key for bad front matter."""
    front = _check_front_matter(front_matter)
    lines = [line.strip() for line in text.splitlines()]
    header = _header_lines(lines)
    title = front.get("title") or _title(lines, fallback_title)
    doc_number = _doc_number(header)
    region = front.get("region") or ("全国" if front_matter else _region(title))
    return DocumentMeta(
        title=title,
        doc_number=front.get("doc_number") or doc_number,
        issuer=front.get("issuer") or _issuer(header, title, doc_number),
        region=region,
        level=front.get("level"),
        effective_from=front.get("effective_from") or _effective_from(header, text),
        effective_to=front.get("effective_to"),
        supersedes=front.get("supersedes", ()),
        topics=front.get("topics", ()),
        section_questions=front.get("section_questions", ()),
    )


def _check_front_matter(front_matter: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(str(key) for key in front_matter if key not in FRONT_MATTER_KEYS)
    if unknown:
        raise ValueError(
            f"unknown front matter key(s): {', '.join(unknown)}; valid keys: {', '.join(FRONT_MATTER_KEYS)}"
        )
    out: dict[str, Any] = {}
    for key, value in front_matter.items():
        if value is None or value == "" or value == []:
            continue
        if key in ("effective_from", "effective_to"):
            out[key] = front_date(key, value)
        elif key == "section_questions":
            out[key] = _section_questions(value)
        elif key in ("supersedes", "topics"):
            items = [value] if key == "supersedes" and isinstance(value, str) else value  # titles hold "、"
            items = re.split(r"[,，、;；]", items) if isinstance(items, str) else items
            if not isinstance(items, list | tuple) or not all(isinstance(i, str | int) for i in items):
                raise ValueError(
                    f"front matter key {key!r} must be a list of strings or a string, got {value!r}"
                )
            out[key] = tuple(s for s in (str(i).strip() for i in items) if s)
        elif isinstance(value, str | int) and not isinstance(value, bool):
            out[key] = str(value).strip()
        else:
            raise ValueError(
                f"front matter key {key!r} must be a string, got {type(value).__name__}: {value!r}"
            )
    start, end = out.get("effective_from"), out.get("effective_to")
    if start and end and end < start:
        raise ValueError(f"front matter key 'effective_to' ({end}) is before 'effective_from' ({start})")
    return out


def _section_questions(value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, Mapping):
        raise ValueError(
            "front matter key 'section_questions' must map each '## ' heading to a list of example questions"
        )
    out = []
    for heading, questions in value.items():
        listed = question_list(
            questions, f"section_questions: {heading}", "example questions", "front matter"
        )
        if listed:
            out.append((normalize_text(str(heading)).strip(), listed))
    return tuple(out)


def question_list(value: Any, key: str, what: str, owner: str = "wording") -> tuple[str, ...]:
    """The non-empty, normalised questions of a front-matter list."""
    if not isinstance(value, list) or not all(isinstance(q, str | int) for q in value):
        raise ValueError(f"{owner} key '{key}' must be a list of {what}")
    return tuple(q for q in (normalize_text(str(v)).strip() for v in value) if q)


def front_date(key: str, value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(
        f"front matter key {key!r}: {value!r} is not a valid date; use YYYY-MM-DD (e.g. 2024-01-01)"
    )


def _header_lines(lines: list[str]) -> list[str]:
    """Lines before <!-- INFO END -->, else the first non-empty lines before the first article."""
    if INFO_END in lines:
        return [line for line in lines[: lines.index(INFO_END)] if line]
    header: list[str] = []
    for line in lines:
        if is_article_start(line, None) or len(header) >= HEADER_LINES:
            break
        if line:
            header.append(line)
    return header


def _title(lines: list[str], fallback: str) -> str:
    h1 = next((line[2:].strip() for line in lines if line.startswith("# ")), "")
    if h1:
        return h1
    for line in [line.lstrip("#").strip() for line in lines if line][:HEADER_LINES]:
        if len(line) <= 60 and TITLE_RE.match(line):
            note = _VERSION_NOTE.search(line)
            title = (line[: note.start()] if note and note.start() > 0 else line).strip("《》")
            return fallback if fallback.endswith(title) else title  # a title wrapped over lines
    return fallback


def _parse_date(m: re.Match[str]) -> date | None:
    try:
        return date(parse_numeral(m.group(1)), parse_numeral(m.group(2)), parse_numeral(m.group(3)))
    except ValueError:
        return None


def _events(header: list[str]) -> list[tuple[date, str]]:
    """(date, kind) per dated header segment; kind is amend, commence, promulgate, adopt or other."""
    joined = re.sub(r"\s+", "", "".join(header))
    matches = list(_DATE.finditer(joined))
    events: list[tuple[date, str]] = []
    ends = [m.start() for m in matches[1:]] + [len(joined)] if matches else []
    for m, end in zip(matches, ends, strict=True):
        day = _parse_date(m)
        segment = re.split(r"[。)）]", joined[m.end() : end])[0]
        if day is None:
            continue
        word = _KIND.search(segment)
        amended = "修正" in segment or "修订" in segment
        events.append((day, "amend" if amended else _KINDS[word.group()] if word else "other"))
    return events


def _effective_from(header: list[str], text: str) -> date | None:
    """Later of the commencement date and the last amendment date in the header.

    Commencement: a header 施行/执行 line, else the text's 本法自…起施行 (自公布之日 meaning the
    latest 公布/发布 header date, or failing that the latest header date at all)."""
    events = _events(header)
    dates = {kind: [d for d, k in events if k == kind] for kind in ("amend", "commence", "promulgate")}
    promulgated = max(dates["promulgate"] or [d for d, _ in events], default=None)
    commenced: date | None = max(dates["commence"]) if dates["commence"] else None
    if commenced is None:
        body = list(_BODY_START.finditer(re.sub(r"\s+", "", text)))
        when = body[-1].group("when") if body else ""
        date_match = _DATE.fullmatch(when)
        if date_match:
            commenced = _parse_date(date_match)
        elif when or _ON_PROMULGATION.search(re.sub(r"\s+", "", "".join(header))):
            commenced = promulgated
    candidates = [d for d in (commenced, max(dates["amend"], default=None)) if d]
    return max(candidates) if candidates else None


def _doc_number(header: list[str]) -> str | None:
    """国务院令第535号 / 主席令第七十二号 / 人社部发〔2024〕94号 from the header lines."""
    order = _ORDER.search(re.sub(r"\s+", "", "".join(header)))
    if order:
        return f"{_name(order.group(1))}令第{order.group(2)}号"
    for line in header:
        m = _NOTICE_NO.match(re.sub(r"\s+", "", line))
        if m:
            return f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号"
    return None


def _issuer(header: list[str], title: str, doc_number: str | None) -> str | None:
    """The adopting or issuing organ as the header names it (first adopting congress wins)."""
    joined = re.sub(r"\s+", "", "".join(header))
    congress = _CONGRESS.search(joined)
    if congress:
        return _name(congress.group(1) or "") + congress.group(2)
    if "最高人民法院" in joined:
        return "最高人民法院"
    if doc_number and "令第" in doc_number and not doc_number.startswith("主席"):
        return doc_number.split("令第")[0]
    if _STATE_COUNCIL.search(joined):
        return "国务院"
    meeting = _MINISTRY_MEETING.search(joined)
    if meeting:
        return _name(meeting.group(1))
    organ = next((m.group(1) for m in map(_ORGAN_LINE.match, header) if m), None)
    if organ or "政务院" in joined:
        return organ or "政务院"
    return next((name for name in _TITLE_ISSUERS if title.startswith(name)), None)


def _name(text: str) -> str:
    """An organ or place name matched inside running text: drop what precedes it (dates, verbs)."""
    return re.sub(r"^(?:经|由|以)", "", _NAME_CUT.split(text)[-1])


def _region(title: str) -> str:
    """Province / city named at the start of a local regulation's title, else 全国."""
    m = _REGION.match(canonical_title(title))
    name = (m.group(1) or "") + (m.group(2) or "") if m else ""
    return name if name and not _NOT_PLACE.search(name) else "全国"
