"""``rjua answer``, ``rjua predict``, ``rjua eval``."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..data import find_split_files
from ..errors import RJUAError
from ..pipeline import build_pipeline
from ..plan import resolve
from ..report import FORMATS, to_text
from ..runs import default_run_dir, eval_split, point_latest, predict_split
from ..spec import RunSpec
from ._common import (
    MAX_RESAMPLES,
    DataDir,
    ErrorsAsZeroOpt,
    SplitOpt,
    StrictOpt,
    default_split,
    echo_json,
    exit_on_counts,
    safe_text,
    warn_counts,
)
from ._spec_flags import spec_command

__all__ = ["answer_cmd", "eval_cmd", "predict_cmd"]

BatchOpt = typer.Option(8, "--batch-size", min=1, help="Records per backend call.")
LimitOpt = typer.Option(None, "--limit", min=1, help="Only the first N records (eval scores just those).")
SubsetOpt = typer.Option(None, "--subset",
                         help="all | train | heldout: only that part of the training recipes' fixed internal split "
                         "(80/20 by id hash; heldout = what the recipes never train on).")
RetryOpt = typer.Option(True, "--retry-errors/--no-retry-errors",
                        help="On resume, redo rows written with an error (default) or keep them.")
ProgressOpt = typer.Option(None, "--progress/--no-progress",
                           help="Progress bar (default: a bar on a terminal, a line every 10 s otherwise).")


@spec_command(fixed={"context": "retrieved", "pool": None})
def answer_cmd(spec: RunSpec, question: str = typer.Argument(..., help="The patient's question (Chinese)."),
               data_dir: Optional[Path] = DataDir, as_json: bool = typer.Option(False, "--json")):
    """Answer one patient question, with its evidence."""

    pipe = build_pipeline(None, data_dir, spec=spec)
    p = pipe.answer(question)
    if as_json:
        echo_json(p.to_json())
        if p.error:
            raise typer.Exit(1)
        return
    if p.error:  # the backend failed: say so on one line and exit 1, never an empty answer with exit 0
        typer.echo(safe_text(f"error: {p.error}"), err=True)
        raise typer.Exit(1)
    typer.echo(safe_text(f"诊断 diagnosis: {'、'.join(p.diseases) or '—'}"))
    typer.echo(safe_text(f"建议 advice:    {'、'.join(p.advices) or '—'}"))
    typer.echo(safe_text(f"\n回答 answer:\n{p.answer}\n\n证据 evidence:"))
    for n, ps in enumerate(p.evidence["passages"], 1):  # numbered as the reply cites them: [1], [2]…
        typer.echo(safe_text(f"  [{n}] {ps['id']}  {ps['text'][:100]}{'…' if len(ps['text']) > 100 else ''}"))
    for c in p.evidence["similar_cases"][:5]:
        sim = f"{c['similarity']:.2f}"
        typer.echo(safe_text(f"  similar case {c['key']} (similarity {sim}): {'、'.join(c['diseases'])}"))
    typer.echo(safe_text(f"\n({p.backend}/{p.model}, {p.latency_s:.2f} s) {p.disclaimer}"))


@spec_command()
def predict_cmd(spec: RunSpec, split: Optional[str] = SplitOpt,
                out: Path = typer.Option(..., "--out", "-o", dir_okay=False, help="Predictions file (JSON Lines)."),
                data_dir: Optional[Path] = DataDir, batch_size: int = BatchOpt, limit: Optional[int] = LimitOpt,
                overwrite: bool = typer.Option(False, "--overwrite", help="Start over even if --out exists."),
                retry_errors: bool = RetryOpt, progress: Optional[bool] = ProgressOpt,
                subset: Optional[str] = SubsetOpt):
    """Predict a whole split into JSON Lines (resumable; what 'rjua score' reads)."""

    split = default_split(split, data_dir)
    rows = predict_split(split, out, data_dir, overwrite=overwrite, batch_size=batch_size, limit=limit,
                         progress=progress, retry_errors=retry_errors, spec=spec, subset=subset)
    errors = sum(1 for r in rows if r.get("error"))
    typer.echo(f"wrote {len(rows)} predictions to {out}" + (f" ({errors} with errors)" if errors else ""), err=True)


@spec_command()
def eval_cmd(spec: RunSpec, split: Optional[str] = SplitOpt,
             run_dir: Optional[Path] = typer.Option(
                 None, "--run-dir", "--out", "-o", file_okay=False,
                 help="Run directory (default: runs/<split>-<backend>-<hash of the configuration>, "
                      "with runs/latest pointing at it)."),
             data_dir: Optional[Path] = DataDir, match: str = typer.Option("exact", "--match"),
             batch_size: int = BatchOpt,
             limit: Optional[int] = LimitOpt, overwrite: bool = typer.Option(False, "--overwrite"),
             resamples: int = typer.Option(1000, "--resamples", min=1, max=MAX_RESAMPLES,
                                            help="Bootstrap resamples for the 95% CIs."),
             retry_errors: bool = RetryOpt, progress: Optional[bool] = ProgressOpt,
             subset: Optional[str] = SubsetOpt, errors_as_zero: bool = ErrorsAsZeroOpt, strict: bool = StrictOpt,
             as_json: bool = typer.Option(False, "--json", help="Print the score summary as JSON (= --format json)."),
             fmt: str = typer.Option("text", "--format", "-f", help="text | json | md | html.")):
    """Predict then score a split; prints the score table and writes a run directory."""

    fmt = "json" if as_json else fmt
    if fmt not in FORMATS:
        raise RJUAError(f"unknown --format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    data = find_split_files(data_dir)  # the data directory resolved and listed once for the whole run
    split = default_split(split, data)
    default_dir = run_dir is None
    plan = resolve(spec, split, data) if default_dir else None  # the run worked out once: named, then run
    if default_dir:
        run_dir = default_run_dir(split, data_dir=data, limit=limit, subset=subset, plan=plan)
    summary = eval_split(split, run_dir, data, match, resamples, errors_as_zero=errors_as_zero,
                         overwrite=overwrite, batch_size=batch_size, limit=limit, retry_errors=retry_errors,
                         progress=progress, spec=spec, subset=subset, plan=plan)
    latest = point_latest(run_dir) if default_dir else None
    if fmt == "json":
        echo_json(summary)
    elif fmt == "text":
        typer.echo(safe_text(to_text(summary)))
    else:
        typer.echo(safe_text((Path(run_dir) / f"report.{fmt}").read_text(encoding="utf-8").rstrip("\n")))
    if "subset" in summary:
        typer.echo(f"note: --limit/--subset: scored {summary['subset']} records of split {split!r} "
                   "(only those predicted)", err=True)
    warn_counts(summary)
    typer.echo(f"run written to {run_dir} (predictions.jsonl, scores.json, report.md, report.html)"
               + (f"; {latest} points at it" if latest else ""), err=True)
    exit_on_counts(summary, strict)
