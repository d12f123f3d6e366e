"""Front matter `section_questions`: callers' questions a knowledge section answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import UnreadableFileError
from ingest.parse import DocumentParser

ARTICLE = """---
title: 失业保险金申领要点
doc_number: 常德12333知识库-T-001
issuer: 常德市12333咨询服务热线
region: 全国
level: 热线知识库
effective_from: 2023-12-01
topics: [失业保险]
---

# 失业保险金申领要点

## 一、领取条件

失业前缴费满一年，非因本人意愿中断就业，已办理失业登记。（依据：《中华人民共和国社会保险法》第四十五条）

## 二、怎样申领

到参保地公共就业服务机构办理失业登记后申领。（实务提示）
"""
QUESTIONS = """section_questions:
  一、领取条件:
    - 自己辞职能领失业金不
    - "  交了半年社保失业了能领吗  "
    - ""
topics: [失业保险]"""


def write(tmp_path: Path, text: str, name: str = "article.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_section_questions_go_onto_the_chunks_of_their_section(tmp_path: Path):
    doc = DocumentParser().parse(write(tmp_path, ARTICLE.replace("topics: [失业保险]", QUESTIONS)))
    by_section = {c.heading: c.questions for c in doc.chunks}
    assert by_section == {
        "一、领取条件": ("自己辞职能领失业金不", "交了半年社保失业了能领吗"),
        "二、怎样申领": (),
    }
    assert doc.meta.section_questions == (("一、领取条件", by_section["一、领取条件"]),)


def test_section_questions_change_the_version_but_not_the_chunks(tmp_path: Path):
    plain = DocumentParser().parse(write(tmp_path, ARTICLE, "a.md"))
    asked = DocumentParser().parse(write(tmp_path, ARTICLE.replace("topics: [失业保险]", QUESTIONS), "b.md"))
    # the hash this document had before section questions existed: re-ingesting makes no new version
    assert plain.version_hash == "b2697690016fc6f1f0d153aca8b4ddef1fc6c013f77441c461b0e8e649c5b75d"
    assert asked.version_hash != plain.version_hash
    assert [c.text for c in asked.chunks] == [c.text for c in plain.chunks]  # embedded once


def test_section_questions_naming_no_heading_are_rejected(tmp_path: Path):
    text = ARTICLE.replace("topics: [失业保险]", QUESTIONS.replace("一、领取条件:", "三、领多久:"))
    with pytest.raises(UnreadableFileError) as excinfo:
        DocumentParser().parse(write(tmp_path, text))
    assert excinfo.value.reason == (
        "invalid front matter: section_questions names '三、领多久', which is not a '## ' heading"
        " of this file (headings: 一、领取条件、二、怎样申领)"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("[自己辞职能领吗]", "front matter key 'section_questions' must map each '## ' heading to a list"),
        (
            "{一、领取条件: 自己辞职能领吗}",
            "front matter key 'section_questions: 一、领取条件' must be a list",
        ),
    ],
)
def test_section_questions_of_the_wrong_shape_are_rejected(tmp_path: Path, value: str, message: str):
    text = ARTICLE.replace("topics: [失业保险]", f"section_questions: {value}")
    with pytest.raises(UnreadableFileError) as excinfo:
        DocumentParser().parse(write(tmp_path, text))
    assert excinfo.value.reason.startswith("invalid front matter: " + message)
