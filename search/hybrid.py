"""Fusing ranked lists: reciprocal-rank fusion and a score-normalized blend.

Why both exist: RRF (Cormack et al., 2009) needs no score calibration, which
is what BM25 (unbounded) and e5 cosines (bunched in 0.8–0.95) lack; the
blend keeps how *much* better the first dense hit is, which RRF throws away.
Both were measured on the dev set over the same clauses; the service
uses the blend (``RankConfig.fusion`` in search/service.py).

All functions are pure and work on full score vectors (one float per
clause) so that boosts from the graph can be added before the final top-k.
Only the ``depth`` best of each list take part, which keeps the cost at
O(n) for argpartition plus O(depth) work, whatever the corpus size.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def top_indices(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` highest scores, best first (ties by index)."""
    n = scores.shape[0]
    if n == 0 or k <= 0:
        return np.zeros(0, dtype=np.int64)
    k = min(k, n)
    part = np.argpartition(-scores, k - 1)[:k]
    # lexsort: last key is primary; stable on index for ties.
    order = np.lexsort((part, -scores[part]))
    return part[order]


def rrf(
    score_lists: Sequence[np.ndarray],
    *,
    k: float = 60.0,
    depth: int = 100,
    weights: Sequence[float] | None = None,
    valid: Sequence[np.ndarray] | None = None,
) -> dict[int, float]:
    """Reciprocal-rank fusion of several score vectors over the same documents.

    ``valid`` masks, one per list, exclude documents a list has no opinion on
    (e.g. BM25 score 0 means "no query term", not "rank 57").
    """
    weights = list(weights) if weights is not None else [1.0] * len(score_lists)
    fused: dict[int, float] = {}
    for i, (scores, w) in enumerate(zip(score_lists, weights)):
        idx = top_indices(scores, depth)
        if valid is not None:
            idx = idx[valid[i][idx]]
        for rank, doc in enumerate(idx.tolist()):
            fused[doc] = fused.get(doc, 0.0) + w / (k + rank + 1)
    return fused


def minmax(values: np.ndarray) -> np.ndarray:
    """Scale to [0, 1]; a constant vector becomes all zeros."""
    if values.size == 0:
        return values.astype(np.float32)
    lo, hi = float(values.min()), float(values.max())
    if hi - lo < 1e-9:
        return np.zeros_like(values, dtype=np.float32)
    return ((values - lo) / (hi - lo)).astype(np.float32)


def blend(score_lists: Sequence[np.ndarray], *, weights: Sequence[float], depth: int = 100) -> dict[int, float]:
    """Weighted sum of min-max-normalized scores over the union of each list's top ``depth``.

    Normalization is over that candidate union, so the best candidate of a
    list gets 1 and the worst 0 whatever the raw scale.
    """
    cand = np.unique(np.concatenate([top_indices(s, depth) for s in score_lists]))
    if cand.size == 0:
        return {}
    total = np.zeros(cand.size, dtype=np.float32)
    for scores, w in zip(score_lists, weights):
        total += w * minmax(scores[cand].astype(np.float32))
    return dict(zip(cand.tolist(), total.tolist()))
