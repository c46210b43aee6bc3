"""The answering commands' spec flags, defined once.

Every :class:`~rjua.spec.RunSpec` field has one flag here (:data:`SPEC_FLAGS`: an ``Annotated`` typer option
and its default, the way huggingface_hub's CLI shares option aliases). :func:`spec_command` adds all of them to
a command and hands the command one ``spec`` built by :func:`spec_from_flags`, so ``answer``, ``predict``,
``eval`` and ``demo`` take the same flags and cannot drift; the backend list in the help comes from the
registry.

>>> spec_from_flags(backend="case", n_cases=4, k=3, retrieval=["case_weight=1.5"]).k
3
>>> sorted(set(SPEC_FLAGS) - {"base_url", "timeout", "concurrency"}) == sorted(
...     f.name for f in __import__("dataclasses").fields(RunSpec) if f.name != "backend_options")
True
"""
from __future__ import annotations

import functools
import inspect
import json
import os
from pathlib import Path
from typing import Annotated, Any, Callable, List, Optional, get_type_hints

import typer

from ..backends import BACKENDS
from ..backends.openai import resolve_base_url
from ..errors import RJUAError
from ..spec import RunSpec

__all__ = ["SPEC_FLAGS", "backend_options", "kb_policy", "retrieval_overrides", "spec_command", "spec_from_flags"]

SPEC_FLAGS: dict[str, tuple[Any, Any]] = {
    "backend": (Annotated[str, typer.Option("--backend", "-b", help=" | ".join(BACKENDS)
                                            + " (rjua.backends.REGISTRY).")], "case"),
    "model": (Annotated[Optional[str], typer.Option("--model", "-m", help="Model id or path (hf, vllm, openai).")],
              None),
    "context": (Annotated[str, typer.Option("--context", "-c", help="retrieved | gold | none.")], "retrieved"),
    "pool": (Annotated[Optional[List[str]], typer.Option(
        "--pool", help="Labelled split(s) for the case base (default: all other splits, else leave-one-out).")],
        None),
    "kb_splits": (Annotated[Optional[List[str]], typer.Option(
        "--kb-splits", help="Knowledge-base policy: 'all' (default: every split's context passages) | 'pool' "
                            "(only passages cited by the case pool, minus the record answered) | split names "
                            "(repeatable).")],
        None),
    "embedder": (Annotated[Optional[str], typer.Option(
        "--embedder", "-e", help="Dense embedder for retrieval ('default' = moka-ai/m3e-small; prefix 'onnx-int8:' "
                                 "for ONNX Runtime; default: $RJUA_EMBEDDER, else lexical only).")], None),
    "index": (Annotated[Optional[Path], typer.Option("--index", "-i",
                                                     help="A prebuilt index directory ('rjua index build').")], None),
    "retrieval": (Annotated[Optional[List[str]], typer.Option(
        "--retrieval", help="Retrieval setting KEY=VALUE (repeatable), e.g. case_weight=1.5, rrf_k=60, depth=100 "
                            "(rjua.retrieval.config.HybridConfig fields).")], None),
    "n_cases": (Annotated[int, typer.Option("--n-cases", min=1, help="Similar cases retrieved, voted over by the case "
                                            "backend and voting for passages (one number for all three).")], 10),
    "k": (Annotated[int, typer.Option("--k", min=1, help="Guideline passages given as evidence.")], 5),
    "context_tokens": (Annotated[Optional[int], typer.Option(
        "--context-tokens", min=1, help="Token budget of the evidence in the prompt (default 1024).")], None),
    "max_new_tokens": (Annotated[int, typer.Option("--max-new-tokens", min=1,
                                                   help="Generation length limit (LM backends).")], 512),
    "seed": (Annotated[Optional[int], typer.Option("--seed", min=0,
                                                   help="Sampling seed (backends that sample).")], None),
    "guard": (Annotated[bool, typer.Option(
        "--guard/--no-guard", help="Remove from every answer what contradicts the patient or asserts what the "
                                   "question does not say (on by default). --no-guard shows the backend's raw "
                                   "answer.")],
        True),
    "base_url": (Annotated[Optional[str], typer.Option(
        "--base-url", help="OpenAI-compatible endpoint (openai backend); key from $OPENAI_API_KEY.")], None),
    "timeout": (Annotated[float, typer.Option(
        "--timeout", min=0.1, help="openai backend: total seconds per request attempt (connect + whole reply); "
                                   "then retried.")], 60.0),
    "concurrency": (Annotated[int, typer.Option(
        "--concurrency", min=1, max=256, help="openai backend: requests in flight at once (a batch is never "
                                              "narrower); not part of the run's configuration, so a resumed run may "
                                              "change it.")], 8),
}


def _embedder(e: Optional[str]) -> Optional[str]:
    e = e if e is not None else os.environ.get("RJUA_EMBEDDER")
    return None if e in (None, "", "none") else e


def kb_policy(kb_splits):
    """``--kb-splits`` values: None / 'all' / 'pool' / split names."""
    if not kb_splits or list(kb_splits) == ["all"]:
        return None
    return "pool" if list(kb_splits) == ["pool"] else list(kb_splits)


def backend_options(backend: str, base_url: Optional[str], concurrency: int = 8,
                    timeout: float | None = None) -> dict:
    """The backend's own options from the CLI flags (the token limit travels as ``RunSpec.max_new_tokens``)."""
    if backend == "openai":
        resolve_base_url(base_url)  # no endpoint: one line now, not retries after the index is built
        return {"base_url": base_url, "concurrency": concurrency, **({"timeout": timeout} if timeout else {})}
    return {}


def retrieval_overrides(values) -> dict:
    """``--retrieval KEY=VALUE`` (repeatable): VALUE read as JSON when it parses (numbers, null), else text."""
    out = {}
    for item in values or ():
        key, eq, raw = item.partition("=")
        if not eq or not key.strip():
            raise RJUAError(f"--retrieval {item!r}: expected KEY=VALUE, e.g. case_weight=1.5")
        try:
            out[key.strip()] = json.loads(raw)
        except ValueError:
            out[key.strip()] = raw
    return out


def spec_from_flags(**flags) -> RunSpec:
    """The :class:`~rjua.spec.RunSpec` of the spec flags' values (unset ones take :data:`SPEC_FLAGS`' defaults)."""
    v = {name: flags.get(name, default) for name, (_, default) in SPEC_FLAGS.items()}
    return RunSpec(backend=v["backend"], model=v["model"], context=v["context"], pool=v["pool"],
                   kb_splits=kb_policy(v["kb_splits"]), embedder=_embedder(v["embedder"]), index=v["index"],
                   retrieval=retrieval_overrides(v["retrieval"]), n_cases=v["n_cases"], k=v["k"],
                   context_tokens=v["context_tokens"], max_new_tokens=v["max_new_tokens"], seed=v["seed"],
                   guard=v["guard"],
                   backend_options=backend_options(v["backend"], v["base_url"], v["concurrency"], v["timeout"]))


def spec_command(fixed: dict[str, Any] | None = None) -> Callable:
    """Decorate a command taking ``spec: RunSpec``: it gains every flag of :data:`SPEC_FLAGS` (except the names in
    ``fixed``, whose values the command sets itself) and receives the spec they make."""
    fixed = dict(fixed or {})

    def deco(fn: Callable) -> Callable:
        sig = inspect.signature(fn)
        hints = get_type_hints(fn, include_extras=True)  # the command's own annotations, resolved
        own = [p.replace(annotation=hints.get(p.name, p.annotation)) for p in sig.parameters.values()
               if p.name != "spec"]
        added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=ann)
                 for name, (ann, default) in SPEC_FLAGS.items() if name not in fixed]

        @functools.wraps(fn)
        def command(**kw):
            flags = {name: kw.pop(name) for name in list(kw) if name in SPEC_FLAGS}
            return fn(spec=spec_from_flags(**flags, **fixed), **kw)

        command.__signature__ = sig.replace(parameters=own + added)
        command.__annotations__ = {p.name: p.annotation for p in own + added}
        return command

    return deco
