"""``rjua train sft|rl|select-checkpoint|stages --config FILE [key=value ...]``."""
from __future__ import annotations

import contextlib
import sys
from typing import List, Optional

import typer

from ..train import config as train_config, run as train_run
from ..train.config import CONFIG_DIR, SelectConfig, SFTConfig, load_config
from ..train.entropy import select_checkpoint
from ..train.sft import run_sft
from ._common import echo_json

__all__ = ["configs", "rl", "run", "select", "sft", "stages", "train_app"]

train_app = typer.Typer(help="Domain adaptation recipes (SFT, entropy-based selection, C3PO RL, two stages).",
                        no_args_is_help=True)
ConfigOpt = typer.Option(..., "--config", "-c", help="A YAML file or a named config (e.g. sft_tiny, rl_c3po_tiny).")
Overrides = typer.Argument(None, help="key=value overrides, dots for sections (data.context=none).")


def _quiet():
    """Training libraries print progress and logs on stdout: send them to stderr, keep stdout for results."""
    return contextlib.redirect_stdout(sys.stderr)


def _run_recipe(config_class: str, recipe: str, config: str, overrides) -> None:
    """Load ``rjua.train.config.<config_class>`` (a bad config fails before the heavy imports), run
    ``rjua.train.<module>.<function>`` with library output on stderr, print its result as JSON."""
    from importlib import import_module


    cfg = train_config.load_config(getattr(train_config, config_class), config, overrides or [])
    module, function = recipe.rsplit(".", 1)
    run = getattr(import_module(f"rjua.train.{module}"), function)
    with _quiet():
        res = run(cfg)
    echo_json(res)


@train_app.command("sft")
def sft(config: str = ConfigOpt, overrides: Optional[List[str]] = Overrides):
    """Supervised fine-tuning (TRL SFTTrainer; optional LoRA; resumes from the last checkpoint)."""

    cfg = load_config(SFTConfig, config, overrides or [])  # a bad config fails before the heavy imports

    with _quiet():
        res = run_sft(cfg)
    echo_json(res)


@train_app.command("rl")
def rl(config: str = ConfigOpt, overrides: Optional[List[str]] = Overrides):
    """C3PO (token budget, constant normaliser) or GRPO RL with rjua's verifiable reward."""
    _run_recipe("RLConfig", "rl.run_rl", config, overrides)


@train_app.command("select-checkpoint")
def select(config: str = ConfigOpt, overrides: Optional[List[str]] = Overrides,
           as_json: bool = typer.Option(False, "--json")):
    """Entropy of each SFT checkpoint's own samples; choose the one inside the target band."""

    cfg = load_config(SelectConfig, config, overrides or [])

    with _quiet():
        res = select_checkpoint(cfg)
    if as_json:
        echo_json(res)
        return
    lo, hi = res["band"]
    typer.echo(f"{'checkpoint':<40} {'entropy':>8} {'val F1':>7}  in band [{lo}, {hi}]")
    for r in res["rows"]:
        mark = "  <- chosen" if r is res["chosen"] or r["checkpoint"] == res["chosen"]["checkpoint"] else ""
        band = "yes" if r["in_band"] else "no"
        typer.echo(f"{r['checkpoint']:<40} {r['entropy']:>8.3f} {r['val_f1']:>7.3f}  {band}{mark}")
    if res.get("reference"):
        typer.echo(f"reference {res['reference']['model']}: entropy {res['reference']['entropy']:.3f}")
    if not res.get("qualified", True):
        typer.echo(f"no checkpoint qualified: {res['reason']}; using the last one")


@train_app.command("stages")
def stages(config: str = ConfigOpt, overrides: Optional[List[str]] = Overrides):
    """Two-stage RL: stage 1 (diagnosis reward), then stage 2 (adds advice) from stage 1's checkpoint."""
    _run_recipe("StagesConfig", "stages.run_stages", config, overrides)


@train_app.command("configs")
def configs():
    """List the named configs."""

    for p in sorted(CONFIG_DIR.glob("*.yaml")):
        first = p.read_text(encoding="utf-8").splitlines()[0].lstrip("# ")
        typer.echo(f"{p.stem:<20} {first}")


@train_app.command("run")
def run(config: str = ConfigOpt, overrides: Optional[List[str]] = Overrides):
    """The whole recipe, resumable: held-out eval, SFT, entropy selection, C3PO stage 1 and 2, eval after each,
    metrics.json and PNG plots in the run folder (e.g. --config run_qwen05b_cpu)."""
    cfg = train_run.load_config(train_run.RunConfig, config, overrides or [])
    with _quiet():
        res = train_run.run_recipe(cfg, log=lambda m: typer.echo(m, err=True))
    echo_json(res)
