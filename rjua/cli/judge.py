"""``rjua judge`` (LLM-as-judge + agreement report) and ``rjua compare`` (several runs side by side)."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import typer

from ..compare import compare_markdown, compare_runs, plot_comparison
from ..errors import RJUAError
from ..judge import show_prompt as sp
from ..judge.job import run_judge as job
from ._common import DataDir, echo_json

__all__ = ["compare_cmd", "judge_cmd", "run_judge"]

JudgeBackendOpt = typer.Option("hf", "--judge-backend", help="openai | hf | vllm.")
JudgeModelOpt = typer.Option(None, "--judge-model", help="Judge model id or local path.")


def run_judge(predictions: Path, split: str, data_dir, **kw) -> dict:
    """:func:`rjua.judge.job.run_judge` with a progress line on stderr."""

    t0 = time.perf_counter()
    tty = sys.stderr.isatty()

    def progress(n, total):
        rate = (time.perf_counter() - t0) / max(1, n)
        cr = "\r" if tty else ""
        typer.echo(f"{cr}judged {n}/{total} ({rate:.1f} s/record so far)", err=True, nl=not tty)

    summary = job(predictions, split, data_dir, on_batch=progress, **kw)
    typer.echo(f"\nwrote {summary['judgments']} and its .agreement.{{json,md,html}}", err=True)
    return summary


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
        typer.echo(sp())
        return
    if predictions is None:
        raise RJUAError("give a PREDICTIONS file (or --show-prompt)")
    echo_json(run_judge(predictions, split, data_dir, judge_backend=judge_backend, judge_model=judge_model,
                        base_url=base_url, out=out, cache=cache, limit=limit, batch_size=batch_size,
                        max_new_tokens=max_new_tokens, overwrite=overwrite))


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
