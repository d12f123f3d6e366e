"""Calculator answers: a caller's retirement age, date and minimum contribution period.

The numbers come from `retirement.py`; this module turns them into the sentences an
agent reads out and names the rules they rest on. Before 2025-01-01 the old ages
applied, so a question asked as of an earlier date gets the old rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ingest.wording import WordingCitation
from kb_assistant.answer.facts import RetirementFacts, parse_retirement_facts
from kb_assistant.answer.retirement import (
    RetirementCategory,
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


@dataclass(frozen=True)
class CalculatorResult:
    conclusion: str
    citations: tuple[WordingCitation, ...]
    complete: bool


class RetirementCalculator:
    def answer(self, question: str, as_of: date) -> CalculatorResult:
        facts = parse_retirement_facts(question)
        rules = NEW_RULES if as_of >= DELAY_EFFECTIVE else OLD_RULES
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
    def _who(facts: RetirementFacts) -> str:
        assert facts.category is not None
        return f"{facts.birth_year}年{facts.birth_month}月出生的{facts.category.value}"

    def _old_rule(self, facts: RetirementFacts) -> str:
        assert facts.category is not None and facts.birth_year is not None and facts.birth_month is not None
        years = {RetirementCategory.MAN: 60, RetirementCategory.WOMAN_55: 55, RetirementCategory.WOMAN_50: 50}
        age = years[facts.category]
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
