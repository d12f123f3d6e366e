"""Chinese text analysis for the lexical index: jieba with our dictionary, stop-words.

The analyser is a plain callable (text → tokens) so bm25s and the query path share
it, and another tokenizer can be dropped in. Its `describe()` goes into the saved
index, so an index built with another dictionary is never read with this one.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import logging
import re
import threading

from kb_assistant.text.tables import data_text

__all__ = ["Analyzer"]

_WORD = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
# A question is cut five or six times on its way to an answer (search, sections, wording,
# quotes), and a release's ten thousand sentences are cut before the first call (the
# extractor's warm-up): each text is cut once. Bounded, so a long-running service does not grow.
_CACHED_TEXTS = 32768


class Analyzer:
    """jieba search-mode tokens plus, optionally, CJK character bigrams."""

    name = "jieba-search"

    def __init__(self, bigrams: bool = False) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self.bigrams = bigrams
        userdict = data_text("userdict.txt")
        self._stopwords = frozenset(w.strip() for w in data_text("stopwords.txt").splitlines() if w.strip())
        self._fingerprint = hashlib.sha256(
            (userdict + "\0" + "\n".join(sorted(self._stopwords))).encode()
        ).hexdigest()
        self._tokenizer = jieba.Tokenizer()
        self._lock = threading.Lock()
        with self._lock:
            self._tokenizer.initialize()
            for line in userdict.splitlines():
                parts = line.split()
                if parts:
                    self._tokenizer.add_word(parts[0], int(parts[1]) if len(parts) > 1 else None)
        self._cut = functools.lru_cache(maxsize=_CACHED_TEXTS)(self._cut_text)

    def variant(self, bigrams: bool) -> Analyzer:
        """The same dictionary and stop-words, with or without bigrams (no second jieba load)."""
        if bigrams == self.bigrams:
            return self
        other = copy.copy(self)
        other.bigrams = bigrams
        return other

    def describe(self) -> dict[str, object]:
        return {"name": self.name, "bigrams": self.bigrams, "dictionary_sha256": self._fingerprint}

    def words(self, text: str) -> list[str]:
        return list(self._cut(text))

    def _cut_text(self, text: str) -> tuple[str, ...]:
        tokens = []
        for token in self._tokenizer.cut_for_search(text.lower()):
            token = token.strip()
            if token and token not in self._stopwords and _WORD.search(token):
                tokens.append(token)
        return tuple(tokens)

    @staticmethod
    def char_bigrams(text: str) -> list[str]:
        """Adjacent pairs of Chinese characters, within runs: they survive dialect and
        typos that split jieba's words differently ("冇交社保" and "没交社保" share 社保)."""
        return [run[i : i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)]

    def __call__(self, text: str) -> list[str]:
        tokens = self.words(text)
        if self.bigrams:
            tokens.extend("#" + pair for pair in self.char_bigrams(text))
        return tokens
