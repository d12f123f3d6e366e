"""Layperson → statute vocabulary, for query expansion.

Callers say 社保, 老板, 被辞退; statutes say 社会保险, 用人单位, 解除劳动合同. The table is
data (`data/thesaurus.tsv`), general to the domain, and can be replaced per site.
"""

from __future__ import annotations

from pathlib import Path

from kb_assistant.text.tables import data_text, tsv_pairs

__all__ = ["Thesaurus"]


class Thesaurus:
    def __init__(self, entries: dict[str, tuple[str, ...]]) -> None:
        self.entries = entries
        # Longest lay terms first, so 没签劳动合同 wins over 合同.
        self._terms = sorted(entries, key=lambda t: (-len(t), t))

    @classmethod
    def load(cls, path: Path | None = None) -> Thesaurus:
        shape = "lay term<TAB>statute term[,term…]"
        entries: dict[str, tuple[str, ...]] = {}
        for lay, statute in tsv_pairs(data_text("thesaurus.tsv", path), "thesaurus", shape):
            terms = tuple(t.strip() for t in statute.split(",") if t.strip())
            if not terms:
                raise ValueError(f"thesaurus entry {lay!r}: expected '{shape}'")
            entries[lay.lower()] = terms
        return cls(entries)

    def expansions(self, text: str) -> list[str]:
        """Statute terms for the lay terms in `text`, in order, without repeats."""
        lowered = text.lower()
        covered = [False] * len(lowered)
        found: list[tuple[int, str]] = []
        for term in self._terms:
            start = lowered.find(term)
            while start != -1:
                end = start + len(term)
                if not any(covered[start:end]):
                    covered[start:end] = [True] * (end - start)
                    found.extend((start, t) for t in self.entries[term])
                start = lowered.find(term, end)
        out: list[str] = []
        for _, term in sorted(found, key=lambda item: item[0]):
            if term not in out and term not in text:
                out.append(term)
        return out

    def expand(self, text: str) -> str:
        """The text with its statute terms appended (what the lexical retriever searches)."""
        extra = self.expansions(text)
        return f"{text} {' '.join(extra)}" if extra else text
