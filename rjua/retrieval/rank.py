"""Ranking primitives shared by fusion and the similar-case search: weighted reciprocal-rank fusion and top-k.

They sit below both :mod:`rjua.retrieval.fusion` and :mod:`rjua.retrieval.cases`, so neither imports the other's
caller.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["rrf", "top"]


def rrf(rankings: Sequence[Sequence[int]], weights: Sequence[float] | None = None, k: int = 60) -> dict[int, float]:
    """Weighted reciprocal-rank fusion of ranked id lists: sum of w / (k + rank).

    >>> rrf([[1, 2]], [2.0], k=0)
    {1: 2.0, 2: 1.0}
    """
    out: dict[int, float] = {}
    for lst, w in zip(rankings, weights or [1.0] * len(rankings)):
        for rank, i in enumerate(lst, 1):
            out[i] = out.get(i, 0.0) + w / (k + rank)
    return out


def top(scores: np.ndarray, depth: int, positive: bool = True) -> list[int]:
    """Indexes of the ``depth`` highest scores (ties by index), only positive ones unless ``positive=False``.

    >>> top(np.array([0.0, 3.0, 1.0]), 5)
    [1, 2]
    """
    idx = np.argsort(-scores, kind="stable")[:depth]
    return [int(i) for i in idx if not positive or scores[i] > 0]
