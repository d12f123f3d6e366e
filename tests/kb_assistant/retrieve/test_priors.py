import numpy as np
import pytest

from kb_assistant.retrieve.priors import DocumentPriors
from kb_assistant.retrieve.search import PriorConfig
from tests.kb_assistant.retrieve.rows import row

ROWS = [
    row("劳动合同法", "第四十六条", "第四十六条 有下列情形之一的，用人单位应当向劳动者支付经济补偿。"),
    row("劳动合同法", "第四十七条", "第四十七条 经济补偿按劳动者在本单位工作的年限支付。"),
    row(
        "劳动合同法",
        "第八十七条",
        "第八十七条 依照本法第四十七条规定的经济补偿标准的二倍向劳动者支付赔偿金。",
    ),
    row(
        "劳动合同法实施条例",
        "第二十五条",
        "第二十五条 依照劳动合同法第八十七条的规定支付了赔偿金的，不再支付经济补偿。",
        title="中华人民共和国劳动合同法实施条例",
    ),
    row(
        "上海市劳动合同条例",
        "第一条",
        "第一条 根据《中华人民共和国劳动合同法》第四十六条、第四十七条和有关法律，制定本条例。",
        region="上海市",
        title="上海市劳动合同条例",
    ),
]


def test_priors_count_self_quoted_and_bare_title_citations():
    priors = DocumentPriors(ROWS)
    assert (
        priors.article_cites[("劳动合同法", "第四十七条")] == 2
    )  # 本法第四十七条 + 《…》第四十六条、第四十七条
    assert priors.article_cites[("劳动合同法", "第四十六条")] == 1
    assert priors.article_cites[("劳动合同法", "第八十七条")] == 1  # 劳动合同法第八十七条
    assert ("劳动合同法", "第二十五条") not in priors.article_cites


def test_priors_longest_title_wins_over_its_prefix():
    priors = DocumentPriors(ROWS)
    assert priors.document_cites["劳动合同法"] == 2
    assert priors.document_cites["劳动合同法实施条例"] == 0


def test_priors_cited_articles_weigh_more_uncited_weigh_one():
    priors = DocumentPriors(ROWS, article_weight=1.0, document_weight=0.0)
    weights = priors.weights(1.0, None)
    assert weights[1] == pytest.approx(1 + np.log1p(2))
    assert weights[3] == pytest.approx(1.0)


def test_priors_local_penalty_only_without_region():
    priors = DocumentPriors(ROWS, article_weight=0.0, document_weight=0.0)
    assert priors.weights(0.5, None)[4] == pytest.approx(0.5)
    assert priors.weights(0.5, "上海市")[4] == pytest.approx(1.0)
    assert priors.weights(0.5, None)[0] == pytest.approx(1.0)


def test_prior_config_rejects_out_of_range_values():
    with pytest.raises(ValueError, match="local_penalty must be in"):
        PriorConfig(local_penalty=0.0)
    with pytest.raises(ValueError, match="prior weights must be >= 0"):
        PriorConfig(article_weight=-1)
