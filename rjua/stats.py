"""Descriptive statistics of a split (what ``rjua data stats`` prints).

>>> from rjua.data import load_split
>>> split_stats(load_split("valid"))["n"]
16
"""
from __future__ import annotations

from collections import Counter
from typing import Any, Sequence

from .data import Record

__all__ = ["split_stats"]


def split_stats(records: Sequence[Record], top: int = 10) -> dict[str, Any]:
    """Counts, average lengths, passages per record, label vocabulary, top diseases."""
    n = len(records)

    def mean(xs):
        return round(sum(xs) / n, 1) if n else 0.0

    n_pass = [len(r.passages) for r in records]
    diseases = Counter(d for r in records for d in r.diseases)
    advices = Counter(a for r in records for a in r.advices)
    return {
        "n": n,
        "avg_chars": {k: mean([len(getattr(r, k)) for r in records]) for k in ("question", "context", "answer")},
        "passages_per_record": {"mean": mean(n_pass), "min": min(n_pass, default=0), "max": max(n_pass, default=0)},
        "distinct_passages": len({p for r in records for p in r.passages}),
        "distinct_diseases": len(diseases),
        "distinct_advice_items": len(advices),
        "diseases_per_record": mean([len(r.diseases) for r in records]),
        "advice_items_per_record": mean([len(r.advices) for r in records]),
        "top_diseases": diseases.most_common(top),
    }
