"""Model resolution for recipes: hub ids and paths pass through; ``tiny-dense`` / ``tiny-moe`` build a tiny
random Qwen2 / Qwen2-MoE (routed + shared experts) once, for CI and smoke runs. Dtype and device live in
:mod:`rjua.modeling`."""
from __future__ import annotations

from pathlib import Path

from ..handover import loadable_model
from ..testing import tiny_causal_lm

__all__ = ["TINY", "resolve_model"]

TINY = {"tiny-dense": False, "tiny-moe": True}


def resolve_model(name: str, output_dir: str) -> str:
    """A loadable model path or id for ``name``."""
    if name in TINY:
        path = Path(output_dir) / f"_{name}"
        if not (path / "config.json").is_file():
            tiny_causal_lm(path, moe=TINY[name])
        return str(path)

    return loadable_model(name)  # LoRA checkpoints are merged onto their recorded base (rjua.train.handover)
