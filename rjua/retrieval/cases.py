"""Case expansion: the labelled cases most similar to a query, and their votes for passages.

Similar cases are ranked by weighted reciprocal-rank fusion of BM25 and dense similarity of their
questions (weights ``case_bm25_weight`` / ``case_dense_weight``); the top ``case_top`` vote for the
passages they cite with weight ``(score / best score) ** case_power``. Excluded cases (the record
being answered) never vote and are never returned.

>>> from rjua.kb import Case, CaseBase, KnowledgeBase, Passage
>>> kb = KnowledgeBase([Passage("p1", "a"), Passage("p2", "b")])
>>> cb = CaseBase([Case("valid:1", "q", (), (), ("p2",)), Case("valid:2", "q", (), (), ("p1",))])
>>> case_votes(cb, kb, [(0, 0.04, 1.0), (1, 0.02, 0.5)], case_top=10, power=2.0).tolist()
[0.25, 1.0]
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from .rank import rrf, top

__all__ = ["case_votes", "similar_cases"]


def case_votes(cases, kb, sims: Sequence[tuple[int, float, float]], case_top: int, power: float) -> np.ndarray:
    """Votes per passage of ``kb`` from the first ``case_top`` of ``sims`` (``(case index, score, similarity)``,
    best first): each case adds ``(score / best score) ** power`` to every passage it cites."""
    votes = np.zeros(len(kb))
    if not sims:
        return votes
    best = sims[0][1]
    for ci, s, _ in sims[:case_top]:
        w = (s / best) ** power
        for pid in cases.cases[ci].passage_ids:
            votes[kb.index_of(pid)] += w
    return votes


def similar_cases(r, query: str, k: int = 5, exclude: Iterable[str] = (), qv=None,
                  use_dense: bool = True) -> list[tuple[int, float, float]]:
    """``(index, fused rank score, similarity)`` of the ``k`` cases of retriever ``r`` most similar to ``query``.

    ``similarity`` is the mean of BM25 / best BM25 and the cosine (when dense is used).

    >>> from rjua.data import load_all
    >>> from rjua.kb import KnowledgeBase, CaseBase
    >>> from rjua.retrieval.hybrid import HybridRetriever
    >>> s = load_all()
    >>> r = HybridRetriever(KnowledgeBase.from_splits(s), CaseBase.from_splits({"valid": s["valid"]}))
    >>> [r.cases.cases[i].key for i, _, _ in similar_cases(r, s["valid"][0].question, 2)][0]
    'valid:101'
    >>> "valid:101" in [r.cases.cases[i].key for i, _, _ in similar_cases(r, s["valid"][0].question, 5, {"valid:101"})]
    False
    """

    if not len(r.cases):
        return []
    cfg = r.config
    ex = {i for i in (r.cases.index_of(key) for key in exclude) if i is not None}
    depth = cfg.depth + len(ex)
    bm = r.case_bm25.scores(query)
    if ex:
        bm[list(ex)] = 0.0
    lists, weights = [[i for i in top(bm, depth) if i not in ex]], [cfg.case_bm25_weight]
    cos: dict[int, float] = {}
    if use_dense and r.case_index is not None and qv is not None:
        scores, ids = r.case_index.search(qv, depth)
        cos = {int(i): float(s) for s, i in zip(scores[0], ids[0]) if i >= 0 and int(i) not in ex}
        lists.append(list(cos))
        weights.append(cfg.case_dense_weight)
    fused = rrf(lists, weights, k=cfg.rrf_k)
    top_bm = float(bm.max()) or 1.0
    out = []
    for i, f in sorted(fused.items(), key=lambda x: (-x[1], x[0]))[:k]:
        parts = [max(0.0, float(bm[i])) / top_bm] + ([max(0.0, cos.get(i, 0.0))] if cos else [])
        out.append((i, f, sum(parts) / len(parts)))
    return out
