"""Chinese numerals and article labels: the canonical spelling is the identity of an article."""

from __future__ import annotations

import pytest

from ingest.numerals import article_label, parse_article_label, parse_numeral, to_chinese

STANDARD = {
    1: "一",
    10: "十",
    11: "十一",
    16: "十六",
    20: "二十",
    21: "二十一",
    100: "一百",
    101: "一百零一",
    105: "一百零五",
    110: "一百一十",
    113: "一百一十三",
    1000: "一千",
    1001: "一千零一",
    1010: "一千零一十",
    1100: "一千一百",
    2024: "二千零二十四",
    9999: "九千九百九十九",
}


@pytest.mark.parametrize(("number", "text"), sorted(STANDARD.items()))
def test_to_chinese_standard_legal_spelling(number: int, text: str) -> None:
    assert to_chinese(number) == text
    assert parse_numeral(text) == number


def test_to_chinese_round_trip_all_supported_values() -> None:
    assert all(parse_numeral(to_chinese(n)) == n for n in range(0, 10000))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一十", 10),
        ("两千", 2000),
        ("两百零五", 205),
        ("〇", 0),
        ("零", 0),
        ("二〇〇七", 2007),  # years are written digit by digit
        ("一九九五", 1995),
        ("二○○八", 2008),  # U+25CB white circle, as in PDF signatures
        ("16", 16),
        ("１６", 16),
    ],
)
def test_parse_numeral_variant_spellings(text: str, value: int) -> None:
    assert parse_numeral(text) == value


@pytest.mark.parametrize("text", ["", "十百", "一二十", "三万", "abc", "10000"])
def test_parse_numeral_invalid_raises(text: str) -> None:
    with pytest.raises(ValueError):
        parse_numeral(text)


def test_to_chinese_out_of_range_names_range() -> None:
    with pytest.raises(ValueError, match=r"0\.\.9999"):
        to_chinese(10000)


@pytest.mark.parametrize(
    ("number", "sub", "label"),
    [
        (16, 0, "第十六条"),
        (16, 1, "第十六条之一"),
        (101, 0, "第一百零一条"),
        (20, 0, "第二十条"),
        (10, 0, "第十条"),
        (11, 0, "第十一条"),
        (100, 0, "第一百条"),
        (110, 0, "第一百一十条"),
        (105, 0, "第一百零五条"),
        (10, 2, "第十条之二"),
    ],
)
def test_article_label_standard_style(number: int, sub: int, label: str) -> None:
    assert article_label(number, sub) == label
    assert parse_article_label(label) == (number, sub)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("第16条", (16, 0)),
        ("第1条", (1, 0)),
        ("第 16 条", (16, 0)),
        ("第十条之一", (10, 1)),
        ("第10条之1", (10, 1)),
    ],
)
def test_parse_article_label_arabic_and_spaced(label: str, expected: tuple[int, int]) -> None:
    assert parse_article_label(label) == expected


@pytest.mark.parametrize("label", ["第十章", "十六条", "第零条", "第条", "第十六条规定"])
def test_parse_article_label_not_a_label_raises(label: str) -> None:
    with pytest.raises(ValueError):
        parse_article_label(label)


def test_article_label_zero_raises() -> None:
    with pytest.raises(ValueError, match="article number"):
        article_label(0)
