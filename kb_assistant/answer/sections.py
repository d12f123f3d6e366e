"""Pick the section of the hotline's own knowledge articles that answers a question.

Search ranks statutes above our articles (citations make statutes central), so the top
hits seldom hold the one section an agent should read out. The sections are few (hundreds
per release), so every section in force is scored directly: its cosine to the question,
the share of the question's words (rarer words count more) in its text, its heading and
its article's title (and, if weighted, its search rank). Headings such as
"四、换卡" say what a section is for; the cosine alone confuses neighbouring sections.
The strongest signal is the callers' questions trainers list for a section (front matter
`section_questions`): e5 compares a question with a question far better than with a
passage, as the wording entries' example questions showed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from kb_assistant.model import Hit
from kb_assistant.retrieve.search import to_hit
from kb_assistant.store.question_vectors import best_of_each
from kb_assistant.store.snapshot import ReleaseSnapshot
from kb_assistant.text.analyzer import Analyzer
from kb_assistant.text.thesaurus import Thesaurus

__all__ = ["KNOWLEDGE_LEVEL", "KnowledgeSectionPicker", "SectionPickConfig", "SectionRanking"]

KNOWLEDGE_LEVEL = "热线知识库"  # front matter `level` of the hotline's own articles (corpus/README.md)


@dataclass(frozen=True)
class SectionPickConfig:
    """score = cos + question_weight·max cos(question, section's questions)
    + text_weight·overlap(text) + heading_weight·overlap(heading)
    + title_weight·overlap(title) + rank_weight / (rank_offset + search rank)

    A section without questions counts its own cosine in their place.

    Chosen on eval/answers_*.jsonl (bench/tune_answers.py): the section it puts first is a
    cited one for 69 % of the questions, against 56 % without the questions and 45 % for the
    cosine alone; the search rank added nothing there, so it is off by default.
    """

    question_weight: float = 1.0
    text_weight: float = 0.05
    heading_weight: float = 0.02
    title_weight: float = 0.05
    rank_weight: float = 0.0
    rank_offset: int = 60

    def __post_init__(self) -> None:
        weights = (
            self.question_weight,
            self.text_weight,
            self.heading_weight,
            self.title_weight,
            self.rank_weight,
        )
        if min(weights) < 0 or self.rank_offset < 1:
            raise ValueError("weights must be >= 0 and rank_offset >= 1")


@dataclass(frozen=True)
class SectionRanking:
    """The best sections in force, and how near the question is to each section's example
    questions: the wording matcher reads both (is the best section one an entry cites; is
    a section it does not cite asked about in just these words)."""

    best: list[Hit]
    # (title, doc_number, heading, nearest example-question cosine) of every section in force
    # that lists questions
    asked: list[tuple[str, str | None, str, float]]


@dataclass(frozen=True)
class _SectionIndex:
    rows: np.ndarray  # snapshot row numbers of knowledge-article sections
    versions: frozenset[str]  # the knowledge articles' version ids
    text: list[frozenset[str]]
    heading: list[frozenset[str]]
    title: list[frozenset[str]]
    idf: dict[str, float]
    unseen_idf: float
    questions: np.ndarray  # the sections' example-question vectors
    question_owners: np.ndarray  # the position in `rows` of each question's section


class KnowledgeSectionPicker:
    def __init__(
        self,
        analyzer: Analyzer,
        thesaurus: Thesaurus,
        level: str = KNOWLEDGE_LEVEL,
        config: SectionPickConfig | None = None,
        question_vectors: Callable[[Sequence[str]], np.ndarray] | None = None,
    ) -> None:
        """`question_vectors` embeds the sections' example questions (stored vectors in the
        product: `QuestionVectors.matrix`); without it they are not used."""
        self.question_vectors = question_vectors
        self.analyzer = analyzer
        self.thesaurus = thesaurus
        self.level = level
        self.config = config or SectionPickConfig()

    def is_knowledge(self, snapshot: ReleaseSnapshot, hit: Hit) -> bool:
        """Is the hit a section of one of the hotline's own articles?"""
        return hit.version_id in self._index_of(snapshot).versions

    def _index_of(self, snapshot: ReleaseSnapshot) -> _SectionIndex:
        asked = "with-questions" if self.question_vectors is not None else "without-questions"
        return snapshot.derived(f"knowledge_sections:{self.level}:{asked}", self._index)

    def ranking(
        self,
        snapshot: ReleaseSnapshot,
        question: str,
        vector: np.ndarray,
        matrix: np.ndarray,
        as_of: date,
        region: str | None,
        hits: list[Hit],
        limit: int = 5,
    ) -> SectionRanking:
        """The best `limit` knowledge sections in force on `as_of`, best first (none when the
        release holds no knowledge article)."""
        index = self._index_of(snapshot)
        if index.rows.size == 0 or matrix.shape[0] == 0:
            return SectionRanking([], [])
        mask = snapshot.mask(as_of, region)[index.rows]
        if not mask.any():
            return SectionRanking([], [])
        words = frozenset(self.analyzer.words(self.thesaurus.expand(question)))
        weights = {w: index.idf.get(w, index.unseen_idf) for w in words}
        total = sum(weights.values()) or 1.0
        searched = {(h.version_id, h.heading): h.rank for h in hits if h.article is None}
        query = vector.astype(np.float32)
        cosines = matrix[index.rows] @ query
        nearest = best_of_each(index.questions, index.question_owners, query, index.rows.size)
        asked = np.where(nearest < -0.5, cosines, nearest)  # no questions: the section's own cosine
        config = self.config
        scored: list[tuple[float, int]] = []
        for k in np.flatnonzero(mask):
            row = snapshot.rows[int(index.rows[k])]
            rank = searched.get((row.version_id, row.heading))
            score = (
                float(cosines[k])
                + config.question_weight * float(asked[k])
                + config.text_weight * sum(weights[w] for w in words & index.text[k]) / total
                + config.heading_weight * sum(weights[w] for w in words & index.heading[k]) / total
                + config.title_weight * sum(weights[w] for w in words & index.title[k]) / total
                + (config.rank_weight / (config.rank_offset + rank) if rank is not None else 0.0)
            )
            scored.append((score, int(k)))
        scored.sort(key=lambda x: (-x[0], x[1]))
        best = [
            to_hit(i, round(score, 4), snapshot.rows[int(index.rows[k])])
            for i, (score, k) in enumerate(scored[:limit], 1)
        ]
        listed = (snapshot.rows[int(index.rows[k])] for k in np.flatnonzero(mask & (nearest > -0.5)))
        near = nearest[mask & (nearest > -0.5)]
        asked_rows = [(r.title, r.doc_number, r.heading, float(c)) for r, c in zip(listed, near, strict=True)]
        return SectionRanking(best, asked_rows)

    def _index(self, snapshot: ReleaseSnapshot) -> _SectionIndex:
        rows = [i for i, r in enumerate(snapshot.rows) if r.level == self.level and r.article is None]
        words = self.analyzer.words
        text = [frozenset(words(snapshot.rows[i].text)) for i in rows]
        heading = [frozenset(words(snapshot.rows[i].heading.split(" / ")[-1])) for i in rows]
        title = [frozenset(words(snapshot.rows[i].title)) for i in rows]
        df: dict[str, int] = {}
        for k in range(len(rows)):
            for w in text[k] | heading[k] | title[k]:
                df[w] = df.get(w, 0) + 1
        n = len(rows)
        idf = {w: math.log((n + 1) / (c + 1)) + 1.0 for w, c in df.items()}
        asked = [(k, q) for k, i in enumerate(rows) for q in snapshot.rows[i].questions]
        if asked and self.question_vectors is not None:
            questions = self.question_vectors([q for _, q in asked])
            owners = np.array([k for k, _ in asked], dtype=np.int32)
        else:
            questions = np.zeros((0, 1), dtype=np.float32)
            owners = np.zeros(0, dtype=np.int32)
        return _SectionIndex(
            np.array(rows, dtype=np.int64),
            frozenset(snapshot.rows[i].version_id for i in rows),
            text,
            heading,
            title,
            idf,
            math.log(n + 1) + 1.0,
            questions,
            owners,
        )
