"""Check a predictions file before scoring it: format, ids, fields, errors and what can be extracted.

:func:`check_predictions` reads every row (nothing stops at the first problem) and reports

- ``problems``: format problems naming line and field (not an object, no id, a wrong type, the answer
  field absent while another answer-like field is there), then id problems against the gold split
  (duplicates with their lines, ids not in the split, gold ids without a prediction);
- ``fields``: how many rows carry each answer-like field, ``disease`` / ``advice`` and ``error``;
- ``errors`` and ``unread`` as :mod:`rjua.counts` counts them, and the extraction rules that fired.

``rjua data validate --predictions FILE --split S`` prints it and exits 2 when there is any problem.

>>> import json, tempfile
>>> from pathlib import Path
>>> from rjua.data import load_split
>>> gold = load_split("test")
>>> p = Path(tempfile.mkdtemp()) / "p.jsonl"
>>> rows = [{"id": gold[0].id, "answer": "诊断：肾结石\\n建议：多饮水"},
...         {"id": gold[1].id, "prediction": "考虑肾结石"}, {"id": gold[2].id, "answer": "", "error": "HTTP 401"}]
>>> _ = p.write_text("".join(json.dumps(r, ensure_ascii=False) + "\\n" for r in rows), encoding="utf-8")
>>> rep = check_predictions(p, gold)
>>> rep["rows"], rep["fields"]["prediction"], rep["errors"]["n"], rep["ok"]
(3, 1, 1, False)
>>> print(rep["problems"][0].split(": ", 1)[1])
field "answer": missing field; the row has "prediction" instead (--field prediction reads it)
"""
from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from typing import Any

from .counts import count_lines, count_summary
from .data import Record
from .extract import extract
from .jsonio import iter_json
from .scoring import ANSWER_FIELDS, PredRow, _check_pred, _row, id_problems

__all__ = ["check_predictions", "predictions_report_lines"]


def _read_rows(path, field: str) -> tuple[list[str], list[PredRow], Counter, int]:
    problems, rows, fields, n = [], [], Counter(), 0
    for line, obj, prob in iter_json(path):
        n += 1
        if prob is not None:
            problems.append(str(prob))
            continue
        if isinstance(obj, dict):
            fields.update(k for k in (*ANSWER_FIELDS, "disease", "advice") if obj.get(k) is not None)
            fields.update(["error"] if obj.get("error") else [])
        probs = _check_pred(obj, str(path), line, field)
        problems += [str(p) for p in probs]
        if not probs:
            rows.append(_row(obj, line, field))
    return problems, rows, fields, n


def check_predictions(path: str | os.PathLike, gold: Sequence[Record], field: str = "answer") -> dict[str, Any]:
    """Everything :mod:`rjua.predcheck` reports about one predictions file (see the module docstring)."""
    problems, rows, fields, n = _read_rows(path, field)
    ids_msg = id_problems([r.id for r in gold], [p.id for p in rows], lines=[p.line for p in rows])
    if ids_msg:
        problems.append(f"{path}: {ids_msg}")
    first: dict[str, PredRow] = {}
    gold_ids = {r.id for r in gold}
    for p in rows:  # what would be scored: the first row of each gold id
        if p.id in gold_ids:
            first.setdefault(p.id, p)
    errors = {i: p.error for i, p in first.items() if p.error}
    exs = {i: extract(p.answer, p.disease, p.advice) for i, p in first.items() if not p.error}
    counts = count_summary([(i, e.disease_rule, e.advice_rule) for i, e in exs.items()], errors, excluded=True)
    return {"file": str(path), "field": field, "rows": n, "readable_rows": len(rows), "ok": not problems,
            "n": len(exs),
            "problems": problems, "fields": dict(fields), **counts,
            "extraction_rules": {"disease": dict(Counter(e.disease_rule for e in exs.values())),
                                 "advice": dict(Counter(e.advice_rule for e in exs.values()))}}


def predictions_report_lines(rep: dict[str, Any], max_problems: int = 20) -> list[str]:
    """The report as lines (problems first, then counts)."""

    lines = list(rep["problems"][:max_problems])
    if len(rep["problems"]) > max_problems:
        lines.append(f"… (+{len(rep['problems']) - max_problems} more problems)")
    lines.append(f"{rep['file']}: {rep['rows']} rows, {rep['readable_rows']} readable; answer field "
                 f"{rep['field']!r}; fields seen: " + ", ".join(f"{k} {v}" for k, v in rep["fields"].items()))
    lines += count_lines(rep)
    rules = "; ".join(f"{k}: " + ", ".join(f"{r} {c}" for r, c in v.items())
                      for k, v in rep["extraction_rules"].items())
    lines.append(f"extraction rules: {rules}")
    lines.append(f"{rep['file']}: " + ("ok" if rep["ok"] else f"{len(rep['problems'])} problem(s)"))
    return lines
