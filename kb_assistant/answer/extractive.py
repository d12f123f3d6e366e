"""Extractive answers: the key sentences of the best articles, quoted, never rewritten.

A sentence is kept when it shares content words with the question (after layperson →
statute expansion); the article's own order is kept so quotes read naturally. A table row
counts as a sentence, quoted under the table's header row: the injury-grade, probation and
annual-leave tables hold the very figures callers ask for. In the answer text each row reads
out with its column names ("伤残等级：七级至十级；标准：13、11、9、7个月"), the cells
verbatim: an agent reads it down the phone, where "| 七级至十级 | 13、11、9、7个月 |" means
nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from kb_assistant.model import Hit
from kb_assistant.text.analyzer import Analyzer
from kb_assistant.text.thesaurus import Thesaurus

__all__ = [
    "NOTE_TEXT",
    "Quote",
    "SentenceExtractor",
    "has_source_note",
    "is_table_row",
    "join_sentences",
    "read_out_row",
    "split_sentences",
    "table_cells",
]

_ENDS = "。；！？"
_TABLE_LINE = re.compile(r"^\s*\|")
_TABLE_ROWS = re.compile(r"(?<=\|)(?=\|)")  # between the rows of a table joined into one line
_TABLE_RULE = re.compile(r"^\s*\|[\s:|-]*\|\s*$")  # |---|:---:| under the header row
# what a source note holds: titles in 《》 may carry brackets of their own (《…的解释（一）》)
NOTE_TEXT = r"(?:《[^》]*》|[^（）《])*"
_NOTES = re.compile(r"（(?:依据|实务提示)" + NOTE_TEXT + "）")  # （依据：…） and （实务提示） anywhere
_SOURCE_NOTE = re.compile("^" + _NOTES.pattern)  # one opening a line
ENUMERATION_CHARS = 240  # a list longer than this is quoted by its items, as prose is
# A passage this short (source notes left out) is quoted whole, as a short list is: "家属能
# 领些么子" asks for all three items of the survivors' section, the question's words hit one.
# On dev and held-out 1–15: the asked fact quoted for 13 more answers (failures 73 → 60),
# none lost; 300 and 400 chars gain 1 and 3 more, but grow past what an agent reads out.
WHOLE_CHARS = ENUMERATION_CHARS
EXPANSION_WEIGHT = 0.5  # a word the thesaurus added, against 1 for a word of the question's own


@dataclass(frozen=True)
class Quote:
    hit: Hit
    sentences: tuple[str, ...]
    overlap: float  # share of the question's content words the quoted sentences contain
    # the sentences the question's words chose (all of `sentences` but for a passage quoted
    # whole): their source notes come first among the articles cited beside the quote
    asked: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return join_sentences(self.sentences)


def has_source_note(text: str) -> bool:
    """Does the passage state anything with its source (（依据：…） or （实务提示））? A knowledge
    section without one only says what its article is for ("来电人询问…")."""
    return _NOTES.search(text) is not None


def is_table_row(sentence: str) -> bool:
    return bool(_TABLE_LINE.match(sentence))


def table_cells(row: str) -> list[str]:
    """The cells of a Markdown table row, stripped."""
    return [cell.strip() for cell in row.strip().strip("|").split("|")]


def read_out_row(header: list[str], row: list[str]) -> str:
    """A table row as an agent reads it out: each cell after its column's name. A row that
    does not fit its header gives its cells alone."""
    if len(header) != len(row):
        line = _cells_alone(row)
    else:
        line = "；".join(
            f"{name}：{cell}" if name else cell for name, cell in zip(header, row, strict=True) if cell
        )
    return line if not line or line[-1] in _ENDS else line + "。"


def _cells_alone(cells: list[str]) -> str:
    return "，".join(cell for cell in cells if cell)


def join_sentences(sentences: tuple[str, ...] | list[str]) -> str:
    """Quoted sentences as one passage. A table row keeps a line of its own, read out under
    the column names of the first row of its run, its table's header row (the extractor
    quotes rows only under their header; the header is not a line of its own)."""
    lines: list[str] = []
    header: list[str] | None = None
    rows = 0  # rows read out under the current header
    prose = False  # the last line is prose the next sentence continues
    for sentence in [*sentences, ""]:  # the "" closes a table that ends the quote
        if sentence and is_table_row(sentence):
            cells = table_cells(sentence)
            if header is None:
                header, rows = cells, 0
            else:
                lines.append(read_out_row(header, cells))
                rows += 1
            prose = False
            continue
        if header is not None and rows == 0:
            lines.append(_cells_alone(header))  # a header quoted alone
        header = None
        if not sentence:
            break
        if prose:
            lines[-1] += sentence
        else:
            lines.append(sentence)
            prose = True
    return "\n".join(lines)


def _words(analyzer: Analyzer, text: str) -> frozenset[str]:
    """The text's words as a set (the analyser cuts each text once)."""
    return frozenset(analyzer.words(text))


@lru_cache(maxsize=8192)
def split_sentences(text: str) -> tuple[str, ...]:
    """Sentences in order; a trailing source note such as （依据：…） stays with its sentence.

    Each row of a table is a sentence, its header row included (the rule under it is not);
    ingest joins a table's lines into one ("| a | b ||---|---|| c | d |"), so rows are split
    at "||" too. The note after a table is the rows' own (`sentence_basis` finds it) and is
    left out."""
    out: list[str] = []
    after_table = False
    for line in text.split("\n"):
        if _TABLE_LINE.match(line):
            out.extend(row for row in _TABLE_ROWS.split(line.strip()) if not _TABLE_RULE.match(row))
            after_table = True
            continue
        for part in (p.strip() for p in _split_outside_brackets(line)):
            if not part:
                continue
            note = _SOURCE_NOTE.match(part)
            if note:  # the note belongs to the sentence before it, or to the table above
                if out and not after_table:
                    out[-1] += note.group(0)
                part = part[note.end() :].strip()
                if not part:
                    continue
            after_table = False
            out.append(part)
    return tuple(out)


def _split_outside_brackets(text: str) -> list[str]:
    """Split after 。；！？ and at line ends, but never inside （…） (a source note holds ；)."""
    parts: list[str] = []
    depth = 0
    start = 0
    for i, char in enumerate(text):
        if char in "（(":
            depth += 1
        elif char in "）)":
            depth = max(0, depth - 1)
        if char == "\n" or (char in _ENDS and depth == 0):
            parts.append(text[start : i + 1])
            start = i + 1
            if char == "\n":
                depth = 0
    parts.append(text[start:])
    return parts


class SentenceExtractor:
    def __init__(
        self,
        analyzer: Analyzer,
        thesaurus: Thesaurus,
        max_sentences: int = 2,
        whole_chars: int = WHOLE_CHARS,
    ) -> None:
        if max_sentences < 1:
            raise ValueError(f"max_sentences must be >= 1, got {max_sentences}")
        if whole_chars < 0:
            raise ValueError(f"whole_chars must be >= 0 (0 never quotes a passage whole), got {whole_chars}")
        self.analyzer = analyzer
        self.thesaurus = thesaurus
        self.max_sentences = max_sentences
        self.whole_chars = whole_chars

    def warm(self, texts: Iterable[str]) -> int:
        """Segment every sentence of `texts` ahead of the questions that will quote them (a
        release's ten thousand sentences take 1.5 s here; one by one they cost the first
        callers a few ms each). Returns the number of sentences."""
        count = 0
        for text in texts:
            for sentence in split_sentences(text):
                _words(self.analyzer, _NOTES.sub("", sentence))
                count += 1
        return count

    def question_words(self, question: str) -> frozenset[str]:
        return _words(self.analyzer, self.thesaurus.expand(question))

    def quote(self, question: str, hit: Hit, limit: int | None = None) -> Quote:
        """The sentences of `hit` (at most `limit`, else `max_sentences`) that best answer
        `question` (the first one when none overlaps)."""
        words = self.question_words(question)
        # the caller's own words say what is asked; the thesaurus's statute words (产假 →
        # 女职工, 生育) find the article and count half in choosing its sentence
        own = _words(self.analyzer, question)
        sentences = split_sentences(hit.text) or [hit.text.strip()]
        header_of = _table_headers(sentences)
        headers = set(header_of.values())
        # a source note's statute title ("《工伤保险条例》") says where the sentence comes
        # from, not what it says: the item carrying a list's note would win every question
        held = [words & _words(self.analyzer, _NOTES.sub("", sentence)) for sentence in sentences]
        rarity = _passage_rarity(held)
        scored = []
        for position, sentence in enumerate(sentences):
            if position in headers:
                continue  # a header row alone says nothing; it comes with the rows quoted
            shared = held[position]
            weight = sum((1.0 if word in own else EXPANSION_WEIGHT) * rarity[word] for word in shared)
            scored.append((weight, -position, sentence, shared))
        scored.sort(reverse=True)
        chosen = [s for s in scored[: limit or self.max_sentences] if s[0] > 0] or scored[:1]
        quoted = {-c[1] for c in chosen}  # a row's cells mean what its table's header says
        for header in sorted({header_of[p] for p in quoted if p in header_of} - quoted):
            chosen.append((0, -header, sentences[header], frozenset()))
        for start, end in _enumerations(tuple(sentences)):  # a list is quoted whole
            if any(start <= -c[1] < end for c in chosen):
                taken = {-c[1] for c in chosen}
                chosen.extend((0, -k, sentences[k], frozenset()) for k in range(start, end) if k not in taken)
        chosen.sort(key=lambda s: -s[1])
        covered = set().union(*(s[3] for s in chosen))
        overlap = len(covered) / len(words) if words else 0.0
        asked = tuple(s[2] for s in chosen)
        # a table is looked up by its row (the caller's injury grade), not read out whole
        if not header_of and sum(len(_NOTES.sub("", s)) for s in sentences) <= self.whole_chars:
            return Quote(hit, tuple(sentences), round(overlap, 4), asked)  # its items read out together
        return Quote(hit, asked, round(overlap, 4), asked)


def _passage_rarity(held: list[frozenset[str]]) -> dict[str, float]:
    """How much each of the question's words tells the passage's sentences apart: one every
    sentence of the overtime section holds (加班, 工资) less than the one only the asked item
    holds (不定时工作制): log((n + 1) / (c + 1)) + 1 for a word in c of the n sentences."""
    count: dict[str, int] = {}
    for words in held:
        for word in words:
            count[word] = count.get(word, 0) + 1
    n = len(held)
    return {word: math.log((n + 1) / (c + 1)) + 1.0 for word, c in count.items()}


def _enumerations(sentences: tuple[str, ...]) -> list[tuple[int, int]]:
    """The [start, end) positions of each short enumerated list: a lead-in ending in "：" and
    its items, each closed by "；", the last by "。" ("有下列情形之一的，停止领取…：重新就业；
    应征服兵役；…。"). Quoting two items of such a list, the two the question's words hit,
    drops the one the caller asked about in other words (当兵 for 应征服兵役) and reads out
    a list as if it were complete."""
    runs: list[tuple[int, int]] = []
    k = 0
    while k < len(sentences):
        lead = _NOTES.sub("", sentences[k])
        if "：" not in lead or not lead.endswith("；") or is_table_row(lead):
            k += 1
            continue
        end = k + 1
        while end < len(sentences) and _NOTES.sub("", sentences[end]).endswith("；"):
            end += 1
        end = min(end + 1, len(sentences))  # the item closing the list
        if end - k >= 3 and sum(len(s) for s in sentences[k:end]) <= ENUMERATION_CHARS:
            runs.append((k, end))
        k = end
    return runs


def _table_headers(sentences: tuple[str, ...] | list[str]) -> dict[int, int]:
    """Each data row's header row (the first row of its table), by position."""
    header_of: dict[int, int] = {}
    for k, sentence in enumerate(sentences):
        if not is_table_row(sentence):
            continue
        if k > 0 and is_table_row(sentences[k - 1]):
            header_of[k] = header_of.get(k - 1, k - 1)
    return header_of
