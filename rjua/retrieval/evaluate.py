"""Retrieval evaluation: hit@k, recall@k, MRR@k, nDCG@k against each record's own context.

The relevant set of a record is the passages of its own context. The case base
never contains the record being evaluated (leave-one-out when the split is also
the pool).

>>> ranking_metrics(["a", "x", "b"], {"a", "b"})["mrr@10"]
1.0
"""
from __future__ import annotations

import math
from typing import Sequence

from .. import progress
from ..data import Record
from ..errors import RJUAError
from ..kb import passage_id
from .hybrid import COMPONENTS, HybridRetriever

__all__ = ["ABLATIONS", "evaluate", "ranking_metrics"]

ABLATIONS = {
    "bm25": ("bm25",),
    "dense": ("dense",),
    "cases": ("cases",),
    "bm25+dense": ("bm25", "dense"),
    "bm25+cases": ("bm25", "cases"),
    "hybrid": COMPONENTS,
}


def ranking_metrics(ranked: Sequence[str], relevant: set[str]) -> dict[str, float]:
    """Metrics of one ranked list of ids (binary relevance).

    >>> m = ranking_metrics(["x", "a"], {"a"})
    >>> m["hit@5"], m["mrr@10"], round(m["ndcg@10"], 4)
    (1.0, 0.5, 0.6309)
    """
    hit5 = float(any(x in relevant for x in ranked[:5]))
    rec20 = len(set(ranked[:20]) & relevant) / len(relevant) if relevant else 0.0
    mrr = next((1.0 / i for i, x in enumerate(ranked[:10], 1) if x in relevant), 0.0)
    dcg = sum(1.0 / math.log2(i + 1) for i, x in enumerate(ranked[:10], 1) if x in relevant)
    idcg = sum(1.0 / math.log2(i + 1) for i in range(1, min(10, len(relevant)) + 1))
    return {"hit@5": hit5, "recall@20": rec20, "mrr@10": mrr, "ndcg@10": dcg / idcg if idcg else 0.0}


def evaluate(retriever: HybridRetriever, records: Sequence[Record], split: str,
             modes: Sequence[str] | None = None) -> dict[str, dict[str, float]]:
    """Mean metrics per retrieval mode over ``records`` of ``split`` (leave-one-out cases)."""
    modes = list(modes or [m for m in ABLATIONS if retriever.has_dense or "dense" not in ABLATIONS[m]])
    bad = [m for m in modes if m not in ABLATIONS]
    if bad:  # was a bare KeyError after loading the index
        raise RJUAError(f"unknown retrieval mode(s) {', '.join(map(repr, bad))}; choose from {', '.join(ABLATIONS)}")
    out = {}
    for mode in modes:
        sums: dict[str, float] = {}
        if len(records) >= progress.MIN_ITEMS:
            progress.phase(f"evaluating {mode} on {len(records)} {split} questions…")
        for r in progress.bar(records, total=len(records), desc=mode):
            res = retriever.search(r.question, k=20, n_cases=0, exclude_cases={f"{split}:{r.id}"},
                                   components=ABLATIONS[mode])
            m = ranking_metrics([h.id for h in res.passages], {passage_id(t) for t in r.passages})
            for key, v in m.items():
                sums[key] = sums.get(key, 0.0) + v
        out[mode] = {k: round(v / max(1, len(records)), 4) for k, v in sums.items()}
        out[mode]["n"] = len(records)
    return out
