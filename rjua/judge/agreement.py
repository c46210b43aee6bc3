"""How far the LLM judge agrees with the string metrics, per record and overall.

Per record: the judge's diagnosis / advice verdicts next to exact and fuzzy F1 of the
extracted items. Overall: judge accuracy, mean F1s, Cohen's kappa between each judge
verdict and ``F1 >= 0.5`` of the matching item set (diagnosis ~ disease F1, advice ~
advice F1, both ~ combined F1), and the records where judge and fuzzy F1 disagree most.

>>> from rjua.data import load_split
>>> from rjua.scoring import gold_as_predictions
>>> gold = load_split("test")[:3]
>>> rows = [{"id": r.id, "diagnosis": True, "advice": True, "reason": "", "error": None} for r in gold]
>>> rep = agreement_report(gold, gold_as_predictions(gold), rows)
>>> rep["summary"]["judge"]["both_acc"], rep["summary"]["kappa"]["diagnosis~disease_f1_exact"]
(1.0, 1.0)
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..data import Record
from ..extract import extract
from ..metrics import cohen_kappa, combined_f1, prf
from ..report import render_template
from .run import judge_summary

__all__ = ["THRESHOLD", "agreement_html", "agreement_markdown", "agreement_report"]

THRESHOLD = 0.5
_PAIRS = (("diagnosis", "disease_f1"), ("advice", "advice_f1"), ("both", "f1"))


def _record(rec: Record, p, row: dict[str, Any]) -> dict[str, Any]:
    """One record: the judge's verdicts beside the string metrics of the same prediction."""
    ex = extract(p.answer, p.disease, p.advice) if p else None
    pd, pa = (ex.diseases, ex.advices) if ex else ([], [])
    d = {m: prf(pd, rec.diseases, m).f1 for m in ("exact", "fuzzy")}
    a = {m: prf(pa, rec.advices, m).f1 for m in ("exact", "fuzzy")}
    ok = not row.get("error")
    item = {"id": rec.id, "judged": ok, "error": row.get("error"),
            "diagnosis": row.get("diagnosis") if ok else None, "advice": row.get("advice") if ok else None,
            "both": (row.get("diagnosis") and row.get("advice")) if ok else None, "reason": row.get("reason", ""),
            "disease_f1_exact": d["exact"], "disease_f1_fuzzy": d["fuzzy"],
            "advice_f1_exact": a["exact"], "advice_f1_fuzzy": a["fuzzy"],
            "f1_exact": combined_f1(d["exact"], a["exact"]), "f1_fuzzy": combined_f1(d["fuzzy"], a["fuzzy"]),
            "gold_diseases": list(rec.diseases), "pred_diseases": pd,
            "gold_advices": list(rec.advices), "pred_advices": pa}
    if ok:
        item["disagreement"] = round(abs(float(item["diagnosis"]) - item["disease_f1_fuzzy"])
                                     + abs(float(item["advice"]) - item["advice_f1_fuzzy"]), 4)
    return item


def _kappa_and_means(judged: list[dict]) -> tuple[dict, dict]:
    kappa, mean_f1 = {}, {}
    for verdict, metric in _PAIRS:
        for m in ("exact", "fuzzy"):
            col = f"{metric}_{m}"
            kappa[f"{verdict}~{col}"] = round(cohen_kappa([bool(x[verdict]) for x in judged],
                                                          [x[col] >= THRESHOLD for x in judged]), 4)
            mean_f1[col] = round(sum(x[col] for x in judged) / len(judged), 4) if judged else 0.0
    return kappa, mean_f1


def agreement_report(gold: Sequence[Record], preds, rows: Sequence[dict[str, Any]], top: int = 10) -> dict[str, Any]:
    """Per-record table, summary (accuracy, mean F1, kappa) and the most disagreeing records."""
    by_pred = {p.id: p for p in preds}
    by_row = {r["id"]: r for r in rows}
    per = [_record(rec, by_pred.get(rec.id), by_row[rec.id]) for rec in gold if rec.id in by_row]
    judged = [x for x in per if x["judged"]]
    kappa, mean_f1 = _kappa_and_means(judged)
    worst = sorted(judged, key=lambda x: (-x["disagreement"], x["id"]))[:top]
    summary = {"judge": judge_summary(list(rows)), "mean_f1": mean_f1, "kappa": kappa, "threshold": THRESHOLD,
               "n_judged": len(judged)}
    return {"summary": summary, "records": per, "most_disagreeing": [x["id"] for x in worst]}


def _v(x) -> str:
    return "—" if x is None else ("✓" if x else "✗")


def agreement_markdown(rep: dict[str, Any]) -> str:
    """Markdown: summary tables and the most disagreeing records."""
    s = rep["summary"]
    j = s["judge"]
    lines = ["# Judge vs string metrics", "",
             f"{j['n_judged']} of {j['n']} records judged ({j['n_errors']} errors: {j['errors'] or 'none'}).", "",
             "| judge verdict | accuracy |", "|---|---|",
             f"| diagnosis (strict) | {j['diagnosis_acc']:.3f} |", f"| advice (balanced) | {j['advice_acc']:.3f} |",
             f"| both | {j['both_acc']:.3f} |", "",
             "| metric | mean | Cohen's κ with the judge (F1 ≥ 0.5) |", "|---|---|---|"]
    for verdict, metric in _PAIRS:
        for m in ("exact", "fuzzy"):
            col = f"{metric}_{m}"
            lines.append(f"| {col} | {s['mean_f1'][col]:.3f} | {s['kappa'][f'{verdict}~{col}']:.3f} ({verdict}) |")
    lines += ["", "## Most disagreeing records", "",
              "| id | diagnosis | disease F1 exact / fuzzy | advice | advice F1 exact / fuzzy | reason |",
              "|---|---|---|---|---|---|"]
    by = {x["id"]: x for x in rep["records"]}
    for i in rep["most_disagreeing"]:
        x = by[i]
        reason = x["reason"].replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {i} | {_v(x['diagnosis'])} | {x['disease_f1_exact']:.2f} / {x['disease_f1_fuzzy']:.2f} | "
                     f"{_v(x['advice'])} | {x['advice_f1_exact']:.2f} / {x['advice_f1_fuzzy']:.2f} | {reason} |")
    return "\n".join(lines) + "\n"


def agreement_html(rep: dict[str, Any]) -> str:
    """A self-contained HTML page (template ``rjua/templates/judge_agreement.html.j2``, every value escaped).

    >>> rep = {"summary": {"judge": {"n": 1, "n_judged": 1, "n_errors": 0, "errors": {}, "diagnosis_acc": 1.0,
    ...        "advice_acc": 1.0, "both_acc": 1.0}, "mean_f1": {}, "kappa": {}}, "records": [{"id": "1",
    ...        "judged": True, "diagnosis": True, "advice": True, "reason": "<script>x</script>", "error": None,
    ...        "disease_f1_exact": 1.0, "disease_f1_fuzzy": 1.0, "advice_f1_exact": 1.0, "advice_f1_fuzzy": 1.0}],
    ...        "most_disagreeing": ["1"]}
    >>> "<script>" in agreement_html(rep), "&lt;script&gt;" in agreement_html(rep)
    (False, True)
    """
    by = {x["id"]: x for x in rep["records"]}
    return render_template("judge_agreement.html.j2", s=rep["summary"],
                           records=[by[i] for i in rep["most_disagreeing"]])
