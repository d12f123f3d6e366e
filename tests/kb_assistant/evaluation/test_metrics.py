"""Article-level metrics on hand-computed cases (the arithmetic is in the comments)."""

from __future__ import annotations

import math

import pytest

from kb_assistant.evaluation.metrics import (
    article_key,
    hit_at_k,
    mean,
    mrr_at_k,
    ndcg_at_k,
    recall_at_k,
)

LAW = "中华人民共和国劳动合同法"
A, B, C, D, E, F = ((LAW, f"第{n}条") for n in "一二三四五六")
X, Y = ("工伤保险条例", "第一条"), ("工伤保险条例", "第二条")
LOG3 = math.log2(3)  # 1/log2(3) = 0.63093, the discount at rank 2
LOG5 = math.log2(5)  # 1/log2(5) = 0.43068, the discount at rank 4


def test_recall_at_k_share_of_gold_in_top_k():
    ranking = [A, X, B, Y]
    gold = [A, B, C]
    # top 2 = A, X: 1 of 3 gold found -> 1/3
    assert recall_at_k(ranking, gold, 2) == pytest.approx(1 / 3)
    # top 4 = A, X, B, Y: 2 of 3 -> 2/3
    assert recall_at_k(ranking, gold, 4) == pytest.approx(2 / 3)


def test_hit_at_k_one_when_any_gold_in_top_k():
    ranking = [X, Y, B]
    # top 2 = X, Y: no gold -> 0; top 3 reaches B -> 1
    assert hit_at_k(ranking, [B, C], 2) == 0.0
    assert hit_at_k(ranking, [B, C], 3) == 1.0


def test_mrr_at_k_reciprocal_rank_of_first_gold():
    ranking = [X, Y, B, A]
    # first gold (B) at rank 3 -> 1/3; A at rank 4 does not matter
    assert mrr_at_k(ranking, [A, B], 10) == pytest.approx(1 / 3)
    # within the top 2 there is no gold -> 0
    assert mrr_at_k(ranking, [A, B], 2) == 0.0


def test_ndcg_at_k_binary_relevance_ideal_over_gold_count():
    ranking = [X, A, Y, B]
    # DCG = 1/log2(2+1) + 1/log2(4+1) = 0.63093 + 0.43068 = 1.06161
    # ideal: 3 gold, k=4 -> ranks 1..3: 1 + 0.63093 + 0.5 = 2.13093
    # nDCG = 1.06161 / 2.13093 = 0.49819
    expected = (1 / LOG3 + 1 / LOG5) / (1 + 1 / LOG3 + 0.5)
    assert ndcg_at_k(ranking, [A, B, C], 4) == pytest.approx(expected)
    assert expected == pytest.approx(0.49819, abs=1e-5)


def test_metrics_gold_beyond_k_ideal_capped_at_k():
    gold = [A, B, C, D, E, F]
    ranking = [A, B, X]
    # k=2: 2 of 6 gold found -> recall 1/3
    assert recall_at_k(ranking, gold, 2) == pytest.approx(2 / 6)
    # DCG = 1 + 0.63093; ideal over min(6, 2) = 2 ranks = the same -> nDCG 1.0
    assert ndcg_at_k(ranking, gold, 2) == pytest.approx(1.0)
    assert mrr_at_k(ranking, gold, 2) == 1.0
    assert hit_at_k(ranking, gold, 2) == 1.0


def test_metrics_duplicate_keys_count_once_at_first_occurrence():
    ranking = [A, A, B]
    gold = [A, B]
    # k=2: A then A again (a wasted slot) -> 1 of 2 gold -> recall 0.5
    assert recall_at_k(ranking, gold, 2) == pytest.approx(0.5)
    # DCG = 1 (the copy at rank 2 earns nothing); ideal = 1 + 0.63093 -> 1/1.63093 = 0.61315
    assert ndcg_at_k(ranking, gold, 2) == pytest.approx(1 / (1 + 1 / LOG3))
    # k=3: B at rank 3 -> DCG = 1 + 1/log2(4) = 1.5; nDCG = 1.5 / 1.63093 = 0.91972
    assert ndcg_at_k(ranking, gold, 3) == pytest.approx(1.5 / (1 + 1 / LOG3))
    assert recall_at_k(ranking, gold, 3) == 1.0


def test_metrics_duplicate_gold_counted_once():
    # gold [A, A] is one article: found at rank 1 -> recall 1/1, nDCG 1/1
    assert recall_at_k([A], [A, A], 10) == 1.0
    assert ndcg_at_k([A], [A, A], 10) == 1.0


def test_metrics_titles_compared_canonically():
    ranking = [("社会保险法（2018年修正）", "第六十条"), ("劳动合同法", "第 十 条")]
    gold = [("《中华人民共和国社会保险法》", "第六十条"), ("中华人民共和国劳动合同法", "第十条")]
    assert recall_at_k(ranking, gold, 2) == 1.0
    # the same article under two spellings of the title is one key: the second copy earns nothing
    # DCG = 1, ideal over 2 gold = 1 + 0.63093 -> 0.61315
    twice = [("中华人民共和国劳动法", "第一条"), ("劳动法", "第一条")]
    assert ndcg_at_k(twice, [("劳动法", "第一条"), ("劳动法", "第二条")], 2) == pytest.approx(
        1 / (1 + 1 / LOG3)
    )
    assert article_key("《中华人民共和国劳动法》", " 第一条 ") == ("劳动法", "第一条")


def test_metrics_empty_gold_returns_none_not_zero():
    for metric in (recall_at_k, hit_at_k, mrr_at_k, ndcg_at_k):
        assert metric([A, B], [], 10) is None


def test_metrics_empty_ranking_scores_zero():
    for metric in (recall_at_k, hit_at_k, mrr_at_k, ndcg_at_k):
        assert metric([], [A], 10) == 0.0


def test_metrics_bad_k_raises():
    with pytest.raises(ValueError, match="k must be >= 1"):
        recall_at_k([A], [A], 0)


def test_mean_skips_unscored_queries():
    # (1.0 + 0.0) / 2: the None (empty gold) is skipped, not counted as 0
    assert mean([1.0, None, 0.0]) == pytest.approx(0.5)
    assert mean([None, None]) is None
    assert mean([]) is None
