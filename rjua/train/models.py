"""Model resolution for recipes: hub ids and paths pass through; ``tiny-dense`` / ``tiny-moe``
build a tiny random Qwen2 / Qwen2-MoE (routed + shared experts) once, for CI and smoke runs."""
from __future__ import annotations

from pathlib import Path

TINY = {"tiny-dense": False, "tiny-moe": True}


def resolve_model(name: str, output_dir: str) -> str:
    """A loadable model path or id for ``name``."""
    if name in TINY:
        path = Path(output_dir) / f"_{name}"
        if not (path / "config.json").is_file():
            from ..testing import tiny_causal_lm
            tiny_causal_lm(path, moe=TINY[name])
        return str(path)
    return name


def on_gpu() -> bool:
    import torch
    return torch.cuda.is_available()


def bf16_default(flag: bool | None) -> bool:
    import torch
    if flag is not None:
        return flag
    return bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported())
