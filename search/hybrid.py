"""Score-vector helpers of the ranking: the top of a list, min-max scaling.

Pure functions over full score vectors (one float per clause). Only the
``depth`` best of each list become candidates, which keeps the cost at O(n)
for argpartition plus O(depth) work, whatever the corpus size; how the
candidates' scores are combined is search/features.py (the features) and
search/ranker.py (their weights).
"""

from __future__ import annotations

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


def minmax(values: np.ndarray) -> np.ndarray:
    """Scale to [0, 1]; a constant vector becomes all zeros."""
    if values.size == 0:
        return values.astype(np.float32)
    lo, hi = float(values.min()), float(values.max())
    if hi - lo < 1e-9:
        return np.zeros_like(values, dtype=np.float32)
    return ((values - lo) / (hi - lo)).astype(np.float32)
