"""question → evidence → prompt → backend → extraction → :class:`Prediction`.

Context modes: ``retrieved`` (hybrid retrieval over the knowledge base and similar
cases), ``gold`` (the record's own context, as in the dataset's task: its passages are the
evidence, and similar cases are those whose question is similar **or** whose own context shares
those passages, :func:`gold_neighbours`), ``none`` (no passages). The record being
answered is always excluded from its own case base, and nothing of its labels
reaches the prompt.

>>> p = build_pipeline(split="test")
>>> pred = p.answer("我右侧腰部绞痛，尿里有血，B超提示右输尿管结石")
>>> bool(pred.diseases), pred.evidence["passage_ids"][0].startswith("p"), pred.disclaimer == NOT_MEDICAL_ADVICE
(True, True, True)
"""
from __future__ import annotations

import os
import re
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Sequence

from .backends import GenRequest, needs_retriever, prepare_backend
from .data import Record
from .errors import RJUAError
from .extract import Vocabulary, extract
from .faithfulness import guard
from .kb import passage_id
from .plan import RunPlan, make_backend, resolve, resolve_pool
from .prompts import DEFAULT_CONTEXT_TOKENS, NOT_MEDICAL_ADVICE, build_messages
from .retrieval.build import build_retriever
from .retrieval.config import HybridConfig
from .retrieval.hybrid import CaseHit, HybridRetriever, PassageHit, check_query
from .spec import RunSpec

__all__ = ["CONTEXT_MODES", "GOLD_OVERLAP_WEIGHT", "LabelPool", "Pipeline", "Prediction", "answer", "build_pipeline",
           "gold_neighbours", "pool_retriever", "sections_reply"]

CONTEXT_MODES = ("retrieved", "gold", "none")
GOLD_OVERLAP_WEIGHT = HybridConfig.case_gold_weight  # the default of the retrieval setting ``case_gold_weight``
_REPLY = re.compile(r"(?:^|\n)\s*[*#【\[]*\s*回答\s*[】\]*]*\s*[:：]\s*")


@dataclass
class Prediction:
    """One answer with its evidence; what ``rjua predict`` writes (one JSON line)."""

    id: str
    answer: str
    diseases: list[str]
    advices: list[str]
    evidence: dict[str, Any]
    backend: str
    model: str
    latency_s: float
    question: str = ""
    raw: str = ""
    disease_rule: str = ""
    advice_rule: str = ""
    error: str | None = None
    completion_tokens: int = 0
    disclaimer: str = NOT_MEDICAL_ADVICE
    guard_removed: list[dict[str, str]] = field(default_factory=list)  # what contradicted the patient or asserted
    # unsupported patient facts (rjua.faithfulness.guard), removed

    def to_json(self) -> dict[str, Any]:
        """The JSON line: ``rjua score`` reads ``id``, ``answer``, ``disease``, ``advice``."""
        d = asdict(self)
        d["disease"], d["advice"] = d.pop("diseases"), d.pop("advices")
        return d


class Pipeline:
    """Answer questions with a backend and a retriever (see module docstring)."""

    def __init__(self, backend, retriever: HybridRetriever | None, context: str = "retrieved", k: int = 5,
                 n_cases: int = 10, context_tokens: int = DEFAULT_CONTEXT_TOKENS, split: str | None = None,
                 guard: bool = True):
        if context not in CONTEXT_MODES:
            raise RJUAError(f"unknown context mode {context!r}; choose one of: {', '.join(CONTEXT_MODES)}")
        if retriever is None and (context == "retrieved" or needs_retriever(backend)):
            raise RJUAError("this configuration needs a retriever (knowledge base and case base)")
        self.backend, self.retriever, self.context = backend, retriever, context
        self.k, self.n_cases, self.context_tokens, self.split = k, n_cases, context_tokens, split
        self.guard = guard
        self._labels = LabelPool(retriever) if retriever is not None else None

    def _evidence(self, question: str, record: Record | None, exclude: frozenset[str]):
        passages, cases = [], []
        if self.retriever is not None:
            res = self.retriever.search(question, k=self.k, n_cases=self.n_cases, exclude_cases=exclude)
            passages, cases = res.passages, res.cases
        if self.context == "gold":
            if record is None:
                raise RJUAError("context 'gold' needs a dataset record")
            passages = [PassageHit(passage_id(t), t, 0.0, {"gold": i}) for i, t in enumerate(record.passages, 1)]
            if self.retriever is not None:
                cases = gold_neighbours(self.retriever, question, [p.id for p in passages], self.n_cases, exclude,
                                        self.retriever.config.case_gold_weight)
        elif self.context == "none":
            passages = []
        return passages, cases

    def _request(self, question: str, record: Record | None, extra_exclude: Iterable[str] = ()) -> GenRequest:
        question = check_query(question)
        own = {f"{self.split}:{record.id}"} if record is not None and self.split else ()
        exclude = frozenset(own) | frozenset(extra_exclude)
        passages, cases = self._evidence(question, record, exclude)
        msgs = build_messages(question, [p.text for p in passages], self.context_tokens, self.backend.count_tokens)
        return GenRequest(question, msgs, cases, passages, exclude)

    def answer_many(self, items: Sequence[tuple[str, Record | None]], ids: Sequence[str] | None = None,
                    exclude: Iterable[str] = ()) -> list[Prediction]:
        """Answer a batch of ``(question, record-or-None)``; one backend call for the batch.

        ``exclude``: further case keys (``split:id``) kept out of the evidence.
        """
        t0 = time.perf_counter()
        exclude = tuple(exclude)
        reqs = [self._request(q, r, exclude) for q, r in items]
        results = self.backend.generate(reqs)
        each = (time.perf_counter() - t0) / max(1, len(items))
        preds = []
        for n, ((q, rec), req, res) in enumerate(zip(items, reqs, results)):
            vocab = self._labels.vocabulary(req.exclude) if self._labels is not None else None
            ex = extract(res.text, res.diseases, res.advices, vocab)
            for kind in ("disease", "advice"):  # a backend's list left empty on purpose is read from no prose
                if getattr(res, kind + "s") == []:
                    setattr(ex, kind + "s", [])
                    setattr(ex, kind + "_rule", "field")
            reply = sections_reply(res.text)
            diseases, advices, removed = ex.diseases, ex.advices, []
            if self.guard:  # nothing that contradicts the patient reaches the answer, whatever the backend wrote
                diseases, advices, reply, removed = guard(q, diseases, advices, reply)
            pid = ids[n] if ids else (rec.id if rec is not None else f"q{n}")
            preds.append(Prediction(
                id=pid, answer=reply, diseases=diseases, advices=advices,
                evidence={"context": self.context, "passage_ids": [p.id for p in req.passages],
                          "passages": [{"id": p.id, "text": p.text, "score": p.score} for p in req.passages],
                          "similar_cases": [{"key": c.key, "similarity": c.similarity, "diseases": list(c.diseases)}
                                            for c in req.cases]},
                backend=self.backend.name, model=self.backend.model, latency_s=round(each, 4), question=q,
                raw=res.text, disease_rule=ex.disease_rule, advice_rule=ex.advice_rule, error=res.error,
                completion_tokens=res.completion_tokens, guard_removed=[f.to_dict() for f in removed]))
        return preds

    def answer(self, question: str, record: Record | None = None, exclude: Iterable[str] = ()) -> Prediction:
        """Answer one question (``record`` for gold context and the leakage guard)."""
        return self.answer_many([(question, record)], exclude=exclude)[0]


def gold_neighbours(retriever: HybridRetriever, question: str, passage_ids: Sequence[str], n: int,
                    exclude: Iterable[str] = (), weight: float = GOLD_OVERLAP_WEIGHT) -> list:
    """The ``n`` cases most similar to a question **with its own context**: similarity
    ``(question similarity + weight · Jaccard(shared passage ids)) / (1 + weight)``, over the cases
    retrieved for the question and every case whose context shares one of ``passage_ids``.

    >>> r, _ = pool_retriever("test")
    >>> c = r.cases.cases[0]
    >>> [h.key for h in gold_neighbours(r, "随便问问", c.passage_ids, 1)] == [c.key]
    True
    """
    from dataclasses import replace


    ids, ex = set(passage_ids), set(exclude)
    hits = {h.key: h for h in retriever.search(question, k=0, n_cases=max(3 * n, 30), exclude_cases=ex).cases}
    for c in retriever.cases.cases:
        if c.key not in hits and c.key not in ex and ids & set(c.passage_ids):
            hits[c.key] = CaseHit(c.key, c.id, c.question, c.diseases, c.advices, c.passage_ids, 0.0, c.answer, 0.0)

    def score(h) -> float:
        shared = ids | set(h.passage_ids)
        jac = len(ids & set(h.passage_ids)) / len(shared) if shared else 0.0
        return (h.similarity + weight * jac) / (1 + weight)

    ranked = sorted(hits.values(), key=lambda h: (-score(h), h.key))[:n]
    return [replace(h, similarity=round(score(h), 6)) for h in ranked]


class LabelPool:
    """Label vocabulary of the case base, minus the labels of excluded records."""

    def __init__(self, retriever: HybridRetriever):
        self.by_key = {c.key: c for c in retriever.cases.cases}
        self.d = Counter(x for c in retriever.cases.cases for x in c.diseases)
        self.a = Counter(x for c in retriever.cases.cases for x in c.advices)
        self._full = Vocabulary.from_items(self.d, self.a)

    def vocabulary(self, exclude: Iterable[str]) -> Vocabulary:
        ex = [self.by_key[k] for k in exclude if k in self.by_key]
        if not ex:
            return self._full
        d, a = self.d.copy(), self.a.copy()
        for c in ex:
            d.subtract(c.diseases)
            a.subtract(c.advices)
        return Vocabulary.from_items([x for x, n in d.items() if n > 0], [x for x, n in a.items() if n > 0])


def sections_reply(text: str) -> str:
    """The doctor-style reply of a generation: its ``回答：`` section when present, else the whole text."""
    m = _REPLY.search(text or "")
    return text[m.end():].strip() if m else (text or "").strip()


def pool_retriever(split: str | None, data_dir=None, pool: Sequence[str] | None = None, index=None,
                   embedder: str | None = None, config=None, chosen: list[str] | None = None,
                   info: dict | None = None) -> tuple[HybridRetriever, list[str]]:
    """The retriever ``split`` is answered or evaluated with, and its pool (:func:`resolve_pool`).

    With ``index`` the saved index is loaded and restricted to the pool when it holds more splits
    (a split in the pool is then answered leave-one-out, excluded by ``split:id``); without one, the
    retriever is built in memory over the pool (``config``: its :class:`HybridConfig`). One rule for
    every path: ``build_pipeline``, ``rjua eval`` and ``rjua retrieval-eval``. ``chosen``: the pool when
    already resolved and ``info`` the index manifest already read (a :class:`~rjua.plan.RunPlan`'s).

    >>> r, pool = pool_retriever("test")
    >>> pool == r.pool == ["valid"]
    True
    """

    chosen = resolve_pool(split, data_dir, pool, index, info) if chosen is None else chosen
    if index is not None:
        retriever = HybridRetriever.load(index, embedder=embedder, info=info)
        if retriever.pool != chosen:
            retriever = retriever.restrict(chosen)
    else:
        retriever, _ = build_retriever(data_dir, chosen, embedder, config=config)
    return retriever, chosen


def build_pipeline(split: str | None = None, data_dir: str | os.PathLike | None = None, backend: str = "case",
                   model: str | None = None, context: str = "retrieved", pool: Sequence[str] | None = None,
                   embedder: str | None = None, index: str | os.PathLike | None = None,
                   backend_options: dict | None = None, kb_splits: Sequence[str] | str | None = None,
                   spec: RunSpec | None = None, plan: RunPlan | None = None, **kw) -> Pipeline:
    """A pipeline for answering ``split`` (or free questions when ``split`` is None).

    The settings come from ``plan`` (:func:`rjua.plan.resolve`; ``split`` and ``data_dir`` are then the
    plan's), else from ``spec`` (:class:`~rjua.spec.RunSpec`); without either, from the keyword
    arguments (``kw``: further RunSpec fields such as ``context_tokens``, ``n_cases``, ``k``).
    The pool defaults to every labelled split other than ``split`` (the same split,
    leave-one-out, when there is no other), with or without a prebuilt index; an index
    over more splits is restricted to the pool at load time. ``kb_splits`` is the
    knowledge-base policy (:meth:`HybridRetriever.set_kb_policy`; default every passage).

    >>> build_pipeline("test", spec=RunSpec(context="none", n_cases=3)).n_cases
    3
    """
    if plan is None:
        if spec is None:
            spec = RunSpec.from_options(backend, model, context, pool, embedder, index, backend_options, kb_splits,
                                        **kw)
        plan = resolve(spec, split, data_dir)
    spec, split, data_dir = plan.spec, plan.split, plan.data
    retriever, chosen = pool_retriever(split, data_dir, spec.pool, spec.index, spec.embedder,
                                       None if spec.index is not None else spec.hybrid_config(), plan.pool,
                                       plan.index_info)
    if spec.index is not None:
        spec.apply_retrieval(retriever)
    retriever.set_kb_policy(spec.kb_splits)
    be = make_backend(spec)
    prepare_backend(be, retriever)
    extra = {"context_tokens": spec.context_tokens} if spec.context_tokens else {}
    pipe = Pipeline(be, retriever, context=spec.context, split=split, k=spec.k, n_cases=spec.n_cases,
                    guard=spec.guard, **extra)
    pipe.pool, pipe.kb_splits, pipe.spec = chosen, retriever.kb_splits, spec
    return pipe


def answer(question: str, backend: str = "case", model: str | None = None, data_dir=None, **kw) -> Prediction:
    """Answer one patient question (convenience wrapper; builds a pipeline each call).

    >>> answer("我65岁，夜尿4次，小便很慢很细").disclaimer == NOT_MEDICAL_ADVICE
    True
    """
    return build_pipeline(None, data_dir, backend, model, **kw).answer(question)
