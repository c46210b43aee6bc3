"""Generation backends behind one protocol, chosen through one registry.

* ``case`` (default): case-based reasoning from similar labelled cases, no language model;
* ``chooser``: a causal LM scores the ``case`` backend's candidates (yes/no log-odds) and chooses among them;
* ``hf``: transformers causal LM; ``vllm``: offline vLLM (GPU); ``openai``: any
  OpenAI-compatible HTTP endpoint (e.g. ``vllm serve``).

:data:`REGISTRY` maps a name to where its class lives (imported only when used, so heavy
libraries stay inside each backend), its default model and how the class spells the common
settings (``max_new_tokens``, ``n_cases``, ``seed``). A backend that needs the retriever's
case base before answering has a ``prepare(retriever)`` method; the pipeline calls it.

>>> get_backend("case").name
'case'
>>> get_backend("case", n_cases=7).top_cases, needs_retriever(get_backend("case")), REGISTRY["hf"].light
(7, True, False)
"""
from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..errors import RJUAError

__all__ = ["BACKENDS", "COMMON_SETTINGS", "REGISTRY", "Backend", "BackendEntry", "GenRequest", "GenResult",
           "get_backend", "needs_retriever", "prepare_backend", "register_backend"]

COMMON_SETTINGS = ("max_new_tokens", "n_cases", "seed")


@dataclass(frozen=True)
class BackendEntry:
    """Where a backend class lives (``"module:Class"``, or the class itself), its default model, and
    ``settings``: common setting -> the class's own argument name (settings it lacks are not passed)."""

    target: Any
    default_model: str | None = None
    settings: dict[str, str] = field(default_factory=dict)
    takes_model: bool = True
    context_tokens: int | None = None  # the backend's own default evidence budget (None: the pipeline's)

    @property
    def light(self) -> bool:
        """No language model behind it (takes no model): cheap to run many answers at once (the demo's queue)."""
        return not self.takes_model

    def load(self) -> type:
        if not isinstance(self.target, str):
            return self.target
        mod, _, cls = self.target.partition(":")
        return getattr(importlib.import_module(mod, __name__), cls)


_LM = {"max_new_tokens": "max_new_tokens", "seed": "seed"}
REGISTRY: dict[str, BackendEntry] = {
    "case": BackendEntry(".case:CaseBackend", None, {"n_cases": "top_cases"}, takes_model=False),
    "hf": BackendEntry(".hf:HFBackend", "Qwen/Qwen2.5-0.5B-Instruct", _LM),
    "vllm": BackendEntry(".vllm:VLLMBackend", "Qwen/Qwen2.5-0.5B-Instruct", _LM),
    "openai": BackendEntry(".openai:OpenAIBackend", "gpt-4o-mini", {"max_new_tokens": "max_tokens"}),
    # an LM choosing among the case backend's candidates (log-odds of 是/否); fitted on the pool like case
    # 384 evidence tokens: the setting the chooser was measured with (a 1024-token prompt costs ~3x per record)
    "chooser": BackendEntry(".chooser:ChooserBackend", "Qwen/Qwen2.5-0.5B-Instruct",
                            {"max_new_tokens": "max_new_tokens", "n_cases": "top_cases"}, context_tokens=384),
}
BACKENDS = tuple(REGISTRY)  # the built-in names (kept for callers that list them)


def register_backend(name: str, target: Any, default_model: str | None = None,
                     settings: dict[str, str] | None = None, takes_model: bool = True) -> BackendEntry:
    """Add (or replace) a backend: ``target`` is its class or ``"package.module:Class"``.

    >>> class Echo:
    ...     name, model = "echo", "echo"
    ...     def __init__(self, model): pass
    >>> _ = register_backend("echo", Echo); get_backend("echo").name
    'echo'
    >>> _ = REGISTRY.pop("echo")
    """
    unknown = set(settings or {}) - set(COMMON_SETTINGS)
    if unknown:
        raise ValueError(f"unknown common setting(s) {sorted(unknown)}; known: {', '.join(COMMON_SETTINGS)}")
    REGISTRY[name] = entry = BackendEntry(target, default_model, dict(settings or {}), takes_model)
    return entry


@dataclass
class GenRequest:
    """What a backend gets for one question: chat messages and the evidence behind them."""

    question: str
    messages: list[dict[str, str]]
    cases: list[Any] = field(default_factory=list)      # rjua.retrieval.hybrid.CaseHit
    passages: list[Any] = field(default_factory=list)   # rjua.retrieval.hybrid.PassageHit
    exclude: frozenset[str] = frozenset()              # case keys that must not be used (leakage guard)


@dataclass
class GenResult:
    """A backend's output: free text, optionally structured items, token counts, or an error."""

    text: str = ""
    diseases: list[str] | None = None
    advices: list[str] | None = None
    completion_tokens: int = 0
    prompt_tokens: int = 0
    error: str | None = None


class Backend(Protocol):
    name: str
    model: str

    def generate(self, requests: Sequence[GenRequest]) -> list[GenResult]: ...

    def count_tokens(self, text: str) -> int: ...


def get_backend(name: str, model: str | None = None, max_new_tokens: int | None = None, n_cases: int | None = None,
                seed: int | None = None, **kw) -> Backend:
    """Instantiate a registered backend (heavy imports happen inside).

    The common settings are passed under the class's own name when it has one and they are not
    None; ``kw`` are the backend's own options. ``model`` (else the entry's default) is the first argument
    of every backend that takes one.

    >>> get_backend("magic")
    Traceback (most recent call last):
    rjua.errors.RJUAError: unknown backend 'magic'; choose one of: case, hf, vllm, openai, chooser
    """

    entry = REGISTRY.get(name)
    if entry is None:
        raise RJUAError(f"unknown backend {name!r}; choose one of: {', '.join(REGISTRY)}")
    common = {"max_new_tokens": max_new_tokens, "n_cases": n_cases, "seed": seed}
    for k, v in common.items():
        if v is not None and k in entry.settings:
            kw.setdefault(entry.settings[k], v)
    cls = entry.load()
    return cls(model or entry.default_model, **kw) if entry.takes_model else cls(**kw)


def needs_retriever(backend) -> bool:
    """Whether a backend must see the retriever before answering (it has ``prepare(retriever)``)."""
    return callable(getattr(backend, "prepare", None))


def prepare_backend(backend, retriever) -> None:
    """Give the backend the retriever when it asks for it (``prepare``); a no-op for the others."""
    if needs_retriever(backend) and retriever is not None:
        backend.prepare(retriever)
