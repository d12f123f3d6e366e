"""Split a normalised legal text into article chunks (第X条), or into sections when it has none.

Articles are what people cite and ask about, so they are the unit of retrieval, with the 编/章/节
above them as heading path. Only the text is read, so Markdown, HTML, DOCX and hard-wrapped PDF
text go through the same rules; texts without articles (notices, cases) are cut at headings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ingest.model import Chunk
from ingest.numerals import NUMERAL_CHARS, article_label, parse_numeral, to_chinese

__all__ = ["INFO_END", "TITLE_RE", "ArticleParser", "body_lines", "is_article_start"]

INFO_END = "<!-- INFO END -->"  # ends the header block of the corpus-official files
MIN_MAX_CHARS, MAX_MAX_CHARS = 20, 100_000
PREAMBLE_MIN_CHARS = 30
ARTICLE_RE = re.compile(rf"^第\s*([{NUMERAL_CHARS}]{{1,8}})\s*条(?:之([{NUMERAL_CHARS}]{{1,4}}))?")
TITLE_RE = re.compile(
    r"^《?[^\s，。；：,;:！？]{2,58}?(?:法|条例|规定|办法|细则|解释|决定|通知|意见|规则|案)》?"
    r"(?:[（(][^（）()]{1,30}[）)])?$"
)
_STRUCT_RE = re.compile(rf"^(\S{{0,4}}?)第\s*([{NUMERAL_CHARS}]{{1,6}})\s*(编|章|节)[：:、.．]?(.*)$")
_LEVELS = "编章节"
_NOT_ARTICLE_NEXT = set("的、，,和或及至中规第（(之所）)。；;")  # a cross-reference goes on
_FINAL = tuple("。；：！？”;:!?")
_CLAUSE_PUNCT = re.compile(r"[。，；：,;:！？!?]")
_SENTENCE_RE = re.compile(r".+?(?:[。！？；!?;]+[”’」』）)]*|$)", re.S)
_NOTICE_HEAD = re.compile(
    r"^(?:([一二三四五六七八九十]+[、．.])|([（(][一二三四五六七八九十]+[）)])|(\d{1,2}[.、．](?!\d)))"
)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_PAGE_NUMBER = re.compile(r"^[—\-－–]+\s*\d+\s*[—\-－–]+$")
_TOC = re.compile(r"^目\s*录$")
_DATE = re.compile(
    r"(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月\s*[\d一二三四五六七八九十]+\s*日"
)
_HEADER_WORD = re.compile(r"通过|公布|发布|修正|修订|施行|批准|执行")
_PROMULGATION = re.compile(r"现予(?:公布|发布|施行)|予以(?:公布|发布)")
_DOC_NUMBER_LINE = re.compile(r"^\S{0,16}(?:[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*)?第?\s*\d+\s*号$")


def body_lines(text: str) -> list[str]:
    """Lines after the header block (if the text has one), without PDF page-number lines."""
    lines = text.splitlines()
    marker = next((i for i, line in enumerate(lines) if line.strip() == INFO_END), -1)
    return [line for line in lines[marker + 1 :] if not _PAGE_NUMBER.match(line.strip())]


def is_article_start(line: str, last: tuple[int, int] | None) -> tuple[int, int] | None:
    """(number, sub) if `line` opens an article: a label followed by whitespace, or the expected next
    number followed by a character that cannot continue a cross-reference (第三十条的规定…)."""
    m = ARTICLE_RE.match(line)
    if not m:
        return None
    try:
        key = (parse_numeral(m.group(1)), parse_numeral(m.group(2)) if m.group(2) else 0)
    except ValueError:
        return None
    rest = line[m.end() :]
    if key[0] < 1:
        return None
    if rest[:1].isspace():
        return key
    expected = {(1, 0)} if last is None else {(last[0] + 1, 0), (last[0], last[1] + 1)}
    blocked = rest[:1] in _NOT_ARTICLE_NEXT and not rest.startswith("中华")  # 第二条中华人民共和国境内…
    return key if key in expected and not blocked else None


def _is_header(para: str, label: bool = False) -> bool:
    """Adoption/promulgation lines (dates with 通过/公布…, 现予公布 orders) are metadata, not text;
    with `label`, so is a short line without a sentence end (a title, date or signature)."""
    if _PROMULGATION.search(para) or (label and len(para) <= 60 and not para.endswith(_FINAL)):
        return True
    date = _DATE.search(para)
    if not date or not (date.start() == 0 or para[0] in "(（"):
        return False
    return bool(_HEADER_WORD.search(para)) or len(para) <= 20


@dataclass
class _Block:
    """Lines of one article or section, and the heading path they sit under."""

    path: tuple[str, ...]
    key: tuple[int, int] | None = None
    lines: list[tuple[str, bool]] = field(default_factory=list)  # (line, starts a paragraph)

    def paragraphs(self, drop_meta: bool = False) -> list[str]:
        """款: a new one after a blank line, an indent or a sentence-final mark; else a PDF wrap."""
        paras: list[str] = []
        breaking = False
        for line, new in self.lines:
            if drop_meta and (_TOC.match(line) or _DOC_NUMBER_LINE.match(line) or TITLE_RE.match(line)):
                breaking = True
                continue
            if paras and not new and not breaking and not paras[-1].endswith(_FINAL):
                paras[-1] += line
            else:
                paras.append(line)
            breaking = False
        return paras


class ArticleParser:
    """Turns normalised text into chunks: one per article (or 款-bounded part), else per section."""

    def __init__(self, max_chars: int = 600) -> None:
        if type(max_chars) is not int or not MIN_MAX_CHARS <= max_chars <= MAX_MAX_CHARS:
            bounds = f"{MIN_MAX_CHARS}..{MAX_MAX_CHARS}"
            raise ValueError(f"max_chars must be an int in {bounds}, got {max_chars!r}")
        self.max_chars = max_chars

    def parse(self, text: str) -> list[Chunk]:
        tokens = list(_tokens(body_lines(text)))
        has_articles = any(kind == "article" for kind, *_ in tokens)
        chunks: list[Chunk] = []
        preamble = has_articles
        for i, block in enumerate(_blocks(tokens, has_articles)):
            preamble = preamble and block.key is None
            chunks += self._chunks(_text_paragraphs(block, has_articles, preamble, i == 0), block)
        return chunks

    def _chunks(self, paras: list[str], block: _Block) -> list[Chunk]:
        number, sub = block.key or (None, 0)
        label = article_label(number, sub) if number else None
        parts = self._pack([p for p in paras if p])
        return [Chunk(t, label, number, sub, i, len(parts), block.path) for i, t in enumerate(parts, 1)]

    def _pack(self, paras: list[str]) -> list[str]:
        """Consecutive 款 packed into parts of ≤ max_chars; a longer 款 is cut at sentence ends first."""
        n, units = self.max_chars, []
        for para in paras:
            sentences = _SENTENCE_RE.findall(para) if len(para) > n else []
            units += _greedy([s[i : i + n] for s in sentences for i in range(0, len(s), n)], n, "") or [para]
        return _greedy(units, n, "\n")


def _text_paragraphs(block: _Block, has_articles: bool, preamble: bool, first: bool) -> list[str]:
    """The paragraphs of a block that are text: header lines, titles and heading residue are not."""
    if block.key is not None:
        return block.paragraphs()
    if preamble:  # before the first article: real sentences only, and more than a few words
        paras = [p for p in block.paragraphs(True) if p.endswith(_FINAL) and not _is_header(p)]
        return paras if sum(map(len, paras)) > PREAMBLE_MIN_CHARS else []
    if has_articles:  # outside any article, after a heading
        return [p for p in block.paragraphs() if p.endswith(_FINAL) or len(p) > PREAMBLE_MIN_CHARS]
    front = first and not block.path  # a text without header block: drop its title, date, 文号
    paras = block.paragraphs(drop_meta=front)
    while front and paras and _is_header(paras[0], label=True):
        paras.pop(0)
    return paras


def _greedy(units: list[str], limit: int, sep: str) -> list[str]:
    out: list[str] = []
    for unit in units:
        if out and len(out[-1]) + len(sep) + len(unit) <= limit:
            out[-1] += sep + unit
        else:
            out.append(unit)
    return out


def _heading(content: str, bare: bool, boundary: bool) -> tuple[int, str] | None:
    """(level, normalised text) of a 编/章/节 heading; bare lines must not look like wrapped text."""
    m = _STRUCT_RE.match(content)
    if not m or (bare and m.group(1)):  # a Markdown heading may carry residue: 折叠第二章…
        return None
    title, spaced = re.sub(r"\s+", "", m.group(4)), not bare or m.group(4)[:1].isspace()
    if len(title) > 30 or _CLAUSE_PUNCT.search(title) or (not spaced and title[:1] in _NOT_ARTICLE_NEXT):
        return None
    if not (spaced or boundary or not title):
        return None
    try:
        label = f"第{to_chinese(parse_numeral(m.group(2)))}{m.group(3)}"
    except ValueError:
        return None
    return _LEVELS.index(m.group(3)), f"{label} {title}".strip()


def _tokens(lines: list[str]) -> Iterator[tuple]:
    """Classify lines: blank (also title, 目录), struct, head, article or text (with indent flag)."""
    last: tuple[int, int] | None = None
    boundary = True  # previous line ended a paragraph (start, blank, heading or sentence end)
    for raw in lines:
        line = raw.strip()
        md = _MD_HEADING.match(line)
        content = md.group(2).strip() if md else line
        if not content or (md is None and _TOC.match(line)):
            boundary = True
            yield ("blank",)
            continue
        key = is_article_start(content, last)
        if key is not None:
            last, boundary = key, content.endswith(_FINAL)
            yield ("article", key, content)
            continue
        heading = _heading(content, md is None, boundary)
        if heading is not None:
            boundary = True
            yield ("struct", *heading)
        elif md is not None:  # a level-1 heading is the document title, not part of the path
            boundary = True
            yield ("blank",) if len(md.group(1)) == 1 else ("head", len(md.group(1)), content)
        else:
            indent = raw[:1] in "\u3000\t" or raw.startswith("  ")
            yield ("text", line, indent)
            boundary = line.endswith(_FINAL)


def _blocks(tokens: list[tuple], has_articles: bool) -> list[_Block]:
    """Group tokens into article/section blocks, tracking 编 > 章 > 节 and other headings."""
    struct: list[str | None] = [None, None, None]
    generic: list[tuple[int, str]] = []  # (rank, text): Markdown level, or 10+ for 一、（一）1.
    blocks: list[_Block] = []
    current: _Block | None = None
    new_para = True

    def path() -> tuple[str, ...]:
        return tuple(s for s in struct if s) + tuple(text for _, text in generic)

    def push(rank: int, text: str) -> None:
        while generic and generic[-1][0] >= rank:
            generic.pop()
        generic.append((rank, text))

    for kind, *rest in tokens:
        if kind == "blank":
            new_para = True
        elif kind == "struct":
            level, text = rest
            if struct[level] == text and current is not None and current.key is not None:
                continue  # a PDF running header repeating the current chapter: the article goes on
            struct[level:] = [text] + [None] * (2 - level)
            generic.clear()
            current, new_para = None, True
        elif kind == "head":
            push(rest[0], rest[1])
            current, new_para = None, True
        elif kind == "article":
            current = _Block(path(), key=rest[0], lines=[(rest[1], True)])
            blocks.append(current)
            new_para = False
        else:
            line, indent = rest
            notice = None if has_articles or len(line) > 40 else _NOTICE_HEAD.match(line)
            if notice and notice.lastindex and not _CLAUSE_PUNCT.search(line):
                push(10 + notice.lastindex, line)
                current, new_para = None, True
                continue
            if current is None:
                current = _Block(path())
                blocks.append(current)
            current.lines.append((line, new_para or indent))
            new_para = False
    return blocks
