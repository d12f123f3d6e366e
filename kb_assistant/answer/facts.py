"""Read the facts a caller states (birth year-month, sex, original age) for the calculator.

Callers say dates many ways ("1968.5", "68年5月出生", "一九七一年三月"). We only take
what is said: anything unstated is named in `missing` so the agent asks for it
instead of guessing (e.g. a woman's original age is never inferred).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kb_assistant.answer.retirement import BIRTH_YEAR_MAX, BIRTH_YEAR_MIN, RetirementCategory

__all__ = [
    "MISSING_BIRTH",
    "MISSING_BIRTH_MONTH",
    "MISSING_SEX",
    "MISSING_WOMAN_AGE",
    "RetirementFacts",
    "is_retirement_calculation",
    "parse_retirement_facts",
]

MISSING_BIRTH = "出生年月"
MISSING_BIRTH_MONTH = "出生月份"
MISSING_SEX = "性别"
MISSING_WOMAN_AGE = "原退休年龄（女职工是50周岁还是55周岁）"


@dataclass(frozen=True)
class RetirementFacts:
    """What the question states; `missing` names, in Chinese, what the agent must still ask."""

    birth_year: int | None
    birth_month: int | None
    category: RetirementCategory | None
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing


_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4}
_CN_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_YEAR = re.compile(r"([〇○零一二三四五六七八九]{4}|[〇○零一二三四五六七八九]{2})(?=年)")
_CN_MONTH = re.compile(r"(?<![〇○零一二三四五六七八九十])(十[一二]?|[一二三四五六七八九])(?=月)")

_DAY = r"(?:\s*(?:[./\-]\s*\d{1,2}|\d{1,2}\s*[日号]))?"
_DATES = (
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:年|[./\-])\s*(?P<m>\d{1,2})(?!\d)\s*(?:月份?)?" + _DAY),
    re.compile(r"(?<!\d)(?P<y>\d{2})\s*年\s*(?P<m>\d{1,2})\s*月份?" + _DAY),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?!\d)\s*(?:年|(?=出生|生))"),
    re.compile(r"(?<!\d)(?P<y>\d{2})\s*年(?=\s*(?:出生|生))"),
    # "我是70年的", "我老公是68年的": who someone is, said by their birth year
    re.compile(r"(?:是|属)\s*(?P<y>\d{2})\s*年的?(?=人|[,，。？?\s]|$)"),
)
_BIRTH_AFTER = re.compile(r"^\s*(?:的人|人)?\s*(?:出生|出世|生)")
_BIRTH_BEFORE = re.compile(r"(?:出生|生于|生日|出生日期|出生年月)\s*(?:于|在|是|为|:)?\s*$")
_OTHER_AFTER = re.compile(r"^\s*[的,，]?\s*(?:就|才|起|开始|以来|参加|参保|入职|工作|缴|交|退|办|领|到龄|满)")
_OTHER_BEFORE = re.compile(r"(?:从|自|截至|截止|到|了|满|够|共)\s*$")

_MALE = re.compile(r"男|我爸|爸爸|父亲|老爸|老公|丈夫|我先生")
_FEMALE = re.compile(r"女|我妈|妈妈|母亲|老妈|老婆|妻子|媳妇|太太")
_NOT_SEX = re.compile(r"子女|儿女|男女")
_RETIRE = r"\s*周?岁\s*(?:就|才)?(?:能|可以)?退"
_ORIGINAL = r"(?:原|按|原来|原先|本来)\s*(?:是|按|的)?\s*"
_WOMAN_55 = re.compile(
    rf"干部|管理岗|专业技术岗|{_ORIGINAL}(?:(?<!\d)55(?!\d)|五十五)|(?:(?<!\d)55|五十五){_RETIRE}"
)
# an original retirement age of 50 was the female workers' alone (men's was 60)
_ORIGINAL_50 = rf"{_ORIGINAL}(?:(?<!\d)50(?!\d)|五十(?!五))|(?:(?<!\d)50|五十){_RETIRE}"
_WOMAN_50 = re.compile(rf"工人|女工(?!作)|车间|流水线|生产岗|生产操作|{_ORIGINAL_50}")
_STATED_50 = re.compile(_ORIGINAL_50)

_ASKS = re.compile(
    r"退休年龄|延迟退休|延退|弹性退休|提前退休|退休时间|退休日期|最低缴费年限"
    r"|(?:几|多少)\s*周?岁.{0,3}退"
    r"|多大.{0,3}退休"
    r"|(?:什么时候|啥时候|么子时候|么时候|何时|几时|哪年|哪一年|几几年|哪个月|几月份?|哪天).{0,4}(?:退|到龄)"
    r"|(?:什么时候|啥时候|么子时候|何时|几时|哪年|哪一年).{0,4}(?:领|拿)\s*(?:到)?\s*(?:养老金|退休金)"
    r"|(?:延迟|延长|推迟|延)\s*(?:了)?\s*(?:几|多少|好多|多久|好久)"
    r"|(?:干|做|上班|工作|搞)\s*到\s*(?:几|多少|好多|多大)\s*岁?"
    r"|(?:能|可以|才能).{0,2}退休"
    r"|岁\s*(?:就|才)?\s*(?:能|可以)\s*退"
    r"|(?:缴|交)\s*(?:费|社保|养老保险)?\s*(?:够|满|足)?\s*(?:多少|几)\s*年"
)
# Any mention of retiring (退修 is the common homophone typo) or of contribution years;
# not the pension itself (退休金, 退休工资).
_RETIREMENT = re.compile(
    r"退(?:休|修)(?!金|工资|费|证)|几时退|时候退|哪年退|几岁退|受不受.{0,6}影响|交.{0,3}几年"
)
_PERSONAL = re.compile(r"我|本人|俺|咱|老公|丈夫|老婆|妻子|爱人|父亲|母亲|爸|妈")


def _normalise(question: str) -> str:
    """NFKC (full-width digits) then Chinese numerals in years and months to digits."""
    text = unicodedata.normalize("NFKC", question)
    text = _CN_YEAR.sub(lambda m: "".join(str(_CN_DIGITS[c]) for c in m.group(1)), text)

    return _CN_MONTH.sub(lambda m: str(_cn_month(m.group(1))), text)


def _cn_month(word: str) -> int:
    """一 … 九, 十, 十一, 十二."""
    if word.startswith("十"):
        return 10 + (_CN_DIGITS[word[1]] if len(word) > 1 else 0)
    return _CN_DIGITS[word]


def _birth(text: str) -> tuple[int | None, int | None]:
    """The likeliest birth year-month: marked by 出生/生 first, else the first unmarked date."""
    taken: list[tuple[int, int]] = []
    best: tuple[int, int, int, int | None] | None = None  # (rank, start, year, month)
    for pattern in _DATES:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            year = int(match["y"]) + (1900 if len(match["y"]) == 2 else 0)
            month = int(match["m"]) if "m" in match.groupdict() and match["m"] else None
            before, after = text[max(0, start - 8) : start], text[end : end + 8]
            if _BIRTH_AFTER.match(after) or _BIRTH_BEFORE.search(before):
                rank = 0
            elif _OTHER_AFTER.match(after) or _OTHER_BEFORE.search(before):
                continue
            else:
                rank = 1
            if not BIRTH_YEAR_MIN <= year <= BIRTH_YEAR_MAX:
                continue
            if month is not None and not 1 <= month <= 12:
                month = None
            candidate = (rank, start, year, month)
            if best is None or candidate[:2] < best[:2]:
                best = candidate
    return (None, None) if best is None else (best[2], best[3])


def _category(text: str) -> tuple[RetirementCategory | None, str | None]:
    """The category, or None with what is missing; conflicting statements count as unstated."""
    text = _NOT_SEX.sub("", text)
    male, female = bool(_MALE.search(text)), bool(_FEMALE.search(text))
    if not male and not female and _STATED_50.search(text) and not _WOMAN_55.search(text):
        return RetirementCategory.WOMAN_50, None  # "原来讲50岁退": only female workers did
    if male == female:
        return None, MISSING_SEX
    if male:
        return RetirementCategory.MAN, None
    is_55, is_50 = bool(_WOMAN_55.search(text)), bool(_WOMAN_50.search(text))
    if is_55 == is_50:
        return None, MISSING_WOMAN_AGE
    return (RetirementCategory.WOMAN_55 if is_55 else RetirementCategory.WOMAN_50), None


def parse_retirement_facts(question: str) -> RetirementFacts:
    """Birth year-month and category as stated in `question`, plus what is still missing."""
    text = _normalise(question)
    birth_year, birth_month = _birth(text)
    category, category_missing = _category(text)
    missing: list[str] = []
    if birth_year is None:
        missing.append(MISSING_BIRTH)
    elif birth_month is None:
        missing.append(MISSING_BIRTH_MONTH)
    if category_missing:
        missing.append(category_missing)
    return RetirementFacts(birth_year, birth_month, category, tuple(missing))


def is_retirement_calculation(question: str) -> bool:
    """Whether the caller wants a retirement age/date or minimum contribution computed.

    Only with a birth year: without one there is nothing to compute, and the approved
    wording on the rule (which asks for the birth date) is the better answer.
    """
    text = _normalise(question)
    if _birth(text)[0] is None:
        return False
    return bool(_ASKS.search(text) or _RETIREMENT.search(text))
