"""Shared pieces of the CLI shells."""
from __future__ import annotations

import json
import re

import typer

from ..counts import count_lines, no_score_line, strict_problem
from ..data import SplitFiles
from ..errors import RJUAError

__all__ = ["DataDir", "ErrorsAsZeroOpt", "FieldOpt", "MAX_RESAMPLES", "SplitOpt", "StrictOpt", "default_split",
           "echo_json", "exit_on_counts", "safe_text", "warn_counts"]

MAX_RESAMPLES = 100_000  # memory grows with resamples x records (1e14 asked for petabytes)

DataDir = typer.Option(None, "--data-dir", "-d",
                       help="Directory with RJUA files (default: $RJUA_DATA_DIR, else the bundled sample).")


SplitOpt = typer.Option(None, "--split", "-s",
                        help="Gold split (default: the only split of the data directory, else test).")
FieldOpt = typer.Option("answer", "--field",
                        help="The answer field of each prediction row (answer, prediction, output, response…).")
ErrorsAsZeroOpt = typer.Option(False, "--errors-as-zero",
                               help="Score rows that carry an error as 0 (default: excluded from the score, counted).")
StrictOpt = typer.Option(False, "--strict", help="Exit 2 when any answer is unread or any row carries an error.")


def default_split(split: str | None, data_dir) -> str:
    """``--split``, else the only split of the data directory (said on stderr), else ``test``.

    ``data_dir``: a directory, or the :class:`~rjua.data.SplitFiles` already found there."""
    if split:
        return split

    files = SplitFiles.of(data_dir)
    found = sorted(files)
    if len(found) == 1:
        typer.echo(f"note: --split defaults to {found[0]!r}, the only split in {files.directory}", err=True)
        return found[0]
    if "test" in found or not found:
        return "test"
    raise RJUAError(f"{files.directory} holds the splits {', '.join(found)}; choose one with --split")


def warn_counts(summary: dict) -> None:
    """Errored rows, unread answers and a missing score, said on stderr (the reports say it too)."""

    for line in count_lines(summary):
        if ": '" in line:  # a count above 0 always lists its ids
            typer.echo(safe_text(f"warning: {line}"), err=True)
    if no_score_line(summary):
        typer.echo(f"warning: {no_score_line(summary)}", err=True)


def exit_on_counts(summary: dict, strict: bool) -> None:
    """Exit 2 when nothing could be scored, or under ``--strict`` when any answer is unread or any row errored."""

    problem = (strict_problem(summary) if strict else None) or no_score_line(summary)
    if problem:
        typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(2)


def echo_json(obj) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False, indent=2))


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe_text(text: str) -> str:
    r"""``text`` for a terminal: control characters (ESC sequences, bidi overrides) shown escaped.

    Data files and endpoints are not trusted: an ESC sequence in an answer could retitle or rewrite the terminal.

    >>> print(safe_text("肾结石\x1b]0;owned\x07 ok\u202e\n第二行"))
    肾结石\x1b]0;owned\x07 ok\u202e
    第二行
    """
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
