"""Common typing mistakes in callers' questions (社宝 for 社保, 退修 for 退休), corrected first.

Callers type on phones with pinyin input; a homophone slip must not change the answer.
The table is data (`data/typos.tsv`) and a site can replace it.
"""

from __future__ import annotations

from pathlib import Path

from kb_assistant.text.tables import data_text, tsv_pairs

__all__ = ["TypoCorrector"]


class TypoCorrector:
    def __init__(self, table: dict[str, str]) -> None:
        self.table = table
        self._order = sorted(table, key=lambda t: (-len(t), t))  # 失业今 before 业今-like overlaps

    @classmethod
    def load(cls, path: Path | None = None) -> TypoCorrector:
        return cls(dict(tsv_pairs(data_text("typos.tsv", path), "typos", "typo<TAB>correct form")))

    def __call__(self, text: str) -> str:
        for typo in self._order:
            if typo in text:
                text = text.replace(typo, self.table[typo])
        return text
