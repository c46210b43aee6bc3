"""The ``rjua`` command line: thin typer shells over the library.

Every command parses its input, calls ``rjua`` and formats the output. Errors
are one line on stderr with a non-zero exit; ``RJUA_DEBUG=1`` shows tracebacks.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Optional

import typer

from . import __version__
from .errors import RJUAError, RJUAFormatError

app = typer.Typer(help="RJUA-QA toolkit: data, scoring, retrieval, answering, training, demo.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
data_app = typer.Typer(help="Inspect and validate RJUA-QA files.", no_args_is_help=True)
app.add_typer(data_app, name="data")

DataDir = typer.Option(None, "--data-dir", "-d", help="Directory with RJUA files (default: $RJUA_DATA_DIR, else the bundled sample).")


def _echo_json(obj) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False, indent=2))


def _version(value: bool):
    if value:
        typer.echo(f"rjua {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")):
    """RJUA-QA toolkit. Not medical advice: research use only."""


# ------------------------------------------------------------------ data
@data_app.command("stats")
def data_stats(split: Optional[str] = typer.Option(None, "--split", "-s", help="One split (default: all found)."),
               data_dir: Optional[Path] = DataDir,
               as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Counts, average lengths, passages per record, label vocabulary, frequent diseases."""
    from .data import load_all, load_split
    from .stats import split_stats

    splits = {split: load_split(split, data_dir)} if split else load_all(data_dir)
    stats = {s: split_stats(r) for s, r in splits.items()}
    if as_json:
        _echo_json(stats[split] if split else stats)
        return
    for s, st in stats.items():
        typer.echo(f"[{s}] {st['n']} records")
        typer.echo(f"  avg chars: question {st['avg_chars']['question']}, context {st['avg_chars']['context']}, "
                   f"answer {st['avg_chars']['answer']}")
        pp = st["passages_per_record"]
        typer.echo(f"  passages/record: {pp['mean']} (min {pp['min']}, max {pp['max']}); "
                   f"distinct passages: {st['distinct_passages']}")
        typer.echo(f"  distinct diseases: {st['distinct_diseases']}; distinct advice items: {st['distinct_advice_items']}")
        typer.echo("  top diseases: " + "、".join(f"{d}({c})" for d, c in st["top_diseases"]))


@data_app.command("show")
def data_show(record_id: str = typer.Argument(..., metavar="ID"),
              split: str = typer.Option("valid", "--split", "-s"), data_dir: Optional[Path] = DataDir,
              as_json: bool = typer.Option(False, "--json")):
    """Show one record, readable."""
    from .data import load_split

    recs = {r.id: r for r in load_split(split, data_dir)}
    if record_id not in recs:
        raise RJUAError(f"no record with id {record_id!r} in split {split!r}")
    r = recs[record_id]
    if as_json:
        _echo_json(r.to_row())
        return
    typer.echo(f"id: {r.id}\n\n问题 question:\n{r.question}\n\n诊断 diseases: {'、'.join(r.diseases)}\n"
               f"建议 advice: {'、'.join(r.advices)}\n\n回答 answer:\n{r.answer}\n\n"
               f"context: {len(r.passages)} passages")
    for i, p in enumerate(r.passages, 1):
        typer.echo(f"  [{i}] {p[:120]}{'…' if len(p) > 120 else ''}")


@data_app.command("validate")
def data_validate(file: Path = typer.Argument(..., help="A JSON Lines or JSON array file.")):
    """Exit 0 when FILE is valid RJUA-QA; else print FILE:LINE: reason lines and exit 2."""
    from .data import validate_file

    problems = validate_file(file)
    for p in problems:
        typer.echo(str(p), err=False)
    if problems:
        raise typer.Exit(2)
    typer.echo(f"{file}: ok")


# ----------------------------------------------------------------- score
@app.command("score")
def score(predictions: Optional[Path] = typer.Argument(None, help="Predictions: JSON Lines (or a JSON array)."),
          split: str = typer.Option("test", "--split", "-s", help="Gold split to score against."),
          data_dir: Optional[Path] = DataDir,
          match: str = typer.Option("exact", "--match", help="Item matching: exact | fuzzy."),
          as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
          fmt: str = typer.Option("text", "--format", "-f", help="text | md | html (ignored with --json)."),
          out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write the report here instead of stdout."),
          per_sample: Optional[Path] = typer.Option(None, "--per-sample", help="Write per-record scores (JSONL)."),
          allow_missing: bool = typer.Option(False, "--allow-missing", help="Score gold ids without prediction as 0."),
          allow_extra: bool = typer.Option(False, "--allow-extra", help="Ignore prediction ids not in the split."),
          gold_as_prediction: bool = typer.Option(False, "--gold-as-prediction",
                                                  help="Score the gold answers against themselves (sanity check)."),
          vocab: bool = typer.Option(False, "--vocab", help="Fall back to label-vocabulary matching in free text."),
          resamples: int = typer.Option(1000, "--resamples", help="Bootstrap resamples for the 95% CIs."),
          seed: int = typer.Option(0, "--seed")):
    """Score predictions with the official RJUA-QA metrics (disease/advice F1, combined F1, ROUGE-L)."""
    from .data import load_all, load_split
    from .extract import Vocabulary
    from .scoring import gold_as_predictions, load_predictions, score_predictions

    if fmt not in ("text", "md", "html"):
        raise RJUAError(f"unknown --format {fmt!r}; choose text, md or html")
    gold = load_split(split, data_dir)
    if gold_as_prediction:
        preds = gold_as_predictions(gold)
    elif predictions is None:
        raise RJUAError("give a PREDICTIONS file (or --gold-as-prediction)")
    else:
        preds = load_predictions(predictions)
    vocabulary = None
    if vocab:  # labels of the other splits only: never the gold being scored
        pool = [r for s, recs in load_all(data_dir).items() if s != split for r in recs]
        vocabulary = Vocabulary.from_records(pool)
    res = score_predictions(gold, preds, match=match, allow_missing=allow_missing, allow_extra=allow_extra,
                            vocabulary=vocabulary, n_resamples=resamples, seed=seed)
    if per_sample:
        with open(per_sample, "w", encoding="utf-8") as f:
            for r in res.records:
                f.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
    if res.summary["n_missing"]:
        typer.echo(f"note: {res.summary['n_missing']} gold record(s) had no prediction and scored 0", err=True)
    text = _format_score(res, "json" if as_json else fmt)
    if out:
        Path(out).write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}", err=True)
    else:
        typer.echo(text.rstrip("\n"))


def _format_score(res, fmt: str) -> str:
    from .report import to_html, to_markdown

    s = res.summary
    if fmt == "json":
        return json.dumps(s, ensure_ascii=False, indent=2)
    if fmt == "md":
        return to_markdown(res)
    if fmt == "html":
        return to_html(res)
    rows = [f"n={s['n']} match={s['match']}"]
    for k in ("disease_f1", "advice_f1", "f1", "rouge_l"):
        rows.append(f"{k:<11} {s[k]:.4f}  95% CI [{s['ci95'][k][0]:.4f}, {s['ci95'][k][1]:.4f}]  micro {s['micro'][k]:.4f}")
    return "\n".join(rows)


# ------------------------------------------------------------------ main
def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app, turning user errors into one line on stderr."""
    debug = os.environ.get("RJUA_DEBUG", "") not in ("", "0")
    try:
        rc = app(args=argv, standalone_mode=False)  # returns typer.Exit's code when one is raised
        return rc if isinstance(rc, int) else 0
    except typer.Exit as e:
        return e.exit_code
    except (RJUAError, OSError, ValueError) as e:
        if debug:
            raise
        if isinstance(e, RJUAFormatError) and len(e.problems) > 1:
            typer.echo(f"error: {len(e.problems)} problems found:\n{e.report()}", err=True)
        else:
            typer.echo(f"error: {e}", err=True)
        return getattr(e, "exit_code", 1)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        return 130
    except Exception as e:  # usage errors (click, or typer's vendored click) and the unexpected
        if hasattr(e, "show") and hasattr(e, "exit_code"):
            e.show()
            return e.exit_code
        if type(e).__name__ == "Abort":
            return 1
        if debug:
            raise
        typer.echo(f"error: {type(e).__name__}: {e} (set RJUA_DEBUG=1 for a traceback)", err=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())


def run() -> None:  # console-script entry
    sys.exit(main())
