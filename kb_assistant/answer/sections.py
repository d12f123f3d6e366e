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

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from kb_assistant.answer.section_index import SectionIndex, build_section_index
from kb_assistant.model import Hit
from kb_assistant.retrieve.search import to_hit
from kb_assistant.store.catalog import Catalog
from kb_assistant.store.question_vectors import two_best_of_each
from kb_assistant.store.snapshot import ReleaseSnapshot
from kb_assistant.text.analyzer import Analyzer
from kb_assistant.text.thesaurus import Thesaurus

__all__ = [
    "FEATURES",
    "KNOWLEDGE_LEVEL",
    "KnowledgeSectionPicker",
    "SectionFeatures",
    "SectionPickConfig",
    "SectionRanking",
]

KNOWLEDGE_LEVEL = "热线知识库"  # front matter `level` of the hotline's own articles (corpus/README.md)

# What a section's score is made of, in the column order of `SectionFeatures.values`; each
# but the cosine has a `<name>_weight` in `SectionPickConfig`.
FEATURES = (
    "cosine",
    "question",
    "second_question",
    "text",
    "heading",
    "title",
    "asked_pairs",
    "heading_pairs",
    "rank",
    "classifier",
)


@dataclass(frozen=True)
class SectionPickConfig:
    """score = cos + question_weight·max cos(question, section's questions)
    + second_question_weight·second-highest cos (the highest, for a single question)
    + text_weight·overlap(text) + heading_weight·overlap(heading)
    + title_weight·overlap(title) + rank_weight / (rank_offset + search rank)
    + asked_pairs_weight·pairs(section's questions) + heading_pairs_weight·pairs(heading)
    + classifier_weight·p(section | question)

    overlap(·) is the share of the question's words, pairs(·) of its character bigrams, that
    occur there (rarer ones count more). A section without questions counts its own cosine
    in place of theirs. The second-nearest question keeps one stray look-alike question from
    deciding between neighbouring sections; the bigrams catch what jieba splits differently.

    Chosen on eval/answers_*.jsonl and held-out sets 1–5 (bench/tune_answers.py, 372
    questions citing a section): the section put first is a cited one for 80.6 % of them
    (79.6 % for weights chosen by 5-fold cross-validation), against 74.2 % with the maximum
    question cosine and the words alone, 79.0 % without the question cosines and 43.8 % for
    the cosine alone; the search rank added nothing, so it is off by default.
    p(section | question) is a classifier trained on every section's questions at once
    (`QuestionClassifier`); at `classifier_weight` 1.0 the section put first is a cited one
    for 0.748 → 0.809 of the 131 development questions citing a section and 0.863 → 0.906
    of the 753 of held-out 1–15 (0.5: 0.794 / 0.898; 2.0: 0.832 / 0.902).
    """

    question_weight: float = 0.75
    second_question_weight: float = 0.25
    text_weight: float = 0.05
    heading_weight: float = 0.05
    title_weight: float = 0.05
    rank_weight: float = 0.0
    rank_offset: int = 60
    asked_pairs_weight: float = 0.1
    heading_pairs_weight: float = 0.1
    classifier_weight: float = 1.0

    def __post_init__(self) -> None:
        if min(self.weights()) < 0 or self.rank_offset < 1:
            raise ValueError("weights must be >= 0 and rank_offset >= 1")

    def weights(self) -> np.ndarray:
        """The weights in the order of `FEATURES` (the cosine counts once)."""
        return np.array([1.0 if f == "cosine" else getattr(self, f"{f}_weight") for f in FEATURES])


@dataclass(frozen=True)
class SectionRanking:
    """The best sections in force, and how near the question is to each section's example
    questions: the wording matcher reads both (is the best section one an entry cites; is
    a section it does not cite asked about in just these words)."""

    best: list[Hit]
    # (title, doc_number, heading, nearest example-question cosine) of every section in force
    # that lists questions
    asked: list[tuple[str, str | None, str, float]]
    # (title, doc_number, heading, score) of every section in force, in index order
    scored: list[tuple[str, str | None, str, float]] = field(default_factory=list)


@dataclass(frozen=True)
class SectionFeatures:
    """What the score is made of, per section in force: `values @ config.weights()`.
    Kept apart so a weight grid re-scores a question without recomputing it."""

    rows: list[int]  # snapshot row numbers, in index order
    values: np.ndarray  # one row per section, one column per FEATURES
    asked: list[tuple[str, str | None, str, float]]  # as in SectionRanking.asked


class KnowledgeSectionPicker:
    def __init__(
        self,
        analyzer: Analyzer,
        thesaurus: Thesaurus,
        level: str = KNOWLEDGE_LEVEL,
        config: SectionPickConfig | None = None,
        question_vectors: Callable[[Sequence[str]], np.ndarray] | None = None,
        catalog: Catalog | None = None,
    ) -> None:
        """`question_vectors` embeds the sections' example questions (stored vectors in the
        product: `QuestionVectors.matrix`); without it they are not used. `catalog` keeps the
        trained section classifier between processes."""
        self.question_vectors = question_vectors
        self.catalog = catalog
        self.analyzer = analyzer
        self.thesaurus = thesaurus
        self.level = level
        self.config = config or SectionPickConfig()

    def is_knowledge(self, snapshot: ReleaseSnapshot, hit: Hit) -> bool:
        """Is the hit a section of one of the hotline's own articles?"""
        return hit.version_id in self._index_of(snapshot).versions

    def _index_of(self, snapshot: ReleaseSnapshot) -> SectionIndex:
        asked = "with-questions" if self.question_vectors is not None else "without-questions"
        return snapshot.derived(
            f"knowledge_sections:{self.level}:{asked}",
            lambda s: build_section_index(s, self.level, self.analyzer, self.question_vectors, self.catalog),
        )

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
        features = self.features(snapshot, question, vector, matrix, as_of, region, hits)
        return self.rank(snapshot, features, limit)

    def rank(self, snapshot: ReleaseSnapshot, features: SectionFeatures, limit: int = 5) -> SectionRanking:
        scores = features.values @ self.config.weights()
        order = sorted(range(len(features.rows)), key=lambda k: (-scores[k], k))[:limit]
        best = [
            to_hit(i, round(float(scores[k]), 4), snapshot.rows[features.rows[k]])
            for i, k in enumerate(order, 1)
        ]
        rows = (snapshot.rows[i] for i in features.rows)
        scored = [(r.title, r.doc_number, r.heading, float(c)) for r, c in zip(rows, scores, strict=True)]
        return SectionRanking(best, features.asked, scored)

    def _classified(self, index: SectionIndex, question: str, query: np.ndarray) -> np.ndarray:
        """p(section | question) per position in the index (0 without section questions, and
        not computed when it weighs nothing)."""
        column = np.zeros(index.rows.size)
        if self.config.classifier_weight and index.classifier is not None and index.classified is not None:
            column[index.classified] = index.classifier.distribution(question, query)
        return column

    def features(
        self,
        snapshot: ReleaseSnapshot,
        question: str,
        vector: np.ndarray,
        matrix: np.ndarray,
        as_of: date,
        region: str | None,
        hits: list[Hit],
    ) -> SectionFeatures:
        index = self._index_of(snapshot)
        empty = SectionFeatures([], np.zeros((0, len(FEATURES))), [])
        if index.rows.size == 0 or matrix.shape[0] == 0:
            return empty
        mask = snapshot.mask(as_of, region)[index.rows]
        if not mask.any():
            return empty
        words = frozenset(self.analyzer.words(self.thesaurus.expand(question)))
        weights = {w: index.idf.get(w, index.unseen_idf) for w in words}
        pairs = frozenset(self.analyzer.char_bigrams(question))
        pair_weights = {p: index.pair_idf.get(p, index.unseen_idf) for p in pairs}
        query = vector.astype(np.float32)
        cosines = matrix[index.rows] @ query
        nearest, second = two_best_of_each(index.questions, index.question_owners, query, index.rows.size)
        asked = np.where(nearest < -0.5, cosines, nearest)  # no questions: the section's own cosine
        asked_second = np.where(second < -0.5, asked, second)  # one question: it counts twice
        ranked = np.zeros(index.rows.size)
        for hit in hits:
            k = index.position.get((hit.version_id, hit.heading)) if hit.article is None else None
            if k is not None and ranked[k] == 0.0:
                ranked[k] = 1.0 / (self.config.rank_offset + hit.rank)
        columns = (
            cosines,
            asked,
            asked_second,
            index.text.share(weights),
            index.heading.share(weights),
            index.title.share(weights),
            index.asked_pairs.share(pair_weights),
            index.heading_pairs.share(pair_weights),
            ranked,
            self._classified(index, question, query),
        )
        kept = np.flatnonzero(mask)
        values = np.stack(columns, axis=1)[kept]
        listed = (snapshot.rows[int(index.rows[k])] for k in np.flatnonzero(mask & (nearest > -0.5)))
        near = nearest[mask & (nearest > -0.5)]
        asked_rows = [(r.title, r.doc_number, r.heading, float(c)) for r, c in zip(listed, near, strict=True)]
        return SectionFeatures([int(index.rows[k]) for k in kept], values, asked_rows)
