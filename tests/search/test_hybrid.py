"""Fusion functions on small inline score vectors."""

from __future__ import annotations

import numpy as np

from search.hybrid import blend, minmax, rrf, top_indices


def test_top_indices_best_first_ties_by_index() -> None:
    s = np.array([0.1, 0.9, 0.5, 0.9])
    assert top_indices(s, 3).tolist() == [1, 3, 2]
    assert top_indices(s, 10).tolist() == [1, 3, 2, 0]
    assert top_indices(np.zeros(0), 3).tolist() == []


def test_rrf_rewards_agreement_and_respects_masks() -> None:
    lex = np.array([3.0, 0.0, 1.0, 2.0])
    dense = np.array([0.80, 0.95, 0.90, 0.10])
    fused = rrf([lex, dense], k=60, valid=[lex > 0, np.ones(4, bool)])
    assert max(fused, key=fused.get) in (0, 2)
    # doc 1 has no lexical match: only its dense rank counts
    assert fused[1] == 1 / 61


def test_blend_normalizes_each_list() -> None:
    a = np.array([10.0, 0.0, 5.0])
    b = np.array([0.5, 1.0, 0.75])
    out = blend([a, b], weights=[1.0, 1.0])
    assert out[0] == 1.0 and out[1] == 1.0 and abs(out[2] - 1.0) < 1e-6
    assert minmax(np.array([2.0, 2.0])).tolist() == [0.0, 0.0]
