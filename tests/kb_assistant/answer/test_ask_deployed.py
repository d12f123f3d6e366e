"""Answers on the store `make run` serves (official corpus + `corpus/`): the hotline's model
questions, where the statutes' many look-alike articles compete with the approved wording."""

from __future__ import annotations

import pytest

from kb_assistant.answer.model import AnswerMode
from kb_assistant.kb import KB


@pytest.mark.parametrize("as_of", ["2025-03-01", "2026-12-04"])
def test_ask_deployed_retirement_age_gets_the_approved_wording_not_the_worked_examples(
    deployed_kb: KB, as_of: str
):
    answer = deployed_kb.ask("男职工几岁退休", as_of=as_of)
    assert (answer.mode, answer.wording_id) == (AnswerMode.WORDING, "WD-TX-002")
    assert "每4个月延迟1个月" in answer.answer


def test_ask_deployed_retirement_age_before_2025_follows_the_old_rule(deployed_kb: KB):
    answer = deployed_kb.ask("男职工几岁退休", as_of="2024-06-01")
    assert (answer.mode, answer.wording_id) == (AnswerMode.WORDING, "WD-TX-001")


def test_ask_deployed_maternity_leave_in_changde_is_not_handed_over(deployed_kb: KB):
    answer = deployed_kb.ask("产假有多少天，常德有没有多的", as_of="2026-12-04")
    assert (answer.mode, answer.wording_id) == (AnswerMode.WORDING, "WD-SYB-001")


def test_ask_deployed_birth_year_alone_gets_the_calculator_s_range(deployed_kb: KB):
    answer = deployed_kb.ask("我是70年的，男的，几时退休", as_of="2026-12-04")
    assert answer.mode is AnswerMode.CALCULATOR
    assert "61岁4个月（1月出生）至61岁6个月（12月出生）" in answer.answer
    assert answer.citations[0].doc_number == "常德12333知识库-TX-002"


def test_ask_deployed_telecom_contract_is_referred_to_the_operator(deployed_kb: KB):
    answer = deployed_kb.ask("营业厅办的手机套餐合约想提前退掉，要赔违约金不", as_of="2026-12-04")
    assert (answer.mode, answer.citations) == (AnswerMode.ESCALATE, [])
    assert "12300" in answer.answer
