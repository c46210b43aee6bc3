"""Align predictions with gold records by id, score them, summarise.

>>> gold = load_split("test")
>>> preds = gold_as_predictions(gold)
>>> res = score_predictions(gold, preds)
>>> res.summary["f1"], res.summary["rouge_l"]
(1.0, 1.0)
"""
from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Sequence

from . import faithfulness
from .consistency import check, summarise
from .counts import count_lines, count_summary
from .data import Record, load_split  # noqa: F401  (load_split: used by the doctest)
from .errors import Problem, RJUAError, RJUAFormatError
from .extract import Extraction, Vocabulary, extract
from .jsonio import iter_json
from .metrics import MATCH_MODES, PRF, RougeL, Sample, aggregate, combined_f1, evaluate, f1_from_counts, metric_names

__all__ = ["ANSWER_FIELDS", "KEYS", "PredRow", "RecordScore", "ScoreResult", "as_pred_rows", "faithfulness_summary",
           "gold_as_predictions", "id_problems", "load_predictions", "per_disease_f1", "score_predictions",
           "score_records", "subset_note"]

KEYS = ("disease_f1", "advice_f1", "f1", "rouge_l")  # the built-in metrics; every registered one is scored
# fields other tools put a model's reply in; a row lacking the chosen one but having another is reported
ANSWER_FIELDS = ("answer", "prediction", "output", "response", "generation", "completion", "reply", "text",
                 "content", "model_output")


@dataclass(frozen=True)
class PredRow:
    """One line of a predictions file.

    >>> PredRow("1", "您好，考虑肾结石。", disease="肾结石").disease
    '肾结石'
    """

    id: str
    answer: str
    disease: Any = None
    advice: Any = None
    line: int | None = None
    error: str | None = None  # the row carries an error (failed request...): excluded from the score by default


def _check_answer_field(obj: dict, path: str, line: int, field: str) -> list[Problem]:
    if field in obj:
        v = obj[field]
        return [] if v is None or isinstance(v, str) else [
            Problem(path, line, field, f"expected a string, got {type(v).__name__}")]
    others = [k for k in ANSWER_FIELDS if k != field and isinstance(obj.get(k), str)]
    if others:
        return [Problem(path, line, field, f'missing field; the row has "{others[0]}" instead '
                        f"(--field {others[0]} reads it)")]
    if obj.get("disease") is None and obj.get("advice") is None:
        return [Problem(path, line, field, f"missing field (give {field}, or disease/advice)")]
    return []


def _check_pred(obj: Any, path: str, line: int, field: str = "answer") -> list[Problem]:
    if not isinstance(obj, dict):
        return [Problem(path, line, None, f"expected a JSON object, got {type(obj).__name__}")]
    probs = []
    if "id" not in obj:
        probs.append(Problem(path, line, "id", "missing field"))
    elif not isinstance(obj["id"], (str, int)) or isinstance(obj["id"], bool) or not str(obj["id"]).strip():
        probs.append(Problem(path, line, "id", f"expected a non-empty string, got {obj['id']!r}"))
    probs += _check_answer_field(obj, path, line, field)
    for key in ("disease", "advice"):
        v = obj.get(key)
        is_strings = isinstance(v, list) and all(isinstance(x, str) for x in v)
        if v is not None and not isinstance(v, str) and not is_strings:
            probs.append(Problem(path, line, key, f"expected a string or a list of strings, got {type(v).__name__}"))
    return probs


def _error_of(obj: dict) -> str | None:
    e = obj.get("error")
    return None if e in (None, "", False) else (e if isinstance(e, str) else json.dumps(e, ensure_ascii=False))


def _row(obj: dict, line: int, field: str) -> PredRow:
    return PredRow(str(obj["id"]), obj.get(field) or "", obj.get("disease"), obj.get("advice"), line, _error_of(obj))


def load_predictions(path: str | os.PathLike, check_ids: bool = True, field: str = "answer") -> list[PredRow]:
    """Read predictions (JSON Lines or a JSON array); every problem is reported with its line.

    ``check_ids=False`` keeps duplicate ids, so that :func:`score_predictions` reports every
    id problem (duplicates, unknown, missing) in one message. ``field`` names the answer field
    (``answer``, ``prediction``, ``output``, ``response``…); a row without it that has another
    answer-like field is reported, not read as empty. A row's ``error`` is kept (:attr:`PredRow.error`).

    >>> import json, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "preds.jsonl")
    >>> with open(path, "w", encoding="utf-8") as f:
    ...     _ = f.write(json.dumps({"id": 1, "answer": "考虑肾结石"}, ensure_ascii=False) + "\\n")
    >>> load_predictions(path)
    [PredRow(id='1', answer='考虑肾结石', disease=None, advice=None, line=1, error=None)]
    >>> with open(path, "a", encoding="utf-8") as f:
    ...     _ = f.write('{"id": "1", "answer": "又一行"}\\n')
    >>> load_predictions(path)
    Traceback (most recent call last):
    ...
    rjua.errors.RJUAFormatError: ...:2: field "id": duplicate id '1' (first on line 1)
    """
    problems, rows, seen = [], [], {}
    for line, obj, prob in iter_json(path):
        if prob is not None:
            problems.append(prob)
            continue
        probs = _check_pred(obj, str(path), line, field)
        if not probs and check_ids and str(obj["id"]) in seen:
            pid = str(obj["id"])
            probs = [Problem(str(path), line, "id", f"duplicate id {pid!r} (first on line {seen[pid]})")]
        problems.extend(probs)
        if not probs:
            seen[str(obj["id"])] = line
            rows.append(_row(obj, line, field))
    if problems:
        raise RJUAFormatError(problems[0].path, problems=problems)
    if not rows:
        raise RJUAFormatError(str(path), None, None, "no predictions in file")
    return rows


def gold_as_predictions(records: Sequence[Record]) -> list[PredRow]:
    """The gold answers as predictions (a sanity check: every score is 1.0).

    >>> gold = load_split("test")
    >>> row = gold_as_predictions(gold)[0]
    >>> row.id == gold[0].id, row.answer == gold[0].answer, row.disease == list(gold[0].diseases)
    (True, True, True)
    """
    return [PredRow(r.id, r.answer, list(r.diseases), list(r.advices)) for r in records]


@dataclass
class RecordScore:
    """Scores and extracted items of one record.

    >>> gold = load_split("test")
    >>> rs = score_predictions(gold, gold_as_predictions(gold)).records[0]
    >>> rs.f1, rs.to_dict()["disease_f1"], rs.to_dict()["missing"]
    (1.0, 1.0, False)
    """

    id: str
    disease: PRF
    advice: PRF
    rouge: RougeL
    extraction: Extraction
    gold: Record
    answer: str
    missing: bool = False
    flags: list = field(default_factory=list)  # rjua.consistency.Flag: answer vs the patient's facts
    faith_flags: list = field(default_factory=list)  # rjua.faithfulness flags: reply vs its lists and the question
    values: dict = field(default_factory=dict)  # every registered metric's result (rjua.metrics.evaluate)

    def __post_init__(self):
        if not self.values:
            self.values = {"disease_f1": self.disease, "advice_f1": self.advice, "f1": self.f1, "rouge_l": self.rouge}

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
            "disease_pattern": self.extraction.disease_pattern, "advice_pattern": self.extraction.advice_pattern,
            "consistency_flags": [f.to_dict() for f in self.flags],
            "faithfulness_flags": [f.to_dict() for f in self.faith_flags],
            **{k: getattr(v, "score", v) for k, v in self.values.items() if k not in KEYS},
            **getattr(self, "extra", {}),  # per-record values added later (text metrics)
        }


@dataclass
class ScoreResult:
    """Everything ``rjua score`` reports: summary dict plus per-record scores.

    >>> gold = load_split("test")
    >>> res = score_predictions(gold, gold_as_predictions(gold))
    >>> res.summary["n"] == len(res.records) == len(gold)
    True
    """

    summary: dict[str, Any]
    records: list[RecordScore] = field(default_factory=list)

    def per_sample_jsonl(self) -> str:
        """One JSON line per record (``rjua score --per-sample``, a run's ``per_sample.jsonl``)."""
        return "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in self.records)


def score_records(scores: list[RecordScore], match: str = "exact", n_resamples: int = 1000,
                  seed: int = 0) -> dict[str, Any]:
    """Macro and micro aggregates (:func:`rjua.metrics.aggregate`) of every metric the records carry.

    >>> g = load_split("test")
    >>> s = score_records(score_predictions(g, gold_as_predictions(g), n_resamples=10).records, n_resamples=10)
    >>> s["f1"], s["micro"]["rouge_l"], s["ci95"]["f1"]
    (1.0, 1.0, [1.0, 1.0])
    """
    names = [k for k in metric_names() if all(k in s.values for s in scores)] if scores else list(KEYS)
    agg = aggregate([s.values for s in scores], names, n_resamples, seed)
    summary: dict[str, Any] = {"n": len(scores), "match": match, **agg["macro"]}
    summary["micro"] = dict(agg["micro"])
    summary["ci95"] = agg["ci"]
    summary["micro"]["ci95"] = agg["micro_ci"]
    summary["bootstrap"] = {"resamples": n_resamples, "seed": seed, "level": 0.95}
    summary["extraction_rules"] = {
        "disease": dict(Counter(s.extraction.disease_rule for s in scores)),
        "advice": dict(Counter(s.extraction.advice_rule for s in scores)),
    }
    return summary


def as_pred_rows(preds: Any, where: str = "<predictions>", field: str = "answer") -> list[PredRow]:
    """Predictions as :class:`PredRow` objects, from PredRows, dicts (JSON-line shape) or a ``datasets.Dataset``.

    Every malformed row is reported at once (``where:N`` is the row's 1-based position).

    >>> as_pred_rows([{"id": 1, "answer": "考虑膀胱炎", "disease": ["膀胱炎"]}])[0].id
    '1'
    >>> from datasets import Dataset
    >>> len(as_pred_rows(Dataset.from_list([{"id": "1", "answer": "a"}, {"id": "2", "answer": "b"}])))
    2
    """
    rows, problems = [], []
    for n, p in enumerate(preds, 1):
        if isinstance(p, PredRow):
            rows.append(p)
            continue
        probs = _check_pred(p, where, n, field)
        if probs:
            problems.extend(probs)
        else:
            rows.append(_row(p, n, field))
    if problems:
        raise RJUAFormatError(where, problems=problems)
    return rows


def id_problems(gold_ids: Sequence[str], pred_ids: Sequence[str], allow_missing: bool = False,
                allow_extra: bool = False, only_predicted: bool = False,
                lines: Sequence[int | None] | None = None) -> str | None:
    """Every id problem of a predictions set in one message (None when there is none).

    >>> print(id_problems(["1", "2", "3"], ["1", "1", "9"]))  # doctest: +NORMALIZE_WHITESPACE
    prediction ids do not match the gold split: 1 duplicate id(s): '1'; 1 id(s) not in the gold split: '9'
    (wrong --split? --allow-extra ignores them); 2 gold id(s) have no prediction: '2', '3'
    (--allow-missing scores them as 0, --only-predicted scores the predicted subset)
    """
    seen, dup = set(), []
    for i in pred_ids:
        if i in seen and i not in dup:
            dup.append(i)
        seen.add(i)
    gold_set = set(gold_ids)
    extra = [i for i in dict.fromkeys(pred_ids) if i not in gold_set]
    missing = [i for i in gold_ids if i not in seen]
    parts = [_duplicates_part(dup, pred_ids, lines)] if dup else []
    if extra and not allow_extra:
        parts.append(f"{len(extra)} id(s) not in the gold split: {_show(extra)}"
                     " (wrong --split? --allow-extra ignores them)")
    if missing and not (allow_missing or only_predicted):
        parts.append(f"{len(missing)} gold id(s) have no prediction: {_show(missing)}"
                     " (--allow-missing scores them as 0, --only-predicted scores the predicted subset)")
    return "prediction ids do not match the gold split: " + "; ".join(parts) if parts else None


def _duplicates_part(dup: list[str], pred_ids: Sequence[str], lines: Sequence[int | None] | None) -> str:
    """The duplicate ids (at most 10 shown), each with the lines it is on when known."""
    at: dict[str, list[int]] = {}
    for i, ln in zip(pred_ids, lines or []):
        if ln is not None:
            at.setdefault(i, []).append(ln)
    shown = [f"{d!r} (lines {', '.join(map(str, at[d]))})" if d in at else repr(d) for d in dup]
    more = f" … (+{len(dup) - 10} more)" if len(dup) > 10 else ""
    return f"{len(dup)} duplicate id(s): " + ", ".join(shown[:10]) + more


def subset_note(summary: dict[str, Any]) -> str:
    """The line every report shows when only the predicted subset was scored ('' otherwise).

    >>> print(subset_note({"only_predicted": True, "n": 3, "n_gold": 10}))  # doctest: +NORMALIZE_WHITESPACE
    only the 3 predicted records of 10 gold records were scored (--only-predicted);
    not comparable to full-split scores
    """
    if not summary.get("only_predicted"):
        return ""
    return (f"only the {summary['n']} predicted records of {summary['n_gold']} gold records were scored "
            "(--only-predicted); not comparable to full-split scores")


def _score_one(r: Record, p: PredRow | None, match: str, vocabulary: Vocabulary | None, errors_as_zero: bool,
               extractor=None) -> RecordScore:
    zero = p is not None and bool(p.error) and errors_as_zero  # an errored row scores 0, whatever it holds
    ex = Extraction() if zero else _read(p, vocabulary, extractor)
    ans = p.answer if p and not zero else ""
    v = evaluate(Sample(ex.diseases, r.diseases, ex.advices, r.advices, ans, r.answer, match))
    return RecordScore(r.id, v["disease_f1"], v["advice_f1"], v["rouge_l"], ex, r, ans, missing=p is None,
                       flags=check(r.question, ex.diseases, ex.advices, ans) if p else [], values=v,
                       faith_flags=faithfulness.check(r.question, ex.diseases, ex.advices, ans) if p else [])


def _no_score(match: str, n_resamples: int, seed: int) -> dict[str, Any]:
    """The summary when no record could be scored: every metric is None, never 0.0."""
    return {"n": 0, "match": match, **{k: None for k in metric_names()}, "micro": {}, "ci95": {},
            "bootstrap": {"resamples": n_resamples, "seed": seed, "level": 0.95},
            "extraction_rules": {"disease": {}, "advice": {}}}


def _predicted(gold: Sequence[Record], by_id: dict[str, PredRow]) -> list[Record]:
    kept = [r for r in gold if r.id in by_id]
    if not kept:
        raise RJUAError("no prediction id is in the gold split: nothing to score")
    return kept


def _errored(gold: list[Record], by_id: dict[str, PredRow],
             errors_as_zero: bool) -> tuple[dict[str, str], list[Record]]:
    """Errored rows (id -> message) and the records left to score."""
    errors = {r.id: by_id[r.id].error for r in gold if r.id in by_id and by_id[r.id].error}
    return errors, (gold if errors_as_zero else [r for r in gold if r.id not in errors])


def _add_counts(summary: dict[str, Any], scores: list[RecordScore], errors: dict[str, str],
                errors_as_zero: bool) -> None:
    """Errored rows and unread answers (:mod:`rjua.counts`) into the summary."""
    read = [(s.id, s.extraction.disease_rule, s.extraction.advice_rule) for s in scores
            if not s.missing and s.id not in errors]
    summary.update(count_summary(read, errors, excluded=not errors_as_zero), n_errors=len(errors))


def score_predictions(gold: Sequence[Record], preds: Any, match: str = "exact",
                      allow_missing: bool = False, allow_extra: bool = False,
                      vocabulary: Vocabulary | None = None, n_resamples: int = 1000,
                      seed: int = 0, only_predicted: bool = False, errors_as_zero: bool = False,
                      field: str = "answer",
                      extractor: Callable[[PredRow], Extraction | None] | None = None) -> ScoreResult:
    """Score predictions against gold records.

    ``preds``: :class:`PredRow` objects, dicts with ``id`` / ``answer`` (or ``field``) / ``disease`` /
    ``advice`` / ``error``, or a ``datasets.Dataset`` of such rows. Missing gold ids, unknown prediction
    ids and duplicates are errors unless allowed, all reported in one message; allowed missing ids
    score 0, allowed extra ids are ignored (both are listed). ``only_predicted`` scores only
    the gold records that have a prediction and says so in the summary (``only_predicted``,
    ``n_gold``, ``note``, ``subset``: ``"n of N"``). ``extractor(pred)`` (e.g. an LLM's rows,
    :mod:`rjua.judge.llm_extract`) gives a record's items; where it returns None the rule extractor reads them.
    Rows carrying an ``error`` are excluded from the score and counted (``errors``), or scored as 0 with
    ``errors_as_zero``; answers with nothing extracted are counted per field (``unread``) — see
    :mod:`rjua.counts`. When nothing is left to score, every metric is ``None`` (never 0.0) and ``n`` is 0.

    >>> g = load_split("test")
    >>> res = score_predictions(g, [{"id": g[0].id, "answer": g[0].answer, "disease": list(g[0].diseases),
    ...                              "advice": list(g[0].advices)}], only_predicted=True, n_resamples=10)
    >>> res.summary["n"], res.summary["n_gold"], res.summary["f1"]
    (1, 14, 1.0)
    >>> bad = score_predictions(g, [{"id": r.id, "answer": "", "error": "HTTP 401"} for r in g], n_resamples=10)
    >>> bad.summary["n"], bad.summary["f1"], bad.summary["errors"]["n"]
    (0, None, 14)
    """
    if match not in MATCH_MODES:
        raise RJUAError(f"unknown match mode {match!r}; choose one of: {', '.join(MATCH_MODES)}")
    preds = as_pred_rows(preds, field=field)
    msg = id_problems([r.id for r in gold], [p.id for p in preds], allow_missing, allow_extra, only_predicted,
                      [p.line for p in preds])
    if msg:
        raise RJUAError(msg)
    by_id = {p.id: p for p in preds}
    n_gold, gold_ids = len(gold), {r.id for r in gold}
    gold = _predicted(gold, by_id) if only_predicted else list(gold)
    errors, kept = _errored(gold, by_id, errors_as_zero)
    scores = [_score_one(r, by_id.get(r.id), match, vocabulary, errors_as_zero, extractor) for r in kept]
    summary = score_records(scores, match, n_resamples, seed) if scores else _no_score(match, n_resamples, seed)
    summary["consistency"] = summarise([s.flags for s in scores])
    summary["faithfulness"] = faithfulness_summary(scores)
    missing = [r.id for r in gold if r.id not in by_id]
    summary.update(missing_ids=missing, extra_ids=[p.id for p in preds if p.id not in gold_ids],
                   n_missing=len(missing))
    _add_counts(summary, scores, errors, errors_as_zero)
    if only_predicted:
        summary.update(only_predicted=True, n_gold=n_gold, note=subset_note({"only_predicted": True,
                                                                              "n": len(scores), "n_gold": n_gold}))
        summary["subset"] = f"{len(gold)} of {n_gold}"
    summary["counts_note"] = count_lines(summary)
    return ScoreResult(summary, scores)


@lru_cache(maxsize=8192)
def _reference_flags(question: str, diseases: tuple, advices: tuple, answer: str) -> tuple:
    """The faithfulness flags of a doctors' reference answer: the same for every score of the same gold."""
    return tuple(faithfulness.check(question, diseases, advices, answer))


def faithfulness_summary(scores: Sequence[RecordScore]) -> dict[str, Any]:
    """Faithfulness flags per rule (:func:`rjua.faithfulness.summarise`), each rule with ``reference_rate``: the
    share of the doctors' own reference answers of the same records that the rule flags (its false-alarm floor).

    >>> g = load_split("test")
    >>> f = faithfulness_summary(score_predictions(g, gold_as_predictions(g), n_resamples=10).records)
    >>> f["any"]["records"] == f["reference"]["records"], sorted(f["rules"]["fact_history"])
    (True, ['items', 'record_rate', 'records', 'reference_rate'])
    """
    out = faithfulness.summarise([s.faith_flags for s in scores])
    ref = faithfulness.summarise([_reference_flags(s.gold.question, tuple(s.gold.diseases), tuple(s.gold.advices),
                                                   s.gold.answer) for s in scores])
    for name, v in out["rules"].items():
        v["reference_rate"] = ref["rules"].get(name, {}).get("record_rate", 0.0)
    out["reference"] = ref["any"]
    return out


def _read(p: PredRow | None, vocabulary: Vocabulary | None, extractor) -> Extraction:
    """The items of one prediction: the given extractor's, else the rule extractor's (nothing without one)."""
    if p is None:
        return Extraction()
    return (extractor(p) if extractor else None) or extract(p.answer, p.disease, p.advice, vocabulary)


def _show(ids: list[str], k: int = 10) -> str:
    return ", ".join(map(repr, ids[:k])) + (f" … (+{len(ids) - k} more)" if len(ids) > k else "")


def per_disease_f1(scores: Sequence[RecordScore], top: int = 25) -> list[tuple[str, int, float]]:
    """F1 per gold disease label (counted over records), most frequent first.

    Returns ``(label, support, f1)`` rows; exact matching after normalisation.

    >>> gold = load_split("test")
    >>> rows = per_disease_f1(score_predictions(gold, gold_as_predictions(gold)).records, top=3)
    >>> len(rows), all(f1 == 1.0 and support >= 1 for _, support, f1 in rows)
    (3, True)
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
    ranked = sorted(support.items(), key=lambda kv: (-kv[1], kv[0]))[:top]  # ties by label: the same in every run
    return [(lab, n, f1_from_counts(tp[lab], tp[lab] + fp[lab], n)) for lab, n in ranked]
