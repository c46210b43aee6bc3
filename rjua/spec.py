"""One :class:`RunSpec` for every setting that shapes a prediction.

A spec is a plain frozen value, validated only against its own fields; :func:`rjua.plan.resolve` works
out once what it implies for a run (the backend's common settings, data file and hash, pool, retrieval
configuration) into a :class:`rjua.plan.RunPlan`, which the pipeline, runs, the demo service and
synthesis take. A run manifest is :func:`rjua.plan.manifest` of the plan: ``asdict(spec)`` (secrets and
transport settings left out) with the pool and retrieval configuration resolved and the data hash, so a
resumed run made with any other setting is refused naming the field (:func:`rjua.runs.check_run_manifest`).

``n_cases`` is the one number of similar cases: the pipeline retrieves that many, the case
backend votes over (and is fitted with) that many, and the retriever's passage votes use that many.

>>> spec = RunSpec(context="none", n_cases=7, retrieval={"case_weight": 1.0})
>>> spec.hybrid_config().case_top, spec.hybrid_config().case_weight
(7, 1.0)
>>> RunSpec(retrieval={"case_top": 3})
Traceback (most recent call last):
rjua.errors.RJUAError: retrieval.case_top: set the number of cases with n_cases (--n-cases), not case_top
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

from .errors import RJUAError
from .retrieval.config import FIXED_ON_LOAD, HybridConfig

__all__ = ["RunSpec"]


@dataclass(frozen=True)
class RunSpec:
    """Every setting that shapes a prediction (see the module docstring).

    ``backend_options`` are the backend's own keyword arguments (``base_url``, ``timeout``, ...);
    ``max_new_tokens``, ``n_cases`` and ``seed`` are the common ones (None: the backend's default),
    handed over under each backend's own name by :func:`rjua.backends.get_backend`
    (:func:`rjua.plan.resolve_spec` sets ``max_new_tokens`` and ``seed`` to None for a backend that does not
    take them). ``retrieval``
    overrides fields of :class:`rjua.retrieval.hybrid.HybridConfig` (fusion weights, depth, ...);
    ``k`` is the number of passages given as evidence. ``guard`` removes from every answer what
    contradicts the patient or asserts a patient fact the question does not contain
    (:func:`rjua.faithfulness.guard`; on by default).
    """

    backend: str = "case"
    model: str | None = None
    backend_options: dict[str, Any] = field(default_factory=dict)
    max_new_tokens: int | None = None
    context: str = "retrieved"
    pool: tuple[str, ...] | None = None
    kb_splits: str | tuple[str, ...] | None = None
    embedder: str | None = None
    index: str | None = None
    retrieval: dict[str, Any] = field(default_factory=dict)
    n_cases: int = 10
    k: int = 5
    context_tokens: int | None = None
    seed: int | None = None
    guard: bool = True

    def __post_init__(self):
        fix = object.__setattr__
        fix(self, "backend_options", dict(self.backend_options or {}))
        fix(self, "retrieval", dict(self.retrieval or {}))
        if self.pool is not None:
            fix(self, "pool", tuple(self.pool) or None)
        if self.kb_splits is not None and not isinstance(self.kb_splits, str):
            fix(self, "kb_splits", tuple(self.kb_splits))
        if isinstance(self.index, os.PathLike):
            fix(self, "index", os.fspath(self.index))
        for name in ("max_new_tokens", "n_cases", "k", "context_tokens"):
            v = getattr(self, name)
            if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 1):
                raise RJUAError(f"--{name.replace('_', '-')} must be a whole number >= 1, got {v!r}")
        known = {f.name for f in fields(HybridConfig)}
        for key in self.retrieval:
            if key == "case_top":
                raise RJUAError("retrieval.case_top: set the number of cases with n_cases (--n-cases), not case_top")
            if key not in known:
                raise RJUAError(f"retrieval.{key}: unknown retrieval setting; known: "
                                f"{', '.join(sorted(known - {'case_top'}))}")

    def hybrid_config(self, base=None):
        """``base`` (default: the current :class:`HybridConfig` defaults) with ``n_cases`` and ``retrieval``."""
        return replace(base if base is not None else HybridConfig(), case_top=self.n_cases, **self.retrieval)

    def apply_retrieval(self, retriever) -> None:
        """Apply ``n_cases`` and ``retrieval`` to a loaded retriever; another build-time field is refused."""
        cfg = self.hybrid_config(retriever.config)
        for name in FIXED_ON_LOAD:
            if getattr(cfg, name) != getattr(retriever.config, name):
                raise RJUAError(f"retrieval.{name}: index {self.index} was built with "
                                f"{getattr(retriever.config, name)!r}; rebuild it ('rjua index build') to use "
                                f"{getattr(cfg, name)!r}")
        retriever.config = cfg

    @classmethod
    def from_options(cls, backend: str = "case", model: str | None = None, context: str = "retrieved",
                     pool: Sequence[str] | None = None, embedder: str | None = None, index=None,
                     backend_options: dict | None = None, kb_splits=None, **kw) -> RunSpec:
        """A spec from the older keyword style (``build_pipeline``/``predict_split`` arguments)."""
        return cls(backend=backend, model=model, context=context, pool=pool, embedder=embedder, index=index,
                   backend_options=backend_options or {}, kb_splits=kb_splits, **kw)
