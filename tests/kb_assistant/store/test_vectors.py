"""Contract every VectorStore implementation must pass."""

import numpy as np
import pytest

from kb_assistant.errors import ConfigError, StoreError
from kb_assistant.store.vectors import ChromaVectorStore, VectorStore


def unit_vectors(n: int, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = rng.standard_normal((n, 384)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_vector_store_satisfies_protocol(vector_store: ChromaVectorStore):
    assert isinstance(vector_store, VectorStore)


def test_vector_store_query_returns_nearest_first_with_cosine(vector_store: ChromaVectorStore):
    vectors = unit_vectors(20)
    vector_store.upsert([f"h{i}" for i in range(20)], vectors)
    result = vector_store.query(vectors[3], 5)
    assert result[0][0] == "h3"
    assert result[0][1] == pytest.approx(1.0, abs=1e-4)
    assert [s for _, s in result] == sorted((s for _, s in result), reverse=True)


def test_vector_store_upsert_is_idempotent(vector_store: ChromaVectorStore):
    vectors = unit_vectors(5)
    ids = [f"h{i}" for i in range(5)]
    vector_store.upsert(ids, vectors)
    vector_store.upsert(ids, vectors)
    assert vector_store.count() == 5


def test_vector_store_existing_reports_only_stored_ids(vector_store: ChromaVectorStore):
    vector_store.upsert(["a", "b"], unit_vectors(2))
    assert vector_store.existing(["a", "b", "c", "a"]) == {"a", "b"}


def test_vector_store_query_on_empty_store_returns_nothing(vector_store: ChromaVectorStore):
    assert vector_store.query(unit_vectors(1)[0], 5) == []


def test_vector_store_query_caps_n_at_count(vector_store: ChromaVectorStore):
    vector_store.upsert(["a", "b"], unit_vectors(2))
    assert len(vector_store.query(unit_vectors(1, seed=3)[0], 10)) == 2


def test_chroma_vector_store_rejects_bad_url():
    with pytest.raises(ConfigError, match="KB_CHROMA_URL must look like http://host:port"):
        ChromaVectorStore("x-test", url="localhost:8000")


def test_chroma_vector_store_needs_exactly_one_location(tmp_path):
    with pytest.raises(ConfigError, match="exactly one of path"):
        ChromaVectorStore("x-test")


def test_vector_store_fetch_returns_vectors_in_requested_order(vector_store: ChromaVectorStore):
    vectors = unit_vectors(3)
    vector_store.upsert(["a", "b", "c"], vectors)
    fetched = vector_store.fetch(["c", "a"])
    np.testing.assert_allclose(fetched, vectors[[2, 0]], atol=1e-6)


def test_vector_store_fetch_missing_id_is_an_error(vector_store: ChromaVectorStore):
    vector_store.upsert(["a"], unit_vectors(1))
    with pytest.raises(StoreError, match=r"1 vector\(s\) missing from the vector store, e\.g\. zz"):
        vector_store.fetch(["a", "zz"])
