"""Reciprocal-rank fusion and the passage lists it fuses.

Each fused list is one entry of :data:`PASSAGE_LISTS`: a name (what ``components`` selects and
``PassageHit.components`` reports), the :class:`~rjua.retrieval.config.HybridConfig` field that holds its
weight, and a function ``(retriever, query) -> ranked passage indexes``. :func:`fuse` sums
``weight / (rrf_k + rank)`` over the lists, in registry order.

Adding a list: write its ranking function here and register it with :func:`passage_list`, and add its
``<name>_weight`` field to :class:`~rjua.retrieval.config.HybridConfig` (two files).

>>> sorted(rrf([[1, 2], [2, 3]]).items(), key=lambda x: -x[1])[0][0]
2
>>> list(PASSAGE_LISTS), [p.weight for p in PASSAGE_LISTS.values()]
(['bm25', 'dense', 'cases'], ['bm25_weight', 'dense_weight', 'case_weight'])
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .cases import case_votes
from .rank import rrf, top

__all__ = ["PASSAGE_LISTS", "PassageList", "Query", "fuse", "passage_list", "rrf", "top"]


@dataclass
class Query:
    """What every passage list sees for one search."""

    text: str
    qv: np.ndarray | None                   # query vector (None without dense)
    mask: np.ndarray | None                 # passages allowed as evidence (None: all)
    sims: list[tuple[int, float, float]]    # similar cases: (index, fused score, similarity)


@dataclass(frozen=True)
class PassageList:
    name: str
    weight: str                             # HybridConfig field holding its fusion weight
    rank: Callable[[Any, Query], list[int]]  # (retriever, query) -> ranked passage indexes


PASSAGE_LISTS: dict[str, PassageList] = {}


def passage_list(name: str, weight: str | None = None):
    """Decorator: register ``fn(retriever, query)`` as the fused list ``name`` (weight field ``<name>_weight``)."""
    def register(fn):
        PASSAGE_LISTS[name] = PassageList(name, weight or f"{name}_weight", fn)
        return fn
    return register


def fuse(retriever, query: Query, components: Sequence[str]) -> tuple[list[tuple[int, float]], list[str],
                                                                      list[dict[int, int]]]:
    """Fused ``(index, score)`` best first, and the names and rank maps of the lists that took part.

    >>> from rjua.data import load_all
    >>> from rjua.kb import KnowledgeBase, CaseBase
    >>> from rjua.retrieval.hybrid import HybridRetriever
    >>> s = load_all()
    >>> r = HybridRetriever(KnowledgeBase.from_splits(s), CaseBase.from_splits({"valid": s["valid"]}))
    >>> q = s["test"][0].question
    >>> order, names, ranks = fuse(r, Query(q, None, None, r.similar_cases(q, 10)), ["bm25", "cases"])
    >>> names, order[0][1] > 0, len(ranks)
    (['bm25', 'cases'], True, 2)
    """
    cfg = retriever.config
    chosen = [p for name, p in PASSAGE_LISTS.items() if name in components]
    lists = [p.rank(retriever, query) for p in chosen]
    fused = rrf(lists, [float(getattr(cfg, p.weight)) for p in chosen], cfg.rrf_k)
    ranks = [{i: r for r, i in enumerate(lst, 1)} for lst in lists]
    return sorted(fused.items(), key=lambda x: (-x[1], x[0])), [p.name for p in chosen], ranks


# ------------------------------------------------------------------ the lists
@passage_list("bm25")
def bm25_list(r, q: Query) -> list[int]:
    """BM25 over the passages."""
    bm = r.bm25.scores(q.text)
    if q.mask is not None:
        bm = np.where(q.mask, bm, 0.0)
    return top(bm, r.config.depth)


@passage_list("dense")
def dense_list(r, q: Query) -> list[int]:
    """Dense search over the passage vectors (masked passages skipped, still ``depth`` deep)."""
    depth = r.config.depth
    if r.passage_index is None or q.qv is None or not len(r.passage_index):
        return []
    extra = 0 if q.mask is None else int((~q.mask).sum())
    _, ids = r.passage_index.search(q.qv, depth + extra)
    return [i for i in (int(i) for i in ids[0] if i >= 0) if q.mask is None or q.mask[i]][:depth]


@passage_list("cases", weight="case_weight")
def cases_list(r, q: Query) -> list[int]:
    """Passages cited by the most similar cases, ranked by their votes (:func:`.cases.case_votes`)."""
    if not q.sims:
        return []
    votes = case_votes(r.cases, r.kb, q.sims, r.config.case_top, r.config.case_power)
    if q.mask is not None:
        votes = np.where(q.mask, votes, 0.0)
    return top(votes, r.config.depth)
