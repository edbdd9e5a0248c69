"""Score-vector helpers on small inline vectors."""

from __future__ import annotations

import numpy as np

from search.hybrid import minmax, top_indices


def test_top_indices_best_first_ties_by_index() -> None:
    s = np.array([0.1, 0.9, 0.5, 0.9])
    assert top_indices(s, 3).tolist() == [1, 3, 2]
    assert top_indices(s, 10).tolist() == [1, 3, 2, 0]
    assert top_indices(np.zeros(0), 3).tolist() == []


def test_minmax_scales_to_unit_and_flattens_constants() -> None:
    assert minmax(np.array([10.0, 0.0, 5.0])).tolist() == [1.0, 0.0, 0.5]
    assert minmax(np.array([2.0, 2.0])).tolist() == [0.0, 0.0]
