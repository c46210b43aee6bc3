"""The ``rjua`` command line: thin typer shells over the library.

Every command parses its input, calls ``rjua`` and formats the output. Errors
are one line on stderr with a non-zero exit; ``RJUA_DEBUG=1`` shows tracebacks.
"""
from __future__ import annotations

import os
import sys

import typer

from .. import __version__
from ..errors import RJUAError, RJUAFormatError
from ..progress import quiet_library_bars
from .answering import answer_cmd, eval_cmd, predict_cmd
from .data import data_app
from .demo import demo_cmd
from .judge import compare_cmd, judge_cmd
from .retrieval import index_app, retrieval_eval, retrieve
from .score import rescore_cmd, score
from .synth import synth_cmd
from .train import train_app

__all__ = ["COMMANDS", "app", "main", "run"]

app = typer.Typer(help="RJUA-QA toolkit: data, scoring, retrieval, answering, training, demo.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)


def _version(value: bool):
    if value:
        typer.echo(f"rjua {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")):
    """RJUA-QA toolkit. Not medical advice: research use only."""


# the sub-commands (functions defined in the sibling modules) and command groups (typer apps), in --help order
COMMANDS = {"data": data_app, "score": score, "rescore": rescore_cmd, "index": index_app, "retrieve": retrieve,
            "retrieval-eval": retrieval_eval, "answer": answer_cmd, "predict": predict_cmd, "eval": eval_cmd,
            "demo": demo_cmd, "train": train_app, "synth": synth_cmd, "judge": judge_cmd, "compare": compare_cmd}


def _register(commands: dict) -> None:
    for name, cmd in commands.items():
        if isinstance(cmd, typer.Typer):
            app.add_typer(cmd, name=name)
        else:
            app.command(name)(cmd)


_register(COMMANDS)

def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app, turning user errors into one line on stderr."""
    debug = os.environ.get("RJUA_DEBUG", "") not in ("", "0")
    quiet_library_bars()  # no "Loading weights" carriage-return bars in non-terminal logs
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
        if getattr(e, "param", None) is not None and hasattr(e, "format_message"):  # a bad option value: one line
            typer.echo(f"error: {e.format_message()}", err=True)
            return getattr(e, "exit_code", 2)
        if hasattr(e, "show") and hasattr(e, "exit_code"):
            e.show()
            return e.exit_code
        if type(e).__name__ == "Abort":
            return 1
        if debug:
            raise
        typer.echo(f"error: {type(e).__name__}: {e} (set RJUA_DEBUG=1 for a traceback)", err=True)
        return 1


def run() -> None:  # console-script entry
    sys.exit(main())
