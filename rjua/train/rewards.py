"""Verifiable rewards for RL, built from :mod:`rjua.metrics` (never re-implemented here).

TRL calls reward functions as ``f(prompts, completions, **columns)``; the dataset
carries the gold ``diseases`` / ``advices`` columns.

>>> r = make_reward_fn(RewardConfig())
>>> r(["p"], ["诊断：肾结石\\n建议：多饮水"], diseases=[["肾结石"]], advices=[["多饮水", "复查B超"]])
[0.8888888888888888]
>>> r(["p"], ["您好，考虑肾结石"], diseases=[["肾结石"]], advices=[["多饮水"]])  # format gate
[0.0]
>>> paper = make_reward_fn(RewardConfig(disease_weight=1.0, advice_weight=0.0, binary=True))  # Ring-lite: 0 / 1
>>> paper(["p"], ["诊断：肾结石\\n建议：多饮水", "诊断：膀胱炎"], diseases=[["肾结石"]] * 2, advices=[["多饮水"]] * 2)
[1.0, 0.0]
>>> by_name = make_reward_fn(RewardConfig(metric="rouge_l", format_gate=False))  # any registered metric
>>> by_name(["p"], ["肾结石"], diseases=[["肾结石"]], advices=[[]], answer=["肾结石"])
[1.0]
"""
from __future__ import annotations

from typing import Any, Sequence

from ..consistency import check
from ..errors import RJUAError
from ..extract import extract, sections
from ..metrics import METRICS, Sample, combined_f1, evaluate, prf
from .config import RewardConfig

__all__ = ["completion_text", "make_reward_fn", "metric_value", "score_completion"]


def metric_value(name: str, text: str, diseases: Sequence[str], advices: Sequence[str], reference: str = "",
                 match: str = "exact") -> float:
    """Per-record value of the registered metric ``name`` (:data:`rjua.metrics.METRICS`) for one completion.

    >>> metric_value("f1", "诊断：肾结石\\n建议：多饮水", ["肾结石"], ["多饮水", "复查B超"])
    0.8888888888888888
    """
    if name not in METRICS:
        raise RJUAError(f"unknown reward metric {name!r}; registered: {', '.join(METRICS)}")
    ex = extract(text)
    v = evaluate(Sample(ex.diseases, diseases, ex.advices, advices, text, reference or "", match), [name])[name]
    return float(getattr(v, "score", v))


def completion_text(c: Any) -> str:
    """Text of a completion (plain string or a conversational message list)."""
    if isinstance(c, str):
        return c
    if isinstance(c, list) and c and isinstance(c[-1], dict):
        return str(c[-1].get("content", ""))
    return str(c)


def score_completion(text: str, diseases: Sequence[str], advices: Sequence[str], cfg: RewardConfig,
                     question: str | None = None, reference: str | None = None) -> dict:
    """Components of one completion's reward (disease F1, advice F1, parse success, final reward).

    With ``cfg.consistency_penalty`` > 0 and the ``question``, each clinical-consistency flag
    (:mod:`rjua.consistency`: sex, age, side, person) costs that much (reward floored at 0).
    With ``cfg.metric`` the score is that registered metric (``reference``: the gold answer text).

    >>> cfg = RewardConfig(consistency_penalty=0.5)
    >>> score_completion("诊断：前列腺增生\\n建议：多饮水", ["前列腺增生"], ["多饮水"], cfg, "我是32岁女性")["flags"]
    4
    """
    secs = sections(text)
    parsed = "disease" in secs and "advice" in secs
    ex = extract(text)
    d = prf(ex.diseases, diseases, cfg.match).f1
    a = prf(ex.advices, advices, cfg.match).f1
    total_w = cfg.disease_weight + cfg.advice_weight
    if getattr(cfg, "metric", None):
        score = metric_value(cfg.metric, text, diseases, advices, reference or "", cfg.match)
    elif abs(cfg.disease_weight - 2 * cfg.advice_weight) < 1e-9 and total_w:
        score = combined_f1(d, a)  # the dataset's own combination
    else:
        score = (cfg.disease_weight * d + cfg.advice_weight * a) / total_w if total_w else 0.0
    if cfg.binary:  # the paper's reward: correct or not, no format term
        threshold = cfg.binarize_threshold if cfg.binarize_threshold is not None else 1.0
        score = 1.0 if score >= threshold - 1e-9 else 0.0
    else:
        if cfg.format_gate and not parsed:
            score = 0.0
        if cfg.binarize_threshold is not None:
            score = 1.0 if score >= cfg.binarize_threshold else 0.0
    n_flags = 0
    if cfg.consistency_penalty and question:
        n_flags = len(check(question, ex.diseases, ex.advices, text))
        score = max(0.0, score - cfg.consistency_penalty * n_flags)
    return {"disease_f1": d, "advice_f1": a, "parsed": parsed, "reward": score, "flags": n_flags}


def make_reward_fn(cfg: RewardConfig):
    """A TRL-compatible reward function for ``cfg``."""
    if getattr(cfg, "metric", None) and cfg.metric not in METRICS:
        raise RJUAError(f"unknown reward metric {cfg.metric!r}; registered: {', '.join(METRICS)}")

    def rjua_reward(prompts, completions, diseases=None, advices=None, question=None, answer=None, **_):
        out = []
        n = len(completions)
        qs = question or [None] * n  # the question column feeds the optional consistency penalty
        refs = answer or [None] * n  # the gold answer column feeds answer-text metrics (cfg.metric)
        for c, d, a, q, ref in zip(completions, diseases or [[]] * n, advices or [[]] * n, qs, refs):
            out.append(score_completion(completion_text(c), d, a, cfg, q, ref)["reward"])
        return out

    rjua_reward.__name__ = (f"rjua_reward_{cfg.metric}" if getattr(cfg, "metric", None)
                            else f"rjua_reward_d{cfg.disease_weight:.2f}_a{cfg.advice_weight:.2f}")
    return rjua_reward
