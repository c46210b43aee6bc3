"""``rjua synth``: SHARP-style verified case synthesis."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from ..plan import make_backend, public, resolve_spec
from ..spec import RunSpec
from ..synth import run_synth
from ._common import DataDir, echo_json
from ._spec_flags import backend_options

__all__ = ["synth_cmd"]


def synth_cmd(out: Path = typer.Option(..., "--out", "-o", dir_okay=False,
                                       help="Kept cases (RJUA JSON Lines); "
                                            ".rejected.jsonl and .report.json beside it."),
              generator: str = typer.Option(..., "--generator", help="Generator backend: openai | hf | vllm."),
              generator_model: Optional[str] = typer.Option(None, "--generator-model"),
              solver: str = typer.Option(..., "--solver", help="Strong solver backend (must recover the diagnosis)."),
              solver_model: Optional[str] = typer.Option(None, "--solver-model"),
              weak: str = typer.Option("case", "--weak",
                                       help="Weak baseline that must not always solve it ('none' to skip)."),
              n: int = typer.Option(10, "--n", min=1, help="Seeds to instantiate."),
              data_dir: Optional[Path] = DataDir,
              eval_splits: Optional[List[str]] = typer.Option(None, "--eval-split",
                                                              help="Splits checked for contamination (default: all)."),
              pool: Optional[List[str]] = typer.Option(None, "--pool",
                                                       help="Labelled splits for the taxonomy (default: valid)."),
              pool_part: str = typer.Option("train", "--pool-part",
                                            help="Part of each pool split: train (the recipes' training part, "
                                                 "default: nothing evaluated reaches a seed) | heldout | all."),
              solver_samples: int = typer.Option(3, "--solver-samples", min=1,
                                                 help="Strong-solver samples per case; a majority must solve it."),
              base_url: Optional[str] = typer.Option(None, "--base-url", help="OpenAI-compatible endpoint."),
              max_new_tokens: int = typer.Option(768, "--max-new-tokens", min=1),
              timeout: float = typer.Option(60.0, "--timeout", min=0.1,
                                            help="openai: total seconds per request attempt."),
              seed: int = typer.Option(0, "--seed", min=0), batch_size: int = typer.Option(2, "--batch-size", min=1),
              overwrite: bool = typer.Option(False, "--overwrite"),
              retry_errors: bool = typer.Option(True, "--retry-errors/--no-retry-errors",
                                                help="On resume, redo seeds whose generation failed with an error."),
              progress: Optional[bool] = typer.Option(None, "--progress/--no-progress")):
    """Generate new verifiable cases, verify them, keep the solvable, non-trivial, uncontaminated ones."""

    specs = {"generator": RunSpec(generator, generator_model, backend_options(generator, base_url, timeout=timeout),
                                  max_new_tokens=max_new_tokens),
             "solver": RunSpec(solver, solver_model,
                               backend_options(solver, base_url, timeout=timeout) | _sampling(solver, solver_samples),
                               max_new_tokens=384),
             "weak": None if weak == "none" else RunSpec(weak)}
    gen, sol = make_backend(specs["generator"]), make_backend(specs["solver"])
    wk = None if specs["weak"] is None else make_backend(specs["weak"])
    config = {"generator": generator, "generator_model": generator_model, "solver": solver,
              "solver_model": solver_model, "weak": weak,  # + every backend setting: resume refuses a change
              "specs": {k: public(resolve_spec(s)) if s is not None else None for k, s in specs.items()}}
    report = run_synth(out, gen, sol, wk, n, data_dir, eval_splits, pool, seed, batch_size, config, overwrite,
                       retry_errors=retry_errors, progress=progress, pool_part=pool_part,
                       solver_samples=solver_samples)
    echo_json(report)


def _sampling(backend: str, samples: int) -> dict:
    """hf solver with several samples: sample (T = 0.7) so the samples differ (each gets its own seed)."""
    return {"do_sample": True} if backend == "hf" and samples > 1 else {}
