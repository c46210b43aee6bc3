"""Two-stage RL (Ring-lite's math -> code stages, here diagnosis -> diagnosis + advice).

Stage 2 starts from stage 1's final checkpoint; each stage has its own data and reward
weights from the config.
"""
from __future__ import annotations

import dataclasses

from .config import StagesConfig
from .preflight import preflight
from .rl import run_rl

__all__ = ["run_stages"]


def run_stages(cfg: StagesConfig, generation_kwargs: dict | None = None) -> dict:
    preflight(cfg)  # both stages' data and folders before stage 1 starts
    first = run_rl(cfg.stage1, generation_kwargs)
    stage2 = dataclasses.replace(cfg.stage2, model=first["final"])
    second = run_rl(stage2, generation_kwargs)
    return {"stage1": first, "stage2": second, "handover": first["final"]}
