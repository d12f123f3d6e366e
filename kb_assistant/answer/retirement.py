"""The 2025 gradual delay of the statutory retirement age, as a pure calculator.

Sources: 《全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定》 and
《国务院关于渐进式延迟法定退休年龄的办法》 (both effective 2025-01-01), with the
办法's comparison tables. Hotline agents quote exact months, so everything is
counted in whole months and formatted like those tables ("61岁7个月", "2032年10月").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = [
    "BIRTH_YEAR_MAX",
    "BIRTH_YEAR_MIN",
    "FLEXIBLE_RANGE_MONTHS",
    "DelaySchedule",
    "RetirementCategory",
    "RetirementOutcome",
    "delay_schedule",
    "format_age",
    "format_period",
    "format_year_month",
    "minimum_contribution_months",
    "retirement_outcome",
]

BIRTH_YEAR_MIN = 1930
BIRTH_YEAR_MAX = 2010
FLEXIBLE_RANGE_MONTHS = 36  # 弹性提前 / 弹性延迟 are each capped at 3 years (办法第三条)

_BASE_CONTRIBUTION_MONTHS = 15 * 12  # 社会保险法第十六条
_MAX_CONTRIBUTION_MONTHS = 20 * 12
_LAST_YEAR_AT_BASE = 2029  # from 2030 the minimum rises 6 months a year (办法第二条)
_CONTRIBUTION_STEP_MONTHS = 6


class RetirementCategory(Enum):
    """Who the caller is under the old rules; the value is the wording the tables use."""

    MAN = "男职工"
    WOMAN_55 = "原55周岁女职工"
    WOMAN_50 = "原50周岁女职工"


@dataclass(frozen=True)
class DelaySchedule:
    """One category's row of the 办法's table: from whom, how fast, up to what age."""

    original_age_years: int
    start_year: int  # the first delayed cohort is born in January of this year
    months_per_step: int  # one more month of delay for every this many birth months
    max_delay_months: int

    @property
    def target_age_years(self) -> int:
        return self.original_age_years + self.max_delay_months // 12


_SCHEDULES: dict[RetirementCategory, DelaySchedule] = {
    RetirementCategory.MAN: DelaySchedule(60, 1965, 4, 36),
    RetirementCategory.WOMAN_55: DelaySchedule(55, 1970, 4, 36),
    RetirementCategory.WOMAN_50: DelaySchedule(50, 1975, 2, 60),
}


def delay_schedule(category: RetirementCategory) -> DelaySchedule:
    return _SCHEDULES[category]


@dataclass(frozen=True)
class RetirementOutcome:
    """Everything an agent reads out for one cohort; ages are in months.

    `affected` is False for cohorts born before the category's start month: they
    keep the original age and reached it before 2025 under the old rules, so the
    flexible ranges below are only the formal result of the formula for them.
    """

    category: RetirementCategory
    birth_year: int
    birth_month: int
    original_age_months: int
    delay_months: int
    statutory_age_months: int
    retirement_year: int
    retirement_month: int
    minimum_contribution_months: int
    earliest_flexible_age_months: int
    earliest_flexible_year: int
    earliest_flexible_month: int
    latest_flexible_age_months: int
    latest_flexible_year: int
    latest_flexible_month: int
    affected: bool


def _check_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    return value


def _check_month(value: object) -> int:
    month = _check_int("month", value)
    if not 1 <= month <= 12:
        raise ValueError(f"month must be between 1 and 12, got {month}")
    return month


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    """The year-month `months` after (year, month); the tables count whole months."""
    total = year * 12 + (month - 1) + months
    return total // 12, total % 12 + 1


def _delay_months(schedule: DelaySchedule, birth_year: int, birth_month: int) -> int:
    """办法第一条: (months since the start cohort ÷ step, rounded down) + 1, capped."""
    since_start = (birth_year - schedule.start_year) * 12 + (birth_month - 1)
    if since_start < 0:
        return 0
    return min(schedule.max_delay_months, since_start // schedule.months_per_step + 1)


def minimum_contribution_months(year: int) -> int:
    """Minimum contribution for a monthly pension, by the year the statutory age is reached.

    15 years up to 2029, then 6 more months each year from 2030, capped at 20 years from 2039.
    """
    year = _check_int("year", year)
    steps = max(0, year - _LAST_YEAR_AT_BASE)
    return min(_MAX_CONTRIBUTION_MONTHS, _BASE_CONTRIBUTION_MONTHS + steps * _CONTRIBUTION_STEP_MONTHS)


def retirement_outcome(category: RetirementCategory, birth_year: int, birth_month: int) -> RetirementOutcome:
    """Statutory age, retirement month, minimum contribution and flexible range for one cohort."""
    if not isinstance(category, RetirementCategory):
        raise ValueError(f"category must be a RetirementCategory, got {category!r}")
    birth_year = _check_int("birth year", birth_year)
    if not BIRTH_YEAR_MIN <= birth_year <= BIRTH_YEAR_MAX:
        raise ValueError(
            f"birth year must be between {BIRTH_YEAR_MIN} and {BIRTH_YEAR_MAX}, got {birth_year}"
        )
    birth_month = _check_month(birth_month)

    schedule = _SCHEDULES[category]
    original = schedule.original_age_years * 12
    delay = _delay_months(schedule, birth_year, birth_month)
    statutory = original + delay
    retirement_year, retirement_month = _add_months(birth_year, birth_month, statutory)
    # 办法第三条: at most 3 years earlier, never below the original age; at most 3 years later.
    earliest = max(original, statutory - FLEXIBLE_RANGE_MONTHS)
    latest = statutory + FLEXIBLE_RANGE_MONTHS
    earliest_year, earliest_month = _add_months(birth_year, birth_month, earliest)
    latest_year, latest_month = _add_months(birth_year, birth_month, latest)
    return RetirementOutcome(
        category=category,
        birth_year=birth_year,
        birth_month=birth_month,
        original_age_months=original,
        delay_months=delay,
        statutory_age_months=statutory,
        retirement_year=retirement_year,
        retirement_month=retirement_month,
        minimum_contribution_months=minimum_contribution_months(retirement_year),
        earliest_flexible_age_months=earliest,
        earliest_flexible_year=earliest_year,
        earliest_flexible_month=earliest_month,
        latest_flexible_age_months=latest,
        latest_flexible_year=latest_year,
        latest_flexible_month=latest_month,
        affected=delay > 0,
    )


def _non_negative(months: int) -> int:
    months = _check_int("months", months)
    if months < 0:
        raise ValueError(f"months must not be negative, got {months}")
    return months


def format_age(months: int) -> str:
    """ "61岁7个月", or "60岁" for whole years, as in the official comparison table."""
    years, rest = divmod(_non_negative(months), 12)
    return f"{years}岁{rest}个月" if rest else f"{years}岁"


def format_period(months: int) -> str:
    """A contribution period: "16年6个月", "15年"; under a year just "6个月"."""
    years, rest = divmod(_non_negative(months), 12)
    if not years:
        return f"{rest}个月"
    return f"{years}年{rest}个月" if rest else f"{years}年"


def format_year_month(year: int, month: int) -> str:
    """ "2032年10月"."""
    return f"{_check_int('year', year)}年{_check_month(month)}月"
