"""Approved-wording files: front matter checked with errors that name the valid values."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ingest.errors import UnreadableFileError
from ingest.parse import DocumentParser
from ingest.wording import WordingCitation, WordingEntry, parse_wording

ENTRY = """---
kind: wording
id: WD-SYB-001
topic: 产假天数
status: approved
owner: 培训组
approved_at: 2024-12-20
effective_from: 2012-04-28
questions:
  - 产假有几天
  - 生孩子能休多久
citations:
  - document: 《女职工劳动保护特别规定》
    article: 第七条
  - document: 常德12333知识库-SYB-001
    section: 一、国家规定的产假
---
# 产假天数

女职工生育享受98天产假。
"""


def write(tmp_path: Path, text: str, name: str = "entry.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_parse_source_reads_a_wording_entry(tmp_path: Path):
    entry = DocumentParser().parse_source(write(tmp_path, ENTRY))
    assert isinstance(entry, WordingEntry)
    assert (entry.wording_id, entry.status, entry.region) == ("WD-SYB-001", "approved", "全国")
    assert entry.effective_from == date(2012, 4, 28) and entry.effective_to is None
    assert entry.questions == ("产假有几天", "生孩子能休多久")
    assert entry.citations == (
        WordingCitation("女职工劳动保护特别规定", article="第七条"),
        WordingCitation("常德12333知识库-SYB-001", section="一、国家规定的产假"),
    )
    assert entry.answer == "女职工生育享受98天产假。"


def test_wording_version_hash_ignores_the_file_path(tmp_path: Path):
    one = DocumentParser().parse_source(write(tmp_path, ENTRY, "a.md"))
    two = DocumentParser().parse_source(write(tmp_path, ENTRY, "b.md"))
    changed = DocumentParser().parse_source(write(tmp_path, ENTRY.replace("98天", "九十八天"), "c.md"))
    assert (
        isinstance(one, WordingEntry) and isinstance(two, WordingEntry) and isinstance(changed, WordingEntry)
    )
    assert one.version_hash == two.version_hash != changed.version_hash


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("status: approved", "status: final"), "wording status 'final' is not one of: draft, approved"),
        (
            ("owner: 培训组\n", "owner: 培训组\ncolour: red\n"),
            "unknown wording key(s): colour; valid keys: kind,",
        ),
        (("topic: 产假天数\n", ""), "wording entry lacks topic"),
        (("  - document: 《女职工劳动保护特别规定》\n", "  - where: x\n"), "needs a 'document'"),
        (("effective_from: 2012-04-28", "effective_from: 2012-04-28\neffective_to: 2010-01-01"), "is before"),
        (("女职工生育享受98天产假。", ""), "wording entry has no answer text"),
        (("citations:\n", "not_questions: 流产有假吗\ncitations:\n"), "'not_questions' must be a list"),
        (
            ("citations:\n", "not_questions:\n  - 产假有几天\ncitations:\n"),
            "wording question '产假有几天' is listed in both 'questions' and 'not_questions'",
        ),
    ],
)
def test_parse_source_rejects_a_bad_wording_entry(tmp_path: Path, change: tuple[str, str], message: str):
    with pytest.raises(UnreadableFileError) as excinfo:
        DocumentParser().parse_source(write(tmp_path, ENTRY.replace(*change)))
    assert "invalid wording entry: " in excinfo.value.reason
    assert message in excinfo.value.reason


def test_parse_source_reads_not_questions_and_keeps_the_old_hash_without_them(tmp_path: Path):
    plain = DocumentParser().parse_source(write(tmp_path, ENTRY, "a.md"))
    listed = ENTRY.replace(
        "citations:\n", "not_questions:\n  - 产检请假扣工资吗\n  - 流产有几天假\ncitations:\n"
    )
    entry = DocumentParser().parse_source(write(tmp_path, listed, "b.md"))
    assert isinstance(plain, WordingEntry) and isinstance(entry, WordingEntry)
    assert plain.not_questions == () and entry.not_questions == ("产检请假扣工资吗", "流产有几天假")
    # the hash entries had before `not_questions` existed: re-ingesting them makes no new version
    assert plain.version_hash == "7f9d13c1fa550c42c3b1b3d1e5ba25789e9387adfe4195265dfbe17821e693b6"
    assert entry.version_hash != plain.version_hash


def test_parse_wording_defaults_region_and_strips_title_line():
    entry = parse_wording(
        {
            "id": "X",
            "topic": "t",
            "status": "draft",
            "owner": "o",
            "questions": ["q"],
            "citations": [{"document": "d"}],
        },
        "# Title\n\nAnswer.",
        "x.md",
    )
    assert (entry.region, entry.answer, entry.citations[0].label()) == ("全国", "Answer.", "《d》")


def test_wording_citation_names_document_and_points_at_part():
    article = WordingCitation("中华人民共和国社会保险法", article="第五十八条")
    assert article.names("社会保险法", None) and not article.names("劳动法", None)
    assert article.points_at("第五十八条", "第八章") and not article.points_at("第五十九条", "第八章")
    section = WordingCitation("常德12333知识库-SYB-001", section="一、国家规定的产假")
    assert section.names("女职工产假天数", "常德12333知识库-SYB-001")
    assert section.points_at(None, "生育 / 一、国家规定的产假") and not section.points_at(None, "二、其他")
    assert WordingCitation("某办法").points_at("第三条", "")


NOT_COVERED = """---
kind: not_covered
id: NC-001
topic: 最低工资标准
status: approved
owner: 常德12333培训组
questions:
  - 常德现在的最低工资标准是多少
---

# 最低工资标准（暂未收录）

最低工资标准的具体金额知识库暂未收录，请转接专席。
"""


def test_parse_source_reads_a_topic_not_covered(tmp_path: Path):
    entry = DocumentParser().parse_source(write(tmp_path, NOT_COVERED))
    assert isinstance(entry, WordingEntry)
    assert (entry.kind, entry.wording_id, entry.topic, entry.citations) == (
        "not_covered",
        "NC-001",
        "最低工资标准",
        (),
    )
    assert entry.answer == "最低工资标准的具体金额知识库暂未收录，请转接专席。"
    as_wording = DocumentParser().parse_source(
        write(
            tmp_path,
            NOT_COVERED.replace("kind: not_covered", "kind: wording").replace(
                "owner:", "citations:\n  - document: x\nowner:"
            ),
        )
    )
    assert isinstance(as_wording, WordingEntry) and as_wording.version_hash != entry.version_hash


def test_parse_source_rejects_citations_on_a_topic_not_covered(tmp_path: Path):
    text = NOT_COVERED.replace("owner:", "citations:\n  - document: 劳动法\nowner:")
    with pytest.raises(UnreadableFileError) as excinfo:
        DocumentParser().parse_source(write(tmp_path, text))
    assert (
        "unknown not_covered key(s): citations; valid keys: kind, id, topic, status, owner, approved_at,"
        " effective_from, effective_to, region, questions" in excinfo.value.reason
    )
