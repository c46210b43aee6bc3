"""Domain-adaptation recipes: SFT, entropy-based checkpoint selection, C3PO RL, two-stage training.

Wraps TRL (one machine) and verl (clusters, :mod:`rjua.train.verl`); TRL, peft and
transformers are imported only inside the recipe functions.
"""
from .config import DataConfig, RewardConfig, RLConfig, SelectConfig, SFTConfig, StagesConfig, load_config
from .rewards import make_reward_fn, score_completion

__all__ = ["DataConfig", "RLConfig", "RewardConfig", "SelectConfig", "SFTConfig", "StagesConfig", "load_config",
           "make_reward_fn", "score_completion"]
