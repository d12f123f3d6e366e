"""The delay schedule against hand-computed cohorts at every boundary of the 办法's tables."""

from __future__ import annotations

import pytest

from kb_assistant.answer.retirement import (
    RetirementCategory,
    format_age,
    format_period,
    format_year_month,
    minimum_contribution_months,
    retirement_outcome,
)

MAN = RetirementCategory.MAN
W55 = RetirementCategory.WOMAN_55
W50 = RetirementCategory.WOMAN_50


# (category, birth year, birth month, delay months, statutory age, retirement year-month)
SCHEDULE = [
    # 男职工: start 1965-01, +1 month every 4 months, cap 36 (63岁) from 1976-09
    (MAN, 1964, 1, 0, "60岁", "2024年1月"),
    (MAN, 1964, 12, 0, "60岁", "2024年12月"),
    (MAN, 1965, 1, 1, "60岁1个月", "2025年2月"),
    (MAN, 1965, 4, 1, "60岁1个月", "2025年5月"),
    (MAN, 1965, 5, 2, "60岁2个月", "2025年7月"),
    (MAN, 1965, 8, 2, "60岁2个月", "2025年10月"),
    (MAN, 1965, 9, 3, "60岁3个月", "2025年12月"),
    (MAN, 1965, 11, 3, "60岁3个月", "2026年2月"),
    (MAN, 1965, 12, 3, "60岁3个月", "2026年3月"),
    (MAN, 1966, 1, 4, "60岁4个月", "2026年5月"),
    (MAN, 1967, 5, 8, "60岁8个月", "2028年1月"),
    (MAN, 1968, 5, 11, "60岁11个月", "2029年4月"),
    (MAN, 1968, 9, 12, "61岁", "2029年9月"),
    (MAN, 1970, 1, 16, "61岁4个月", "2031年5月"),
    (MAN, 1971, 3, 19, "61岁7个月", "2032年10月"),
    (MAN, 1976, 5, 35, "62岁11个月", "2039年4月"),
    (MAN, 1976, 8, 35, "62岁11个月", "2039年7月"),
    (MAN, 1976, 9, 36, "63岁", "2039年9月"),
    (MAN, 1976, 12, 36, "63岁", "2039年12月"),
    (MAN, 1990, 1, 36, "63岁", "2053年1月"),
    # 原55周岁女职工: start 1970-01, same rhythm, cap 36 (58岁) from 1981-09
    (W55, 1969, 12, 0, "55岁", "2024年12月"),
    (W55, 1970, 1, 1, "55岁1个月", "2025年2月"),
    (W55, 1970, 4, 1, "55岁1个月", "2025年5月"),
    (W55, 1970, 5, 2, "55岁2个月", "2025年7月"),
    (W55, 1970, 12, 3, "55岁3个月", "2026年3月"),
    (W55, 1974, 10, 15, "56岁3个月", "2031年1月"),
    (W55, 1981, 8, 35, "57岁11个月", "2039年7月"),
    (W55, 1981, 9, 36, "58岁", "2039年9月"),
    (W55, 1990, 1, 36, "58岁", "2048年1月"),
    # 原50周岁女职工: start 1975-01, +1 month every 2 months, cap 60 (55岁) from 1984-11
    (W50, 1974, 12, 0, "50岁", "2024年12月"),
    (W50, 1975, 1, 1, "50岁1个月", "2025年2月"),
    (W50, 1975, 2, 1, "50岁1个月", "2025年3月"),
    (W50, 1975, 3, 2, "50岁2个月", "2025年5月"),
    (W50, 1975, 12, 6, "50岁6个月", "2026年6月"),
    (W50, 1976, 6, 9, "50岁9个月", "2027年3月"),
    (W50, 1980, 1, 31, "52岁7个月", "2032年8月"),
    (W50, 1980, 12, 36, "53岁", "2033年12月"),
    (W50, 1981, 1, 37, "53岁1个月", "2034年2月"),
    (W50, 1984, 10, 59, "54岁11个月", "2039年9月"),
    (W50, 1984, 11, 60, "55岁", "2039年11月"),
    (W50, 1990, 1, 60, "55岁", "2045年1月"),
]


@pytest.mark.parametrize(("category", "year", "month", "delay", "age", "retire"), SCHEDULE)
def test_retirement_outcome_matches_schedule_at_boundaries(
    category: RetirementCategory, year: int, month: int, delay: int, age: str, retire: str
):
    outcome = retirement_outcome(category, year, month)
    assert outcome.delay_months == delay
    assert format_age(outcome.statutory_age_months) == age
    assert format_year_month(outcome.retirement_year, outcome.retirement_month) == retire
    assert outcome.affected is (delay > 0)
    assert (outcome.birth_year, outcome.birth_month, outcome.category) == (year, month, category)


@pytest.mark.parametrize(
    ("category", "original"),
    [(MAN, "60岁"), (W55, "55岁"), (W50, "50岁")],
)
def test_retirement_outcome_original_age_per_category(category: RetirementCategory, original: str):
    assert format_age(retirement_outcome(category, 1980, 6).original_age_months) == original


@pytest.mark.parametrize(
    ("category", "year", "month", "minimum"),
    [
        (MAN, 1964, 12, "15年"),  # reached in 2024
        (MAN, 1968, 5, "15年"),  # 2029年4月
        (MAN, 1969, 1, "15年6个月"),  # 61岁1个月 → 2030年2月
        (W50, 1979, 1, "16年"),  # 52岁1个月 → 2031年2月
        (MAN, 1970, 1, "16年"),  # 2031年5月
        (MAN, 1971, 3, "16年6个月"),  # 2032年10月
        (W50, 1980, 1, "16年6个月"),  # 2032年8月
        (MAN, 1976, 8, "20年"),  # 2039年7月
        (W55, 1981, 9, "20年"),  # 2039年9月
        (W50, 1990, 1, "20年"),  # 2045年1月
    ],
)
def test_retirement_outcome_minimum_contribution_by_retirement_year(
    category: RetirementCategory, year: int, month: int, minimum: str
):
    outcome = retirement_outcome(category, year, month)
    assert format_period(outcome.minimum_contribution_months) == minimum


@pytest.mark.parametrize(
    ("year", "minimum"),
    [
        (2024, "15年"),
        (2025, "15年"),
        (2029, "15年"),
        (2030, "15年6个月"),
        (2031, "16年"),
        (2034, "17年6个月"),
        (2038, "19年6个月"),
        (2039, "20年"),
        (2045, "20年"),
    ],
)
def test_minimum_contribution_months_by_year(year: int, minimum: str):
    assert format_period(minimum_contribution_months(year)) == minimum


@pytest.mark.parametrize(
    ("year", "months"), [(2029, 180), (2030, 186), (2031, 192), (2039, 240), (2045, 240)]
)
def test_minimum_contribution_months_in_months(year: int, months: int):
    assert minimum_contribution_months(year) == months


# (category, birth year, month, earliest age, earliest year-month, latest age, latest year-month)
FLEXIBLE = [
    (MAN, 1964, 12, "60岁", "2024年12月", "63岁", "2027年12月"),
    (MAN, 1965, 1, "60岁", "2025年1月", "63岁1个月", "2028年2月"),  # not 57岁1个月
    (MAN, 1970, 1, "60岁", "2030年1月", "64岁4个月", "2034年5月"),
    (MAN, 1976, 9, "60岁", "2036年9月", "66岁", "2042年9月"),
    (W55, 1981, 9, "55岁", "2036年9月", "61岁", "2042年9月"),
    (W50, 1980, 1, "50岁", "2030年1月", "55岁7个月", "2035年8月"),
    (W50, 1980, 12, "50岁", "2030年12月", "56岁", "2036年12月"),  # delay 36: exactly the original age
    (W50, 1981, 1, "50岁1个月", "2031年2月", "56岁1个月", "2037年2月"),  # first above the original
    (W50, 1981, 12, "50岁6个月", "2032年6月", "56岁6个月", "2038年6月"),
    (W50, 1984, 11, "52岁", "2036年11月", "58岁", "2042年11月"),
]


@pytest.mark.parametrize(("category", "year", "month", "early", "early_at", "late", "late_at"), FLEXIBLE)
def test_retirement_outcome_flexible_range_never_below_original_age(
    category: RetirementCategory,
    year: int,
    month: int,
    early: str,
    early_at: str,
    late: str,
    late_at: str,
):
    outcome = retirement_outcome(category, year, month)
    assert format_age(outcome.earliest_flexible_age_months) == early
    assert format_year_month(outcome.earliest_flexible_year, outcome.earliest_flexible_month) == early_at
    assert format_age(outcome.latest_flexible_age_months) == late
    assert format_year_month(outcome.latest_flexible_year, outcome.latest_flexible_month) == late_at
    assert outcome.earliest_flexible_age_months >= outcome.original_age_months


def test_retirement_outcome_is_frozen():
    outcome = retirement_outcome(MAN, 1971, 3)
    with pytest.raises(AttributeError):
        outcome.delay_months = 0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("year", "month", "message"),
    [
        (1971, 0, "month"),
        (1971, 13, "month"),
        (1929, 5, "birth year"),
        (2011, 5, "birth year"),
    ],
)
def test_retirement_outcome_rejects_out_of_range_input(year: int, month: int, message: str):
    with pytest.raises(ValueError, match=message):
        retirement_outcome(MAN, year, month)


@pytest.mark.parametrize("bad", ["1971", 1971.0, True])
def test_retirement_outcome_rejects_non_integer_year(bad: object):
    with pytest.raises(ValueError, match="integer"):
        retirement_outcome(MAN, bad, 3)  # type: ignore[arg-type]


def test_retirement_outcome_rejects_unknown_category():
    with pytest.raises(ValueError, match="RetirementCategory"):
        retirement_outcome("男", 1971, 3)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("months", "text"),
    [(0, "0岁"), (600, "50岁"), (720, "60岁"), (721, "60岁1个月"), (727, "60岁7个月"), (755, "62岁11个月")],
)
def test_format_age_omits_zero_months(months: int, text: str):
    assert format_age(months) == text


@pytest.mark.parametrize(
    ("months", "text"),
    [(6, "6个月"), (180, "15年"), (186, "15年6个月"), (198, "16年6个月"), (240, "20年")],
)
def test_format_period_omits_zero_months(months: int, text: str):
    assert format_period(months) == text


@pytest.mark.parametrize(("year", "month", "text"), [(2032, 10, "2032年10月"), (2025, 1, "2025年1月")])
def test_format_year_month_plain(year: int, month: int, text: str):
    assert format_year_month(year, month) == text


@pytest.mark.parametrize(
    "call", [lambda: format_age(-1), lambda: format_period(-6), lambda: format_year_month(2030, 0)]
)
def test_formatters_reject_invalid_input(call):
    with pytest.raises(ValueError):
        call()
