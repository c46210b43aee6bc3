"""Optional re-ranking stage: a second model scores (query, passage) pairs of the fused top candidates.

* :class:`CrossEncoderReranker`: any sentence-transformers ``CrossEncoder`` by hub id or path
  (e.g. ``BAAI/bge-reranker-base``), loaded lazily, remote code off;
* :class:`OverlapReranker`: model-free character-bigram overlap (tests, smoke runs).

The reranker reorders the first ``rerank_depth`` fused passages by its scores; the rest keep
their fused order.

>>> int(OverlapReranker().scores("输尿管结石", ["前列腺增生", "输尿管结石伴积水"]).argmax())
1
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .bm25 import tokenize
from .encoder import load_st_model

__all__ = ["CrossEncoderReranker", "OverlapReranker", "load_reranker"]


class OverlapReranker:
    name = "overlap"

    def scores(self, query: str, passages: Sequence[str]) -> np.ndarray:
        q = set(tokenize(query))
        return np.array([len(q & set(tokenize(p))) / (len(q) or 1) for p in passages], dtype=float)


class CrossEncoderReranker:
    def __init__(self, name_or_path: str, device: str = "cpu", batch_size: int = 16, max_length: int = 512,
                 trust_remote_code: bool = False):
        self.name, self.device, self.batch_size, self.max_length = str(name_or_path), device, batch_size, max_length
        self.trust_remote_code = trust_remote_code
        self._model = None

    @property
    def model(self):
        if self._model is None:
            self._model = load_st_model("CrossEncoder", self.name, "reranker", "re-ranking", device=self.device,
                                        max_length=self.max_length, trust_remote_code=self.trust_remote_code)
        return self._model

    def scores(self, query: str, passages: Sequence[str]) -> np.ndarray:
        if not passages:
            return np.zeros(0)
        out = self.model.predict([(query, p) for p in passages], batch_size=self.batch_size, show_progress_bar=False)
        return np.asarray(out, dtype=float).reshape(len(passages), -1)[:, -1]


def load_reranker(name: str | None):
    """``None``/``"none"`` -> no re-ranking; ``overlap`` -> :class:`OverlapReranker`; else a CrossEncoder.

    >>> load_reranker("none") is None, load_reranker("overlap").name
    (True, 'overlap')
    """
    if not name or name.lower() == "none":
        return None
    if name == "overlap":
        return OverlapReranker()
    return CrossEncoderReranker(name)
