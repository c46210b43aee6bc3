"""A scripted, deterministic in-process backend (tests, dry runs, replaying recorded outputs).

>>> be = ScriptedBackend(lambda req: "诊断：肾结石\\n建议：多饮水")
>>> be.generate([GenRequest("q", [])])[0].text
'诊断：肾结石\\n建议：多饮水'
"""
from __future__ import annotations

from typing import Callable, Sequence

from ..prompts import approx_tokens
from . import GenRequest, GenResult

__all__ = ["ScriptedBackend"]


class ScriptedBackend:
    """Replies with ``fn(request)``; every request is kept in ``calls`` (tests inspect what was asked).

    >>> be = ScriptedBackend(lambda req: f"诊断：{req.question}")
    >>> [r.text for r in be.generate([GenRequest("肾结石", []), GenRequest("膀胱炎", [])])]
    ['诊断：肾结石', '诊断：膀胱炎']
    >>> [r.question for r in be.calls], be.count_tokens("诊断：肾结石")
    (['肾结石', '膀胱炎'], 6)
    """

    name = "scripted"

    def __init__(self, fn: Callable[[GenRequest], str], model: str = "scripted"):
        self.fn, self.model = fn, model
        self.calls: list[GenRequest] = []

    def count_tokens(self, text: str) -> int:
        return approx_tokens(text)

    def generate(self, requests: Sequence[GenRequest]) -> list[GenResult]:
        out = []
        for r in requests:
            self.calls.append(r)
            text = self.fn(r)
            out.append(GenResult(text=text, completion_tokens=approx_tokens(text)))
        return out
