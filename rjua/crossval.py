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

from .backends import get_backend
from .data import Record, load_all
from .kb import CaseBase, KnowledgeBase
from .pipeline import Pipeline
from .retrieval.hybrid import HybridRetriever

__all__ = ["cross_validate", "fold_assignment"]


def fold_assignment(ids: Sequence[str], k: int, seed: int = 0) -> dict[str, int]:
    """Balanced, deterministic folds: ids sorted by a seeded hash, dealt round-robin.

    >>> fold_assignment(["a", "b", "c", "d"], 2)
    {'a': 0, 'b': 1, 'c': 0, 'd': 1}
    """
    order = sorted(ids, key=lambda i: hashlib.sha1(f"{seed}:{i}".encode()).hexdigest())
    return {i: n % k for n, i in enumerate(order)}


def cross_validate(records: Sequence[Record], split: str, k: int = 5, data_dir=None, encoder=None,
                   backend_options: dict | None = None, seed: int = 0, kb=None, progress=None,
                   context: str = "retrieved"):
    """Predictions for every record, each made by a pipeline fitted on the other ``k - 1`` folds
    (``k`` <= 1: leave-one-out, one pipeline over the whole split that never sees the record answered).

    Returns ``(predictions in record order, fold of each id)``. ``encoder``: an
    encoder object (e.g. :class:`rjua.retrieval.encoder.CachedEncoder`) or None for lexical retrieval;
    ``context``: the pipeline's evidence mode (``retrieved``, ``gold``: each record's own context, ``none``).

    >>> from rjua.data import load_split
    >>> recs = load_split("valid")
    >>> preds, folds = cross_validate(recs, "valid", k=3)
    >>> len(preds) == len(recs), all(p.id == r.id for p, r in zip(preds, recs))
    (True, True)
    """

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
