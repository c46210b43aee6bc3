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
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, fields
from typing import Any

__all__ = ["BUILD_SETTINGS", "FIXED_ON_LOAD", "HybridConfig", "loaded_config"]

log = logging.getLogger(__name__)

BUILD_SETTINGS = ("tokenizer", "index_kind", "reranker")
# what a run cannot change on a loaded index: the build settings, plus the query-token cap the encoder is made with
FIXED_ON_LOAD = (*BUILD_SETTINGS, "query_max_tokens")


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
    index_kind: str = "auto"   # faiss index: auto | flat | ivf | hnsw
    # cap on encoded query tokens: 128 cut p50 latency 59.5 -> 39 ms but lowered case-backend F1 (docs/retrieval.md)
    query_max_tokens: int | None = None
    reranker: str | None = None  # optional second-stage model (CrossEncoder id/path, or "overlap"); None = off
    rerank_depth: int = 20     # fused candidates the reranker reorders


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
