"""``rjua data``: inspect and validate RJUA-QA files."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..data import load_all, load_split, validate_file
from ..errors import RJUAError, format_problems
from ..predcheck import check_predictions, predictions_report_lines
from ..stats import split_stats
from ._common import DataDir, FieldOpt, SplitOpt, default_split, echo_json, safe_text

__all__ = ["data_app", "data_show", "data_stats", "data_validate"]

data_app = typer.Typer(help="Inspect and validate RJUA-QA files.", no_args_is_help=True)


@data_app.command("stats")
def data_stats(split: Optional[str] = typer.Option(None, "--split", "-s", help="One split (default: all found)."),
               data_dir: Optional[Path] = DataDir,
               as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Counts, average lengths, passages per record, label vocabulary, frequent diseases."""

    splits = {split: load_split(split, data_dir)} if split else load_all(data_dir)
    stats = {s: split_stats(r) for s, r in splits.items()}
    if as_json:
        echo_json(stats[split] if split else stats)
        return
    for s, st in stats.items():
        typer.echo(f"[{s}] {st['n']} records")
        typer.echo(f"  avg chars: question {st['avg_chars']['question']}, context {st['avg_chars']['context']}, "
                   f"answer {st['avg_chars']['answer']}")
        pp = st["passages_per_record"]
        typer.echo(f"  passages/record: {pp['mean']} (min {pp['min']}, max {pp['max']}); "
                   f"distinct passages: {st['distinct_passages']}")
        typer.echo(f"  distinct diseases: {st['distinct_diseases']}; "
                   f"distinct advice items: {st['distinct_advice_items']}")
        typer.echo("  top diseases: " + "、".join(f"{d}({c})" for d, c in st["top_diseases"]))


@data_app.command("show")
def data_show(record_id: str = typer.Argument(..., metavar="ID"),
              split: str = typer.Option("valid", "--split", "-s"), data_dir: Optional[Path] = DataDir,
              as_json: bool = typer.Option(False, "--json")):
    """Show one record, readable."""

    recs = {r.id: r for r in load_split(split, data_dir)}
    if record_id not in recs:
        raise RJUAError(f"no record with id {record_id!r} in split {split!r}")
    r = recs[record_id]
    if as_json:
        echo_json(r.to_row())
        return
    typer.echo(safe_text(f"id: {r.id}\n\n问题 question:\n{r.question}\n\n诊断 diseases: {'、'.join(r.diseases)}\n"
               f"建议 advice: {'、'.join(r.advices)}\n\n回答 answer:\n{r.answer}\n\n"
               f"context: {len(r.passages)} passages"))
    for i, p in enumerate(r.passages, 1):
        typer.echo(safe_text(f"  [{i}] {p[:120]}{'…' if len(p) > 120 else ''}"))


@data_app.command("validate")
def data_validate(file: Optional[Path] = typer.Argument(None, help="A JSON Lines or JSON array file of RJUA records."),
                  predictions: Optional[Path] = typer.Option(
                      None, "--predictions", help="Check a predictions file against --split instead: ids, fields, "
                                                  "duplicates, errors and what can be extracted."),
                  split: Optional[str] = SplitOpt, data_dir: Optional[Path] = DataDir, field: str = FieldOpt,
                  as_json: bool = typer.Option(False, "--json", help="Print the predictions report as JSON.")):
    """Exit 0 when FILE is valid RJUA-QA (or --predictions FILE is scorable); else print FILE:LINE: reasons, exit 2."""
    if predictions is not None:
        _validate_predictions(predictions, split, data_dir, field, as_json)
        return
    if file is None:
        raise RJUAError("give a FILE of RJUA records, or --predictions FILE --split S")

    problems = validate_file(file)
    if problems:
        typer.echo(format_problems(problems))
        raise typer.Exit(2)
    typer.echo(f"{file}: ok")


def _validate_predictions(path: Path, split: Optional[str], data_dir, field: str, as_json: bool) -> None:
    split = default_split(split, data_dir)
    rep = check_predictions(path, load_split(split, data_dir), field)
    rep["split"] = split
    if as_json:
        echo_json(rep)
    else:
        for line in predictions_report_lines(rep):
            typer.echo(safe_text(line))
    if not rep["ok"]:
        raise typer.Exit(2)
