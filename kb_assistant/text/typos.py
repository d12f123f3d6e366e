"""Common typing mistakes in callers' questions (社宝 for 社保, 退修 for 退休), corrected first.

Callers type on phones with pinyin input; a homophone slip must not change the answer.
The table is data (`data/typos.tsv`) and a site can replace it.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["TypoCorrector"]


class TypoCorrector:
    def __init__(self, table: dict[str, str]) -> None:
        self.table = table
        self._order = sorted(table, key=lambda t: (-len(t), t))  # 失业今 before 业今-like overlaps

    @classmethod
    def load(cls, path: Path | None = None) -> TypoCorrector:
        if path is None:
            text = resources.files("kb_assistant.data").joinpath("typos.tsv").read_text(encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        table: dict[str, str] = {}
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            typo, sep, correct = line.partition("\t")
            if not sep or not typo.strip() or not correct.strip():
                raise ValueError(f"typos line {number}: expected 'typo<TAB>correct form'")
            table[typo.strip()] = correct.strip()
        return cls(table)

    def __call__(self, text: str) -> str:
        for typo in self._order:
            if typo in text:
                text = text.replace(typo, self.table[typo])
        return text
