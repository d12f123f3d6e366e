"""ArticleParser on the real official corpus and on hand-written snippets of the tricky cases.

Real files are read with Path.read_text (the loaders are tested on their own), so these tests
exercise the parser on the Markdown exactly as it is stored.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ingest.model import Chunk
from ingest.structure import INFO_END, ArticleParser

SOCIAL_INSURANCE_LAW = "法律/社会保险法(2018-12-29).md"
PROVISION_1955 = "行政法规/国务院关于处理国家机关工作人员退职、退休时计算工作年限的暂行规定(1955-12-29).md"
PROVISION_1986 = "行政法规/国务院关于高级专家退休问题的补充规定(1986-02-18).md"
OVERTIME_CASE = "典型案例/加班费的仲裁时效应当如何认定.md"
# The manifest counts 第X条 paragraphs; every file matches the parser, so no exceptions are needed.
ARTICLE_COUNT_EXCEPTIONS: dict[str, int] = {}


def _manifest(official_dir: Path) -> list[dict[str, str]]:
    with (official_dir / "manifest.tsv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _parse(official_dir: Path, name: str, max_chars: int = 600) -> list[Chunk]:
    return ArticleParser(max_chars=max_chars).parse((official_dir / name).read_text(encoding="utf-8"))


def _articles(chunks: list[Chunk]) -> list[str]:
    return [c.article for c in chunks if c.article and c.part == 1]


def test_parse_corpus_article_counts_match_manifest(official_dir: Path) -> None:
    mismatches = {}
    checked = 0
    for row in _manifest(official_dir):
        expected = ARTICLE_COUNT_EXCEPTIONS.get(row["file"], int(row["articles"] or 0))
        if expected == 0:
            continue
        labels = {c.article for c in _parse(official_dir, row["file"]) if c.article}
        checked += 1
        if len(labels) != expected:
            mismatches[row["file"]] = (expected, len(labels))
    assert checked >= 70
    assert mismatches == {}


def test_parse_corpus_chunks_within_max_chars_and_header_excluded(official_dir: Path) -> None:
    for row in _manifest(official_dir):
        text = (official_dir / row["file"]).read_text(encoding="utf-8")
        chunks = ArticleParser(max_chars=300).parse(text)
        assert chunks, row["file"]
        assert all(0 < len(c.text) <= 300 for c in chunks), row["file"]
        header = [line.strip() for line in text.split(INFO_END)[0].splitlines() if line.strip()]
        body = "\n".join(c.text for c in chunks)
        assert [line for line in header if line in body] == [], row["file"]


def test_parse_social_insurance_law_articles_and_headings(official_dir: Path) -> None:
    chunks = _parse(official_dir, SOCIAL_INSURANCE_LAW)
    articles = _articles(chunks)
    assert len(articles) == 98
    assert articles[0] == "第一条" and articles[-1] == "第九十八条"
    first = chunks[0]
    assert first.article == "第一条" and first.article_number == 1
    assert "第一章 总则" in first.heading_path
    assert first.text.startswith("第一条 为了规范社会保险关系")
    assert "中华人民共和国社会保险法" not in first.heading_path  # the H1 title is not a heading
    last = next(c for c in chunks if c.article == "第九十八条")
    assert last.heading_path == ("第十二章 附则",)
    assert "2011年7月1日" in last.text
    fifth = next(c for c in chunks if c.article == "第五条")
    assert fifth.text.count("\n") == 2  # three 款


def test_parse_corpus_is_deterministic(official_dir: Path) -> None:
    assert _parse(official_dir, SOCIAL_INSURANCE_LAW) == _parse(official_dir, SOCIAL_INSURANCE_LAW)


def test_parse_provision_1955_without_articles_gives_text_chunks(official_dir: Path) -> None:
    chunks = _parse(official_dir, PROVISION_1955)
    assert chunks and all(c.article is None and c.article_number is None for c in chunks)
    joined = "\n".join(c.text for c in chunks)
    assert joined.startswith("一、国家机关工作人员")
    assert "九、工作人员的工作年限按周年计算" in joined
    assert "1955年12月29日" not in joined


def test_parse_provision_1986_without_headings_keeps_all_paragraphs(official_dir: Path) -> None:
    chunks = _parse(official_dir, PROVISION_1986)
    assert [c.article for c in chunks] == [None]
    assert chunks[0].text.startswith("为了有利于在全国实行专业技术职务聘任制度")
    assert chunks[0].text.count("\n") == 2
    assert "发布" not in chunks[0].text.split("\n")[0][:12]


def test_parse_typical_case_split_at_markdown_headings(official_dir: Path) -> None:
    chunks = _parse(official_dir, OVERTIME_CASE)
    paths = list(dict.fromkeys(c.heading_path for c in chunks))
    assert paths == [("基本案情",), ("原告诉讼请求",), ("裁判结果",), ("案例分析",), ("典型意义",)]
    assert all(c.article is None for c in chunks)


def test_parse_judicial_interpretation_preamble_becomes_chunk(official_dir: Path) -> None:
    name = "司法解释/最高人民法院关于审理劳动争议案件适用法律问题的解释（一）(2020-12-29).md"
    chunks = _parse(official_dir, name)
    assert chunks[0].article is None and chunks[0].text.startswith("为正确审理劳动争议案件")
    assert chunks[1].article == "第一条"


def test_parse_local_regulation_fullwidth_heading_normalised(official_dir: Path) -> None:
    chunks = _parse(official_dir, "地方性法规/上海/上海市劳动合同条例(2001-11-15).md")
    assert chunks[0].heading_path == ("第一章 总则",)  # source: "## 第一章　总则"


LAW = """# 中华人民共和国示例法

2020年1月1日 第十三届全国人民代表大会常务委员会第十五次会议通过

<!-- INFO END -->

## 第一编 总则

## 第一章 一般规定

第一条 为了示例，制定本法。

第二条 用人单位依照本法第三十条的规定，与劳动者订立劳动合同。

依照本法第三十条规定不得订立的除外。

### 第一节 订立

第三条 劳动合同应当采用书面形式。

## 第二章　履行

第四条 用人单位应当按照约定支付劳动报酬。

第二编 分则

第五条 本法自2021年1月1日起施行。
"""


def test_parse_heading_path_edition_chapter_section() -> None:
    chunks = ArticleParser().parse(LAW)
    paths = {c.article: c.heading_path for c in chunks}
    assert paths["第一条"] == ("第一编 总则", "第一章 一般规定")
    assert paths["第三条"] == ("第一编 总则", "第一章 一般规定", "第一节 订立")
    assert paths["第四条"] == ("第一编 总则", "第二章 履行")  # a new 章 resets the 节
    assert paths["第五条"] == ("第二编 分则",)  # bare 编 line, a new 编 resets 章 and 节


def test_parse_cross_reference_does_not_create_article() -> None:
    chunks = ArticleParser().parse(LAW)
    assert _articles(chunks) == ["第一条", "第二条", "第三条", "第四条", "第五条"]
    second = next(c for c in chunks if c.article == "第二条")
    assert second.text == (
        "第二条 用人单位依照本法第三十条的规定，与劳动者订立劳动合同。\n依照本法第三十条规定不得订立的除外。"
    )
    assert all("2020年1月1日" not in c.text for c in chunks)


PDF_TEXT = """中华人民共和国示例法
(2007 年 6 月 29 日第十届全国人民代表大会常务委员会第二十八次会议通过 根据 2012 年
12 月 28 日第十一届全国人民代表大会常务委员会第三十次会议修正)
目 录
第一章 总则
第二章 劳动合同
第一章 总则
第一条 为了完善劳动合同制度,明确劳动合同双方当事人的权利和义务,保护劳动者
的合法权益,制定本法。
第二条 用人单位违反本法规定解除劳动合同的,应当依照本法第八十七条和
第三十条的规定支付赔偿金。
—2—
用人单位应当依照本法
第三条的规定支付经济补偿。
第三条 劳动合同应当以书面形式订立。
第二章 劳动合同
第四条 劳动者有权依照本法第
三十条的规定解除劳动合同。
"""


def test_parse_pdf_wrapped_lines_joined_and_continuations_kept() -> None:
    chunks = ArticleParser().parse(PDF_TEXT)
    assert _articles(chunks) == ["第一条", "第二条", "第三条", "第四条"]  # TOC adds nothing
    by_label = {c.article: c for c in chunks}
    assert by_label["第一条"].text == (
        "第一条 为了完善劳动合同制度,明确劳动合同双方当事人的权利和义务,保护劳动者的合法权益,制定本法。"
    )
    assert by_label["第二条"].text == (
        "第二条 用人单位违反本法规定解除劳动合同的,应当依照本法第八十七条和第三十条的规定支付赔偿金。\n"
        "用人单位应当依照本法第三条的规定支付经济补偿。"
    )
    assert by_label["第一条"].heading_path == ("第一章 总则",)
    assert by_label["第四条"].heading_path == ("第二章 劳动合同",)
    assert all(c.article for c in chunks)  # title, header note and TOC make no chunk


def test_parse_article_sub_number_zhi_yi() -> None:
    text = "第十条 甲。\n第十条之一 乙。\n第十条之二丙。\n第十一条 丁。"
    chunks = ArticleParser().parse(text)
    assert [(c.article, c.article_number, c.article_sub) for c in chunks] == [
        ("第十条", 10, 0),
        ("第十条之一", 10, 1),
        ("第十条之二", 10, 2),
        ("第十一条", 11, 0),
    ]


def test_parse_arabic_numbers_and_no_space_after_label() -> None:
    text = "第1条 为了规范用工，制定本办法。\n第2条用人单位应当依法用工。\n第三条劳动者依法享有权利。"
    chunks = ArticleParser().parse(text)
    assert [c.article for c in chunks] == ["第一条", "第二条", "第三条"]
    assert chunks[1].text == "第2条用人单位应当依法用工。"


def test_parse_no_space_article_starting_with_zhonghua_is_article() -> None:
    text = "第一条为了规范用工，制定本法。\n第二条中华人民共和国境内的用人单位适用本法。"
    assert _articles(ArticleParser().parse(text)) == ["第一条", "第二条"]


def test_parse_fullwidth_space_after_label() -> None:
    chunks = ArticleParser().parse("第一条\u3000为了示例，制定本规定。\n第二条\u3000本规定自公布之日起施行。")
    assert _articles(chunks) == ["第一条", "第二条"]


def test_parse_unexpected_number_without_space_is_continuation() -> None:
    text = "第一条 甲方应当遵守本法\n第九条的规定。\n第二条 乙。"
    chunks = ArticleParser().parse(text)
    assert _articles(chunks) == ["第一条", "第二条"]
    assert chunks[0].text == "第一条 甲方应当遵守本法第九条的规定。"


def test_parse_long_article_split_at_paragraphs_keeps_identity() -> None:
    paragraphs = ["第七条 " + "甲" * 30 + "。", "乙" * 40 + "。", "丙" * 20 + "。", "丁" * 60 + "。"]
    chunks = ArticleParser(max_chars=80).parse("\n\n".join(paragraphs))
    assert [c.text for c in chunks] == [paragraphs[0] + "\n" + paragraphs[1], paragraphs[2], paragraphs[3]]
    assert [(c.part, c.part_count) for c in chunks] == [(1, 3), (2, 3), (3, 3)]
    assert {(c.article, c.article_number) for c in chunks} == {("第七条", 7)}
    assert chunks[0].text.startswith("第七条") and not chunks[1].text.startswith("第七条")


def test_parse_single_long_paragraph_split_at_sentence_ends() -> None:
    sentences = ["第八条 " + "甲" * 25 + "；", "乙" * 30 + "。", "丙" * 30 + "！", "丁" * 10 + "。"]
    chunks = ArticleParser(max_chars=50).parse("".join(sentences))
    assert [c.text for c in chunks] == [sentences[0], sentences[1], sentences[2] + sentences[3]]
    assert all(c.article == "第八条" and c.part_count == 3 for c in chunks)


NOTICE = """关于做好职工工资支付工作的通知
人社部发〔2024〕94号
各省、自治区、直辖市人力资源社会保障厅（局）：
为做好职工工资支付工作，现就有关事项通知如下：
一、总体要求
（一）指导思想
坚持以人民为中心，依法保障劳动者取得劳动报酬的权利。
（二）基本原则
1. 依法支付
用人单位应当按时足额支付工资。
2、分类处理
对拖欠工资的，依法处理。
二、工作措施
各地要加强监督检查。
"""


def test_parse_notice_split_at_numbered_headings() -> None:
    chunks = ArticleParser().parse(NOTICE)
    assert [(c.heading_path, c.text) for c in chunks] == [
        (
            (),
            "各省、自治区、直辖市人力资源社会保障厅（局）：\n为做好职工工资支付工作，现就有关事项通知如下：",
        ),
        (("一、总体要求", "（一）指导思想"), "坚持以人民为中心，依法保障劳动者取得劳动报酬的权利。"),
        (("一、总体要求", "（二）基本原则", "1. 依法支付"), "用人单位应当按时足额支付工资。"),
        (("一、总体要求", "（二）基本原则", "2、分类处理"), "对拖欠工资的，依法处理。"),
        (("二、工作措施",), "各地要加强监督检查。"),
    ]
    assert all(c.article is None for c in chunks)


def test_parse_list_items_inside_article_are_not_headings() -> None:
    text = "第一条 有下列情形之一的，可以解除：\n（一）严重违纪的；\n1. 其他情形\n二、附则"
    chunks = ArticleParser().parse(text)
    assert len(chunks) == 1 and chunks[0].heading_path == ()
    assert "\n（一）严重违纪的；\n1. 其他情形" in chunks[0].text and "二、附则" in chunks[0].text


def test_parse_preamble_longer_than_30_chars_kept_short_dropped() -> None:
    preamble = "为正确审理劳动争议案件，根据有关法律规定，结合审判实践，制定本解释。"
    chunks = ArticleParser().parse(f"# 某解释\n{preamble}\n第一条 甲。")
    assert [(c.article, c.text) for c in chunks] == [(None, preamble), ("第一条", "第一条 甲。")]
    short = ArticleParser().parse("现规定如下：\n第一条 甲。")
    assert [c.article for c in short] == ["第一条"]


@pytest.mark.parametrize("max_chars", [0, 19, 100_001, "600", True, 60.5])
def test_article_parser_invalid_max_chars_names_range(max_chars: object) -> None:
    with pytest.raises(ValueError, match=r"max_chars must be an int in 20\.\.100000"):
        ArticleParser(max_chars=max_chars)  # type: ignore[arg-type]


def test_parse_empty_text_gives_no_chunks() -> None:
    assert ArticleParser().parse("") == []
    assert ArticleParser().parse("# 标题\n\n<!-- INFO END -->\n") == []
