"""Whole-split runs: resumable JSON Lines writer, manifests, predict and eval.

``predict`` appends one line per record and flushes it, so a crash or Ctrl-C loses
nothing; running the same command again skips the ids already written. The run
configuration is kept in ``<out>.manifest.json``; resuming with a different one is
refused unless ``overwrite``. A torn last line (killed mid-write) is dropped and redone.

>>> import tempfile, os
>>> out = os.path.join(tempfile.mkdtemp(), "p.jsonl")
>>> rows = predict_split("test", out, progress=False)
>>> len(rows) == len(open(out).read().splitlines())
True
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable, Sequence

from .data import data_file, load_split
from .errors import RJUAError
from .retrieval.index import file_sha256

MANIFEST_SUFFIX = ".manifest.json"


def read_done(path: Path) -> dict[str, dict]:
    """Complete lines already written (by id); truncates a torn last line."""
    done: dict[str, dict] = {}
    if not path.exists():
        return done
    data = path.read_bytes()
    keep = data.rfind(b"\n") + 1
    if keep < len(data):  # torn tail from a crash: cut it
        with open(path, "r+b") as f:
            f.truncate(keep)
    for n, line in enumerate(data[:keep].decode("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            raise RJUAError(f"{path}:{n}: not a prediction line; refusing to resume (use --overwrite)") from None
        done[str(obj["id"])] = obj
    return done


def check_run_manifest(out: Path, config: dict[str, Any], overwrite: bool) -> None:
    """Write the run manifest; refuse to append to output made with another configuration."""
    man = Path(str(out) + MANIFEST_SUFFIX)
    if overwrite:
        out.unlink(missing_ok=True)
    elif out.exists():
        old = json.loads(man.read_text(encoding="utf-8"))["config"] if man.exists() else None
        if old != config:
            diff = sorted(k for k in set(config) | set(old or {}) if (old or {}).get(k) != config.get(k))
            raise RJUAError(f"{out} was written with a different configuration (differs in: {', '.join(diff)});"
                            " use --overwrite or another --out")
    man.write_text(json.dumps({"config": config, "updated": time.strftime("%Y-%m-%dT%H:%M:%S")},
                              ensure_ascii=False, indent=2), encoding="utf-8")


def run_config(split: str, data_dir, backend: str, model: str | None, context: str, pool, embedder, index,
               extra: dict | None = None) -> dict[str, Any]:
    """What identifies a run (model names, data hashes); never holds secrets."""
    from .pipeline import resolve_pool
    from .prompts import PROMPT_VERSION

    f = data_file(split, data_dir)
    return {"prompt_version": PROMPT_VERSION, "split": split, "data_file": str(f.resolve()), "data_sha256": file_sha256(f), "backend": backend,
            "model": model, "context": context, "pool": resolve_pool(split, data_dir, pool, index), "embedder": embedder,
            "index": str(index) if index else None, **(extra or {})}


def predict_split(split: str, out: str | os.PathLike, data_dir=None, backend: str = "case", model: str | None = None,
                  context: str = "retrieved", pool: Sequence[str] | None = None, embedder: str | None = None,
                  index=None, overwrite: bool = False, batch_size: int = 8, limit: int | None = None,
                  progress: bool = True, backend_options: dict | None = None, context_tokens: int | None = None,
                  on_batch: Callable[[int, int], None] | None = None,
                  kb_splits: Sequence[str] | str | None = None) -> list[dict]:
    """Predict every record of ``split`` into ``out`` (JSON Lines), resuming where it stopped."""
    from .pipeline import build_pipeline

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    records = load_split(split, data_dir)[:limit] if limit else load_split(split, data_dir)
    config = run_config(split, data_dir, backend, model, context, pool, embedder, index,
                        {"limit": limit, "context_tokens": context_tokens, "kb_splits": kb_splits or "all", "backend_options": {k: v for k, v in (backend_options or {}).items()
                                                             if "key" not in k.lower()}})
    check_run_manifest(out, config, overwrite)
    done = read_done(out)
    todo = [r for r in records if r.id not in done]
    if todo:
        kw = {"context_tokens": context_tokens} if context_tokens else {}
        if kb_splits:
            kw["kb_splits"] = kb_splits
        pipe = build_pipeline(split, data_dir, backend, model, context, pool, embedder, index,
                              backend_options=backend_options, **kw)
        bar = _Progress(len(records), len(done), enabled=progress)
        with open(out, "a", encoding="utf-8") as f:
            for s in range(0, len(todo), batch_size):
                batch = todo[s:s + batch_size]
                for pred in pipe.answer_many([(r.question, r) for r in batch]):
                    row = pred.to_json()
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
                    f.flush()
                    os.fsync(f.fileno())
                    done[row["id"]] = row
                bar.update(len(batch))
                if on_batch:
                    on_batch(len(done), len(records))
        bar.close()
    return [done[r.id] for r in records if r.id in done]


class _Progress:
    """A minimal progress line on stderr (no dependency)."""

    def __init__(self, total: int, start: int, enabled: bool = True):
        self.total, self.n, self.t0, self.enabled = total, start, time.time(), enabled and sys.stderr.isatty()
        self.start = start

    def update(self, k: int) -> None:
        self.n += k
        if self.enabled:
            rate = (self.n - self.start) / max(1e-9, time.time() - self.t0)
            sys.stderr.write(f"\r{self.n}/{self.total} records ({rate:.1f}/s)")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


def eval_split(split: str, run_dir: str | os.PathLike, data_dir=None, match: str = "exact", resamples: int = 1000,
               **predict_kw) -> dict[str, Any]:
    """Predict then score; writes predictions, scores, reports and the configuration into ``run_dir``."""
    from .report import to_html, to_markdown
    from .scoring import load_predictions, score_predictions

    d = Path(run_dir)
    d.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    predict_split(split, d / "predictions.jsonl", data_dir, **predict_kw)
    seconds = time.perf_counter() - t0
    res = score_predictions(load_split(split, data_dir), load_predictions(d / "predictions.jsonl"), match=match,
                            n_resamples=resamples)
    res.summary["predict_seconds"] = round(seconds, 2)
    (d / "scores.json").write_text(json.dumps(res.summary, ensure_ascii=False, indent=2), encoding="utf-8")
    (d / "report.md").write_text(to_markdown(res), encoding="utf-8")
    (d / "report.html").write_text(to_html(res), encoding="utf-8")
    with open(d / "per_sample.jsonl", "w", encoding="utf-8") as f:
        for r in res.records:
            f.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
    man = json.loads(Path(str(d / "predictions.jsonl") + MANIFEST_SUFFIX).read_text(encoding="utf-8"))
    (d / "config.json").write_text(json.dumps({**man, "match": match, "resamples": resamples}, ensure_ascii=False,
                                              indent=2), encoding="utf-8")
    return res.summary
