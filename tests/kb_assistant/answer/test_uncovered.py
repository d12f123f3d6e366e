"""Topics trainers list as not answered yet are handed over, not answered from a neighbour."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kb_assistant.answer.model import AnswerMode
from kb_assistant.answer.uncovered import UncoveredTopic, UncoveredTopics, load_uncovered
from kb_assistant.kb import KB

MARRIAGE_LEAVE = "婚假、丧假的天数和待遇知识库暂未收录统一口径，请转接专席或创建工单，由业务科室核实后答复。"


def test_load_uncovered_reads_the_bundled_table():
    topics = {t.topic: t for t in load_uncovered()}
    assert topics["婚假、丧假天数"].message == MARRIAGE_LEAVE
    assert "婚假有几天" in topics["婚假、丧假天数"].questions
    assert all(len(t.questions) >= 4 for t in topics.values())


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("婚假\t请转专席。", r"uncovered entry 1 \(婚假\): expected 'topic<TAB>handover line<TAB>question\|"),
        ("婚假\t请转专席。\t | ", r"uncovered entry 1 \(婚假\): expected"),
        ("婚假", r"uncovered line 1: expected 'topic<TAB>handover line<TAB>question"),
    ],
)
def test_load_uncovered_rejects_a_line_without_questions(tmp_path: Path, line: str, message: str):
    path = tmp_path / "uncovered.tsv"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_uncovered(path)


def test_uncovered_topics_hand_over_only_when_nearer_than_the_knowledge_base():
    topic = UncoveredTopic("婚假", "请转专席。", ("婚假有几天", "丧假有几天"))
    vectors = {"婚假有几天": [1.0, 0.0], "丧假有几天": [0.6, 0.8]}
    topics = UncoveredTopics(
        [topic], lambda texts: np.array([vectors[t] for t in texts]), margin=0.01, min_cosine=0.9
    )
    query = np.array([0.8, 0.6], dtype=np.float32)  # cosines 0.8 and 0.96
    gap = topics.handover(query, known=0.9)
    assert gap is not None and (gap.question, round(gap.cosine, 2)) == ("丧假有几天", 0.96)
    assert topics.handover(query, known=0.955) is None  # within the margin: the knowledge base keeps it
    assert UncoveredTopics([], lambda texts: np.zeros((0, 2))).handover(query, known=-1.0) is None


def test_uncovered_topics_need_a_near_question_although_the_knowledge_base_lists_none():
    topic = UncoveredTopic("婚假", "请转专席。", ("婚假有几天",))
    topics = UncoveredTopics([topic], lambda texts: np.array([[1.0, 0.0]]), min_cosine=0.92)
    assert topics.handover(np.array([0.9, 0.43589], dtype=np.float32), known=-1.0) is None
    assert topics.handover(np.array([0.95, 0.31225], dtype=np.float32), known=-1.0) is not None


def test_ask_marriage_leave_is_handed_over_not_read_the_maternity_wording(corpus_kb: KB):
    answer = corpus_kb.ask("我下个礼拜办酒结婚，厂里要给我放几天婚假")
    assert (answer.mode, answer.wording_id, answer.citations) == (AnswerMode.ESCALATE, None, [])
    assert MARRIAGE_LEAVE in answer.answer


def test_ask_neighbouring_covered_questions_are_still_answered(corpus_kb: KB):
    assert corpus_kb.ask("产假有几天").wording_id == "WD-SYB-001"
    annual = corpus_kb.ask("休了婚假，当年的年休假会不会被扣掉")
    assert annual.mode is AnswerMode.EXTRACTIVE and annual.citations[0].doc_number == "常德12333知识库-NJ-001"
    assert corpus_kb.ask("失业保险金一个月能领好多，是不是比最低工资低").wording_id == "WD-SY-002"


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
