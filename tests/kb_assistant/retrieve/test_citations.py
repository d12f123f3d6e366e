from kb_assistant.retrieve.citations import article_citations, document_mentions, document_names
from tests.kb_assistant.retrieve.test_priors import ROWS


def test_article_citations_resolve_self_quoted_and_bare_titles():
    cited = list(article_citations(ROWS, document_names(ROWS)))
    assert len(cited) == 4
    assert set(cited) == {
        (2, "劳动合同法", "第四十七条"),  # 本法第四十七条
        (3, "劳动合同法", "第八十七条"),  # 依照劳动合同法第八十七条
        (4, "劳动合同法", "第四十六条"),  # 《中华人民共和国劳动合同法》第四十六条、第四十七条
        (4, "劳动合同法", "第四十七条"),
    }


def test_document_mentions_skip_a_document_naming_itself():
    mentions = list(document_mentions(ROWS, document_names(ROWS)))
    assert (3, "劳动合同法") in mentions and (4, "劳动合同法") in mentions
    assert all(ROWS[i].doc_key != target for i, target in mentions)


def test_document_mentions_skip_a_name_inside_a_longer_name():
    from kb_assistant.retrieve.citations import _whole_name

    text = "依据《国务院关于渐进式延迟法定退休年龄的办法》和劳动合同法第十条，见《劳动法》。"
    stem = text.index("渐进式延迟法定退休年龄")
    assert not _whole_name(text, stem, stem + len("渐进式延迟法定退休年龄"))
    law = text.index("劳动合同法")
    assert _whole_name(text, law, law + len("劳动合同法"))
    quoted = text.index("劳动法")
    assert _whole_name(text, quoted, quoted + len("劳动法"))
