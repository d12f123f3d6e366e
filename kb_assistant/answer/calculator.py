"""Calculator answers: a caller's retirement age, date and minimum contribution period.

The numbers come from `retirement.py`; this module turns them into the sentences an
agent reads out and names the rules they rest on. Before 2025-01-01 the old ages
applied, so a question asked as of an earlier date gets the old rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ingest.wording import WordingCitation
from kb_assistant.answer.facts import MISSING_BIRTH_MONTH, RetirementFacts, parse_retirement_facts
from kb_assistant.answer.retirement import (
    RetirementCategory,
    delay_schedule,
    format_age,
    format_period,
    format_year_month,
    retirement_outcome,
)

__all__ = ["DELAY_EFFECTIVE", "CalculatorResult", "RetirementCalculator"]

DELAY_EFFECTIVE = date(2025, 1, 1)

_DECISION = "全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定"
_MEASURES = "国务院关于渐进式延迟法定退休年龄的办法"
# What the answers rest on: the hotline's articles on the rules (always in the release)
# and the official texts, cited whenever the release holds them.
NEW_RULES = (
    WordingCitation("常德12333知识库-TX-002", section="二、延迟节奏"),
    WordingCitation("常德12333知识库-TX-004", section="二、逐年对照表"),
    WordingCitation(_MEASURES, article="第一条"),
    WordingCitation(_MEASURES, article="第二条"),
    WordingCitation(_DECISION),
)
OLD_RULES = (
    WordingCitation("常德12333知识库-TX-001", section="二、法定退休年龄"),
    WordingCitation("常德12333知识库-TX-001", section="五、按月领取养老金的缴费年限"),
    WordingCitation("国务院关于工人退休、退职的暂行办法", article="第一条"),
    WordingCitation("国务院关于安置老弱病残干部的暂行办法", article="第四条"),
)


_OLD_AGES = {RetirementCategory.MAN: 60, RetirementCategory.WOMAN_55: 55, RetirementCategory.WOMAN_50: 50}


@dataclass(frozen=True)
class CalculatorResult:
    conclusion: str
    citations: tuple[WordingCitation, ...]
    complete: bool


class RetirementCalculator:
    def answer(self, question: str, as_of: date) -> CalculatorResult:
        facts = parse_retirement_facts(question)
        rules = NEW_RULES if as_of >= DELAY_EFFECTIVE else OLD_RULES
        if self._year_only(facts):
            return CalculatorResult(self._birth_year_range(facts, as_of), rules, complete=False)
        if not facts.complete:
            return CalculatorResult(self._ask_for(facts), rules, complete=False)
        assert facts.category is not None and facts.birth_year is not None and facts.birth_month is not None
        if as_of < DELAY_EFFECTIVE:
            return CalculatorResult(self._old_rule(facts), rules, complete=True)
        return CalculatorResult(self._new_rule(facts, as_of), rules, complete=True)

    @staticmethod
    def _ask_for(facts: RetirementFacts) -> str:
        return (
            f"计算退休年龄需要先问清来电人的{'、'.join(facts.missing)}。"
            "请补充后再按渐进式延迟法定退休年龄对照表计算。"
        )

    @staticmethod
    def _year_only(facts: RetirementFacts) -> bool:
        """Only the birth month is missing: the year already bounds the age ("66年出生的男的")."""
        return facts.missing == (MISSING_BIRTH_MONTH,)

    def _birth_year_range(self, facts: RetirementFacts, as_of: date) -> str:
        """What the birth year settles (the age range over its twelve months and the rhythm of
        the delay), then the month the agent still has to ask for the exact age and date."""
        assert facts.category is not None and facts.birth_year is not None
        who = f"{facts.birth_year}年出生的{facts.category.value}"
        if as_of < DELAY_EFFECTIVE:
            age = _OLD_AGES[facts.category]
            return (
                f"按2024年12月31日前施行的规定，{who}法定退休年龄为{age}周岁，"
                f"于{facts.birth_year + age}年出生当月达到。"
            )
        first = retirement_outcome(facts.category, facts.birth_year, 1)
        last = retirement_outcome(facts.category, facts.birth_year, 12)
        if not last.affected:
            return (
                f"{who}不在延迟范围内，法定退休年龄仍为{format_age(last.statutory_age_months)}，"
                f"已于{last.retirement_year}年出生当月达到。"
            )
        schedule = delay_schedule(facts.category)
        rhythm = (
            f"自{schedule.start_year}年1月出生的起每{schedule.months_per_step}个月延迟1个月，"
            f"最多延迟到{schedule.target_age_years}周岁"
        )
        same_age = first.statutory_age_months == last.statutory_age_months
        if same_age:
            settled = (
                f"改革后法定退休年龄均为{format_age(last.statutory_age_months)}"
                f"（延迟{last.delay_months}个月）"
            )
        else:
            settled = (
                f"改革后法定退休年龄在{format_age(first.statutory_age_months)}（1月出生）"
                f"至{format_age(last.statutory_age_months)}（12月出生）之间"
            )
        low, high = first.minimum_contribution_months, last.minimum_contribution_months
        minimum = format_period(low) if low == high else f"在{format_period(low)}至{format_period(high)}之间"
        ask = (
            f"{'达到的年月' if same_age else '具体退休年龄和达到的年月'}要看出生月份，"
            f"请问清来电人的{MISSING_BIRTH_MONTH}后按渐进式延迟法定退休年龄对照表计算。"
        )
        return (
            f"按渐进式延迟法定退休年龄的规定，{facts.category.value}{rhythm}；{who}，{settled}，"
            f"届时按月领取基本养老金的最低缴费年限{'为' if low == high else ''}{minimum}。" + ask
        )

    @staticmethod
    def _who(facts: RetirementFacts) -> str:
        assert facts.category is not None
        return f"{facts.birth_year}年{facts.birth_month}月出生的{facts.category.value}"

    def _old_rule(self, facts: RetirementFacts) -> str:
        assert facts.category is not None and facts.birth_year is not None and facts.birth_month is not None
        age = _OLD_AGES[facts.category]
        return (
            f"按2024年12月31日前施行的规定，{self._who(facts)}法定退休年龄为{age}周岁，"
            f"于{format_year_month(facts.birth_year + age, facts.birth_month)}达到；"
            f"按月领取基本养老金须累计缴费满{format_period(15 * 12)}。"
        )

    def _new_rule(self, facts: RetirementFacts, as_of: date) -> str:
        assert facts.category is not None and facts.birth_year is not None and facts.birth_month is not None
        o = retirement_outcome(facts.category, facts.birth_year, facts.birth_month)
        when = format_year_month(o.retirement_year, o.retirement_month)
        reached = (o.retirement_year, o.retirement_month) <= (as_of.year, as_of.month)
        verb = "已于" if reached else "将于"
        if not o.affected:
            return (
                f"{self._who(facts)}不在延迟范围内，法定退休年龄仍为{format_age(o.statutory_age_months)}，"
                f"{verb}{when}达到；按月领取基本养老金的最低缴费年限为"
                f"{format_period(o.minimum_contribution_months)}。"
            )
        text = (
            f"按渐进式延迟法定退休年龄的规定，{self._who(facts)}，"
            f"改革后法定退休年龄为{format_age(o.statutory_age_months)}"
            f"（延迟{o.delay_months}个月），{verb}{when}达到；"
            f"届时按月领取基本养老金的最低缴费年限为{format_period(o.minimum_contribution_months)}。"
        )
        if o.earliest_flexible_age_months < o.statutory_age_months:
            early = format_year_month(o.earliest_flexible_year, o.earliest_flexible_month)
            text += (
                f"达到最低缴费年限的，可自愿弹性提前退休，最早{format_age(o.earliest_flexible_age_months)}"
                f"（{early}）；"
            )
        late = format_year_month(o.latest_flexible_year, o.latest_flexible_month)
        text += (
            f"经与单位协商一致也可弹性延迟退休，最晚{format_age(o.latest_flexible_age_months)}（{late}）。"
        )
        return text
