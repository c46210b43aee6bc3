"""An LLM as the extractor: a model turns each free-text answer into its disease and advice lists.

Same machinery as the judge: any generation backend (``openai``, ``hf``, ``vllm``), a versioned prompt
(:data:`EXTRACT_PROMPT_VERSION`), an on-disk SQLite cache keyed by (prompt version, model, record,
prompt), a resumable JSON Lines output (one flushed line per record; a rerun skips the records done and
retries backend failures) and per-record errors (``backend``, ``malformed``). Predictions that carry
``disease`` / ``advice`` fields are not sent. :func:`agreement` compares the model's items with the rule
extractor's (:func:`rjua.extract.extract`).

>>> from rjua.backends.scripted import ScriptedBackend
>>> from rjua.scoring import PredRow
>>> be = ScriptedBackend(lambda r: '{"diseases": ["肾结石"], "advice": ["多饮水"]}')
>>> rows = extract_records([PredRow("1", "您好，像是肾结石，多喝水。")], be, ExtractCache(":memory:"))
>>> rows[0]["diseases"], rows[0]["advices"], rows[0]["error"]
(['肾结石'], ['多饮水'], None)
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..backends import GenRequest
from ..extract import Extraction, extract, label_kind
from ..extract_formats import read_json
from ..items import match_key, split_items
from ..jsonio import append_json_line, atomic_write_text
from ..locks import output_lock
from ..metrics import f1_from_counts
from ..retrieval.index import file_sha256
from ..runs import check_run_manifest, read_done
from .run import JudgeCache, judge_backend

__all__ = ["EXTRACT_PROMPT_VERSION", "ExtractCache", "MalformedExtraction", "agreement", "agreement_markdown",
           "default_extract_cache", "extract_messages", "extract_records", "extract_split", "extraction_of",
           "parse_extraction", "run_llm_extract"]

EXTRACT_PROMPT_VERSION = "extract-zh-1"
MAX_ANSWER_CHARS = 2000
EXTRACT_SYSTEM = "你是医学信息抽取助手，只输出 JSON，不做解释。"
EXTRACT_TEMPLATE = (
    "从下面的医生回答中抽取它给出的诊断和建议。\n"
    "要求：只抽取回答本身明确给出的诊断（疾病名称）和建议（检查、治疗、生活指导），逐项列出，尽量保留原文用词；"
    "不要补充回答中没有的内容；病史、症状和检查结果不是诊断；没有就给空列表。\n"
    '只输出一行 JSON：{{"diseases": ["…"], "advice": ["…"]}}\n\n'
    "【回答】\n{answer}"
)


class MalformedExtraction(ValueError):
    """The model's reply holds no JSON with a ``diseases`` or ``advice`` list."""


def extract_messages(answer: str) -> list[dict[str, str]]:
    """The chat messages sent for one answer (the answer truncated to :data:`MAX_ANSWER_CHARS`).

    >>> extract_messages("诊断：肾结石")[1]["content"].endswith("【回答】\\n诊断：肾结石")
    True
    """
    return [{"role": "system", "content": EXTRACT_SYSTEM},
            {"role": "user", "content": EXTRACT_TEMPLATE.format(answer=(answer or "")[:MAX_ANSWER_CHARS])}]


def parse_extraction(raw: str) -> tuple[list[str], list[str]]:
    """(diseases, advices) of a model reply; :class:`MalformedExtraction` when it has neither key.

    >>> parse_extraction('好的：{"diagnosis": "膀胱炎", "建议": ["多饮水", "复查尿常规"]}')
    (['膀胱炎'], ['多饮水', '复查尿常规'])
    >>> parse_extraction("诊断是膀胱炎")
    Traceback (most recent call last):
    rjua.judge.llm_extract.MalformedExtraction: no JSON object with diseases / advice in the reply
    """
    text = raw or ""
    if "{" not in text:
        raise MalformedExtraction("no JSON object with diseases / advice in the reply")
    found = read_json(text, label_kind)
    has_keys = any(label_kind(k) in ("disease", "advice") for k in _keys(text))
    if not found and not has_keys:
        raise MalformedExtraction("no JSON object with diseases / advice in the reply")
    return split_items(found.get("disease", [])), split_items(found.get("advice", []))


def _keys(text: str) -> list[str]:
    return re.findall(r"[\"']([^\"']{1,30})[\"']\s*:", text)


class ExtractCache(JudgeCache):
    """Raw extractor outputs on disk (the judge's cache, keyed by the extraction prompt version).

    >>> c = ExtractCache(":memory:")
    >>> k = c.key("hf:m", "1", extract_messages("诊断：肾结石"))
    >>> k != JudgeCache.key("hf:m", "1", extract_messages("诊断：肾结石"))
    True
    """

    @staticmethod
    def key(model: str, record_id: str, messages: list[dict]) -> str:
        blob = json.dumps([EXTRACT_PROMPT_VERSION, model, record_id, messages], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def put(self, key: str, model: str, record_id: str, raw: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO judge VALUES (?, ?, ?, ?, ?, ?)",
                        (key, EXTRACT_PROMPT_VERSION, model, record_id, raw, time.strftime("%Y-%m-%dT%H:%M:%S")))
        self.db.commit()


def default_extract_cache() -> Path:
    """``$RJUA_CACHE_DIR/extract.sqlite``, else ``~/.cache/rjua/extract.sqlite``."""
    base = os.environ.get("RJUA_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "rjua")
    return Path(base) / "extract.sqlite"


def _row(pred, raw: str | None, error: str | None, cached: bool, seconds: float) -> dict[str, Any]:
    row = {"id": pred.id, "diseases": [], "advices": [], "raw": raw or "", "error": error,
           "error_kind": "backend" if error else None, "cached": cached, "seconds": round(seconds, 3),
           "prompt_version": EXTRACT_PROMPT_VERSION}
    if error is None:
        try:
            row["diseases"], row["advices"] = parse_extraction(raw or "")
        except MalformedExtraction as e:
            row.update(error=f"malformed extraction: {e}", error_kind="malformed")
    return row


def extract_records(preds: Sequence, backend, cache: JudgeCache, batch_size: int = 4) -> list[dict[str, Any]]:
    """One row per free-text prediction (``preds``: PredRows); rows with fields are skipped."""
    model = f"{backend.name}:{backend.model}"
    todo, out = [], {}
    for p in preds:
        if split_items(p.disease) or split_items(p.advice):
            continue
        msgs = extract_messages(p.answer)
        key = cache.key(model, p.id, msgs)
        raw = cache.get(key)
        if raw is not None:
            out[p.id] = _row(p, raw, None, True, 0.0)
        else:
            todo.append((p, msgs, key))
    for s in range(0, len(todo), batch_size):
        batch = todo[s:s + batch_size]
        t0 = time.perf_counter()
        results = backend.generate([GenRequest("", msgs) for _, msgs, _ in batch])
        each = (time.perf_counter() - t0) / len(batch)
        for (p, _, key), res in zip(batch, results):
            if res.error is None:
                cache.put(key, model, p.id, res.text)
            out[p.id] = _row(p, res.text, res.error, False, each)
    return [out[p.id] for p in preds if p.id in out]


def extract_split(preds: Sequence, backend, out: str | os.PathLike, cache: JudgeCache, config: dict[str, Any],
                  overwrite: bool = False, batch_size: int = 4,
                  on_batch: Callable[[int, int], None] | None = None) -> dict[str, dict[str, Any]]:
    """Extract into ``out`` (JSON Lines), one flushed line per record; resumes, refuses other configs.
    Returns the rows by id (backend failures of an earlier run are retried; malformed replies are kept)."""

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with output_lock(out):
        check_run_manifest(out, config, overwrite)
        done = {k: v for k, v in read_done(out).items() if not v.get("error") or v.get("error_kind") == "malformed"}
        todo = [p for p in preds if p.id not in done]
        with open(out, "a", encoding="utf-8") as f:
            for s in range(0, len(todo), batch_size):
                for row in extract_records(todo[s:s + batch_size], backend, cache, batch_size):
                    append_json_line(f, row)
                    done[row["id"]] = row
                if on_batch:
                    on_batch(len(done), len(preds))
    return done


def extraction_of(row: dict[str, Any] | None, model: str) -> Extraction | None:
    """The :class:`Extraction` of an LLM row (rule ``llm``, pattern the model), None for an error or no row."""
    if not row or row.get("error"):
        return None
    return Extraction(list(row["diseases"]), list(row["advices"]), "llm", "llm", model, model)


def _set_f1(a: list[str], b: list[str]) -> float:
    ka, kb = {match_key(x) for x in a}, {match_key(x) for x in b}
    if not ka and not kb:
        return 1.0
    return f1_from_counts(len(ka & kb), len(ka), len(kb))


def agreement(preds: Sequence, rows: dict[str, dict[str, Any]], vocabulary=None, show: int = 10) -> dict[str, Any]:
    """How the LLM's items compare with the rule extractor's, per field: identical sets, mean set F1 between
    them, records only one of them read; errors with ids; the records that differ most.

    >>> from rjua.scoring import PredRow
    >>> a = agreement([PredRow("1", "诊断：肾结石\\n建议：多饮水")],
    ...               {"1": {"id": "1", "diseases": ["肾结石"], "advices": [], "error": None}})
    >>> a["disease"]["identical"], a["advice"]["identical"], a["advice"]["rules_only"]
    (1.0, 0.0, 1)
    """
    per: dict[str, dict[str, Any]] = {k: {"identical": 0, "f1": 0.0, "rules_only": 0, "llm_only": 0}
                                      for k in ("disease", "advice")}
    diffs, errors, n = [], [], 0
    for p in preds:
        row = rows.get(p.id)
        if row is None:
            continue
        if row.get("error"):
            errors.append(p.id)
            continue
        n += 1
        ex = extract(p.answer, vocabulary=vocabulary)
        gap = 0.0
        for kind, rule_items, llm_items in (("disease", ex.diseases, row["diseases"]),
                                            ("advice", ex.advices, row["advices"])):
            f1 = _set_f1(rule_items, llm_items)
            d = per[kind]
            d["identical"] += f1 == 1.0
            d["f1"] += f1
            d["rules_only"] += bool(rule_items) and not llm_items
            d["llm_only"] += bool(llm_items) and not rule_items
            gap += 1.0 - f1
        if gap:
            diffs.append({"id": p.id, "gap": round(gap, 4), "rules": [ex.diseases, ex.advices],
                          "llm": [row["diseases"], row["advices"]]})
    for d in per.values():
        d["identical"] = round(d["identical"] / n, 4) if n else 0.0
        d["f1"] = round(d["f1"] / n, 4) if n else 0.0
    diffs.sort(key=lambda x: (-x["gap"], x["id"]))
    return {"n": n, "n_errors": len(errors), "error_ids": errors, **per, "most_different": diffs[:show]}


def agreement_markdown(rep: dict[str, Any]) -> str:
    """The agreement report as Markdown (model text escaped for tables).

    >>> print(agreement_markdown({"n": 1, "n_errors": 0, "error_ids": [], "most_different": [],
    ...     "disease": {"identical": 1.0, "f1": 1.0, "rules_only": 0, "llm_only": 0},
    ...     "advice": {"identical": 1.0, "f1": 1.0, "rules_only": 0, "llm_only": 0}}).splitlines()[0])
    # LLM extractor vs rule extractor (1 records, 0 errors)
    """
    def esc(x):
        return "、".join(x).replace("|", "\\|").replace("\n", " ")

    lines = [f"# LLM extractor vs rule extractor ({rep['n']} records, {rep['n_errors']} errors)", "",
             "| field | identical sets | mean set F1 | only rules read it | only the LLM read it |",
             "| --- | --- | --- | --- | --- |"]
    for k in ("disease", "advice"):
        d = rep[k]
        lines.append(f"| {k} | {d['identical']:.3f} | {d['f1']:.3f} | {d['rules_only']} | {d['llm_only']} |")
    if rep["error_ids"]:
        lines += ["", "Errors (records scored with the rule extractor): " + ", ".join(rep["error_ids"][:20])]
    if rep["most_different"]:
        lines += ["", "| id | rules: diseases / advice | LLM: diseases / advice |", "| --- | --- | --- |"]
        lines += [f"| {x['id']} | {esc(x['rules'][0])} / {esc(x['rules'][1])} | {esc(x['llm'][0])} / "
                  f"{esc(x['llm'][1])} |" for x in rep["most_different"]]
    return "\n".join(lines) + "\n"


def run_llm_extract(predictions: str | os.PathLike, preds: Sequence, backend_name: str, model: str | None, *,
                    base_url: str | None = None, out: str | os.PathLike | None = None, cache=None,
                    batch_size: int = 4, max_new_tokens: int = 256, overwrite: bool = False, vocabulary=None,
                    backend=None, on_batch: Callable[[int, int], None] | None = None) -> tuple[dict, dict]:
    """Extract every free-text prediction of ``predictions`` with an LLM (resumable, cached), write the rows to
    ``out`` (default ``PREDS.extract.jsonl``) and the agreement report beside it (``*.agreement.{json,md}``).
    Returns (rows by id, summary). ``backend`` (an rjua backend object) replaces ``backend_name`` / ``model``."""

    be = backend or judge_backend(backend_name, model, base_url, max_new_tokens, batch_size)
    out = Path(out) if out else Path(predictions).with_suffix(".extract.jsonl")
    cfg = {"prompt_version": EXTRACT_PROMPT_VERSION, "predictions_sha256": file_sha256(predictions),
           "extract_backend": backend_name, "extract_model": model, "max_new_tokens": max_new_tokens}
    c = ExtractCache(cache or default_extract_cache())
    t0 = time.perf_counter()
    rows = extract_split(preds, be, out, c, cfg, overwrite, batch_size, on_batch)
    rep = agreement(preds, rows, vocabulary)
    summary = {"backend": backend_name, "model": model, "prompt_version": EXTRACT_PROMPT_VERSION,
               "n": len(rows), "n_errors": rep["n_errors"], "error_ids": rep["error_ids"],
               "errors": {k: sum(r.get("error_kind") == k for r in rows.values()) for k in ("backend", "malformed")},
               "cache_hits": c.hits, "cache_misses": c.misses, "wall_seconds": round(time.perf_counter() - t0, 1),
               "rows": str(out), "agreement": {k: rep[k] for k in ("disease", "advice")}}
    stem = str(out).removesuffix(".jsonl")
    atomic_write_text(stem + ".agreement.json", json.dumps(rep, ensure_ascii=False, indent=2))
    atomic_write_text(stem + ".agreement.md", agreement_markdown(rep))
    return rows, summary
