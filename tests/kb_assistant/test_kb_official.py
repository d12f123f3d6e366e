"""The foundation's promises on the real official corpus and the real PDF/DOCX files."""

from __future__ import annotations

import re
from datetime import date

import pytest

from kb_assistant.kb import KB
from tests.kb_assistant.contract import HIT_FIELDS

RADICALS = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf]")


def live_rows(kb: KB, title: str, as_of: date | None = None):
    snapshot = kb.snapshot()
    mask = snapshot.mask(as_of or date.today(), None)
    return [r for r, ok in zip(snapshot.rows, mask, strict=True) if ok and r.title == title]


def test_official_ingest_reports_no_failures(official_kb: KB):
    report = official_kb.first_report  # type: ignore[attr-defined]
    assert report.failed == []
    assert report.release == 1


def test_social_insurance_law_every_article_is_a_unit_with_chapter(official_kb: KB):
    rows = live_rows(official_kb, "中华人民共和国社会保险法")
    articles = {r.article for r in rows}
    assert len(articles) == 98
    first = next(r for r in rows if r.article == "第一条")
    assert "第一章 总则" in first.heading
    assert any(r.article == "第九十八条" for r in rows)


def test_social_insurance_law_article_is_searchable(official_kb: KB):
    result = official_kb.search("用人单位应当自用工之日起三十日内为其职工申请办理社会保险登记", k=5)
    assert ("中华人民共和国社会保险法", "第五十八条") in [(h.title, h.article) for h in result.hits]


def test_womens_rights_law_two_versions_only_2022_live_today(official_kb: KB):
    snapshot = official_kb.snapshot()
    versions = {r.version_id for r in snapshot.rows if r.title == "中华人民共和国妇女权益保障法"}
    assert len(versions) == 2
    today = {r.version_id for r in live_rows(official_kb, "中华人民共和国妇女权益保障法")}
    assert len(today) == 1
    live = next(r for r in snapshot.rows if r.version_id in today)
    assert live.effective_from == date(2023, 1, 1)


def test_womens_rights_law_as_of_2020_returns_2018_version(official_kb: KB):
    rows = live_rows(official_kb, "中华人民共和国妇女权益保障法", date(2020, 6, 1))
    assert {r.valid_to for r in rows} == {date(2022, 12, 31)}
    hits = official_kb.search("妇女权益保障法", k=10, as_of="2020-06-01").hits
    assert all(h.effective_to in (None, "2022-12-31") for h in hits)


def test_pdf_text_has_no_radical_code_points(official_kb: KB):
    rows = [r for r in official_kb.snapshot().rows if r.source.endswith(".pdf")]
    assert rows, "the PDFs must have produced chunks"
    assert not [r.text for r in rows if RADICALS.search(r.text)]


def test_search_json_shape_has_the_contract_fields(official_kb: KB):
    result = official_kb.search("产假", k=3).to_dict()
    assert set(result) == {"release", "as_of", "hits"}
    assert set(result["hits"][0]) == HIT_FIELDS


def test_search_gives_one_hit_per_article(official_kb: KB):
    hits = official_kb.search("劳动合同 解除 经济补偿", k=20).hits
    keys = [(h.title, h.article or h.heading + h.text[:10]) for h in hits]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("region, excluded", [("上海市", "北京市"), ("北京市", "上海市")])
def test_search_region_keeps_national_and_named_region(official_kb: KB, region: str, excluded: str):
    hits = official_kb.search("集体合同", k=30, region=region).hits
    regions = {h.region for h in hits}
    assert regions <= {"全国", region}
    assert not any(h.title.startswith(excluded) for h in hits)


def test_reingest_embeds_nothing(official_kb: KB, official_dir, files_dir):
    report = official_kb.ingest([official_dir, files_dir], publish=True)
    assert report.chunks_embedded == 0
    assert report.added == []
    assert report.release == 1
