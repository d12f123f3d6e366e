"""The parser takes only what the caller states and names what is still missing."""

from __future__ import annotations

import pytest

from kb_assistant.answer.facts import (
    MISSING_BIRTH,
    MISSING_BIRTH_MONTH,
    MISSING_SEX,
    MISSING_WOMAN_AGE,
    RetirementFacts,
    is_retirement_calculation,
    parse_retirement_facts,
)
from kb_assistant.answer.retirement import RetirementCategory

MAN = RetirementCategory.MAN
W55 = RetirementCategory.WOMAN_55
W50 = RetirementCategory.WOMAN_50


@pytest.mark.parametrize(
    ("question", "year", "month"),
    [
        ("男，1968年5月出生，什么时候退休？", 1968, 5),
        ("男，1968.5", 1968, 5),
        ("男，1968-05", 1968, 5),
        ("男，1968/5出生", 1968, 5),
        ("我是男的，68年5月出生", 1968, 5),
        ("男，一九七一年三月出生", 1971, 3),
        ("男，七一年三月生", 1971, 3),
        ("男，一九八〇年十二月出生", 1980, 12),
        ("男，一九七〇年十月出生", 1970, 10),
        ("男，1971年3月15日出生", 1971, 3),
        ("男，1971-03-15", 1971, 3),
        ("男，１９７１年３月出生", 1971, 3),
        ("男，出生年月1971.3", 1971, 3),
        ("我2005年参加工作，1970年1月出生，男", 1970, 1),
        ("我从1995年3月开始交社保，男，1970年1月出生", 1970, 1),
    ],
)
def test_parse_retirement_facts_reads_birth_formats(question: str, year: int, month: int):
    facts = parse_retirement_facts(question)
    assert (facts.birth_year, facts.birth_month) == (year, month)
    assert facts.category is MAN
    assert facts.missing == ()
    assert facts.complete


@pytest.mark.parametrize("question", ["男，1975年出生", "男的，75年出生", "男，1975出生", "我是75年的，男的"])
def test_parse_retirement_facts_year_only_misses_month(question: str):
    facts = parse_retirement_facts(question)
    assert (facts.birth_year, facts.birth_month) == (1975, None)
    assert facts.missing == (MISSING_BIRTH_MONTH,)
    assert not facts.complete


@pytest.mark.parametrize(
    "question",
    ["男的，我什么时候退休", "男，今年55岁", "男，交了15年社保", "男，2015年5月参加工作"],
)
def test_parse_retirement_facts_without_birth_date_misses_it(question: str):
    facts = parse_retirement_facts(question)
    assert (facts.birth_year, facts.birth_month) == (None, None)
    assert facts.missing == (MISSING_BIRTH,)


@pytest.mark.parametrize(
    ("question", "category"),
    [
        ("男，1971年3月", MAN),
        ("1971年3月出生的男职工", MAN),
        ("男同志，1971年3月", MAN),
        ("我爸1971年3月出生", MAN),
        ("我老公1971年3月出生", MAN),
        ("我丈夫1971年3月出生", MAN),
        ("女干部，1971年3月出生", W55),
        ("女，管理岗位，1971年3月出生", W55),
        ("女，原55周岁，1971年3月出生", W55),
        ("女的，55岁退休的，1971年3月出生", W55),
        ("女，原来五十五岁退休，1971年3月出生", W55),
        ("我71年3月出生，车间女工", W50),
        ("女，1971年3月出生，在流水线上做事", W50),
        ("女工人，1971年3月出生", W50),
        ("女，工人岗位，1971年3月出生", W50),
        ("女，原50，1971年3月出生", W50),
        ("女，50岁退休，1971年3月出生", W50),
        ("我妈1971年3月出生，原来五十岁退休", W50),
        ("我1971年3月出生，在纺织厂做挡车工，原来讲50岁退", W50),  # only female workers did
        ("1971年3月出生，原50周岁退休", W50),
    ],
)
def test_parse_retirement_facts_reads_category(question: str, category: RetirementCategory):
    facts = parse_retirement_facts(question)
    assert facts == RetirementFacts(1971, 3, category, ())


@pytest.mark.parametrize(
    "question",
    [
        "女，1971年3月出生",
        "我妈1971年3月出生",
        "灵活就业的女性，1971年3月出生",
        "女，今年五十五了，1971年3月出生",  # a current age is not the original retirement age
        "女，原来50还是55岁退休不清楚，1971年3月出生",
    ],
)
def test_parse_retirement_facts_woman_without_original_age_misses_it(question: str):
    facts = parse_retirement_facts(question)
    assert facts == RetirementFacts(1971, 3, None, (MISSING_WOMAN_AGE,))


@pytest.mark.parametrize(
    "question",
    [
        "1971年3月出生",
        "我爸和我妈都是1971年3月出生",
        "子女1971年3月出生",
        "1971年3月出生，原来50还是55岁退休不清楚",
        "1971年3月出生，工人",  # men are workers too
    ],
)
def test_parse_retirement_facts_without_sex_misses_it(question: str):
    assert parse_retirement_facts(question) == RetirementFacts(1971, 3, None, (MISSING_SEX,))


def test_parse_retirement_facts_nothing_stated_misses_everything():
    facts = parse_retirement_facts("退休年龄怎么算")
    assert facts.missing == (MISSING_BIRTH, MISSING_SEX)


def test_parse_retirement_facts_year_only_woman_misses_month_and_age():
    facts = parse_retirement_facts("女，1975年出生")
    assert facts.missing == (MISSING_BIRTH_MONTH, MISSING_WOMAN_AGE)


@pytest.mark.parametrize(
    "question",
    [
        "我1971年3月出生，男，退休年龄是多少",
        "我爸1965年1月出生哪年退休",
        "1968.5出生的男职工退休时间",
        "我妈七一年三月出生，最低缴费年限是多少",
        "1970年出生的男的要交多少年",
        "一九六五年一月生的男职工几时退休",
        "66年11月的男职工么子时候退休",
        "我1970年8月出生，想问下几时能退修",
        "我是1969年12月出生的女干部，现在受不受延迟退休影响",
        "我是70年的，男的，几时退休",
        "我1975年10月生的，在厂里当工人，女的，50岁能退不",
        "我68年5月的男的，啥时候可以领养老金",
        "1970年3月出生的男职工，延迟几个月",
        "我是1972年9月出生的女工人，要延迟多久",
        "男的，1971年2月生，到底要干到多少岁",
        "我老婆1976年3月出生，在厂里是工人，她要做到好多岁",
        "1966年3月的男的，什么时候到龄",
    ],
)
def test_is_retirement_calculation_dated_question(question: str):
    assert is_retirement_calculation(question)


@pytest.mark.parametrize(
    "question",
    [
        "延迟退休政策是什么",
        "最低缴费年限是多少",
        "女职工退休年龄怎么规定的",
        "我退休后养老金怎么领",
        "我1971年3月出生，社保卡丢了怎么办",
        "失业保险金怎么领取",
        "我的缴费年限怎么查询",
        "我几岁退休",  # no birth date: the rule's wording asks for it
        "我什么时候能退休",
        "延迟退休以后我要多少岁才能退",
        "我社保要缴费满多少年才能领养老金",
        "我1960年出生，退休金怎么算",
        "我有30年的工龄，男的，几时退休",  # a length of service is not a birth year
        "我1971年3月出生，交的社保钱能退不",  # a refund, not retiring
        "我1968年5月出生，养老金每个月几号发",  # the payment day, not the age
        "1970年出生的，失业金能领多久",
    ],
)
def test_is_retirement_calculation_general_undated_or_other_question(question: str):
    assert not is_retirement_calculation(question)
