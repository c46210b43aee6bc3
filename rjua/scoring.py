"""Align predictions with gold records by id, score them, summarise.

>>> gold = load_split("test")
>>> preds = gold_as_predictions(gold)
>>> res = score_predictions(gold, preds)
>>> res.summary["f1"], res.summary["rouge_l"]
(1.0, 1.0)
"""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from .consistency import check, summarise
from .data import Record, iter_json, load_split  # noqa: F401  (load_split: used by the doctest)
from .errors import Problem, RJUAError, RJUAFormatError
from .extract import Extraction, Vocabulary, extract
from .metrics import (MATCH_MODES, PRF, RougeL, bootstrap_stat, combined_f1, f1_from_counts, prf,
                      rouge_l_counts)

KEYS = ("disease_f1", "advice_f1", "f1", "rouge_l")


@dataclass(frozen=True)
class PredRow:
    """One line of a predictions file."""

    id: str
    answer: str
    disease: Any = None
    advice: Any = None
    line: int | None = None


def _check_pred(obj: Any, path: str, line: int) -> list[Problem]:
    if not isinstance(obj, dict):
        return [Problem(path, line, None, f"expected a JSON object, got {type(obj).__name__}")]
    probs = []
    if "id" not in obj:
        probs.append(Problem(path, line, "id", "missing field"))
    elif not isinstance(obj["id"], (str, int)) or isinstance(obj["id"], bool) or not str(obj["id"]).strip():
        probs.append(Problem(path, line, "id", f"expected a non-empty string, got {obj['id']!r}"))
    if "answer" in obj and not isinstance(obj["answer"], str) and obj["answer"] is not None:
        probs.append(Problem(path, line, "answer", f"expected a string, got {type(obj['answer']).__name__}"))
    for key in ("disease", "advice"):
        v = obj.get(key)
        if v is not None and not isinstance(v, str) and not (isinstance(v, list) and all(isinstance(x, str) for x in v)):
            probs.append(Problem(path, line, key, f"expected a string or a list of strings, got {type(v).__name__}"))
    if "answer" not in obj and obj.get("disease") is None and obj.get("advice") is None:
        probs.append(Problem(path, line, "answer", "missing field (give answer, or disease/advice)"))
    return probs


def load_predictions(path: str | os.PathLike) -> list[PredRow]:
    """Read predictions (JSON Lines or a JSON array); every problem is reported with its line."""
    problems, rows, seen = [], [], {}
    for line, obj, prob in iter_json(path):
        if prob is not None:
            problems.append(prob)
            continue
        probs = _check_pred(obj, str(path), line)
        if not probs and str(obj["id"]) in seen:
            probs = [Problem(str(path), line, "id", f"duplicate id {str(obj['id'])!r} (first on line {seen[str(obj['id'])]})")]
        problems.extend(probs)
        if not probs:
            seen[str(obj["id"])] = line
            rows.append(PredRow(str(obj["id"]), obj.get("answer") or "", obj.get("disease"), obj.get("advice"), line))
    if problems:
        raise RJUAFormatError(problems[0].path, problems=problems)
    if not rows:
        raise RJUAFormatError(str(path), None, None, "no predictions in file")
    return rows


def gold_as_predictions(records: Sequence[Record]) -> list[PredRow]:
    """The gold answers as predictions (a sanity check: every score is 1.0)."""
    return [PredRow(r.id, r.answer, list(r.diseases), list(r.advices)) for r in records]


@dataclass
class RecordScore:
    """Scores and extracted items of one record."""

    id: str
    disease: PRF
    advice: PRF
    rouge: RougeL
    extraction: Extraction
    gold: Record
    answer: str
    missing: bool = False
    flags: list = field(default_factory=list)  # rjua.consistency.Flag: answer vs the patient's facts

    @property
    def f1(self) -> float:
        return combined_f1(self.disease.f1, self.advice.f1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "disease_f1": self.disease.f1, "advice_f1": self.advice.f1, "f1": self.f1,
            "rouge_l": self.rouge.f, "disease_precision": self.disease.precision,
            "disease_recall": self.disease.recall, "advice_precision": self.advice.precision,
            "advice_recall": self.advice.recall, "missing": self.missing,
            "pred_diseases": self.extraction.diseases, "gold_diseases": list(self.gold.diseases),
            "pred_advices": self.extraction.advices, "gold_advices": list(self.gold.advices),
            "disease_rule": self.extraction.disease_rule, "advice_rule": self.extraction.advice_rule,
            "consistency_flags": [f.to_dict() for f in self.flags],
        }


@dataclass
class ScoreResult:
    """Everything ``rjua score`` reports: summary dict plus per-record scores."""

    summary: dict[str, Any]
    records: list[RecordScore] = field(default_factory=list)


def _micro_stat(m: np.ndarray) -> np.ndarray:
    """Micro scores from column means (..., 9): disease, advice, rouge counts."""
    def f(tp, npred, ngold):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where((npred > 0) & (tp > 0), 2 * tp / (npred + ngold), 0.0)
    d, a, r = f(m[..., 0], m[..., 1], m[..., 2]), f(m[..., 3], m[..., 4], m[..., 5]), f(m[..., 6], m[..., 7], m[..., 8])
    return np.stack([d, a, (2 * d + a) / 3, r], axis=-1)


def score_records(scores: list[RecordScore], match: str = "exact", n_resamples: int = 1000,
                  seed: int = 0) -> dict[str, Any]:
    """Macro and micro aggregates with bootstrap 95% intervals."""
    macro = np.array([[s.disease.f1, s.advice.f1, s.f1, s.rouge.f] for s in scores], dtype=float).reshape(-1, 4)
    counts = np.array([[s.disease.tp, s.disease.n_pred, s.disease.n_gold, s.advice.tp, s.advice.n_pred,
                        s.advice.n_gold, s.rouge.lcs, s.rouge.n_pred, s.rouge.n_ref] for s in scores],
                      dtype=float).reshape(-1, 9)
    micro_vals = _micro_stat(counts.mean(axis=0)) if len(scores) else np.zeros(4)
    summary: dict[str, Any] = {"n": len(scores), "match": match}
    summary.update({k: float(macro[:, i].mean()) if len(scores) else 0.0 for i, k in enumerate(KEYS)})
    summary["micro"] = {k: float(micro_vals[i]) for i, k in enumerate(KEYS)}
    ci, ci_micro = {}, {}
    for i, k in enumerate(KEYS):
        ci[k] = list(bootstrap_stat(macro, lambda m, i=i: m[..., i], n_resamples, seed))
        ci_micro[k] = list(bootstrap_stat(counts, lambda m, i=i: _micro_stat(m)[..., i], n_resamples, seed))
    summary["ci95"] = ci
    summary["micro"]["ci95"] = ci_micro
    summary["bootstrap"] = {"resamples": n_resamples, "seed": seed, "level": 0.95}
    summary["extraction_rules"] = {
        "disease": dict(Counter(s.extraction.disease_rule for s in scores)),
        "advice": dict(Counter(s.extraction.advice_rule for s in scores)),
    }
    return summary


def score_predictions(gold: Sequence[Record], preds: Sequence[PredRow], match: str = "exact",
                      allow_missing: bool = False, allow_extra: bool = False,
                      vocabulary: Vocabulary | None = None, n_resamples: int = 1000,
                      seed: int = 0, only_predicted: bool = False) -> ScoreResult:
    """Score predictions against gold records.

    Missing gold ids, unknown prediction ids and duplicates are errors unless allowed;
    allowed missing ids score 0, allowed extra ids are ignored (both are listed).
    ``only_predicted`` scores just the gold records that have a prediction and records
    ``"subset": "n of N"`` in the summary.

    >>> gold = load_split("test")
    >>> score_predictions(gold, gold_as_predictions(gold)[:3], only_predicted=True, n_resamples=10).summary["subset"]
    '3 of 14'
    """
    if match not in MATCH_MODES:
        raise RJUAError(f"unknown match mode {match!r}; choose one of: {', '.join(MATCH_MODES)}")
    by_id = {}
    for p in preds:
        if p.id in by_id:
            raise RJUAError(f"duplicate prediction id {p.id!r}")
        by_id[p.id] = p
    n_gold = len(gold)
    if only_predicted:
        gold = [r for r in gold if r.id in by_id]
    gold_ids = {r.id for r in gold}
    missing = [r.id for r in gold if r.id not in by_id]
    extra = [p.id for p in preds if p.id not in gold_ids]
    if extra and not allow_extra:
        raise RJUAError(f"{len(extra)} prediction id(s) not in the gold split: {_show(extra)}"
                        " (wrong --split? use --allow-extra to ignore them)")
    if missing and not allow_missing:
        raise RJUAError(f"{len(missing)} gold id(s) have no prediction: {_show(missing)}"
                        " (use --allow-missing to score them as 0)")
    scores = []
    for r in gold:
        p = by_id.get(r.id)
        ex = extract(p.answer, p.disease, p.advice, vocabulary) if p else Extraction()
        ans = p.answer if p else ""
        scores.append(RecordScore(r.id, prf(ex.diseases, r.diseases, match), prf(ex.advices, r.advices, match),
                                  rouge_l_counts(ans, r.answer), ex, r, ans, missing=p is None,
                                  flags=check(r.question, ex.diseases, ex.advices, ans) if p else []))
    summary = score_records(scores, match, n_resamples, seed)
    summary["consistency"] = summarise([s.flags for s in scores])
    summary.update(missing_ids=missing, extra_ids=extra, n_missing=len(missing))
    if only_predicted:
        summary["subset"] = f"{len(gold)} of {n_gold}"
    return ScoreResult(summary, scores)


def _show(ids: list[str], k: int = 10) -> str:
    return ", ".join(map(repr, ids[:k])) + (f" … (+{len(ids) - k} more)" if len(ids) > k else "")


def per_disease_f1(scores: Sequence[RecordScore], top: int = 25) -> list[tuple[str, int, float]]:
    """F1 per gold disease label (counted over records), most frequent first.

    Returns ``(label, support, f1)`` rows; exact matching after normalisation.
    """
    tp, fp, fn = Counter(), Counter(), Counter()
    for s in scores:
        g, p = set(s.gold.diseases), set(s.extraction.diseases)
        for x in g & p:
            tp[x] += 1
        for x in p - g:
            fp[x] += 1
        for x in g - p:
            fn[x] += 1
    support = Counter({k: tp[k] + fn[k] for k in set(tp) | set(fn)})
    return [(lab, n, f1_from_counts(tp[lab], tp[lab] + fp[lab], n)) for lab, n in support.most_common(top)]
