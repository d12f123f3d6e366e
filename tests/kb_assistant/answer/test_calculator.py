"""The calculator's sentences: exact when the birth month is known, a range when only the year is."""

from __future__ import annotations

from datetime import date

from kb_assistant.answer.calculator import RetirementCalculator

AFTER = date(2026, 12, 4)


def test_calculator_birth_year_only_gives_the_age_range_and_the_rhythm():
    result = RetirementCalculator().answer("66年出生的男的，延迟退休怎么延？", AFTER)
    assert not result.complete
    assert result.conclusion == (
        "按渐进式延迟法定退休年龄的规定，男职工自1965年1月出生的起每4个月延迟1个月，最多延迟到63周岁；"
        "1966年出生的男职工，改革后法定退休年龄在60岁4个月（1月出生）至60岁6个月（12月出生）之间，"
        "届时按月领取基本养老金的最低缴费年限为15年。"
        "具体退休年龄和达到的年月要看出生月份，请问清来电人的出生月份后按渐进式延迟法定退休年龄对照表计算。"
    )


def test_calculator_birth_year_only_spans_two_minimum_periods_when_the_year_does():
    conclusion = RetirementCalculator().answer("1971年出生的男职工几岁退休", AFTER).conclusion
    assert "改革后法定退休年龄在61岁7个月（1月出生）至61岁9个月（12月出生）之间" in conclusion
    assert "最低缴费年限在16年6个月至17年之间" in conclusion


def test_calculator_birth_year_only_at_the_cap_states_the_one_age():
    conclusion = RetirementCalculator().answer("我是1980年出生的男职工几岁退休", AFTER).conclusion
    assert "1980年出生的男职工，改革后法定退休年龄均为63岁（延迟36个月）" in conclusion
    assert "最低缴费年限为20年。达到的年月要看出生月份" in conclusion


def test_calculator_birth_year_only_before_the_first_cohort_keeps_the_old_age():
    conclusion = RetirementCalculator().answer("1962年出生的男职工几岁退休", AFTER).conclusion
    assert conclusion == "1962年出生的男职工不在延迟范围内，法定退休年龄仍为60岁，已于2022年出生当月达到。"


def test_calculator_birth_year_only_for_a_woman_originally_50_uses_her_rhythm():
    conclusion = RetirementCalculator().answer("1975年出生的原来50岁退休的女工人几岁退", AFTER).conclusion
    assert "原50周岁女职工自1975年1月出生的起每2个月延迟1个月，最多延迟到55周岁" in conclusion
    assert "50岁1个月（1月出生）至50岁6个月（12月出生）" in conclusion


def test_calculator_birth_year_only_asked_about_2024_gives_the_old_age():
    conclusion = RetirementCalculator().answer("1966年出生的男职工几岁退休", date(2024, 6, 1)).conclusion
    assert conclusion == (
        "按2024年12月31日前施行的规定，1966年出生的男职工法定退休年龄为60周岁，于2026年出生当月达到。"
    )


def test_calculator_without_the_category_still_names_every_missing_fact():
    result = RetirementCalculator().answer("1972年生的女的几岁退", AFTER)
    assert not result.complete
    assert result.conclusion == (
        "计算退休年龄需要先问清来电人的出生月份、原退休年龄（女职工是50周岁还是55周岁）。"
        "请补充后再按渐进式延迟法定退休年龄对照表计算。"
    )
