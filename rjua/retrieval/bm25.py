"""Okapi BM25 over Chinese tokens, vectorised with a sparse matrix.

Tokenisers: ``char2`` (character bigrams, the default: measured best on RJUA-QA,
see docs/retrieval.md), ``char1`` (characters), ``char12`` (both), ``jieba`` (word segmentation).

>>> bm = BM25("char2").fit(["左输尿管结石伴肾积水", "前列腺增生导致尿潴留"])
>>> int(bm.scores("输尿管结石").argmax())
0
"""
from __future__ import annotations

from collections import Counter
from typing import Sequence

import numpy as np
from scipy import sparse

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
    """BM25 scorer: ``fit(docs)`` then ``scores(query)`` for every doc."""

    def __init__(self, tokenizer: str = "char2", k1: float = 1.2, b: float = 0.75):
        if tokenizer not in TOKENIZERS:
            raise ValueError(f"unknown tokenizer {tokenizer!r}; choose one of {TOKENIZERS}")
        self.tokenizer, self.k1, self.b = tokenizer, k1, b
        self.vocab: dict[str, int] = {}
        self.matrix = None

    def fit(self, docs: Sequence[str]) -> "BM25":
        rows, cols, tfs = [], [], []
        lengths = np.zeros(len(docs))
        for i, d in enumerate(docs):
            toks = tokenize(d, self.tokenizer)
            lengths[i] = len(toks)
            for tok, n in Counter(toks).items():
                rows.append(i)
                cols.append(self.vocab.setdefault(tok, len(self.vocab)))
                tfs.append(n)
        n_docs = len(docs)
        tf = np.asarray(tfs, dtype=np.float64)
        df = np.bincount(cols, minlength=len(self.vocab)) if cols else np.zeros(0)
        idf = np.log1p((n_docs - df + 0.5) / (df + 0.5))
        avg = lengths.mean() if n_docs and lengths.mean() > 0 else 1.0
        rows_a, cols_a = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
        denom = tf + self.k1 * (1 - self.b + self.b * lengths[rows_a] / avg)
        w = idf[cols_a] * tf * (self.k1 + 1) / denom if len(tf) else tf
        self.matrix = sparse.csc_matrix((w, (rows_a, cols_a)), shape=(n_docs, len(self.vocab)))
        self.n_docs = n_docs
        return self

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for ``query`` (unique query terms)."""
        if self.matrix is None:
            raise RuntimeError("BM25.fit() first")
        ids = sorted({self.vocab[t] for t in tokenize(query, self.tokenizer) if t in self.vocab})
        if not ids:
            return np.zeros(self.n_docs)
        return np.asarray(self.matrix[:, ids].sum(axis=1)).ravel()
