"""Per-owner best cosines: the wording entries' and the knowledge sections' example questions."""

from __future__ import annotations

import numpy as np
import pytest

from kb_assistant.store.question_vectors import best_of_each, two_best_of_each


def test_best_of_each_gives_minus_one_to_owners_without_rows():
    vectors = np.eye(3, dtype=np.float32)
    query = np.array([0.2, 0.9, 0.4], dtype=np.float32)
    assert best_of_each(vectors, np.array([0, 0, 1]), query, 3).tolist() == pytest.approx([0.9, 0.4, -1.0])


def test_two_best_of_each_gives_the_runner_up_per_owner_and_minus_one_without():
    vectors = np.eye(4, dtype=np.float32)
    query = np.array([0.9, 0.5, 0.5, 0.1], dtype=np.float32)
    best, second = two_best_of_each(vectors, np.array([0, 0, 1, 0]), query, 3)
    assert best.tolist() == pytest.approx([0.9, 0.5, -1.0])
    assert second.tolist() == pytest.approx([0.5, -1.0, -1.0])  # owner 1 has one row, owner 2 none
    tied, runner_up = two_best_of_each(
        np.eye(2, dtype=np.float32), np.array([0, 0]), np.array([0.7, 0.7], np.float32), 1
    )
    assert (tied.tolist(), runner_up.tolist()) == (pytest.approx([0.7]), pytest.approx([0.7]))
