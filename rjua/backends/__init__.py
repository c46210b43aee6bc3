"""Generation backends behind one protocol.

* ``case`` (default): case-based reasoning from similar labelled cases, no language model;
* ``chooser``: a causal LM scores the ``case`` backend's candidates (yes/no log-odds) and chooses among them;
* ``hf``: transformers causal LM; ``vllm``: offline vLLM (GPU); ``openai``: any
  OpenAI-compatible HTTP endpoint (e.g. ``vllm serve``).

Heavy libraries are imported inside each backend.

>>> get_backend("case").name
'case'
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, Sequence

BACKENDS = ("case", "hf", "vllm", "openai", "chooser")


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


def get_backend(name: str, model: str | None = None, **kw) -> Backend:
    """Instantiate a backend by name (heavy imports happen inside)."""
    from ..errors import RJUAError

    if name == "case":
        from .case import CaseBackend
        return CaseBackend(**kw)
    if name == "hf":
        from .hf import HFBackend
        return HFBackend(model or "Qwen/Qwen2.5-0.5B-Instruct", **kw)
    if name == "chooser":
        from .chooser import ChooserBackend
        return ChooserBackend(model or "Qwen/Qwen2.5-0.5B-Instruct", **kw)
    if name == "vllm":
        from .vllm import VLLMBackend
        return VLLMBackend(model or "Qwen/Qwen2.5-0.5B-Instruct", **kw)
    if name == "openai":
        from .openai import OpenAIBackend
        return OpenAIBackend(model or "gpt-4o-mini", **kw)
    raise RJUAError(f"unknown backend {name!r}; choose one of: {', '.join(BACKENDS)}")
