"""The knowledge sections of a release, prepared once per snapshot for the section picker:
their words, character bigrams, rarity weights and example-question vectors."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from kb_assistant.answer.extractive import has_source_note
from kb_assistant.answer.question_classifier import QuestionClassifier, QuestionClassifierConfig
from kb_assistant.store.catalog import Catalog
from kb_assistant.store.snapshot import ReleaseSnapshot
from kb_assistant.text.analyzer import Analyzer

__all__ = ["SECTION_CLASSIFIER", "Postings", "SectionIndex", "build_section_index"]

# 170 sections' 1,400 questions: 100 steps with momentum take 7 s here and rank as well as
# 300 plain ones (21 s): cited section first for 680 against 682 of 753 held-out questions
SECTION_CLASSIFIER = QuestionClassifierConfig(iterations=100, learning_rate=4.0, momentum=0.8)


@dataclass(frozen=True)
class Postings:
    """Which sections hold each term: a question's share of rare terms found in every
    section is a handful of array additions, not a set intersection per section."""

    sections: dict[str, np.ndarray]
    size: int

    @classmethod
    def of(cls, terms: list[frozenset[str]]) -> Postings:
        found: dict[str, list[int]] = {}
        for k, held in enumerate(terms):
            for term in held:
                found.setdefault(term, []).append(k)
        return cls({t: np.array(ks, dtype=np.int64) for t, ks in found.items()}, len(terms))

    def share(self, weights: dict[str, float]) -> np.ndarray:
        """Per section, the weight of the given terms it holds over their total weight."""
        out = np.zeros(self.size)
        for term, weight in weights.items():
            held = self.sections.get(term)
            if held is not None:
                out[held] += weight
        return out / (sum(weights.values()) or 1.0)


@dataclass(frozen=True)
class SectionIndex:
    rows: np.ndarray  # snapshot row numbers of knowledge-article sections
    versions: frozenset[str]  # the knowledge articles' version ids
    text: Postings  # words of each section's text
    heading: Postings
    title: Postings  # of its article
    idf: dict[str, float]
    unseen_idf: float
    questions: np.ndarray  # the sections' example-question vectors
    question_owners: np.ndarray  # the position in `rows` of each question's section
    asked_pairs: Postings  # character bigrams of each section's questions
    heading_pairs: Postings
    pair_idf: dict[str, float]
    position: dict[tuple[str, str], int]  # (version id, heading) → position in `rows`
    # p(section | question) learnt from the `section_questions`; its classes are positions in
    # `rows`, `classified` the position of each class
    classifier: QuestionClassifier | None = None
    classified: np.ndarray | None = None


def build_section_index(
    snapshot: ReleaseSnapshot,
    level: str,
    analyzer: Analyzer,
    question_vectors: Callable[[Sequence[str]], np.ndarray] | None,
    catalog: Catalog | None = None,
) -> SectionIndex:
    """`catalog`, if given, keeps the trained section classifier between processes."""
    # a section with no source note states no rule, only what its article is for: read out,
    # it answers nothing ("来电人在单位上班，询问…"), and it would outrank the sections it
    # summarises for a general question, declining the entry that answers it
    rows = [
        i
        for i, r in enumerate(snapshot.rows)
        if r.level == level and r.article is None and has_source_note(r.text)
    ]
    words = analyzer.words
    text = [frozenset(words(snapshot.rows[i].text)) for i in rows]
    headings = [snapshot.rows[i].heading.split(" / ")[-1] for i in rows]  # the `## ` heading
    heading = [frozenset(words(h)) for h in headings]
    title = [frozenset(words(snapshot.rows[i].title)) for i in rows]
    pairs = analyzer.char_bigrams
    asked_pairs = [frozenset(p for q in snapshot.rows[i].questions for p in pairs(q)) for i in rows]
    heading_pairs = [frozenset(pairs(h)) for h in headings]
    text_pairs = [frozenset(pairs(snapshot.rows[i].text)) for i in rows]
    n = len(rows)
    idf = _idf([text[k] | heading[k] | title[k] for k in range(n)], n)
    pair_idf = _idf([asked_pairs[k] | heading_pairs[k] | text_pairs[k] for k in range(n)], n)
    asked = [(k, q) for k, i in enumerate(rows) for q in snapshot.rows[i].questions]
    classifier, classified = None, None
    if asked and question_vectors is not None:
        questions = question_vectors([q for _, q in asked])
        owners = np.array([k for k, _ in asked], dtype=np.int32)
        labels = [f"{k:05d}" for k, _ in asked]
        texts = [q for _, q in asked]
        classifier = (
            QuestionClassifier.trained(catalog, texts, questions, labels, SECTION_CLASSIFIER)
            if catalog is not None
            else QuestionClassifier.train(texts, questions, labels, SECTION_CLASSIFIER)
        )
        classified = np.array([int(c) for c in classifier.classes], dtype=np.int64)
    else:
        questions = np.zeros((0, 1), dtype=np.float32)
        owners = np.zeros(0, dtype=np.int32)
    return SectionIndex(
        np.array(rows, dtype=np.int64),
        frozenset(r.version_id for r in snapshot.rows if r.level == level),
        Postings.of(text),
        Postings.of(heading),
        Postings.of(title),
        idf,
        math.log(n + 1) + 1.0,
        questions,
        owners,
        Postings.of(asked_pairs),
        Postings.of(heading_pairs),
        pair_idf,
        {(snapshot.rows[i].version_id, snapshot.rows[i].heading): k for k, i in enumerate(rows)},
        classifier,
        classified,
    )


def _idf(documents: list[frozenset[str]], n: int) -> dict[str, float]:
    df: dict[str, int] = {}
    for terms in documents:
        for term in terms:
            df[term] = df.get(term, 0) + 1
    return {t: math.log((n + 1) / (c + 1)) + 1.0 for t, c in df.items()}
