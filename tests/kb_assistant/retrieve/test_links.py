import pytest

from kb_assistant.retrieve.links import ArticleLinks, LinkConfig
from tests.kb_assistant.retrieve.rows import row

ROWS = [
    row("劳动合同法", "第一条", "第一条 为了完善劳动合同制度，制定本法。"),
    row("劳动合同法", "第四十六条", "第四十六条 有下列情形之一的，用人单位应当向劳动者支付经济补偿。"),
    row("劳动合同法", "第四十七条", "第四十七条 经济补偿按劳动者在本单位工作的年限支付。"),
    row("劳动合同法", "第四十八条", "第四十八条 用人单位应当依照本法第八十七条规定支付赔偿金。"),
    row("劳动合同法", "第八十七条", "第八十七条 依照本法第四十七条规定的经济补偿标准的二倍支付赔偿金。"),
    row("劳动合同法", "第八十七条", "（续）赔偿金的其余部分。", position=1),
    row("劳动法", None, "附则", position=9),
]


def test_links_neighbours_are_adjacent_articles_of_the_same_document():
    links = ArticleLinks(ROWS)
    assert links.neighbours[("劳动合同法", "第四十七条")] == (
        ("劳动合同法", "第四十六条"),
        ("劳动合同法", "第四十八条"),
    )
    assert links.neighbours[("劳动合同法", "第一条")] == (("劳动合同法", "第二条"),)
    assert links.neighbours[("劳动法", "#9")] == ()


def test_links_citations_point_both_ways_without_self_links():
    links = ArticleLinks(ROWS)
    assert links.cites[("劳动合同法", "第四十八条")] == (("劳动合同法", "第八十七条"),)
    assert links.cited_by[("劳动合同法", "第八十七条")] == (("劳动合同法", "第四十八条"),)
    assert ("劳动合同法", "第八十七条") in links.cited_by[("劳动合同法", "第四十七条")]
    assert ("劳动合同法", "第一条") not in links.cites


def test_spread_gives_linked_candidates_a_share_of_strong_scores():
    links = ArticleLinks(ROWS)
    ranked = [(4, 1.0), (1, 0.5), (3, 0.4), (2, 0.1)]
    config = LinkConfig(neighbour_weight=0.2, cites_weight=0.1, cited_by_weight=0.05)
    out = dict(links.spread(ROWS, ranked, config))
    assert out[3] == pytest.approx(0.4 + 0.2 * 0.1 + 0.1 * 1.0)  # neighbour 47, cites 87
    assert out[2] == pytest.approx(0.1 + 0.2 * (0.5 + 0.4) + 0.05 * 1.0)  # neighbours 46+48, cited by 87
    assert out[4] == pytest.approx(1.0 + 0.1 * 0.1 + 0.05 * 0.4)  # cites 47, cited by 48


def test_spread_keeps_one_row_per_article_and_only_candidates():
    links = ArticleLinks(ROWS)
    ranked = [(5, 0.9), (4, 0.3), (2, 0.2)]
    out = links.spread(ROWS, ranked, LinkConfig(neighbour_weight=0.5))
    # the best part of 第八十七条 stands for the article; 第四十六条 was never a candidate
    assert [r for r, _ in out] == [5, 2]


def test_spread_with_neutral_config_only_dedupes():
    links = ArticleLinks(ROWS)
    assert links.spread(ROWS, [(1, 0.5), (2, 0.7)], LinkConfig()) == [(2, 0.7), (1, 0.5)]


def test_link_config_negative_weight_is_rejected():
    with pytest.raises(ValueError):
        LinkConfig(cites_weight=-0.1)
    assert LinkConfig().neutral and not LinkConfig(neighbour_weight=0.1).neutral
