import pytest

from kb_assistant.retrieve.fusion import FusionMode, fuse


def test_fuse_rrf_sums_reciprocal_ranks():
    fused = fuse([[(1, 9.0), (2, 8.0)], [(2, 0.9), (3, 0.8)]], mode=FusionMode.RRF, rrf_k=60)
    scores = dict(fused)
    assert scores[2] == pytest.approx(1 / 62 + 1 / 61)
    assert scores[1] == pytest.approx(1 / 61)
    assert scores[3] == pytest.approx(1 / 62)
    assert [row for row, _ in fused] == [2, 1, 3]


def test_fuse_rrf_weights_scale_each_list():
    fused = fuse([[(1, 1.0)], [(2, 1.0)]], weights=[1.0, 2.0], rrf_k=0)
    assert fused == [(2, 2.0), (1, 1.0)]


def test_fuse_score_mode_normalises_each_list():
    fused = dict(fuse([[(1, 10.0), (2, 5.0)], [(2, 0.5), (1, 0.3)]], mode=FusionMode.SCORE))
    assert fused[1] == pytest.approx(1.0)
    assert fused[2] == pytest.approx(1.0)


def test_fuse_ties_break_by_row_for_determinism():
    assert [r for r, _ in fuse([[(5, 1.0)], [(3, 1.0)]])] == [3, 5]


def test_fuse_rejects_weight_count_mismatch():
    with pytest.raises(ValueError, match="got 1 weights for 2 ranked lists"):
        fuse([[], []], weights=[1.0])


def test_fuse_empty_lists_give_empty_result():
    assert fuse([[], []]) == []
