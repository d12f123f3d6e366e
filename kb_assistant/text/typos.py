"""Callers' typing slips (社宝 for 社保) and dialect words (冇得 for 没有), rewritten first.

Callers type on phones with pinyin input and speak the local dialect; neither may change
the answer. Both tables are data (`data/typos.tsv`, `data/dialect.tsv`, a Hunan one) and a
site can replace either: a hotline elsewhere swaps in its own dialect words.
"""

from __future__ import annotations

from pathlib import Path

from kb_assistant.text.tables import data_text, tsv_pairs

__all__ = ["TypoCorrector"]


class TypoCorrector:
    """Entries are applied longest first, each to the text the longer ones left (冇得 → 没有
    → …). An entry that maps a word to itself protects it: "失业经历" stays while "失业经"
    (the in/ing merger of Hunan speech, said for 失业金) is corrected."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table
        self._order = sorted(table, key=lambda t: (-len(t), t))  # 失业今 before 业今-like overlaps
        self._kept = [t for t in self._order if table[t] == t]

    @classmethod
    def load(cls, path: Path | None = None, dialect_path: Path | None = None) -> TypoCorrector:
        table = dict(tsv_pairs(data_text("dialect.tsv", dialect_path), "dialect", "word<TAB>plain form"))
        table.update(tsv_pairs(data_text("typos.tsv", path), "typos", "typo<TAB>correct form"))
        return cls(table)

    def __call__(self, text: str) -> str:
        kept: list[str] = []
        for word in self._kept:  # masked with private-use characters no caller types
            if word in text:
                text = text.replace(word, chr(0xE000 + len(kept)))
                kept.append(word)
        for typo in self._order:
            if typo in text and self.table[typo] != typo:
                text = text.replace(typo, self.table[typo])
        for k, word in enumerate(kept):
            text = text.replace(chr(0xE000 + k), word)
        return text
