"""`KB.ask` over the hotline's knowledge base: modes, verbatim wording, citations, as-of answers."""

from __future__ import annotations

from datetime import date

import pytest

from kb_assistant.answer.extractive import has_source_note, split_sentences
from kb_assistant.answer.model import AnswerMode
from kb_assistant.answer.scope import load_referrals
from kb_assistant.answer.sections import SectionRanking
from kb_assistant.embed.cache import CachedQueryEmbedder
from kb_assistant.errors import InputError
from kb_assistant.kb import KB, MAX_QUESTION_CHARS
from kb_assistant.retrieve.retrievers import release_matrix
from tests.kb_assistant.answer.matching import configured
from tests.kb_assistant.contract import ANSWER_KEYS


def test_every_example_question_is_served_its_own_entry(corpus_kb: KB):
    """Trainers' examples must not overlap: each one gets the entry it was written for."""
    matcher = corpus_kb.wording_matcher(corpus_kb.snapshot())
    wrong = []
    for served in matcher.served:
        day = min(served.valid_to, date(2026, 11, 28))
        for question in served.row.questions:
            answer = corpus_kb.ask(question, as_of=day)
            if answer.wording_id != served.row.wording_id:
                wrong.append((served.row.wording_id, question, answer.mode, answer.wording_id))
    assert wrong == []


def test_no_not_question_is_served_the_entry_that_lists_it(corpus_kb: KB):
    """A trainer's counter-example gets another entry or an extract, never the entry itself."""
    matcher = corpus_kb.wording_matcher(corpus_kb.snapshot())
    listed = [(s.row.wording_id, q, s.valid_to) for s in matcher.served for q in s.row.not_questions]
    assert len(listed) >= 200
    served = [
        (w, q) for w, q, end in listed if corpus_kb.ask(q, as_of=min(end, date(2026, 11, 28))).wording_id == w
    ]
    assert served == []


def test_wording_match_names_the_near_miss_it_declines_for(corpus_kb: KB):
    matcher = corpus_kb.wording_matcher(corpus_kb.snapshot())
    day = date(2026, 11, 28)
    declined = []
    for served in matcher.served:
        for question in served.row.not_questions if served.valid_to >= day else ():
            match = matcher.match(question, corpus_kb.embedder.embed_query(question), day, None, [])
            if match is not None and match.entry.wording_id == served.row.wording_id:
                declined.append((match.confident, match.near_miss == question))
    assert len(declined) >= 20  # near-topic questions do rank their entry first
    assert set(declined) == {(False, True)}


def test_wording_match_declines_a_question_as_near_three_not_questions_as_three_examples(corpus_kb: KB):
    """One example of the transfer entry is a little nearer than any not_question, but the
    entry's three nearest not_questions (where the pension is paid) are as near as its three
    nearest examples: the question asks what trainers listed as not answered."""
    matcher = corpus_kb.wording_matcher(corpus_kb.snapshot())
    question = "一直在外地交社保，退休在哪里领养老金"
    vector = corpus_kb.embedder.embed_query(question)
    day = date(2026, 11, 28)
    # the classifier puts the pension-payment entry first (then declined for the transfer
    # section): without it the transfer entry is first, the case this test is about
    with configured(matcher, classifier_weight=0.0):
        declined = matcher.match(question, vector, day, None, [])
    with configured(matcher, classifier_weight=0.0, counter_set_margin=2.0):  # 2 ignores the three nearest
        served = matcher.match(question, vector, day, None, [])
    assert declined is not None and served is not None
    assert (declined.entry.wording_id, served.entry.wording_id) == ("WD-ZY-001", "WD-ZY-001")
    assert served.near_miss is None and served.confident
    assert declined.near_miss == "我爸已经在外地领退修金了，养老关系还要转不" and not declined.confident


def _uncited_section_questions(kb: KB) -> list[tuple[str, str, str]]:
    """(doc_number, heading, question) of the knowledge sections in force no wording entry cites;
    not those without a source note, which only say what their article is for and are never
    quoted (the entry that answers the article's topic serves their questions)."""
    snapshot = kb.snapshot()
    matcher = kb.wording_matcher(snapshot)
    day = date(2026, 11, 28)
    cited = {(c.document, c.section) for s in matcher.served if s.valid_to >= day for c in s.row.citations}
    mask = snapshot.mask(day, None)
    listed = {
        (r.doc_number or "", r.heading, q)
        for i, r in enumerate(snapshot.rows)
        if mask[i] and (r.doc_number, r.heading) not in cited and has_source_note(r.text)
        for q in r.questions
    }
    return sorted(listed)


def test_no_question_of_an_uncited_section_is_served_wording(corpus_kb: KB):
    """A section no entry cites answers its own example questions with an extract from it,
    never with a neighbouring entry's wording (the counterpart of the not_questions test)."""
    listed = _uncited_section_questions(corpus_kb)
    assert len(listed) >= 150
    served = [
        (d, h, q, a.wording_id) for d, h, q in listed if (a := corpus_kb.ask(q)).mode is AnswerMode.WORDING
    ]
    assert served == []


def test_wording_match_names_the_section_it_declines_for(corpus_kb: KB):
    snapshot = corpus_kb.snapshot()
    matcher = corpus_kb.wording_matcher(snapshot)
    picker = corpus_kb.composer.sections
    matrix = release_matrix(snapshot, corpus_kb.vectors)
    day = date(2026, 11, 28)
    declined = []
    for doc_number, heading, question in _uncited_section_questions(corpus_kb):
        vector = corpus_kb.embedder.embed_query(question)
        ranking = picker.ranking(snapshot, question, vector, matrix, day, None, [], limit=1)
        match = matcher.match(question, vector, day, None, [], ranking)
        if match is not None and match.closer_section is not None:
            declined.append((match.confident, match.closer_section == f"{doc_number} {heading}"))
    assert len(declined) >= 20
    assert set(declined) == {(False, True)}


@pytest.mark.parametrize(
    ("question", "lead", "declined"),
    [
        ("我堂客下个月生伢子，产假一共能休几天", 0.05, True),
        ("我堂客下个月生伢子，产假一共能休几天", 0.03, False),
        ("生孩子能休多少天产假", 0.05, False),  # the entry's own example
    ],
)
def test_wording_match_declines_when_the_picker_ranks_an_uncited_section_well_ahead(
    corpus_kb: KB, question: str, lead: float, declined: bool
):
    """The picker puts a section the entry does not cite `lead` above the one it cites:
    declined past `section_lead` (0.04), served below it, and always for an example
    trainers listed for the entry."""
    matcher = corpus_kb.wording_matcher(corpus_kb.snapshot())
    entry = next(s.row for s in matcher.served if s.row.wording_id == "WD-SYB-001")
    cited = next(c for c in entry.citations if c.section)
    other = ("", "常德12333知识库-GS-001", "四、申请时限（重点）")
    ranking = SectionRanking([], [], [("", cited.document, cited.section or "", 3.0), (*other, 3.0 + lead)])
    vector = corpus_kb.embedder.embed_query(question)
    match = matcher.match(question, vector, date(2026, 11, 28), None, [], ranking)
    assert match is not None and match.entry.wording_id == "WD-SYB-001"
    assert (match.confident, match.leading_section) == (
        (False, "常德12333知识库-GS-001 四、申请时限（重点）") if declined else (True, None)
    )


def test_ask_wording_answer_is_the_entry_text_verbatim(corpus_kb: KB):
    matcher = corpus_kb.wording_matcher(corpus_kb.snapshot())
    entry = next(s.row for s in matcher.served if s.row.wording_id == "WD-SYB-001")
    answer = corpus_kb.ask(entry.questions[0], as_of="2026-11-28")
    assert answer.mode is AnswerMode.WORDING
    assert entry.answer in answer.answer
    assert answer.answer.startswith("【答复】" + entry.answer)
    assert answer.citations, "the cited knowledge-article sections resolve in the release"
    assert all(c.text for c in answer.citations)


def test_ask_retirement_before_and_after_2025_follows_the_rule_in_force(corpus_kb: KB):
    before = corpus_kb.ask("男职工法定几岁退休", as_of="2024-06-01")
    after = corpus_kb.ask("男职工法定几岁退休", as_of="2026-11-28")
    assert (before.wording_id, after.wording_id) == ("WD-TX-001", "WD-TX-002")
    assert {c.doc_number for c in before.citations} == {"常德12333知识库-TX-001"}
    assert "常德12333知识库-TX-002" in {c.doc_number for c in after.citations}


def test_ask_calculator_man_born_1971_03(corpus_kb: KB):
    answer = corpus_kb.ask("我是1971年3月出生的男职工，啥时候能退休，要交几年社保", as_of="2026-11-28")
    assert answer.mode is AnswerMode.CALCULATOR
    assert answer.answer.splitlines()[0] == (
        "【答复】按渐进式延迟法定退休年龄的规定，1971年3月出生的男职工，改革后法定退休年龄为61岁7个月"
        "（延迟19个月），将于2032年10月达到；届时按月领取基本养老金的最低缴费年限为16年6个月。"
        "达到最低缴费年限的，可自愿弹性提前退休，最早60岁（2031年3月）；"
        "经与单位协商一致也可弹性延迟退休，最晚64岁7个月（2035年10月）。"
    )
    assert answer.citations[0].doc_number == "常德12333知识库-TX-002"
    # the basis quotes the row of the year reached, read out under the table's column names
    assert "达到法定退休年龄的年份：2032年；最低缴费年限：16年6个月。" in answer.answer


def test_ask_calculator_does_not_embed_the_question(corpus_kb: KB):
    """The embedding is most of a question's time and the calculator does not use it."""
    embedder = corpus_kb.embedder
    assert isinstance(embedder, CachedQueryEmbedder)
    before = embedder.misses + embedder.hits
    answer = corpus_kb.ask("我是1969年11月出生的男职工，好久能退休", as_of="2026-11-28")
    assert answer.mode is AnswerMode.CALCULATOR
    assert embedder.misses + embedder.hits == before
    corpus_kb.ask("女职工产假有多少天，1969年的规定还管用不", as_of="2026-11-28")
    assert embedder.misses + embedder.hits > before


def test_ask_calculator_before_2025_uses_the_old_age(corpus_kb: KB):
    answer = corpus_kb.ask("1971年3月出生的男职工几岁退休", as_of="2024-06-01")
    assert answer.mode is AnswerMode.CALCULATOR
    assert "法定退休年龄为60周岁，于2031年3月达到" in answer.answer
    assert {c.doc_number for c in answer.citations} == {"常德12333知识库-TX-001"}


def test_ask_calculator_names_the_missing_fact(corpus_kb: KB):
    answer = corpus_kb.ask("我1972年6月出生的女的，什么时候退休")
    assert answer.mode is AnswerMode.CALCULATOR
    assert "原退休年龄（女职工是50周岁还是55周岁）" in answer.answer
    assert answer.confidence == 0.5


def test_ask_out_of_scope_escalates_without_an_answer(corpus_kb: KB):
    answer = corpus_kb.ask("明天常德会下雨吗")
    assert answer.mode is AnswerMode.ESCALATE
    assert answer.citations == [] and answer.wording_id is None
    assert answer.answer.startswith("【答复】这个问题超出了人社政策知识库的答复范围")
    assert "转接专席或创建工单" in answer.answer


def test_ask_for_someone_s_records_escalates_with_the_privacy_line(corpus_kb: KB):
    answer = corpus_kb.ask("帮我查下我前妻现在在哪个单位交社保，她身份证号我报给你")
    assert (answer.mode, answer.wording_id, answer.citations) == (AnswerMode.ESCALATE, None, [])
    assert (
        "来电人要求查询具体人员的参保或待遇记录，知识库不能查询个人信息。请核验身份后转专席或创建工单；"
        "本人也可以通过湖南智慧人社App、电子社保卡或社保经办窗口查询，他人的信息不能向来电人提供。"
    ) in answer.answer


def test_ask_medical_insurance_question_is_referred(corpus_kb: KB):
    answer = corpus_kb.ask("住院花了两万块，医保能报销多少")
    assert answer.mode is AnswerMode.ESCALATE
    assert "12393" in answer.answer


def test_ask_another_line_s_business_is_referred_before_a_neighbouring_wording(corpus_kb: KB):
    """ "身份证丢了" is the police's business, not the social security card's loss report."""
    answer = corpus_kb.ask("身份证丢了去哪里补办")
    assert (answer.mode, answer.wording_id) == (AnswerMode.ESCALATE, None)
    assert "派出所" in answer.answer


def test_ask_wording_that_takes_up_another_line_s_subject_is_still_served(corpus_kb: KB):
    answer = corpus_kb.ask("灵活就业的人医保登记要找哪个部门办")
    assert (answer.mode, answer.wording_id) == (AnswerMode.WORDING, "WD-CB-003")


def test_ask_extractive_quotes_only_cited_text(corpus_kb: KB):
    answer = corpus_kb.ask("劳动能力鉴定结论多久能作出来", as_of="2026-11-28")
    assert answer.mode is AnswerMode.EXTRACTIVE
    conclusion = answer.answer.splitlines()[0].removeprefix("【答复】")
    quoted = split_sentences(conclusion)
    assert len(quoted) >= 2  # the knowledge section's sentences, in their own order
    assert all(any(s in c.text for c in answer.citations) for s in quoted)


def test_ask_citations_are_in_force_in_the_release(corpus_kb: KB):
    snapshot = corpus_kb.snapshot()
    for question, day in [("产假几天", "2026-11-28"), ("男职工法定几岁退休", "2024-06-01")]:
        answer = corpus_kb.ask(question, as_of=day)
        live = {
            snapshot.rows[i].version_id for i in snapshot.mask(date.fromisoformat(day), None).nonzero()[0]
        }
        assert answer.citations and all(c.version_id in live for c in answer.citations)


def test_ask_public_verbosity_hides_the_release_line(corpus_kb: KB):
    agent = corpus_kb.ask("产假几天", as_of="2026-11-28")
    public = corpus_kb.ask("产假几天", as_of="2026-11-28", verbosity="public")
    assert "知识库发布版本" in agent.answer and "知识库发布版本" not in public.answer
    assert public.answer.endswith("（以上按2026年11月28日有效的政策答复，具体以经办机构办理为准。）")


@pytest.mark.parametrize(
    ("question", "public_line"),
    [
        (
            "下个月结婚，婚假有几天",
            "【答复】关于“婚假、丧假天数”，知识库暂未收录统一的答复口径，暂时无法在线答复。",
        ),
        ("住房公积金怎么提取出来", "请您拨打12329住房公积金服务热线咨询。"),
        ("帮我查一下张建国的社保交了多少年", "在线咨询不能查询具体人员的参保或待遇记录。"),
    ],
)
def test_ask_public_handover_speaks_to_the_caller_not_the_agent(
    corpus_kb: KB, question: str, public_line: str
):
    """Agents transfer the call or open a work order; the public web chat has no one to
    transfer to, so its handover says what the caller can do."""
    agent = corpus_kb.ask(question, as_of="2026-12-02")
    public = corpus_kb.ask(question, as_of="2026-12-02", verbosity="public")
    assert agent.mode is public.mode is AnswerMode.ESCALATE
    assert public_line in public.answer and public_line not in agent.answer
    assert not any(word in public.answer for word in ("专席", "工单", "来电人"))
    assert public.answer.endswith("（您也可以拨打12333咨询人工服务。）")


def test_referral_public_lines_address_the_caller():
    for referral in load_referrals():
        assert "来电人" not in referral.public_message, referral.keyword


def test_ask_json_shape_and_reproducible_answer_id(corpus_kb: KB):
    first = corpus_kb.ask("产假几天", as_of="2026-11-28")
    again = corpus_kb.ask("产假几天", as_of="2026-11-28", release=first.release)
    assert list(first.to_dict()) == ANSWER_KEYS
    assert first.to_dict() == again.to_dict()


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("   ", "empty question: type what the caller asked"),
        (
            "问" * (MAX_QUESTION_CHARS + 1),
            f"question too long: {MAX_QUESTION_CHARS + 1} characters (at most 1000)",
        ),
    ],
)
def test_ask_rejects_empty_or_overlong_question(corpus_kb: KB, question: str, message: str):
    with pytest.raises(InputError) as excinfo:
        corpus_kb.ask(question)
    assert str(excinfo.value) == message


def test_ask_unknown_verbosity_names_the_valid_ones(corpus_kb: KB):
    with pytest.raises(InputError, match=r"unknown verbosity 'loud' \(valid: agent, public\)"):
        corpus_kb.ask("产假几天", verbosity="loud")


def test_warm_loads_the_live_release(corpus_kb: KB, tmp_path):
    assert corpus_kb.warm() == corpus_kb.catalog.latest_release_id()
    assert KB(tmp_path / "empty").warm() is None  # nothing published yet: nothing to warm
