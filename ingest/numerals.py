"""Chinese numerals as used in legal texts: 第一百零一条, 二〇〇七年, 第十条之一.

Article labels are the identity of a chunk across versions and formats, so every source
spelling (第16条, 第十六条) is mapped to one canonical label in Chinese numerals.
"""

from __future__ import annotations

import re

__all__ = [
    "NUMERAL_CHARS",
    "article_label",
    "parse_article_label",
    "parse_numeral",
    "to_chinese",
]

MAX_VALUE = 9999
_DIGITS = {"零": 0, "〇": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN = "零一二三四五六七八九"
# Characters a numeral may consist of (Chinese, half- and full-width Arabic digits).
NUMERAL_CHARS = "零〇○Ｏ一二两三四五六七八九十百千0-9０-９"
_LABEL_RE = re.compile(rf"^第\s*([{NUMERAL_CHARS}]+)\s*条(?:\s*之\s*([{NUMERAL_CHARS}]+))?$")


def _check_range(value: int, text: str) -> int:
    if not 0 <= value <= MAX_VALUE:
        raise ValueError(f"numeral {text!r} is out of range: supported values are 0..{MAX_VALUE}")
    return value


def parse_numeral(text: str) -> int:
    """Value of `text`: Arabic (16, １６), Chinese (一百零一, 两千) or digit by digit (一九九五)."""
    s = text.strip()
    if not s:
        raise ValueError("empty numeral")
    if s.isdecimal():  # str.isdecimal accepts full-width digits; int() converts them
        return _check_range(int(s), text)
    if any(ch not in _DIGITS and ch not in _UNITS for ch in s):
        raise ValueError(f"not a Chinese numeral: {text!r} (use 零〇一二两三四五六七八九十百千 or digits)")
    if not any(ch in _UNITS for ch in s):  # 一九九五, 二〇〇七: positional digits (years)
        return _check_range(int("".join(str(_DIGITS[ch]) for ch in s)), text)
    total, digit, last_unit = 0, None, 10_000
    for ch in s:
        if ch in _DIGITS:
            if digit is not None and _DIGITS[ch] != 0 and digit != 0:
                raise ValueError(f"malformed Chinese numeral: {text!r}")
            digit = _DIGITS[ch]
            continue
        unit = _UNITS[ch]
        if unit >= last_unit:
            raise ValueError(f"malformed Chinese numeral: {text!r}")
        total += (1 if digit is None else digit) * unit  # bare 十 means 一十
        digit, last_unit = None, unit
    return _check_range(total + (digit or 0), text)


def to_chinese(number: int) -> str:
    """Standard legal spelling: 十, 十一, 二十, 一百, 一百零五, 一百一十, 一千零一."""
    if not 0 <= number <= MAX_VALUE:
        raise ValueError(f"number {number} is out of range: supported values are 0..{MAX_VALUE}")
    if number == 0:
        return "零"
    if 10 <= number < 20:  # 十, 十一 … 十九 (no leading 一)
        return "十" + (_CN[number - 10] if number > 10 else "")
    parts: list[str] = []
    pending_zero = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // unit % 10
        if digit == 0:
            pending_zero = bool(parts)
            continue
        if pending_zero:
            parts.append("零")
            pending_zero = False
        parts.append(_CN[digit] + name)
    return "".join(parts)


def article_label(number: int, sub: int = 0) -> str:
    """Canonical label 第十六条 / 第十六条之一; articles are numbered from 1."""
    if number < 1:
        raise ValueError(f"article number must be 1..{MAX_VALUE}, got {number}")
    if sub < 0:
        raise ValueError(f"article sub-number (之N) must be >= 0, got {sub}")
    label = f"第{to_chinese(number)}条"
    return f"{label}之{to_chinese(sub)}" if sub else label


def parse_article_label(label: str) -> tuple[int, int]:
    """(number, sub) of a label in any spelling: 第16条 → (16, 0), 第十条之一 → (10, 1)."""
    m = _LABEL_RE.match(label.strip())
    if not m:
        raise ValueError(f"not an article label: {label!r} (expected e.g. 第十六条, 第16条, 第十条之一)")
    number = parse_numeral(m.group(1))
    sub = parse_numeral(m.group(2)) if m.group(2) else 0
    if number < 1:
        raise ValueError(f"article number must be >= 1 in {label!r}")
    return number, sub
