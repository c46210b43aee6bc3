"""Okapi BM25 over Chinese tokens (the ``bm25s`` library, fed rjua's tokenisers).

Tokenisers: ``char2`` (character bigrams, the default: measured best on RJUA-QA,
see docs/retrieval.md), ``char1`` (characters), ``char12`` (both), ``jieba`` (word segmentation).

>>> bm = BM25("char2").fit(["左输尿管结石伴肾积水", "前列腺增生导致尿潴留"])
>>> int(bm.scores("输尿管结石").argmax())
0
"""
from __future__ import annotations

from typing import Sequence

import bm25s
import numpy as np

from ..text import content_chars, ngrams

__all__ = ["BM25", "TOKENIZERS", "tokenize"]

TOKENIZERS = ("char2", "char1", "char12", "jieba")


def tokenize(text: str, kind: str = "char2") -> list[str]:
    """Tokens of ``text`` (NFKC, lower-cased, whitespace and punctuation dropped).

    >>> tokenize("肾结石。", "char2")
    ['肾结', '结石']
    """
    t = content_chars(text, lower=True)
    if kind == "char1":
        return list(t)
    if kind == "char2":
        return ngrams(t, 2) or list(t)
    if kind == "char12":
        return list(t) + ngrams(t, 2)
    if kind == "jieba":
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        return [w for w in jieba.lcut(t) if w.strip()]
    raise ValueError(f"unknown tokenizer {kind!r}; choose one of {TOKENIZERS}")


class BM25:
    """BM25 scorer: ``fit(docs)`` then ``scores(query)`` for every doc.

    The index and scoring are the ``bm25s`` library's (Lucene variant: IDF ``log(1 + (N - df + 0.5) / (df + 0.5))``),
    fed rjua's tokens; its scores are multiplied by ``k1 + 1`` so they read on the textbook Okapi scale. Measured
    against the former hand-written sparse-matrix scorer on the RJUA-QA knowledge base (309 passages, 211 valid
    questions, char2, k1 1.2, b 0.75; 2026-12-03, ``scripts/bench_bm25.py --repeats 3``): scores equal to 5e-16,
    every top-20 ranking identical, so retrieval-eval metrics are identical; 0.66 vs 0.52 ms a query and
    0.12 vs 0.09 s to index (best of 3, shared 2 cores), a difference too small to matter (docs/results.md).

    >>> bm = BM25().fit(["肾结石", "前列腺增生"])  # 2 x log(2) x 2.2 / (1 + 1.2 x (0.25 + 0.75 x 2 / 3))
    >>> [round(float(x), 4) for x in bm.scores("肾结石 肾结石")]  # unique query terms
    [1.6052, 0.0]
    >>> BM25().fit(["。", ""]).scores("肾")  # no tokens anywhere: zero scores, no error
    array([0., 0.])
    """

    def __init__(self, tokenizer: str = "char2", k1: float = 1.2, b: float = 0.75):
        if tokenizer not in TOKENIZERS:
            raise ValueError(f"unknown tokenizer {tokenizer!r}; choose one of {TOKENIZERS}")
        self.tokenizer, self.k1, self.b = tokenizer, k1, b
        self.n_docs: int | None = None
        self._model: bm25s.BM25 | None = None

    @property
    def vocab(self) -> set[str]:
        """The indexed tokens."""
        return set(self._model.vocab_dict) - {""} if self._model is not None else set()

    def fit(self, docs: Sequence[str]) -> "BM25":
        corpus = [tokenize(d, self.tokenizer) for d in docs]
        self.n_docs, self._model = len(corpus), None
        if any(corpus):  # bm25s cannot index a corpus without a single token
            self._model = bm25s.BM25(k1=self.k1, b=self.b, method="lucene", dtype="float64")
            self._model.index(corpus, show_progress=False)
        return self

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for ``query`` (unique query terms)."""
        if self.n_docs is None:
            raise RuntimeError("BM25.fit() first")
        known = self._model.vocab_dict if self._model is not None else {}
        toks = sorted({t for t in tokenize(query, self.tokenizer) if t in known})
        if not toks:
            return np.zeros(self.n_docs)
        return np.asarray(self._model.get_scores(toks), dtype=np.float64) * (self.k1 + 1)
