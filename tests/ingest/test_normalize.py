"""normalize_text: one canonical form for text from every format."""

from __future__ import annotations

import pytest

from ingest.normalize import RADICAL_TO_IDEOGRAPH, normalize_text


@pytest.mark.parametrize(
    ("radical", "ideograph"),
    [("⺠", "民"), ("⻔", "门"), ("⼈", "人"), ("⻓", "长"), ("⻅", "见"), ("⻚", "页"), ("⽤", "用")],
)
def test_normalize_radical_becomes_ideograph(radical: str, ideograph: str) -> None:
    assert normalize_text(f"公{radical}") == f"公{ideograph}"


def test_normalize_radical_table_covers_both_radical_blocks() -> None:
    supplement = [code for code in RADICAL_TO_IDEOGRAPH if 0x2E80 <= code <= 0x2EF3]
    kangxi = [code for code in RADICAL_TO_IDEOGRAPH if 0x2F00 <= code <= 0x2FD5]
    assert len(supplement) == 114  # every mapping in Unicode's EquivalentUnifiedIdeograph.txt
    assert len(kangxi) == 214


def test_normalize_pdf_radical_line_has_no_radicals_left() -> None:
    line = "各级⼈⺠政府劳动⾏政等有关部⻔以及⼯会"
    result = normalize_text(line)
    assert result == "各级人民政府劳动行政等有关部门以及工会"
    assert not any(0x2E80 <= ord(char) <= 0x2FDF for char in result)


def test_normalize_fullwidth_digits_and_letters_become_ascii() -> None:
    assert normalize_text("第１２条　ＡＢＣ") == "第12条 ABC"


def test_normalize_chinese_punctuation_stays_fullwidth() -> None:
    text = "第一条　为了……，制定本法（试行）：甲；乙？丙！“丁”《戊》、己。"
    assert normalize_text(text) == "第一条 为了……，制定本法（试行）：甲；乙？丙！“丁”《戊》、己。"


def test_normalize_enclosed_numbers_stay() -> None:
    assert normalize_text("①劳动者 ㈠用人单位") == "①劳动者 ㈠用人单位"


def test_normalize_halfwidth_punctuation_is_not_widened() -> None:
    assert normalize_text("(一)违反法律;") == "(一)违反法律;"


def test_normalize_spaces_collapse_to_one_ascii_space() -> None:
    assert normalize_text("总\u3000理\u3000\u3000温家宝\xa0\t 签") == "总 理 温家宝 签"


def test_normalize_line_ends_are_stripped() -> None:
    assert normalize_text("\u3000\u3000第一条\u3000内容\u3000 \n  第二条  ") == "第一条 内容\n第二条"


def test_normalize_blank_line_runs_collapse_to_one() -> None:
    assert normalize_text("\n\na\n\n\n\n \u3000\nb\n\n") == "a\n\nb"


def test_normalize_crlf_and_cr_become_lf() -> None:
    assert normalize_text("a\r\nb\rc\u2028d") == "a\nb\nc\nd"


def test_normalize_zero_width_bom_and_controls_are_removed() -> None:
    assert normalize_text("\ufeff第\u200b一\u200d条\u2060\x12\x19内容\u00ad") == "第一条内容"


def test_normalize_is_idempotent() -> None:
    text = "\ufeff　第１条　为了⼈⺠……，制定（本法）。\r\n\r\n\r\n①\t（二）"
    once = normalize_text(text)
    assert normalize_text(once) == once
