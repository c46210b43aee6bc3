"""Work a run out once: a :class:`~rjua.spec.RunSpec` (a plain value) resolved into a :class:`RunPlan`.

:func:`resolve` reads what a run depends on exactly once — the backend registry's common settings, the
data file and its hash, the saved index's manifest, the case-base pool and the retrieval configuration —
and every layer below (:func:`rjua.pipeline.build_pipeline`, :func:`rjua.runs.predict_split`, the run
manifest) takes the plan instead of working any of it out again.

>>> plan = resolve(RunSpec(context="none", n_cases=7), "test")
>>> plan.pool, plan.spec.n_cases, plan.retrieval["case_top"], len(plan.data_sha256)
(['valid'], 7, 7, 64)
>>> resolve_spec(RunSpec(backend="case", max_new_tokens=99)).max_new_tokens is None  # case takes none
True
"""
from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from .backends import COMMON_SETTINGS, REGISTRY, get_backend
from .backends.openai import public_options
from .data import GoldSnapshot, SplitFiles
from .kb import check_pool, choose_pool
from .prompts import PROMPT_VERSION
from .retrieval.config import BUILD_SETTINGS, HybridConfig
from .retrieval.index import read_manifest
from .spec import RunSpec

__all__ = ["RunPlan", "make_backend", "manifest", "public", "resolve", "resolve_pool", "resolve_spec",
           "retrieval_config"]

_UNSET = {"max_new_tokens": None, "n_cases": 10, "seed": None}


def resolve_spec(spec: RunSpec) -> RunSpec:
    """``spec`` with the backend's common settings worked out from the registry: a common setting given as a
    backend option (under either spelling) becomes the field, and a setting the backend does not take is None.

    >>> resolve_spec(RunSpec(backend_options={"top_cases": 6})).n_cases
    6
    """
    entry = REGISTRY.get(spec.backend)
    opts = dict(spec.backend_options)
    values = {name: getattr(spec, name) for name in COMMON_SETTINGS}
    for name in COMMON_SETTINGS:
        own = entry.settings.get(name, name) if entry is not None else name
        for key in dict.fromkeys((name, own)):
            if key in opts:
                v = opts.pop(key)
                if values[name] == _UNSET[name]:
                    values[name] = v
    for name in ("max_new_tokens", "seed"):  # a setting the backend does not take does not shape the run
        if entry is not None and name not in entry.settings:
            values[name] = None
    if spec.context_tokens is None and entry is not None and entry.context_tokens:
        values["context_tokens"] = entry.context_tokens  # the backend's own default, recorded as such
    return replace(spec, backend_options=opts, **values)


def make_backend(spec: RunSpec):
    """The backend ``spec`` names, with its options and the common settings."""
    spec = resolve_spec(spec)
    return get_backend(spec.backend, spec.model, max_new_tokens=spec.max_new_tokens, n_cases=spec.n_cases,
                       seed=spec.seed, **spec.backend_options)


def public(spec: RunSpec) -> dict[str, Any]:
    """``asdict(spec)`` without secrets or transport settings, as JSON gives it back (what manifests record).

    >>> public(RunSpec("openai", "m", {"base_url": "http://127.0.0.1:8000/v1", "timeout": 5}))["backend_options"]
    {'base_url': 'http://127.0.0.1:8000/v1'}
    """
    return json.loads(json.dumps({**asdict(spec), "backend_options": public_options(spec.backend_options)},
                                 ensure_ascii=False))


def _index_pool(index, info: dict) -> list[str]:
    available = list(info.get("pool") or [])
    if not available:  # older index without a recorded pool: read its case base
        with open(Path(index) / "cases.jsonl", encoding="utf-8") as f:
            available = list(dict.fromkeys(json.loads(line)["key"].split(":", 1)[0] for line in f if line.strip()))
    return available


def resolve_pool(split: str | None, data_dir=None, pool: Sequence[str] | None = None,
                 index: str | os.PathLike | None = None, info: dict | None = None) -> list[str]:
    """The case-base splits a run really uses (what run configs record).

    Without an index: :func:`rjua.kb.choose_pool` over the splits found. With an index (``info``: its
    manifest when already read): the same rule over the splits the index holds; a ``pool`` outside them
    is refused, naming both.

    >>> resolve_pool("test"), resolve_pool("valid", pool=["valid"])
    (['valid'], ['valid'])
    """
    if index is not None:
        available = _index_pool(index, read_manifest(index) if info is None else info)
        if pool:
            return check_pool(pool, available, index)
        return choose_pool(available, split, None)[0] if split else available
    available = sorted(SplitFiles.of(data_dir))
    return choose_pool(available, split, pool)[0] if split else list(pool or available)


def retrieval_config(spec: RunSpec, info: dict | None = None) -> dict[str, Any]:
    """The retrieval configuration a run uses: today's defaults with a saved index's build settings
    (``info``: the index manifest), then the spec's overrides.

    >>> retrieval_config(RunSpec(n_cases=4, retrieval={"case_weight": 1.5}))["case_weight"]
    1.5
    """
    base = None
    if spec.index is not None:
        stored = (read_manifest(spec.index) if info is None else info).get("config") or {}
        base = HybridConfig(**{k: stored[k] for k in BUILD_SETTINGS if k in stored})
    return asdict(spec.hybrid_config(base))


@dataclass(frozen=True)
class RunPlan:
    """Everything a run resolved once: the spec (common settings applied), the data directory's split files
    (:class:`~rjua.data.SplitFiles`, None when the run reads no data directory), the split read once
    (:class:`~rjua.data.GoldSnapshot`: its file, hash and records), the index manifest (None without an index),
    the pool and the retrieval configuration. Whatever the run reads or guards in the data directory takes
    ``files`` (:attr:`data`), so the directory is resolved and listed once."""

    spec: RunSpec
    split: str | None
    data_dir: str | None
    data_file: str | None = None
    data_sha256: str | None = None
    index_info: dict | None = None
    pool: list[str] = field(default_factory=list)
    retrieval: dict[str, Any] = field(default_factory=dict)
    gold: GoldSnapshot | None = field(default=None, repr=False, compare=False)
    files: SplitFiles | None = field(default=None, repr=False, compare=False)

    @property
    def data(self) -> SplitFiles | str | None:
        """What to pass on as a ``data_dir``: the split files found once, else the directory as given."""
        return self.data_dir if self.files is None else self.files


def resolve(spec: RunSpec, split: str | None, data_dir: str | os.PathLike | SplitFiles | None = None,
            gold: GoldSnapshot | None = None) -> RunPlan:
    """The :class:`RunPlan` of answering ``split`` (or free questions when ``split`` is None) with ``spec``;
    ``gold``: the split when a caller already read it; ``data_dir``: a directory, or the
    :class:`~rjua.data.SplitFiles` a caller already found there.

    >>> plan = resolve(RunSpec(), "test")
    >>> sorted(plan.files) == sorted(plan.pool + ["test"]), plan.data is plan.files
    (True, True)
    """
    spec = resolve_spec(spec)
    info = read_manifest(spec.index) if spec.index is not None else None
    lists_dir = isinstance(data_dir, SplitFiles) or (split is not None and gold is None) or spec.index is None
    files = SplitFiles.of(data_dir) if lists_dir else None  # the data directory resolved and listed once
    data = data_dir if files is None else files
    if split is not None and gold is None:
        gold = GoldSnapshot.read(split, data)
    hashed = {} if gold is None else {"data_file": str(gold.path.resolve()), "data_sha256": gold.sha256}
    given = data_dir.directory if isinstance(data_dir, SplitFiles) else data_dir
    return RunPlan(spec=spec, split=split, data_dir=None if given is None else os.fspath(given), **hashed,
                   index_info=info, pool=resolve_pool(split, data, spec.pool, spec.index, info),
                   retrieval=retrieval_config(spec, info), gold=gold, files=files)


def manifest(plan: RunPlan, extra: dict | None = None) -> dict[str, Any]:
    """What identifies a run: the public spec, the resolved pool and retrieval configuration, the prompt
    version and the data hash (as JSON would give it back).

    >>> m = manifest(resolve(RunSpec(), "test"))
    >>> m["backend"], m["pool"], m["n_cases"], m["retrieval"]["case_top"], len(m["data_sha256"])
    ('case', ['valid'], 10, 10, 64)
    """
    out = {"prompt_version": PROMPT_VERSION, "split": plan.split, "data_file": plan.data_file,
           "data_sha256": plan.data_sha256, **public(plan.spec)}
    out.update(pool=plan.pool, kb_splits=plan.spec.kb_splits or "all", retrieval=plan.retrieval, **(extra or {}))
    return json.loads(json.dumps(out, ensure_ascii=False))
