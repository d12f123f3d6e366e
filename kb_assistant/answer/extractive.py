"""Extractive answers: the key sentences of the best articles, quoted, never rewritten.

A sentence is kept when it shares content words with the question (after layperson →
statute expansion); the article's own order is kept so quotes read naturally.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kb_assistant.model import Hit
from kb_assistant.text.analyzer import Analyzer
from kb_assistant.text.thesaurus import Thesaurus

__all__ = ["Quote", "SentenceExtractor"]

_ENDS = "。；！？"
_TABLE_LINE = re.compile(r"^\s*\|")
_SOURCE_NOTE = re.compile(r"^（(?:依据|实务提示)[^（）]*）")


@dataclass(frozen=True)
class Quote:
    hit: Hit
    sentences: tuple[str, ...]
    overlap: float  # share of the question's content words the quoted sentences contain

    @property
    def text(self) -> str:
        return "".join(self.sentences)


@lru_cache(maxsize=32768)
def _words(analyzer: Analyzer, text: str) -> frozenset[str]:
    """Articles and questions recur on a hotline: each text is segmented once."""
    return frozenset(analyzer.words(text))


@lru_cache(maxsize=8192)
def split_sentences(text: str) -> tuple[str, ...]:
    """Sentences in order; a trailing source note such as （依据：…） stays with its sentence."""
    out: list[str] = []
    for part in (p.strip() for p in _split_outside_brackets(text)):
        if not part or _TABLE_LINE.match(part):
            continue
        note = _SOURCE_NOTE.match(part)
        if note:  # the note belongs to the sentence before it (a table, when there is none)
            if out:
                out[-1] += note.group(0)
            part = part[note.end() :].strip()
            if not part:
                continue
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
    def __init__(self, analyzer: Analyzer, thesaurus: Thesaurus, max_sentences: int = 2) -> None:
        if max_sentences < 1:
            raise ValueError(f"max_sentences must be >= 1, got {max_sentences}")
        self.analyzer = analyzer
        self.thesaurus = thesaurus
        self.max_sentences = max_sentences

    def question_words(self, question: str) -> frozenset[str]:
        return _words(self.analyzer, self.thesaurus.expand(question))

    def quote(self, question: str, hit: Hit, limit: int | None = None) -> Quote:
        """The sentences of `hit` (at most `limit`, else `max_sentences`) that best answer
        `question` (the first one when none overlaps)."""
        words = self.question_words(question)
        sentences = split_sentences(hit.text) or [hit.text.strip()]
        scored = []
        for position, sentence in enumerate(sentences):
            shared = words & _words(self.analyzer, sentence)
            scored.append((len(shared), -position, sentence, shared))
        scored.sort(reverse=True)
        chosen = [s for s in scored[: limit or self.max_sentences] if s[0] > 0] or scored[:1]
        chosen.sort(key=lambda s: -s[1])
        covered = set().union(*(s[3] for s in chosen))
        overlap = len(covered) / len(words) if words else 0.0
        return Quote(hit, tuple(s[2] for s in chosen), round(overlap, 4))
