"""Re-extract and re-score a run's stored raw outputs, without calling any model.

An ``rjua eval`` run directory keeps every model reply (``raw`` in ``predictions.jsonl``) and its
configuration (``config.json``). :func:`rescore_run` reads them back and

- re-extracts the items of each row from ``raw`` with today's :func:`rjua.extract.extract` — except rows
  whose items the backend gave itself (rule ``field``) or the pipeline found with the pool's vocabulary
  (rule ``vocabulary``: the pool is not rebuilt), which keep their stored items;
- applies the patient guard again when the run had it on (:func:`rjua.consistency.guard`);
- scores the rows like ``rjua score`` (errored rows excluded and counted, unread answers counted), and
- writes ``scores.json``, ``report.md``, ``report.html``, ``per_sample.jsonl`` and ``rescore.json`` (what
  was re-extracted, how many rows changed) into ``RUN_DIR/rescore/`` or ``out``; the run's own files are
  replaced only with ``in_place``.

The data file must still hash as the run recorded (else the gold is not the one the run was made on).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .consistency import guard
from .data import data_file, load_split
from .errors import RJUAError
from .extract import extract
from .jsonio import atomic_write_text, iter_json, read_json_file
from .report import to_html, to_markdown
from .retrieval.index import file_sha256
from .scoring import PredRow, ScoreResult, score_predictions

__all__ = ["KEEP_RULES", "rescore_rows", "rescore_run"]

KEEP_RULES = ("field", "vocabulary")  # items that re-extraction from the raw text cannot reproduce


def _items(row: dict, kind: str) -> list[str]:
    v = row.get(kind)
    return list(v) if isinstance(v, list) else ([v] if isinstance(v, str) and v else [])


def rescore_rows(rows: list[dict], use_guard: bool = True) -> tuple[list[PredRow], dict[str, Any]]:
    """PredRows re-extracted from stored rows, and counts of what was re-extracted and what changed.

    >>> rows = [{"id": "1", "raw": "诊断：肾结石\\n建议：多饮水", "answer": "您好", "disease": [], "advice": [],
    ...          "disease_rule": "none", "advice_rule": "none", "question": "尿痛"}]
    >>> preds, info = rescore_rows(rows)
    >>> preds[0].disease, info["changed"]
    (['肾结石'], 1)
    """
    out, changed, kept = [], [], 0
    for row in rows:
        rid = str(row.get("id"))
        keep = {k: _items(row, k) for k in ("disease", "advice") if row.get(f"{k}_rule") in KEEP_RULES}
        kept += len(keep)
        ex = extract(row.get("raw") or row.get("answer") or "", keep.get("disease"), keep.get("advice"))
        reply = row.get("answer") or ""
        diseases, advices = ex.diseases, ex.advices
        if use_guard:
            diseases, advices, reply, _ = guard(row.get("question") or "", diseases, advices, reply)
        if (diseases, advices) != (_items(row, "disease"), _items(row, "advice")):
            changed.append(rid)
        out.append(PredRow(rid, reply, diseases, advices, None, row.get("error") or None))
    return out, {"rows": len(rows), "fields_kept": kept, "changed": len(changed), "changed_ids": changed}


def _read_run(run_dir: Path) -> tuple[dict, list[dict]]:
    cfg_path, preds_path = run_dir / "config.json", run_dir / "predictions.jsonl"
    for p in (cfg_path, preds_path):
        if not p.is_file():
            raise RJUAError(f"{run_dir}: not an rjua eval run directory (no {p.name})")
    cfg = read_json_file(cfg_path)
    if not isinstance(cfg, dict) or not isinstance(cfg.get("config"), dict):
        raise RJUAError(f"{cfg_path}: not an rjua run configuration (no 'config' object)")
    rows = []
    for line, obj, prob in iter_json(preds_path):
        if prob is not None:
            raise RJUAError(str(prob))
        if not isinstance(obj, dict) or "id" not in obj:
            raise RJUAError(f"{preds_path}:{line}: expected a prediction row with an id")
        rows.append(obj)
    return cfg, rows


def _gold(cfg: dict, data_dir) -> tuple[str, list]:
    c = cfg["config"]
    split = c["split"]
    data_dir = data_dir if data_dir is not None else Path(c["data_file"]).parent
    f = data_file(split, data_dir)
    if c.get("data_sha256") and file_sha256(f) != c["data_sha256"]:
        raise RJUAError(f"{f} differs from the data the run was made on (sha256 in config.json); "
                        "pass --data-dir with the original files")
    return split, load_split(split, data_dir)


def rescore_run(run_dir: str | os.PathLike, out: str | os.PathLike | None = None, data_dir=None,
                match: str | None = None, resamples: int | None = None, errors_as_zero: bool = False,
                in_place: bool = False) -> tuple[ScoreResult, Path, dict[str, Any]]:
    """Re-extract and re-score a run directory (see the module docstring); returns the result, where it was
    written and the re-extraction counts. ``match`` / ``resamples`` default to the run's own."""

    run_dir = Path(run_dir)
    cfg, rows = _read_run(run_dir)
    split, gold = _gold(cfg, data_dir)
    c = cfg["config"]
    match = match or cfg.get("match", "exact")
    resamples = resamples or cfg.get("resamples", 1000)
    preds, info = rescore_rows(rows, use_guard=c.get("guard", True))
    part = bool(c.get("limit") or c.get("subset"))
    res = score_predictions(gold, preds, match=match, n_resamples=resamples, only_predicted=part,
                            allow_missing=False, errors_as_zero=errors_as_zero)
    dest = run_dir if in_place else Path(out) if out else run_dir / "rescore"
    if dest.resolve() == run_dir.resolve() and not in_place:
        raise RJUAError(f"--out {dest} is the run directory itself; its scores are kept unless --in-place")
    dest.mkdir(parents=True, exist_ok=True)
    info.update(split=split, match=match, resamples=resamples, errors_as_zero=errors_as_zero, source=str(run_dir))
    atomic_write_text(dest / "scores.json", json.dumps(res.summary, ensure_ascii=False, indent=2))
    atomic_write_text(dest / "report.md", to_markdown(res))
    atomic_write_text(dest / "report.html", to_html(res))
    atomic_write_text(dest / "per_sample.jsonl", res.per_sample_jsonl())
    atomic_write_text(dest / "rescore.json", json.dumps(info, ensure_ascii=False, indent=2))
    return res, dest, info
