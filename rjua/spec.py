"""One :class:`RunSpec` for every setting that shapes a prediction.

The CLI, the demo service, :func:`rjua.runs.predict_split` / :func:`~rjua.runs.eval_split`,
:func:`rjua.pipeline.build_pipeline` and synthesis all take one. A run manifest is
``asdict(spec)`` (secrets and transport settings left out, the pool and the retrieval
configuration resolved) plus the data hashes, so a resumed run made with any other setting
is refused naming the field (:func:`rjua.runs.check_run_manifest`).

``n_cases`` is the one number of similar cases: the pipeline retrieves that many, the case
backend votes over (and is fitted with) that many, and the retriever's passage votes use that many.

>>> spec = RunSpec(context="none", n_cases=7, retrieval={"case_weight": 1.0})
>>> spec.hybrid_config().case_top, spec.hybrid_config().case_weight, spec.make_backend().top_cases
(7, 1.0, 7)
>>> RunSpec(retrieval={"case_top": 3})
Traceback (most recent call last):
rjua.errors.RJUAError: retrieval.case_top: set the number of cases with n_cases (--n-cases), not case_top
"""
from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from .errors import RJUAError

__all__ = ["BUILD_TIME", "RunSpec"]

# HybridConfig fields fixed when a retriever is built (BM25 tokens, faiss kind, encoder cap, reranker model);
# a saved index keeps its own and refuses another value. Every other field applies at query time.
# build settings of an index, plus the query-token cap (given to the encoder when the retriever is made):
# a run cannot change them on a loaded index
BUILD_TIME = ("tokenizer", "index_kind", "query_max_tokens", "reranker")


@dataclass(frozen=True)
class RunSpec:
    """Every setting that shapes a prediction (see the module docstring).

    ``backend_options`` are the backend's own keyword arguments (``base_url``, ``timeout``, ...);
    ``max_new_tokens``, ``n_cases`` and ``seed`` are the common ones (None: the backend's default),
    handed over under each backend's own name by :func:`rjua.backends.get_backend`
    (``max_new_tokens`` and ``seed`` become None for a backend that does not take them). ``retrieval``
    overrides fields of :class:`rjua.retrieval.hybrid.HybridConfig` (fusion weights, depth, ...);
    ``k`` is the number of passages given as evidence. ``guard`` removes from every answer what
    contradicts the patient (:func:`rjua.consistency.guard`; on by default).
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
        from .backends import COMMON_SETTINGS, REGISTRY
        from .retrieval.hybrid import HybridConfig

        fix = object.__setattr__
        entry = REGISTRY.get(self.backend)
        opts = dict(self.backend_options or {})
        unset = {"max_new_tokens": None, "n_cases": 10, "seed": None}
        for name in COMMON_SETTINGS:  # a common setting given as a backend option (either spelling) becomes the field
            own = entry.settings.get(name, name) if entry is not None else name
            for key in dict.fromkeys((name, own)):
                if key in opts:
                    v = opts.pop(key)
                    if getattr(self, name) == unset[name]:
                        fix(self, name, v)
        for name in ("max_new_tokens", "seed"):  # a setting the backend does not take does not shape the run
            if entry is not None and name not in entry.settings:
                fix(self, name, None)
        if self.context_tokens is None and entry is not None and entry.context_tokens:
            fix(self, "context_tokens", entry.context_tokens)  # the backend's own default, recorded as such
        fix(self, "backend_options", opts)
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

    def make_backend(self):
        """The backend this spec names, with its options and the common settings."""
        from .backends import get_backend

        return get_backend(self.backend, self.model, max_new_tokens=self.max_new_tokens, n_cases=self.n_cases,
                           seed=self.seed, **self.backend_options)

    def hybrid_config(self, base=None):
        """``base`` (default: the current :class:`HybridConfig` defaults) with ``n_cases`` and ``retrieval``."""
        from .retrieval.hybrid import HybridConfig

        return replace(base if base is not None else HybridConfig(), case_top=self.n_cases, **self.retrieval)

    def apply_retrieval(self, retriever) -> None:
        """Apply ``n_cases`` and ``retrieval`` to a loaded retriever; another build-time field is refused."""
        cfg = self.hybrid_config(retriever.config)
        for name in BUILD_TIME:
            if getattr(cfg, name) != getattr(retriever.config, name):
                raise RJUAError(f"retrieval.{name}: index {self.index} was built with "
                                f"{getattr(retriever.config, name)!r}; rebuild it ('rjua index build') to use "
                                f"{getattr(cfg, name)!r}")
        retriever.config = cfg

    def retrieval_config(self) -> dict[str, Any]:
        """The retrieval configuration the run will use: today's defaults with a saved index's build settings
        (as :func:`rjua.retrieval.config.loaded_config` loads it), then this spec's overrides."""
        base = None
        if self.index is not None:
            from .retrieval.config import BUILD_SETTINGS, HybridConfig
            from .retrieval.index import read_manifest

            stored = read_manifest(self.index).get("config") or {}
            base = HybridConfig(**{k: stored[k] for k in BUILD_SETTINGS if k in stored})
        return asdict(self.hybrid_config(base))

    def public(self) -> dict[str, Any]:
        """``asdict(self)`` without secrets or transport settings, as JSON gives it back (what manifests record).

        >>> RunSpec("openai", "m", {"base_url": "http://127.0.0.1:8000/v1", "timeout": 5}).public()["backend_options"]
        {'base_url': 'http://127.0.0.1:8000/v1'}
        """
        from .backends.openai import public_options  # no secrets, no credentials in URLs

        return json.loads(json.dumps({**asdict(self), "backend_options": public_options(self.backend_options)},
                                     ensure_ascii=False))

    def manifest(self, split: str, data_dir=None, extra: dict | None = None) -> dict[str, Any]:
        """What identifies a run: ``asdict(self)`` with safe backend options, the resolved pool and retrieval
        configuration, plus prompt version and data hashes (as JSON would give it back).

        >>> m = RunSpec().manifest("test")
        >>> m["backend"], m["pool"], m["n_cases"], m["retrieval"]["case_top"], len(m["data_sha256"])
        ('case', ['valid'], 10, 10, 64)
        """
        from .data import data_file
        from .pipeline import resolve_pool
        from .prompts import PROMPT_VERSION
        from .retrieval.index import file_sha256

        f = data_file(split, data_dir)
        out = {"prompt_version": PROMPT_VERSION, "split": split, "data_file": str(f.resolve()),
               "data_sha256": file_sha256(f), **self.public()}
        out.update(pool=resolve_pool(split, data_dir, self.pool, self.index), kb_splits=self.kb_splits or "all",
                   retrieval=self.retrieval_config(), **(extra or {}))
        return json.loads(json.dumps(out, ensure_ascii=False))

    @classmethod
    def from_options(cls, backend: str = "case", model: str | None = None, context: str = "retrieved",
                     pool: Sequence[str] | None = None, embedder: str | None = None, index=None,
                     backend_options: dict | None = None, kb_splits=None, **kw) -> RunSpec:
        """A spec from the older keyword style (``build_pipeline``/``predict_split`` arguments)."""
        return cls(backend=backend, model=model, context=context, pool=pool, embedder=embedder, index=index,
                   backend_options=backend_options or {}, kb_splits=kb_splits, **kw)
