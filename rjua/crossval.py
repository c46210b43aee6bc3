"""Honest k-fold cross-validation of the ``case`` backend on one labelled split.

Leave-one-out on a pool tunes the selector with neighbours and label counts drawn
from the whole pool, so near-duplicate records leak into each other's features. Here
every fold is answered by a pipeline built **only** from the other folds: the case
base, the label frequencies, the selector's cross-fitted weights, the neighbours used
to build its training features and the label ontology all come from the training
folds. The knowledge base (guideline passages, i.e. the questions' context, not
labels) is shared, as in leave-one-out.

>>> from rjua.data import load_split
>>> recs = load_split("valid")
>>> folds = fold_assignment([r.id for r in recs], 3)
>>> sorted(set(folds.values())), len(folds) == len(recs)
([0, 1, 2], True)
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from .data import Record

__all__ = ["CachedEncoder", "cross_validate", "fold_assignment"]


def fold_assignment(ids: Sequence[str], k: int, seed: int = 0) -> dict[str, int]:
    """Balanced, deterministic folds: ids sorted by a seeded hash, dealt round-robin.

    >>> fold_assignment(["a", "b", "c", "d"], 2)
    {'a': 0, 'b': 1, 'c': 0, 'd': 1}
    """
    order = sorted(ids, key=lambda i: hashlib.sha1(f"{seed}:{i}".encode()).hexdigest())
    return {i: n % k for n, i in enumerate(order)}


class CachedEncoder:
    """Wraps an encoder and remembers every vector it computed (folds share the encodings)."""

    def __init__(self, encoder):
        self.inner, self.name = encoder, encoder.name
        self._q: dict[str, np.ndarray] = {}
        self._d: dict[str, np.ndarray] = {}

    def fingerprint(self) -> str:
        return self.inner.fingerprint()

    def _enc(self, texts, cache, fn) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in cache]
        if todo:
            for t, v in zip(todo, fn(todo)):
                cache[t] = v
        return np.stack([cache[t] for t in texts]) if texts else np.zeros((0, 1), dtype=np.float32)

    def save(self, path) -> None:
        """Write the cached vectors (npz + the texts as JSON), keyed by the encoder's fingerprint."""
        import json

        data = {"fingerprint": self.fingerprint(), "q": list(self._q), "d": list(self._d)}
        arrays = {"q": np.stack(list(self._q.values())) if self._q else np.zeros((0, 1)),
                  "d": np.stack(list(self._d.values())) if self._d else np.zeros((0, 1))}
        np.savez(path, meta=np.array(json.dumps(data, ensure_ascii=False)), **arrays)

    def load(self, path) -> int:
        """Read vectors written by :meth:`save` for the same encoder; returns how many were loaded (0 if stale)."""
        import json
        import os

        if not os.path.exists(path):
            return 0
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            if meta["fingerprint"] != self.fingerprint():
                return 0
            self._q.update(zip(meta["q"], z["q"]))
            self._d.update(zip(meta["d"], z["d"]))
        return len(meta["q"]) + len(meta["d"])

    def encode_queries(self, texts):
        return self._enc(list(texts), self._q, self.inner.encode_queries)

    def encode_docs(self, texts):
        return self._enc(list(texts), self._d, self.inner.encode_docs)


def cross_validate(records: Sequence[Record], split: str, k: int = 5, data_dir=None, encoder=None,
                   backend_options: dict | None = None, seed: int = 0, kb=None, progress=None,
                   context: str = "retrieved"):
    """Predictions for every record, each made by a pipeline fitted on the other ``k - 1`` folds
    (``k`` <= 1: leave-one-out, one pipeline over the whole split that never sees the record answered).

    Returns ``(predictions in record order, fold of each id)``. ``encoder``: an
    encoder object (e.g. :class:`CachedEncoder`) or None for lexical retrieval; ``context``: the
    pipeline's evidence mode (``retrieved``, ``gold``: each record's own context, ``none``).

    >>> from rjua.data import load_split
    >>> recs = load_split("valid")
    >>> preds, folds = cross_validate(recs, "valid", k=3)
    >>> len(preds) == len(recs), all(p.id == r.id for p, r in zip(preds, recs))
    (True, True)
    """
    from .backends import get_backend
    from .data import load_all
    from .kb import CaseBase, KnowledgeBase
    from .pipeline import Pipeline
    from .retrieval.hybrid import HybridRetriever

    folds = fold_assignment([r.id for r in records], k, seed) if k > 1 else {r.id: 0 for r in records}
    kb = kb if kb is not None else KnowledgeBase.from_splits(load_all(data_dir))
    pvec = encoder.encode_docs(kb.texts) if encoder is not None else None
    out = {}
    for f in range(max(k, 1)):
        # k <= 1: leave-one-out over the whole split (the pipeline excludes each record from its own pool)
        train = [r for r in records if folds[r.id] != f] if k > 1 else list(records)
        test = [r for r in records if folds[r.id] == f]
        cases = CaseBase.from_splits({split: train})
        cvec = encoder.encode_queries([c.question for c in cases.cases]) if encoder is not None else None
        retriever = HybridRetriever(kb, cases, encoder, passage_vectors=pvec, case_vectors=cvec)
        be = get_backend("case", **(backend_options or {}))
        be.fit(retriever)
        pipe = Pipeline(be, retriever, context=context, split=split)
        for p in pipe.answer_many([(r.question, r) for r in test]):
            out[p.id] = p
        if progress is not None:
            progress(f + 1, max(k, 1))
    return [out[r.id] for r in records], folds
