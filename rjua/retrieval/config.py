"""Retrieval settings (:class:`HybridConfig`) and how a saved index's stored settings meet the current ones.

Every ranked list that is fused has its own weight here (``<list>_weight``, named by the list's entry
in :data:`rjua.retrieval.fusion.PASSAGE_LISTS`); the case-similarity lists have theirs too.

A saved index stores the settings it was built with. On load (:func:`loaded_config`) only the
**build settings** (:data:`BUILD_SETTINGS`: BM25 tokenizer, faiss index kind, re-ranker, the ones
``rjua index build`` takes) come from the index; every query-time setting (fusion constant and
weights, depths, case votes, query token cap, re-rank depth) is the current :class:`HybridConfig`
default, exactly as for a retriever built in memory, and a stored value that differs is logged
(never applied silently). A caller that wants other query-time settings passes its own config.

>>> c, changed = loaded_config({"tokenizer": "char1", "rrf_k": 10})
>>> c.tokenizer, c.rrf_k == HybridConfig().rrf_k, changed
('char1', True, {'rrf_k': (10, 60)})

Every setting is range-checked when it is made (:data:`RANGES`, :func:`check_setting`): a value that is
not finite, out of its bounds or of the wrong kind is one :class:`~rjua.errors.RJUAError` naming the key.

>>> HybridConfig(depth=-1)
Traceback (most recent call last):
rjua.errors.RJUAError: retrieval.depth: must be a whole number from 1 to 100000, got -1
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass, fields
from typing import Any

from ..errors import RJUAError

__all__ = ["BUILD_SETTINGS", "CHOICES", "FIXED_ON_LOAD", "RANGES", "HybridConfig", "check_setting", "loaded_config"]

log = logging.getLogger(__name__)

BUILD_SETTINGS = ("tokenizer", "index_kind", "reranker")
# what a run cannot change on a loaded index: the build settings, plus the query-token cap the encoder is made with
FIXED_ON_LOAD = (*BUILD_SETTINGS, "query_max_tokens")

# setting -> (kind, low, high): "whole" numbers or any finite "number"; every ``*_weight`` is ("number", 0, 1000)
RANGES: dict[str, tuple[str, float, float]] = {
    "rrf_k": ("number", 0, 1e6),
    "depth": ("whole", 1, 100_000),
    "case_top": ("whole", 0, 10_000),
    "case_power": ("number", 0, 100),
    "query_max_tokens": ("whole", 1, 100_000),   # or None: no cap
    "rerank_depth": ("whole", 1, 10_000),
}
WEIGHT_RANGE = ("number", 0, 1000)
CHOICES = {"tokenizer": ("char2", "char1", "char12", "jieba"), "index_kind": ("auto", "flat", "ivf", "hnsw")}
OPTIONAL = ("query_max_tokens", "reranker")  # None allowed


def _number(key: str, value: Any, kind: str, lo: float, hi: float) -> int | float:
    what = "a whole number" if kind == "whole" else "a number"
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) \
        and lo <= value <= hi and (kind != "whole" or value == int(value))
    if not ok:
        raise RJUAError(f"retrieval.{key}: must be {what} from {lo:g} to {hi:g}, got {value!r}"[:200])
    return int(value) if kind == "whole" else value


def check_setting(key: str, value: Any) -> Any:
    """``value`` for retrieval setting ``key``, checked (finite, bounded, of its kind); a whole number given as
    ``1e3`` comes back as ``1000``. Anything else is an :class:`~rjua.errors.RJUAError` naming the key.

    >>> check_setting("depth", 1e3), check_setting("case_weight", 1.5)
    (1000, 1.5)
    >>> check_setting("case_weight", float("nan"))
    Traceback (most recent call last):
    rjua.errors.RJUAError: retrieval.case_weight: must be a number from 0 to 1000, got nan
    """
    if value is None and key in OPTIONAL:
        return None
    if key in CHOICES:
        if value not in CHOICES[key]:
            raise RJUAError(f"retrieval.{key}: must be one of {', '.join(CHOICES[key])}, got {value!r}"[:200])
        return value
    if key == "reranker":
        if not isinstance(value, str) or not value.strip():
            raise RJUAError(f"retrieval.reranker: must be a model id or path, or 'overlap', got {value!r}"[:200])
        return value
    rng = RANGES.get(key) or (WEIGHT_RANGE if key.endswith("_weight") else None)
    return _number(key, value, *rng) if rng else value


@dataclass
class HybridConfig:
    """Fusion settings (defaults measured on the real valid split; see docs/retrieval.md)."""

    tokenizer: str = "char2"   # BM25 tokenizer: char2 | char1 | char12 | jieba
    rrf_k: int = 60            # reciprocal-rank fusion constant
    depth: int = 100           # candidates taken from each component before fusion
    case_top: int = 10         # similar cases that vote for passages
    case_power: float = 2.0    # vote weight = (sim / best sim) ** case_power
    bm25_weight: float = 1.0   # weight of the BM25 passage list in the fusion
    dense_weight: float = 1.0  # weight of the dense passage list in the fusion
    case_weight: float = 2.0   # weight of the case-expansion list in the fusion
    case_bm25_weight: float = 1.0   # case similarity: weight of BM25 over the case questions
    case_dense_weight: float = 1.0  # case similarity: weight of dense search over the case questions
    # case similarity with the gold context (--context gold): weight of the shared-passage overlap against question
    # similarity (rjua.pipeline.gold_neighbours; 3 chosen on CV5 among 1 / 3 / 10)
    case_gold_weight: float = 3.0
    index_kind: str = "auto"   # faiss index: auto | flat | ivf | hnsw
    # cap on encoded query tokens: 128 cut p50 latency 59.5 -> 39 ms but lowered case-backend F1 (docs/retrieval.md)
    query_max_tokens: int | None = None
    reranker: str | None = None  # optional second-stage model (CrossEncoder id/path, or "overlap"); None = off
    rerank_depth: int = 20     # fused candidates the reranker reorders

    def __post_init__(self):
        for f in fields(self):
            object.__setattr__(self, f.name, check_setting(f.name, getattr(self, f.name)))


def loaded_config(stored: dict[str, Any], current: HybridConfig | None = None) -> tuple[HybridConfig, dict]:
    """The settings a loaded index runs with: ``current`` (default: today's defaults) with the stored
    :data:`BUILD_SETTINGS`; returns it and ``{setting: (stored, used)}`` for stored query-time settings
    that differ (each logged as a warning)."""
    cur = current or HybridConfig()
    kw = {f.name: getattr(cur, f.name) for f in fields(HybridConfig)}
    kw.update({k: stored[k] for k in BUILD_SETTINGS if k in stored})
    changed = {k: (v, kw[k]) for k, v in stored.items() if k in kw and k not in BUILD_SETTINGS and v != kw[k]}
    for k, (old, new) in changed.items():
        log.warning("index was built with %s=%r; using the current setting %r", k, old, new)
    return HybridConfig(**kw), changed
