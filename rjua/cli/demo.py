"""``rjua demo``: launch the Gradio web demo (apps/demo.py)."""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Optional

import typer

from ..errors import RJUAError
from ._common import DataDir


def demo_path() -> Path:
    p = Path(__file__).resolve().parents[2] / "apps" / "demo.py"
    if not p.is_file():
        raise RJUAError(f"{p}: the demo app is not there (run from a source checkout of rjua)")
    return p


def demo_cmd(host: str = typer.Option("127.0.0.1", "--host", help="Interface to bind (loopback by default)."),
             port: int = typer.Option(7860, "--port"),
             backend: str = typer.Option("case", "--backend", "-b", help="case | hf | openai | vllm."),
             model: Optional[str] = typer.Option(None, "--model", "-m"),
             index: Optional[Path] = typer.Option(None, "--index", "-i"),
             embedder: Optional[str] = typer.Option(None, "--embedder", "-e"),
             data_dir: Optional[Path] = DataDir,
             share: bool = typer.Option(False, "--share", help="Create a public Gradio share link (off by default).")):
    """Launch the web demo (patient question -> diagnoses, advice, answer and evidence)."""
    for key, val in (("RJUA_BACKEND", backend), ("RJUA_MODEL", model), ("RJUA_INDEX", index),
                     ("RJUA_EMBEDDER", embedder), ("RJUA_DATA_DIR", data_dir)):
        if val is not None:
            os.environ[key] = str(val)
    spec = importlib.util.spec_from_file_location("rjua_demo_app", demo_path())
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    typer.echo(f"rjua demo on http://{host}:{port} ({backend}); research demo, not medical advice", err=True)
    mod.demo.launch(server_name=host, server_port=port, share=share, show_error=True)
