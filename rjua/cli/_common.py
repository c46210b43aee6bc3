"""Shared pieces of the CLI shells."""
from __future__ import annotations

import json

import typer

MAX_RESAMPLES = 100_000  # memory grows with resamples x records (1e14 asked for petabytes)

DataDir = typer.Option(None, "--data-dir", "-d", help="Directory with RJUA files (default: $RJUA_DATA_DIR, else the bundled sample).")


def echo_json(obj) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False, indent=2))
