"""How to handle it: the 办理 (where, what to bring, online channel) sections of cited articles.

Knowledge articles keep the practical steps in their own sections; an extractive
answer quotes the first sentences of such a section of the same article, so the
steps come from the knowledge base, never from the composer.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from kb_assistant.answer.extractive import join_sentences, split_sentences
from kb_assistant.answer.model import Verbosity
from kb_assistant.answer.sections import KNOWLEDGE_LEVEL
from kb_assistant.model import Hit
from kb_assistant.store.snapshot import ReleaseSnapshot

__all__ = ["GuidanceFinder"]

_HANDLING = re.compile(r"办理|申请|渠道|材料|流程|怎么办|去哪|途径|手续")
_INTERNAL = re.compile(r"接听要点|坐席|内部")


def _index_versions(snapshot: ReleaseSnapshot) -> dict[str, list[int]]:
    built: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(snapshot.rows):
        built[row.version_id].append(i)
    return dict(built)


def _rows_by_version(snapshot: ReleaseSnapshot) -> dict[str, list[int]]:
    return snapshot.derived("rows_by_version", _index_versions)


class GuidanceFinder:
    def __init__(self, snapshot: ReleaseSnapshot, max_sentences: int = 2) -> None:
        self.snapshot = snapshot
        self.max_sentences = max_sentences

    def find(self, cited: list[Hit], as_of: date, verbosity: Verbosity) -> list[str]:
        index = _rows_by_version(self.snapshot)
        out: list[str] = []
        for hit in cited:
            if hit.article:  # statutes have no handling sections; knowledge articles do
                continue
            for i in index.get(hit.version_id, []):
                row = self.snapshot.rows[i]
                if row.level != KNOWLEDGE_LEVEL:  # a court case's "申请人请求" is no 办理 step
                    break
                last = row.heading.split(" / ")[-1]
                if row.heading == hit.heading or not _HANDLING.search(last):
                    continue
                if verbosity is Verbosity.PUBLIC and _INTERNAL.search(last):
                    continue
                sentences = split_sentences(row.text)[: self.max_sentences]
                line = join_sentences(sentences)
                if line and line not in out:
                    out.append(line)
                break
        return out
