"""Run the LLM judge over predictions: on-disk cache, resumable output, per-record errors.

The judge model is any rjua generation backend (``openai``, ``hf``, ``vllm``; see
:mod:`rjua.backends`). Every judge call is cached in a SQLite file keyed by
(prompt version, backend/model, record id, the full judge prompt, which holds the gold
labels and the prediction), so rerunning costs nothing. ``judge_split`` appends one
JSON line per record to its output and flushes it; rerunning the same command skips the
records already judged (backend failures are retried, malformed verdicts are kept as
per-record errors). A second writer on the same output is refused.

>>> from rjua.backends.scripted import ScriptedBackend
>>> from rjua.data import load_split
>>> from rjua.scoring import gold_as_predictions
>>> gold = load_split("test")[:2]
>>> be = ScriptedBackend(lambda r: "诊断：正确\\n建议：错误\\n理由：缺少复查。")
>>> rows = judge_records(gold, gold_as_predictions(gold), be, JudgeCache(":memory:"))
>>> [(r["diagnosis"], r["advice"], r["error"]) for r in rows]
[(True, False, None), (True, False, None)]
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..backends import GenRequest, get_backend
from ..data import Record
from ..errors import RJUAError
from ..extract import extract
from ..jsonio import append_json_line
from ..locks import output_lock
from ..runs import check_run_manifest, read_done
from .prompts import JUDGE_PROMPT_VERSION, MalformedVerdict, judge_messages, parse_verdict

__all__ = ["JudgeCache", "default_cache_path", "judge_backend", "judge_records", "judge_split", "judge_summary"]


def default_cache_path() -> Path:
    """``$RJUA_CACHE_DIR/judge.sqlite``, else ``~/.cache/rjua/judge.sqlite``."""
    base = os.environ.get("RJUA_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "rjua")
    return Path(base) / "judge.sqlite"


class JudgeCache:
    """Raw judge outputs on disk, keyed by (prompt version, model, record, prompt/prediction).

    >>> c = JudgeCache(":memory:")
    >>> k = c.key("hf:m", "1", [{"role": "user", "content": "x"}])
    >>> c.get(k) is None, c.put(k, "hf:m", "1", "诊断：正确"), c.get(k)
    (True, None, '诊断：正确')
    """

    def __init__(self, path: str | os.PathLike):
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = str(path)
        self.db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        self.db.execute("CREATE TABLE IF NOT EXISTS judge (key TEXT PRIMARY KEY, prompt_version TEXT, model TEXT,"
                        " record TEXT, raw TEXT, created TEXT)")
        self.db.commit()
        self.hits = self.misses = 0

    @staticmethod
    def key(model: str, record_id: str, messages: list[dict]) -> str:
        blob = json.dumps([JUDGE_PROMPT_VERSION, model, record_id, messages], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def get(self, key: str) -> str | None:
        row = self.db.execute("SELECT raw FROM judge WHERE key = ?", (key,)).fetchone()
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        return row[0]

    def put(self, key: str, model: str, record_id: str, raw: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO judge VALUES (?, ?, ?, ?, ?, ?)",
                        (key, JUDGE_PROMPT_VERSION, model, record_id, raw, time.strftime("%Y-%m-%dT%H:%M:%S")))
        self.db.commit()


def judge_backend(name: str, model: str | None, base_url: str | None = None, max_new_tokens: int = 48,
                  batch_size: int = 4, **kw):
    """An rjua backend configured for short, greedy judge verdicts."""

    if name not in ("openai", "hf", "vllm"):
        raise RJUAError(f"unknown judge backend {name!r}; choose openai, hf or vllm")
    if not model:
        raise RJUAError("give the judge model with --judge-model")
    if name == "openai":
        return get_backend(name, model, base_url=base_url, max_tokens=max_new_tokens, **kw)
    if name == "hf":
        return get_backend(name, model, max_new_tokens=max_new_tokens, batch_size=batch_size, **kw)
    return get_backend(name, model, max_new_tokens=max_new_tokens, **kw)


def _row(rec: Record, pred, raw: str | None, error: str | None, cached: bool, seconds: float) -> dict[str, Any]:
    row = {"id": rec.id, "diagnosis": None, "advice": None, "reason": "", "raw": raw or "", "error": error,
           "error_kind": "backend" if error else None, "cached": cached, "seconds": round(seconds, 3),
           "prompt_version": JUDGE_PROMPT_VERSION, "missing_prediction": pred is None}
    if error is None:
        try:
            v = parse_verdict(raw or "")
            row.update(diagnosis=v.diagnosis, advice=v.advice, reason=v.reason)
        except MalformedVerdict as e:
            row.update(error=f"malformed verdict: {e}", error_kind="malformed")
    return row


def judge_records(gold: Sequence[Record], preds, backend, cache: JudgeCache,
                  batch_size: int = 4) -> list[dict[str, Any]]:
    """Judge each gold record's prediction (``preds``: PredRows); one row per record, errors per record."""
    by_id = {p.id: p for p in preds}
    model = f"{backend.name}:{backend.model}"
    todo, out = [], {}
    for rec in gold:
        p = by_id.get(rec.id)
        if p is None:
            out[rec.id] = _row(rec, None, None, "no prediction for this record", False, 0.0)
            out[rec.id]["error_kind"] = "missing"
            continue
        ex = extract(p.answer, p.disease, p.advice)
        msgs = judge_messages(rec.diseases, rec.advices, ex.diseases, ex.advices, p.answer, rec.answer)
        key = cache.key(model, rec.id, msgs)
        raw = cache.get(key)
        if raw is not None:
            out[rec.id] = _row(rec, p, raw, None, True, 0.0)
        else:
            todo.append((rec, p, msgs, key))
    for s in range(0, len(todo), batch_size):
        batch = todo[s:s + batch_size]
        t0 = time.perf_counter()
        results = backend.generate([GenRequest("", msgs) for _, _, msgs, _ in batch])
        each = (time.perf_counter() - t0) / len(batch)
        for (rec, p, _, key), res in zip(batch, results):
            if res.error is None:
                cache.put(key, model, rec.id, res.text)
            out[rec.id] = _row(rec, p, res.text, res.error, False, each)
    return [out[r.id] for r in gold]


def judge_summary(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Judge accuracy (share of judged records found correct) and error counts.

    >>> judge_summary([{"diagnosis": True, "advice": False, "error": None},
    ...                {"error": "x", "error_kind": "malformed"}])  # doctest: +NORMALIZE_WHITESPACE
    {'n': 2, 'n_judged': 1, 'n_errors': 1, 'errors': {'malformed': 1},
     'diagnosis_acc': 1.0, 'advice_acc': 0.0, 'both_acc': 0.0}
    """
    ok = [r for r in rows if not r.get("error")]
    kinds: dict[str, int] = {}
    for r in rows:
        if r.get("error"):
            kinds[r.get("error_kind") or "backend"] = kinds.get(r.get("error_kind") or "backend", 0) + 1

    def mean(xs):
        return round(sum(xs) / len(xs), 4) if xs else 0.0

    return {"n": len(rows), "n_judged": len(ok), "n_errors": len(rows) - len(ok), "errors": kinds,
            "diagnosis_acc": mean([float(r["diagnosis"]) for r in ok]),
            "advice_acc": mean([float(r["advice"]) for r in ok]),
            "both_acc": mean([float(r["diagnosis"] and r["advice"]) for r in ok])}


def _read_rows(out: Path) -> dict[str, dict]:
    done = read_done(out)  # last line of an id wins
    return {k: v for k, v in done.items() if not v.get("error") or v.get("error_kind") == "malformed"}


def judge_split(gold: Sequence[Record], preds, backend, out: str | os.PathLike, cache: JudgeCache,
                config: dict[str, Any], overwrite: bool = False, batch_size: int = 4,
                on_batch: Callable[[int, int], None] | None = None) -> list[dict[str, Any]]:
    """Judge into ``out`` (JSON Lines), one flushed line per record; resumes, refuses other configs."""

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with output_lock(out):
        check_run_manifest(out, config, overwrite)
        done = _read_rows(out)
        todo = [r for r in gold if r.id not in done]
        with open(out, "a", encoding="utf-8") as f:
            for s in range(0, len(todo), batch_size):
                for row in judge_records(todo[s:s + batch_size], preds, backend, cache, batch_size):
                    append_json_line(f, row)
                    done[row["id"]] = row
                if on_batch:
                    on_batch(len(done), len(gold))
    return [done[r.id] for r in gold]
