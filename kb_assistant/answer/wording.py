"""Match a caller's question to an approved wording entry in force on the date asked about.

Signals, all cheap once the question is embedded (the search embedded it already):
the cosine of the question to the entry's example questions (query to query), to the
entry's answer and to the answer sentence closest to it (query to passage, what e5
models are trained for; a caller often asks about one fact of a longer answer), the
share of the question's words the entry uses (weighted by how rare the word is among
entries), and agreement with retrieval (the entry cites an article the search ranked
near the top).
Which entry comes first is decided with one more signal: the probability a classifier
trained on every entry's example questions at once gives it (`QuestionClassifier`), which
tells sibling entries apart better than the nearest example does (the conditions of
unemployment benefit beside its duration). It orders the entries only: the one put first
must clear the bar, and pass the tests below, on its own score.
An entry is served when its score clears the bar (and, if configured, beats the runner-up
by a margin); below it the caller gets an extractive answer, never a near-miss entry.
A question closer to one of the entry's `not_questions` (near-topic questions trainers
listed as not answered by it: sick leave beside annual leave) than to any of its examples
is a near miss too, however high it scores: similarity says "same topic", the trainer's
counter-examples say "not this answer". The knowledge sections' example questions work the
same way without anyone listing them twice: a question nearer to those of a section the
entry does not cite than to the entry's own examples (and those of the sections it cites)
asks about something else. When the section the picker puts first is one the entry cites,
the two agree, and the bar is a little lower; when it scores a section the entry does not
cite well above every section the entry cites, the question asks another fact of the topic
("may I still sue after the award" beside "how do I apply for arbitration") and gets that
section's extract, unless it is nearly one of the entry's own examples.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from kb_assistant.answer.citations import CitationResolver
from kb_assistant.answer.question_classifier import QuestionClassifier
from kb_assistant.answer.sections import SectionRanking
from kb_assistant.changes.review import ReviewState, review_from
from kb_assistant.embed.base import Embedder
from kb_assistant.model import OPEN_END, Hit
from kb_assistant.store.catalog import Catalog, WordingRow
from kb_assistant.store.ingestor import answer_passage, answer_sentences
from kb_assistant.store.question_vectors import QuestionVectors, best_of_each
from kb_assistant.store.snapshot import ReleaseSnapshot, region_applies
from kb_assistant.store.validity import serves
from kb_assistant.text.analyzer import Analyzer
from kb_assistant.text.thesaurus import Thesaurus

__all__ = ["WordingMatch", "WordingMatchConfig", "WordingMatcher", "WordingState"]


@dataclass(frozen=True)
class WordingMatchConfig:
    """Weights and bar of the match score.

    score = cos(question, examples) + answer_weight * cos(question, answer)
            + sentence_weight * max cos(question, answer sentence)
            + lexical_weight * word overlap + agreement_bonus * [cited article in top hits]
    rank  = score + classifier_weight * p(entry | question)   (orders the entries only)

    Weights from the grid of bench/tune_answers.py; bar and margin from `kb eval` on
    eval/answers_*.jsonl (mode accuracy 0.883 at 2.10 / 0, 0.863 with a 0.02 margin). The
    near-miss rule's `counter_margin` 0 was chosen on the same sets (mode accuracy 0.899,
    against 0.893 at 0.015 and 0.807 at -0.015); with it, a lower bar serves out-of-scope
    questions wording (escalation recall 0.77 → 0.63 at 2.05). `section_agreement` 0.03 and
    `section_margin` 0.015 were chosen on the same sets (bench/tune_answers.py: 2 more right
    entries and 4 fewer wordings where none was expected, against neither rule).
    `section_lead` 0.04 was chosen on dev and held-out 1–6 (of 301 confident matches it
    declines 7 extract questions and 1 out-of-scope one, and one right entry; at 0.03 three
    right entries), then checked on held-out 7 (2 extracts more, no entry lost).
    `counter_depth` 3 and `counter_set_margin` -0.005 were chosen on dev and held-out 1–13:
    of 529 confident matches the test declines 6 that expected an extract, an escalation or
    another entry, and no right entry (at -0.006 it declines a right entry too; at 0 it
    declines 1 of the 6); checked once on held-out 14 (one extract more, nothing lost).
    `classifier_weight` 0.6 was chosen on dev and held-out 1–14 (1046 questions, against no
    classifier: 14 answers right that were wrong, 2 wrong that were right; wrong entries
    served 10 → 2; at 0.3 and 1.0 one or two fewer right); held-out 15 was scored before
    any of it and with each weight tried (wording 0.900 → 0.967 for all three).
    """

    answer_weight: float = 0.25
    sentence_weight: float = 1.0
    lexical_weight: float = 0.1
    agreement_bonus: float = 0.01
    agreement_depth: int = 3
    min_score: float = 2.10
    min_margin: float = 0.0  # over the best other entry (0: the best entry wins outright)
    # how much closer to a not_question than to every example a question must be to be declined
    counter_margin: float = 0.0
    # the same test on the `counter_depth` nearest of each (their mean cosines): a question
    # nearly as near to three not_questions as to the three nearest examples asks what the
    # trainers listed as not answered, though one example is a little nearer than any of them
    counter_depth: int = 3
    counter_set_margin: float = -0.005
    # how much lower the bar is when the best knowledge section is one the entry cites
    section_agreement: float = 0.03
    # how much closer to an uncited section's example questions a question must be to be declined
    section_margin: float = 0.015
    # how far the picker's best section the entry does not cite must lead the best one it
    # cites (picker scores) for the question to be declined: it asks another fact of the topic
    section_lead: float = 0.04
    # a question this near to one of the entry's examples is one trainers listed for it, in
    # nearly these words: the picker's lead does not override them
    listed_cosine: float = 0.98
    # weight of p(entry | question) from the classifier trained on all example questions:
    # it orders the entries; the chosen one still has to clear the bar on its own score
    classifier_weight: float = 0.6

    @property
    def max_score(self) -> float:
        """The score of a question identical to an example, answer and sentence, every word shared."""
        return 1.0 + self.answer_weight + self.sentence_weight + self.lexical_weight + self.agreement_bonus

    def __post_init__(self) -> None:
        weights = (
            self.answer_weight,
            self.sentence_weight,
            self.lexical_weight,
            self.agreement_bonus,
            self.min_margin,
        )
        if not -1.0 <= self.counter_margin <= 2.0:
            raise ValueError("counter_margin must be between -1 and 2 (2 ignores not_questions)")
        if not -1.0 <= self.counter_set_margin <= 2.0:
            raise ValueError("counter_set_margin must be between -1 and 2 (2 ignores it)")
        if self.counter_depth < 1:
            raise ValueError("counter_depth must be >= 1")
        if not -1.0 <= self.section_margin <= 2.0:
            raise ValueError("section_margin must be between -1 and 2 (2 ignores section questions)")
        if not 0.0 <= self.section_lead <= 10.0:
            raise ValueError("section_lead must be between 0 and 10 (10 ignores the section picker)")
        if self.classifier_weight < 0:
            raise ValueError("classifier_weight must be >= 0 (0 leaves the classifier out)")
        if not 0.0 <= self.listed_cosine <= 1.0:
            raise ValueError("listed_cosine must be between 0 and 1")
        if not 0.0 <= self.section_agreement <= 1.0:
            raise ValueError("section_agreement must be between 0 and 1")
        if min(weights) < 0 or self.agreement_depth < 1:
            raise ValueError("weights and min_margin must be >= 0 and agreement_depth >= 1")


@dataclass(frozen=True)
class WordingMatch:
    entry: WordingRow
    score: float
    margin: float  # over the best other entry in force
    confident: bool
    near_miss: str | None = None  # the entry's not_question the question is closer to, if any
    # the knowledge section (not cited by the entry) whose example questions the question is closer to
    closer_section: str | None = None
    # the knowledge section (not cited by the entry) the picker ranks well above those it cites
    # (judged only for a match that clears every other test)
    leading_section: str | None = None
    bar: float = 0.0  # the score the entry had to reach (lower where the best section agrees)
    # the question's highest cosine to any example question of an entry in force: how near
    # the approved wording's callers it is, whichever entry wins. Not the not_questions: they
    # list what an entry does not answer ("常德的最低工资是多少" under the probation wage)
    listed: float = -1.0
    chance: float = 0.0  # the entry classifier's probability for this entry
    review: ReviewState | None = None  # set when a cited article changed on or before the date asked


@dataclass(frozen=True)
class WordingState:
    """What trainers check for an approved entry of a release: its window, whether a cited
    article changed under it, and which citations the release cannot show."""

    wording_id: str
    topic: str
    version_id: str
    valid_from: date
    valid_to: date
    review: ReviewState | None
    unshown: tuple[str, ...]  # citations the release does not hold on its first or last day

    def to_dict(self) -> dict[str, Any]:
        return {
            "wording_id": self.wording_id,
            "topic": self.topic,
            "version_id": self.version_id,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat(),
            "needs_review_from": self.review.needs_review_from.isoformat() if self.review else None,
            "citation": self.review.citation if self.review else None,
            "unshown": list(self.unshown),
        }


@dataclass(frozen=True)
class _Served:
    row: WordingRow
    valid_from: date
    valid_to: date
    vocabulary: frozenset[str]
    review: ReviewState | None
    # citations the release cannot show on the entry's first or last day in force: the cited
    # text was never ingested (or its article is numbered otherwise); the answer goes out
    # without them, so trainers need to see the list
    unshown: tuple[str, ...] = ()


class WordingMatcher:
    """The approved entries of one release with their example-question vectors."""

    def __init__(
        self,
        served: list[_Served],
        matrix: np.ndarray,
        owners: np.ndarray,
        answers: np.ndarray,
        sentences: np.ndarray,
        sentence_owners: np.ndarray,
        counters: np.ndarray,
        counter_owners: np.ndarray,
        analyzer: Analyzer,
        thesaurus: Thesaurus,
        config: WordingMatchConfig | None = None,
        classifier: QuestionClassifier | None = None,
    ) -> None:
        self.served = served
        self.classifier = classifier
        self.matrix = matrix
        self.owners = owners
        self.answers = answers
        self.sentences = sentences
        self.sentence_owners = sentence_owners
        self.counters = counters
        self.counter_owners = counter_owners
        self.analyzer = analyzer
        self.thesaurus = thesaurus
        self.config = config or WordingMatchConfig()
        # Inverse entry frequency: a word every entry uses (单位, 社保) says little about which
        # entry fits; a word no entry uses (下雨, 股票) counts fully against every entry.
        df: dict[str, int] = {}
        for s in served:
            for word in s.vocabulary:
                df[word] = df.get(word, 0) + 1
        self._entries = len(served)
        self._df = df

    @classmethod
    def for_release(
        cls,
        catalog: Catalog,
        snapshot: ReleaseSnapshot,
        embedder: Embedder,
        analyzer: Analyzer,
        thesaurus: Thesaurus,
        config: WordingMatchConfig | None = None,
    ) -> WordingMatcher:
        windows = snapshot.windows
        rows = [w for w in catalog.wordings(windows) if w.status == "approved" and w.kind == "wording"]
        rows = [w for w in rows if serves(windows[w.version.version_id])]
        rows.sort(key=lambda w: (w.wording_id, windows[w.version.version_id][0]))
        questions = [q for w in rows for q in w.questions]
        owners = np.array([i for i, w in enumerate(rows) for _ in w.questions], dtype=np.int32)
        vectors = QuestionVectors(catalog, embedder)
        matrix = vectors.matrix(questions)
        answers = vectors.matrix([answer_passage(w.version.title, w.answer) for w in rows], as_passages=True)
        split = [answer_sentences(w.answer) for w in rows]
        sentences = vectors.matrix([s for parts in split for s in parts], as_passages=True)
        sentence_owners = np.array([i for i, parts in enumerate(split) for _ in parts], dtype=np.int32)
        counters = vectors.matrix([q for w in rows for q in w.not_questions])
        counter_owners = np.array([i for i, w in enumerate(rows) for _ in w.not_questions], dtype=np.int32)
        # one class per wording id: the versions of an entry share their examples
        classifier = QuestionClassifier.trained(
            catalog, questions, matrix, [rows[i].wording_id for i in owners]
        )
        served = []
        resolver = CitationResolver(snapshot)
        for w in rows:
            start, end = windows[w.version.version_id]
            vocabulary = set(analyzer.words(w.version.title))
            for q in w.questions:
                vocabulary.update(analyzer.words(q))
            review = review_from(w, (start, end), resolver)
            unshown = _unshown(resolver, w, start, end)
            served.append(_Served(w, start, end, frozenset(vocabulary), review, unshown))
        return cls(
            served,
            matrix,
            owners,
            answers,
            sentences,
            sentence_owners,
            counters,
            counter_owners,
            analyzer,
            thesaurus,
            config,
            classifier,
        )

    def _idf(self, word: str) -> float:
        return math.log((self._entries + 1) / (self._df.get(word, 0) + 1)) + 1.0

    def word_share(self, question: str, vocabulary: frozenset[str]) -> float:
        """The share of the question's words in `vocabulary`, rarer ones counting more, as in
        the match score."""
        weights = {w: self._idf(w) for w in set(self.analyzer.words(question))}
        return _share(weights, sum(weights.values()), vocabulary)

    def vocabulary(self, wording_id: str) -> frozenset[str]:
        """The words of an entry's title and example questions (empty for an unknown id)."""
        return next((s.vocabulary for s in self.served if s.row.wording_id == wording_id), frozenset())

    def in_force(self, as_of: date, region: str | None) -> list[WordingRow]:
        return [s.row for s in self.served if self._serves(s, as_of, region)]

    @staticmethod
    def _serves(served: _Served, as_of: date, region: str | None) -> bool:
        return served.valid_from <= as_of <= served.valid_to and region_applies(
            served.row.version.region, region
        )

    def match(
        self,
        question: str,
        vector: np.ndarray,
        as_of: date,
        region: str | None,
        hits: list[Hit],
        sections: SectionRanking | None = None,
    ) -> WordingMatch | None:
        """The best entry in force on `as_of`, whether or not it clears the bar (see `confident`);
        `sections`, the knowledge sections ranked for the question, lets them vote."""
        allowed = np.flatnonzero([self._serves(s, as_of, region) for s in self.served])
        if allowed.size == 0:
            return None
        query = vector.astype(np.float32)
        examples = best_of_each(self.matrix, self.owners, query, len(self.served))
        answers = self.answers @ query
        sentences = best_of_each(self.sentences, self.sentence_owners, query, len(self.served))
        words = set(self.analyzer.words(question))
        weights = {w: self._idf(w) for w in words}
        total = sum(weights.values())
        config = self.config
        scored: list[tuple[float, int]] = []
        raw: dict[int, float] = {}
        listed = float(examples[allowed].max())
        # a question nearly one trainers listed keeps that entry first: the classifier is
        # for callers' own words
        chances = (
            self.classifier.probabilities(question, query)
            if self.classifier is not None and config.classifier_weight > 0 and listed < config.listed_cosine
            else {}
        )
        for i in allowed:
            served = self.served[i]
            lexical = _share(weights, total, served.vocabulary)
            score = (
                float(examples[i])
                + config.answer_weight * float(answers[i])
                + config.sentence_weight * float(sentences[i])
                + config.lexical_weight * lexical
                + (config.agreement_bonus if self._agrees(served.row, hits) else 0.0)
            )
            raw[int(i)] = score
            chance = chances.get(served.row.wording_id, 0.0)
            scored.append((score + config.classifier_weight * chance, int(i)))
        scored.sort(key=lambda x: (-x[0], x[1]))
        ranked, best = scored[0]
        margin = ranked - scored[1][0] if len(scored) > 1 else ranked
        best_score = raw[best]
        row = self.served[best].row
        near_miss = self._near_miss(best, float(examples[best]), query)
        first = max(raw, key=lambda i: (raw[i], -i))  # the best entry without the classifier
        if near_miss is None and first != best:
            # trainers listed the question as not answered by the entry that scores best:
            # the classifier does not hand it to a sibling instead
            near_miss = self._near_miss(first, float(examples[first]), query)
        bar, closer, leading, agrees = config.min_score, None, None, False
        if sections is not None:
            top = sections.best[0] if sections.best else None
            agrees = top is not None and _cites_section(row, top.title, top.doc_number, top.heading)
            if agrees:
                bar -= config.section_agreement
            closer = self._closer_section(row, float(examples[best]), sections)
        confident = best_score >= bar and margin >= config.min_margin and near_miss is None and closer is None
        if confident and sections is not None and not agrees and float(examples[best]) < config.listed_cosine:
            leading = self._leading_section(row, sections)
            confident = leading is None
        review = self.served[best].review
        if review is not None and as_of < review.needs_review_from:
            review = None
        return WordingMatch(
            row,
            round(best_score, 4),
            round(margin, 4),
            confident,
            review=review,
            near_miss=near_miss,
            closer_section=closer,
            leading_section=leading,
            bar=round(bar, 4),
            listed=listed,
            chance=round(chances.get(row.wording_id, 0.0), 4),
        )

    def _closer_section(self, entry: WordingRow, example: float, sections: SectionRanking) -> str | None:
        """The uncited knowledge section whose example questions are nearer to the question than
        the entry's examples and the questions of the sections it cites, if any."""
        own, other, where = example, -1.0, None
        for title, doc_number, heading, cosine in sections.asked:
            if _cites_section(entry, title, doc_number, heading):
                own = max(own, cosine)
            elif cosine > other:
                other, where = cosine, f"{doc_number or title} {heading}"
        return where if other > own + self.config.section_margin else None

    def _leading_section(self, entry: WordingRow, sections: SectionRanking) -> str | None:
        """The picker's best section, which the entry does not cite, if it scores `section_lead`
        above every section the entry cites: the entry's topic, another of its facts ("when may
        I sue" beside "how do I apply for arbitration"). An entry citing no section of the
        ranking is not judged."""
        if not sections.scored:
            return None
        title, doc_number, heading, other = max(sections.scored, key=lambda s: s[3])
        own = max((s[3] for s in sections.scored if _cites_section(entry, *s[:3])), default=None)
        if own is None or other <= own + self.config.section_lead:
            return None
        return f"{doc_number or title} {heading}"

    def _near_miss(self, entry: int, example: float, query: np.ndarray) -> str | None:
        """The entry's not_question nearer to the question than its examples are, if any."""
        own = np.flatnonzero(self.counter_owners == entry)
        if own.size == 0:
            return None
        cosines = self.counters[own] @ query
        nearest = int(np.argmax(cosines))
        if float(cosines[nearest]) > example + self.config.counter_margin:
            return self.served[entry].row.not_questions[nearest]
        depth = self.config.counter_depth
        examples = np.sort(self.matrix[self.owners == entry] @ query)[::-1][:depth]
        counters = np.sort(cosines)[::-1][:depth]
        if float(counters.mean()) > float(examples.mean()) + self.config.counter_set_margin:
            return self.served[entry].row.not_questions[nearest]
        return None

    def states(self) -> list[WordingState]:
        return [
            WordingState(
                s.row.wording_id,
                s.row.version.title,
                s.row.version.version_id,
                s.valid_from,
                s.valid_to,
                s.review,
                s.unshown,
            )
            for s in self.served
        ]

    def _agrees(self, entry: WordingRow, hits: list[Hit]) -> bool:
        top = hits[: self.config.agreement_depth]
        return any(
            citation.names(hit.title, hit.doc_number) and citation.points_at(hit.article, hit.heading)
            for citation in entry.citations
            for hit in top
        )


def _share(weights: dict[str, float], total: float, vocabulary: frozenset[str]) -> float:
    return sum(weights[w] for w in weights.keys() & vocabulary) / total if total else 0.0


def _unshown(resolver: CitationResolver, entry: WordingRow, start: date, end: date) -> tuple[str, ...]:
    days = [start] if end >= OPEN_END else [start, end]
    missing = {c.label() for day in days for c in resolver.resolve_all(entry.citations, day)[1]}
    return tuple(c.label() for c in entry.citations if c.label() in missing)


def _cites_section(entry: WordingRow, title: str, doc_number: str | None, heading: str) -> bool:
    return any(
        c.section and c.names(title, doc_number) and c.points_at(None, heading) for c in entry.citations
    )
