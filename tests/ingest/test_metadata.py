"""infer_metadata on real headers (dates checked against the manifest) and on front matter."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from ingest.metadata import FRONT_MATTER_KEYS, canonical_title, infer_metadata
from ingest.model import DocumentMeta


def _meta(official_dir: Path, name: str) -> DocumentMeta:
    text = (official_dir / name).read_text(encoding="utf-8")
    return infer_metadata(text, {}, fallback_title=Path(name).stem)


@pytest.mark.parametrize(
    ("name", "effective_from"),
    [
        # commencement 2023-01-01 is after the 2022-10-30 revision
        ("法律/妇女权益保障法(2022-10-30).md", date(2023, 1, 1)),
        # commencement 1992-10-01, but this wording exists only since the 2018 amendment
        ("法律/妇女权益保障法(2018-10-26).md", date(2018, 10, 26)),
        ("法律/职业教育法(1996-05-15).md", date(1996, 9, 1)),
        ("法律/职业教育法(2022-04-20).md", date(2022, 5, 1)),
        ("法律/社会保险法(2018-12-29).md", date(2018, 12, 29)),
        ("法律/劳动合同法(2012-12-28).md", date(2012, 12, 28)),
        ("法律/劳动争议调解仲裁法(2007-12-29).md", date(2008, 5, 1)),
        # 自公布之日起施行: the 公布 line of the header
        ("行政法规/劳动合同法实施条例(2008-09-18).md", date(2008, 9, 18)),
        # header "1995年1月1日 执行" and "本规定自一九九五年一月一日起执行"
        ("行政法规/工资支付暂行规定(1994-12-06).md", date(1995, 1, 1)),
        # header: "…公告公布" and "2011年11月1日 施行"
        ("地方性法规/山东/青岛市劳动保障监察条例(2022-01-21).md", date(2011, 11, 1)),
        ("地方性法规/上海/上海市集体合同条例.md", date(2008, 1, 1)),  # "自2008年1月1日起实施"
        ("行政法规/国务院关于高级专家离休退休若干问题的暂行规定(1983-09-12).md", date(1983, 9, 12)),
        ("行政法规/国务院关于处理国家机关工作人员退职、退休时计算工作年限的暂行规定(1955-12-29).md", None),
    ],
)
def test_infer_metadata_effective_from_real_headers(
    official_dir: Path, name: str, effective_from: date | None
) -> None:
    assert _meta(official_dir, name).effective_from == effective_from


def test_infer_metadata_effective_from_never_before_manifest_dates(official_dir: Path) -> None:
    """Where the manifest has a commencement date, ours is that date or a later amendment date."""
    with (official_dir / "manifest.tsv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    for row in rows:
        stated = row["effective_date_in_text"]
        if not stated[:1].isdigit():
            continue
        got = _meta(official_dir, row["file"]).effective_from
        assert got is not None, row["file"]
        allowed = {date.fromisoformat(stated)}
        if row["last_date_in_header"]:
            allowed.add(max(date.fromisoformat(stated), date.fromisoformat(row["last_date_in_header"])))
        assert got in allowed, (row["file"], got, allowed)


def test_infer_metadata_law_title_issuer_region(official_dir: Path) -> None:
    meta = _meta(official_dir, "法律/社会保险法(2018-12-29).md")
    assert meta.title == "中华人民共和国社会保险法"
    assert meta.issuer == "全国人民代表大会常务委员会"
    assert meta.region == "全国" and meta.level is None and meta.doc_number is None


def test_infer_metadata_state_council_order_number(official_dir: Path) -> None:
    meta = _meta(official_dir, "行政法规/劳动合同法实施条例(2008-09-18).md")
    assert meta.doc_number == "国务院令第535号"
    assert meta.issuer == "国务院"


def test_infer_metadata_notice_number_normalised(official_dir: Path) -> None:
    meta = _meta(official_dir, "部门规章/关于职工全年月平均工作时间和工资折算问题的通知(2009-03-29).md")
    assert meta.doc_number == "劳社部发〔2008〕3号"  # written 劳社部发[2008]3号 in the header
    assert meta.effective_from is None


@pytest.mark.parametrize(
    ("name", "region", "issuer"),
    [
        ("地方性法规/山东/青岛市劳动保障监察条例(2022-01-21).md", "青岛市", "青岛市人民代表大会常务委员会"),
        ("地方性法规/山东/山东省劳动合同条例(2013-08-01).md", "山东省", "山东省人民代表大会常务委员会"),
        ("地方性法规/上海/上海市劳动合同条例(2001-11-15).md", "上海市", None),
        ("行政法规/人力资源市场暂行条例(2018-06-29).md", "全国", "国务院"),
    ],
)
def test_infer_metadata_region_from_title(
    official_dir: Path, name: str, region: str, issuer: str | None
) -> None:
    meta = _meta(official_dir, name)
    assert (meta.region, meta.issuer) == (region, issuer)


def test_infer_metadata_combined_province_city_region() -> None:
    meta = infer_metadata("# 山东省青岛市职工工资支付条例\n第一条 甲。", {}, "x")
    assert meta.region == "山东省青岛市"


PDF_HEADER = """中华人民共和国劳动合同法（2012年修正文本）
(二〇〇七年六月二十九日第十届全国人民代表大会常务委员会第二十八次会议通过 根据
2012 年 12 月 28 日第十一届全国人民代表大会常务委员会第三十次会议修正)
第一章 总则
第一条 为了完善劳动合同制度，制定本法。
第九十八条 本法自 2008 年 1 月 1 日
起施行。
"""


def test_infer_metadata_without_front_matter_or_h1() -> None:
    meta = infer_metadata(PDF_HEADER, {}, fallback_title="file-stem")
    assert meta.title == "中华人民共和国劳动合同法"  # version note stripped
    assert meta.effective_from == date(2012, 12, 28)
    assert meta.issuer == "全国人民代表大会常务委员会"


def test_infer_metadata_chinese_date_on_promulgation() -> None:
    text = "某某办法\n二〇〇七年六月二十九日发布\n第一条 甲。\n第二条 本办法自发布之日起施行。"
    meta = infer_metadata(text, {}, "x")
    assert meta.title == "某某办法" and meta.effective_from == date(2007, 6, 29)


def test_infer_metadata_fallback_title_when_none_found() -> None:
    meta = infer_metadata("一些没有标题的文字。\n另一段。", {}, fallback_title="文件名")
    assert meta == DocumentMeta(title="文件名")


def test_infer_metadata_front_matter_wins() -> None:
    front = {
        "title": "退休年龄问答",
        "doc_number": "人社部发〔2024〕94号",
        "issuer": "人力资源和社会保障部",
        "level": "规范性文件",
        "effective_from": date(2025, 1, 1),
        "effective_to": "2029-12-31",
        "supersedes": "旧问答",
        "topics": ["退休", "养老保险"],
    }
    meta = infer_metadata("# 上海市另一个标题\n本规定自2020年1月1日起施行。", front, "x")
    assert meta == DocumentMeta(
        title="退休年龄问答",
        doc_number="人社部发〔2024〕94号",
        issuer="人力资源和社会保障部",
        region="全国",  # front matter present: region defaults to 全国, not guessed from a title
        level="规范性文件",
        effective_from=date(2025, 1, 1),
        effective_to=date(2029, 12, 31),
        supersedes=("旧问答",),
        topics=("退休", "养老保险"),
    )


def test_infer_metadata_front_matter_partial_falls_back_to_text() -> None:
    meta = infer_metadata("# 某某条例\n本条例自2020年1月1日起施行。", {"region": "上海市"}, "x")
    assert (meta.title, meta.region, meta.effective_from) == ("某某条例", "上海市", date(2020, 1, 1))


def test_infer_metadata_unknown_front_matter_key_raises() -> None:
    with pytest.raises(ValueError) as info:
        infer_metadata("正文。", {"title": "甲", "effective": "2020-01-01"}, "x")
    assert str(info.value) == (
        "unknown front matter key(s): effective; valid keys: title, doc_number, issuer, region, level, "
        "effective_from, effective_to, supersedes, topics, section_questions"
    )
    assert all(key in str(info.value) for key in FRONT_MATTER_KEYS)


@pytest.mark.parametrize("value", ["2020/01/01", "2020-13-01", "20200101", 2020])
def test_infer_metadata_bad_front_matter_date_raises(value: object) -> None:
    with pytest.raises(ValueError) as info:
        infer_metadata("正文。", {"effective_from": value}, "x")
    assert str(info.value) == (
        f"front matter key 'effective_from': {value!r} is not a valid date; use YYYY-MM-DD (e.g. 2024-01-01)"
    )


def test_infer_metadata_front_matter_end_before_start_raises() -> None:
    with pytest.raises(ValueError, match="effective_to"):
        infer_metadata("正文。", {"effective_from": "2020-01-01", "effective_to": "2019-01-01"}, "x")


def test_infer_metadata_front_matter_bad_topics_raises() -> None:
    with pytest.raises(ValueError, match="'topics' must be a list of strings"):
        infer_metadata("正文。", {"topics": {"a": 1}}, "x")


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("中华人民共和国劳动合同法", "劳动合同法"),
        ("《中华人民共和国劳动合同法》", "劳动合同法"),
        ("中华人民共和国劳动合同法（2012年修正文本）", "劳动合同法"),
        ("劳动法(2018修正)", "劳动法"),
        ("公务员法（2018年修订）", "公务员法"),
        ("中华人民共和国劳动合同法实施条例（国务院令第535号）", "劳动合同法实施条例"),
        (
            "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）",
            "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）",
        ),
        ("工伤保险条例（试行）", "工伤保险条例（试行）"),
        (" 社会保险法 ", "社会保险法"),
    ],
)
def test_canonical_title_strips_prefix_brackets_version_notes(title: str, key: str) -> None:
    assert canonical_title(title) == key


def test_infer_metadata_front_matter_string_lists() -> None:
    front = {"supersedes": "关于甲、乙问题的通知", "topics": "退休、养老保险, 延迟退休"}
    meta = infer_metadata("正文。", front, "x")
    assert meta.supersedes == ("关于甲、乙问题的通知",)  # one title, even with 、 inside
    assert meta.topics == ("退休", "养老保险", "延迟退休")


def test_infer_metadata_presidential_order_number() -> None:
    text = "中华人民共和国主席令\n第七十二号\n中华人民共和国某某法\n第一条 为了示例，制定本法。"
    meta = infer_metadata(text, {}, "x")
    assert (meta.doc_number, meta.title) == ("主席令第七十二号", "中华人民共和国某某法")


def test_infer_metadata_issuer_from_title_without_header(official_dir: Path) -> None:
    name = "行政法规/国务院关于处理国家机关工作人员退职、退休时计算工作年限的暂行规定(1955-12-29).md"
    meta = _meta(official_dir, name)
    assert (meta.issuer, meta.effective_from, meta.region) == ("国务院", None, "全国")
