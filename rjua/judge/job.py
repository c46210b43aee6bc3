"""One judge job: judge a predictions file against a split and write the agreement report beside it.

The CLI (``rjua judge``, ``rjua score --judge``) is a thin shell over :func:`run_judge`; so is any script.
Judgments go to ``out`` (default ``PREDS.judge.jsonl``), the agreement report to
``*.agreement.{json,md,html}`` next to it.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any

from ..data import Record, data_file, load_split
from ..jsonio import atomic_write_text
from ..outputs import check_output
from ..retrieval.index import file_sha256
from ..scoring import load_predictions
from .agreement import agreement_html, agreement_markdown, agreement_report
from .prompts import JUDGE_PROMPT_VERSION
from .run import JudgeCache, default_cache_path, judge_backend as make_backend, judge_split

__all__ = ["AGREEMENT_FILES", "run_judge"]

AGREEMENT_FILES = (".agreement.json", ".agreement.md", ".agreement.html")


def run_judge(predictions: str | Path, split: str, data_dir=None, *, judge_backend: str = "hf",
              judge_model: str | None = None, base_url: str | None = None, out: str | Path | None = None,
              cache: str | Path | None = None, limit: int | None = None, batch_size: int = 4,
              max_new_tokens: int = 48, overwrite: bool = False, only_ids: Collection[str] | None = None,
              gold: Sequence[Record] | None = None, preds: Sequence | None = None,
              on_batch: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Judge ``predictions`` on ``split`` (resumable, cached), write judgments and the agreement report, and
    return the report's summary. ``gold`` / ``preds`` may be passed when the caller has loaded them already."""

    gold = list(gold) if gold is not None else load_split(split, data_dir)
    gold = gold[:limit] if limit else gold
    gold = [r for r in gold if only_ids is None or r.id in only_ids]
    preds = preds if preds is not None else load_predictions(predictions)
    out = Path(out) if out else Path(predictions).with_suffix(".judge.jsonl")
    stem = str(out).removesuffix(".jsonl")
    for what, o in (("--out", out), ("--cache", cache), *(("the report", stem + s) for s in AGREEMENT_FILES)):
        if o is not None:
            check_output(o, [("the PREDICTIONS file", predictions)], data_dir, what=what)
    be = make_backend(judge_backend, judge_model, base_url, max_new_tokens, batch_size)
    cfg = {"prompt_version": JUDGE_PROMPT_VERSION, "split": split,
           "data_sha256": file_sha256(data_file(split, data_dir)),
           "predictions_sha256": file_sha256(predictions), "judge_backend": judge_backend,
           "judge_model": judge_model, "limit": limit, "max_new_tokens": max_new_tokens}
    c = JudgeCache(cache or default_cache_path())
    t0 = time.perf_counter()
    rows = judge_split(gold, preds, be, out, c, cfg, overwrite, batch_size, on_batch=on_batch)
    rep = agreement_report(gold, preds, rows)
    rep["summary"].update(judge_model=judge_model, judge_backend=judge_backend, prompt_version=JUDGE_PROMPT_VERSION,
                          wall_seconds=round(time.perf_counter() - t0, 1), cache_hits=c.hits,
                          cache_misses=c.misses, judgments=str(out))
    atomic_write_text(stem + ".agreement.json", json.dumps(rep, ensure_ascii=False, indent=2))
    atomic_write_text(stem + ".agreement.md", agreement_markdown(rep))
    atomic_write_text(stem + ".agreement.html", agreement_html(rep))
    return rep["summary"]
