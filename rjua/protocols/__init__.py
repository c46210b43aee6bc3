"""Published ways to score RJUA-QA, side by side on the same predictions.

- ``official``: the RJUA-QA metrics of :mod:`rjua.scoring` (disease / advice / combined F1, ROUGE-L);
- ``doctorrag``: DoctorRAG's closed-vocabulary verdicts and jieba text metrics (:mod:`.doctorrag`);
- ``open``: an LLM judge of each reply against the reference answer and labels (:mod:`rjua.judge`, run by the caller);
  a failed or unreadable judge call is excluded from the accuracy and counted.

Each gives one row of :func:`protocols_text` / :func:`protocols_markdown`: records scored, what was
excluded and why, the diagnosis, advice and combined numbers, and the text metrics.

>>> parse_protocols(["official,doctorrag"]), parse_protocols(["all"])
(['official', 'doctorrag'], ['official', 'doctorrag', 'open'])
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import RJUAError
from ..vocab import Vocabulary, load_label_list
from .doctorrag import doctorrag_protocol

__all__ = ["PROTOCOLS", "official_row", "open_row", "parse_protocols", "protocols_markdown", "protocols_text",
           "run_protocols"]

PROTOCOLS = ("official", "doctorrag", "open")


def parse_protocols(values: Sequence[str] | None) -> list[str]:
    """``--protocol`` values (repeatable, comma-separated, ``all``) in a fixed order; ``official`` always first."""
    names = [x.strip().lower() for v in (values or ["official"]) for x in v.split(",") if x.strip()]
    bad = [n for n in names if n not in (*PROTOCOLS, "all")]
    if bad:
        raise RJUAError(f"unknown --protocol {bad[0]!r}; choose from: {', '.join(PROTOCOLS)}, all")
    chosen = set(PROTOCOLS) if "all" in names else {"official", *names}
    return [p for p in PROTOCOLS if p in chosen]


def official_row(summary: dict[str, Any]) -> dict[str, Any]:
    """The official protocol's row from a :func:`rjua.scoring.score_predictions` summary."""
    err = summary.get("errors", {})
    return {"protocol": "official", "n": summary["n"], "diagnosis": summary.get("disease_f1"),
            "advice": summary.get("advice_f1"), "combined": summary.get("f1"), "rouge_l": summary.get("rouge_l"),
            "bleu4": None,
            "excluded": {"errored rows": err.get("n", 0) if err.get("excluded") else 0},
            "unread": {k: summary.get("unread", {}).get(k, {}).get("n", 0) for k in ("disease", "advice")},
            "measures": f"F1 of items ({summary['match']} match), char ROUGE-L"}


def _doctorrag_row(rep: dict[str, Any], n_errors: int) -> dict[str, Any]:
    ex = rep["excluded_empty"]
    return {"protocol": "doctorrag", "n": rep["n"], "diagnosis": rep["diagnosis_acc"], "advice": rep["advice_acc"],
            "combined": None, "rouge_l": rep["rouge_l_jieba"], "bleu4": rep["bleu4_jieba"],
            "excluded": {"errored rows": n_errors, "no disease pick": ex["disease"]["n"],
                         "no advice pick": ex["advice"]["n"]},
            "measures": "accuracy: strict diagnosis / balanced advice of ≤5 closed-list picks; jieba ROUGE-L, BLEU-4",
            "detail": rep}


def open_row(judge_summary: dict[str, Any], n_errors: int) -> dict[str, Any]:
    """The open protocol's row from a judge run's summary (``rjua.judge``); judge failures are excluded."""
    j = judge_summary["judge"]
    ok = j["n_judged"] > 0
    return {"protocol": "open", "n": j["n_judged"], "diagnosis": j["diagnosis_acc"] if ok else None,
            "advice": j["advice_acc"] if ok else None, "combined": j["both_acc"] if ok else None,
            "rouge_l": None, "bleu4": None,
            "excluded": {"errored rows": n_errors, "failed judge calls": j["n_errors"]},
            "measures": f"LLM judge ({judge_summary.get('judge_model')}): diagnosis / advice / both correct",
            "detail": judge_summary}


def _vocabulary(split: str, data_dir, disease_list: Path | None, advice_list: Path | None):
    junk, lists = {}, {}
    for kind, path in (("disease", disease_list), ("advice", advice_list)):
        if path is not None:
            ll = load_label_list(path)  # one per line, JSON list or the official Python-list text
            lists[kind], junk[kind] = ll.labels, ll.skipped
    pool = Vocabulary.from_items([], [])
    if len(lists) < 2:
        try:
            pool = Vocabulary.from_other_splits(split, data_dir)
        except RJUAError:
            pass  # said below, per list
    vocab = Vocabulary.from_items(lists.get("disease", pool.diseases), lists.get("advice", pool.advices))
    for kind, labels in (("disease", vocab.diseases), ("advice", vocab.advices)):
        if not labels:
            raise RJUAError(f"--protocol doctorrag needs a closed {kind} list: give --{kind}-list FILE (e.g. the "
                            f"official {kind}.txt); the data directory has no other split to take it from")
    source = {k: str(p) if p else "labels of the other splits" for k, p in
              (("disease", disease_list), ("advice", advice_list))}
    return vocab, {"source": source, "skipped": junk}


def run_protocols(protocols: Sequence[str], res, *, split: str, data_dir=None, disease_list: Path | None = None,
                  advice_list: Path | None = None,
                  judge_summary: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """One row per protocol on the same predictions (``res``: the official :class:`~rjua.scoring.ScoreResult`).

    ``judge_summary``: the judge run's summary for ``open`` (:func:`rjua.judge.job.run_judge`, which the caller
    runs: the judge sits above this module).
    """
    s = res.summary
    n_err = s.get("errors", {}).get("n", 0) if s.get("errors", {}).get("excluded") else 0
    rows = [official_row(s)]
    if "doctorrag" in protocols:
        vocab, meta = _vocabulary(split, data_dir, disease_list, advice_list)
        row = _doctorrag_row(doctorrag_protocol(res.records, vocab), n_err)
        row["detail"]["vocabulary"].update(meta)
        rows.append(row)
    if "open" in protocols:
        if judge_summary is None:
            raise RJUAError("--protocol open needs a judge run (--judge openai|hf|vllm --judge-model M)")
        rows.append(open_row(judge_summary, n_err))
    return rows


def _v(x) -> str:
    return "—" if x is None else f"{x:.4f}"


def _excluded(row: dict[str, Any]) -> str:
    parts = [f"{k} {v}" for k, v in row["excluded"].items() if v]
    return ", ".join(parts) or "0"


_HEAD = ("protocol", "n", "diagnosis", "advice", "combined", "ROUGE-L", "BLEU-4", "excluded")


def _cells(row: dict[str, Any]) -> list[str]:
    return [row["protocol"], str(row["n"]), _v(row["diagnosis"]), _v(row["advice"]), _v(row["combined"]),
            _v(row["rouge_l"]), _v(row["bleu4"]), _excluded(row)]


def protocols_text(rows: Sequence[dict[str, Any]]) -> str:
    """The comparison table as aligned text, then what each protocol measures.

    >>> print(protocols_text([{"protocol": "official", "n": 3, "diagnosis": 0.5, "advice": 0.25, "combined": 0.4,
    ...                        "rouge_l": 0.3, "bleu4": None, "excluded": {"errored rows": 1}, "measures": "F1"}]))
    ... # doctest: +NORMALIZE_WHITESPACE
    protocol  n  diagnosis  advice  combined  ROUGE-L  BLEU-4  excluded
    official  3  0.5000     0.2500  0.4000    0.3000   —       errored rows 1
    official: F1
    """
    table = [list(_HEAD)] + [_cells(r) for r in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(_HEAD))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in table]
    return "\n".join(lines + [f"{r['protocol']}: {r['measures']}" for r in rows])


def protocols_markdown(rows: Sequence[dict[str, Any]]) -> str:
    """The comparison table in Markdown."""
    lines = ["## Protocols on the same predictions", "", "| " + " | ".join(_HEAD) + " | measures |",
             "|" + " --- |" * (len(_HEAD) + 1)]
    lines += ["| " + " | ".join(_cells(r) + [r["measures"]]) + " |" for r in rows]
    return "\n".join(lines)
