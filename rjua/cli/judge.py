"""``rjua judge`` (LLM-as-judge + agreement report) and ``rjua compare`` (several runs side by side)."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import typer

from ..errors import RJUAError
from ._common import DataDir, echo_json

JudgeBackendOpt = typer.Option("hf", "--judge-backend", help="openai | hf | vllm.")
JudgeModelOpt = typer.Option(None, "--judge-model", help="Judge model id or local path.")


def run_judge(predictions: Path, split: str, data_dir, judge_backend: str, judge_model: str | None,
              base_url: str | None, out: Path | None, cache: Path | None, limit: int | None,
              batch_size: int, max_new_tokens: int, overwrite: bool, only_ids: set[str] | None = None) -> dict:
    """Judge PREDICTIONS, write the judgments and the agreement report; returns the report summary."""
    from ..data import data_file, load_split
    from ..judge import (
        JUDGE_PROMPT_VERSION,
        JudgeCache,
        default_cache_path,
        judge_backend as make_backend,
        judge_split,
    )
    from ..judge.agreement import agreement_html, agreement_markdown, agreement_report
    from ..retrieval.index import file_sha256
    from ..scoring import load_predictions

    gold = load_split(split, data_dir)
    gold = gold[:limit] if limit else gold
    gold = [r for r in gold if only_ids is None or r.id in only_ids]
    preds = load_predictions(predictions)
    out = Path(out) if out else Path(predictions).with_suffix(".judge.jsonl")
    be = make_backend(judge_backend, judge_model, base_url, max_new_tokens, batch_size)
    cfg = {"prompt_version": JUDGE_PROMPT_VERSION, "split": split,
           "data_sha256": file_sha256(data_file(split, data_dir)),
           "predictions_sha256": file_sha256(predictions), "judge_backend": judge_backend, "judge_model": judge_model,
           "limit": limit, "max_new_tokens": max_new_tokens}
    c = JudgeCache(cache or default_cache_path())
    t0 = time.perf_counter()
    tty = sys.stderr.isatty()

    def progress(n, total):
        rate = (time.perf_counter() - t0) / max(1, n)
        cr = "\r" if tty else ""
        typer.echo(f"{cr}judged {n}/{total} ({rate:.1f} s/record so far)", err=True, nl=not tty)

    rows = judge_split(gold, preds, be, out, c, cfg, overwrite, batch_size, on_batch=progress)
    seconds = time.perf_counter() - t0
    rep = agreement_report(gold, preds, rows)
    rep["summary"].update(judge_model=judge_model, judge_backend=judge_backend, prompt_version=JUDGE_PROMPT_VERSION,
                          wall_seconds=round(seconds, 1), cache_hits=c.hits, cache_misses=c.misses,
                          judgments=str(out))
    stem = str(out).removesuffix(".jsonl")
    Path(stem + ".agreement.json").write_text(json.dumps(rep, ensure_ascii=False, indent=2), encoding="utf-8")
    Path(stem + ".agreement.md").write_text(agreement_markdown(rep), encoding="utf-8")
    Path(stem + ".agreement.html").write_text(agreement_html(rep), encoding="utf-8")
    typer.echo(f"\nwrote {out} and {stem}.agreement.{{json,md,html}}", err=True)
    return rep["summary"]


def judge_cmd(predictions: Path | None = typer.Argument(None, help="Predictions (JSON Lines)."),
              split: str = typer.Option("test", "--split", "-s"), data_dir: Path | None = DataDir,
              judge_backend: str = JudgeBackendOpt, judge_model: str | None = JudgeModelOpt,
              base_url: str | None = typer.Option(None, "--base-url",
                                                  help="Judge endpoint (openai); key from $OPENAI_API_KEY."),
              out: Path | None = typer.Option(None, "--out", "-o",
                                              help="Judgments JSONL (default: PREDS.judge.jsonl)."),
              cache: Path | None = typer.Option(None, "--cache",
                                                help="Judge cache (default: $RJUA_CACHE_DIR/judge.sqlite)."),
              limit: int | None = typer.Option(None, "--limit", help="Only the first N gold records."),
              batch_size: int = typer.Option(4, "--batch-size"),
              max_new_tokens: int = typer.Option(48, "--max-new-tokens",
                                                 help="Judge output length (a verdict + one sentence)."),
              overwrite: bool = typer.Option(False, "--overwrite"),
              show_prompt: bool = typer.Option(False, "--show-prompt",
                                               help="Print the versioned judge prompt and exit.")):
    """LLM judge: strict diagnosis and balanced advice verdicts per record, and their agreement with F1."""
    if show_prompt:
        from ..judge import show_prompt as sp

        typer.echo(sp())
        return
    if predictions is None:
        raise RJUAError("give a PREDICTIONS file (or --show-prompt)")
    echo_json(run_judge(predictions, split, data_dir, judge_backend, judge_model, base_url, out, cache, limit,
                        batch_size, max_new_tokens, overwrite))


def compare_cmd(run_dirs: list[Path] = typer.Argument(..., help="Run directories ('rjua eval --run-dir'); "
                                                                 "the first is the baseline."),
                out: Path = typer.Option(Path("runs/compare"), "--out", "-o",
                                         help="Directory for compare.{json,md,png}."),
                metrics: list[str] | None = typer.Option(None, "--metric",
                                                         help="Metrics (default: disease_f1 advice_f1 f1 rouge_l)."),
                labels: list[str] | None = typer.Option(None, "--label",
                                                        help="A label per run (default: directory names)."),
                resamples: int = typer.Option(2000, "--resamples"), seed: int = typer.Option(0, "--seed"),
                as_json: bool = typer.Option(False, "--json")):
    """Compare runs: one table and one PNG chart with 95% CIs, and a paired bootstrap test against the first run."""
    from ..compare import compare_markdown, compare_runs, plot_comparison

    res = compare_runs(run_dirs, metrics, labels, resamples, seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "compare.json").write_text(json.dumps(res, ensure_ascii=False, indent=2), encoding="utf-8")
    md = compare_markdown(res)
    (out / "compare.md").write_text(md, encoding="utf-8")
    plot_comparison(res, out / "compare.png")
    if as_json:
        echo_json(res)
    else:
        typer.echo(md.rstrip("\n"))
    typer.echo(f"wrote {out}/compare.json, compare.md, compare.png", err=True)
