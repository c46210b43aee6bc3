"""``rjua demo``: launch the Gradio web demo (:mod:`rjua.cli.demo_app`, shipped in the package)."""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Optional

import typer

from ..errors import RJUAError
from ..spec import RunSpec
from ._common import DataDir
from ._spec_flags import spec_command

__all__ = ["demo_cmd"]


def _log_setup() -> None:
    """Timestamped one-line records on stderr for the demo's own logger (what it is doing, refusals)."""
    lg = logging.getLogger("rjua.demo")
    if not lg.handlers:
        h = logging.StreamHandler()
        h.setFormatter(logging.Formatter("%(asctime)s rjua.demo %(levelname)s %(message)s", "%H:%M:%S"))
        lg.addHandler(h)
    lg.setLevel(logging.INFO)
    lg.propagate = False


@spec_command(fixed={"context": "retrieved", "pool": None})
def demo_cmd(spec: RunSpec,
             host: str = typer.Option("127.0.0.1", "--host", help="Interface to bind (loopback by default)."),
             port: int = typer.Option(7860, "--port", min=0, max=65535),
             data_dir: Optional[Path] = DataDir,
             share: bool = typer.Option(False, "--share", help="Create a public Gradio share link (off by default).")):
    """Launch the web demo (patient question -> diagnoses, advice, answer and evidence).

    It serves at once; the index and model load in the background (the page says "loading…" until ready).
    """
    if spec.index is not None and not Path(spec.index).is_dir():  # fail now, not after the server started
        raise RJUAError(f"{spec.index}: index directory not found (build one with `rjua index build --out DIR`)")
    _log_setup()
    log = logging.getLogger("rjua.demo")
    t0 = time.perf_counter()
    log.info("starting the web UI (backend %s)", spec.backend)
    from .demo_app import create_app

    app = create_app(data_dir, background=True, spec=spec)
    log.info("serving on http://%s:%d after %.1f s; research demo, not medical advice", host, port,
             time.perf_counter() - t0)
    app.launch(server_name=host, server_port=port, share=share, show_error=True, quiet=True)
