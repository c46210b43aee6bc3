"""Shared pieces of the CLI shells."""
from __future__ import annotations

import json
import re

import typer

__all__ = ["DataDir", "MAX_RESAMPLES", "echo_json", "safe_text"]

MAX_RESAMPLES = 100_000  # memory grows with resamples x records (1e14 asked for petabytes)

DataDir = typer.Option(None, "--data-dir", "-d",
                       help="Directory with RJUA files (default: $RJUA_DATA_DIR, else the bundled sample).")


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
