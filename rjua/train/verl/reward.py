"""verl ``custom_reward_function``: ``compute_score(data_source, solution_str, ground_truth, extra_info)``.

verl 0.9 reads ``reward.custom_reward_function.path`` / ``.name``; point it at
``pkg://rjua.train.verl.reward`` (imported as a package module, so the imports below work —
a plain file path would be loaded without its package).

``ground_truth`` is the JSON written by :mod:`rjua.train.verl.prepare`
(``{"diseases": [...], "advices": [...]}``); reward weights may travel in
``extra_info["reward"]`` (a :class:`rjua.train.config.RewardConfig` mapping), so the two
stages can use different rewards without code changes.

>>> gt = '{"diseases": ["肾结石"], "advices": ["多饮水"]}'
>>> compute_score("rjua", "诊断：肾结石\\n建议：多饮水", gt)["score"]
1.0
"""
from __future__ import annotations

import json
from typing import Any

from ..config import RewardConfig, build
from ..rewards import score_completion

__all__ = ["compute_score"]


def compute_score(data_source: str, solution_str: str, ground_truth: Any, extra_info: dict | None = None,
                  **_: Any) -> dict:
    gt = json.loads(ground_truth) if isinstance(ground_truth, str) else dict(ground_truth)
    cfg = build(RewardConfig, dict((extra_info or {}).get("reward") or {}), "extra_info.reward")
    res = score_completion(solution_str, gt.get("diseases", []), gt.get("advices", []), cfg)
    return {"score": float(res["reward"]), "disease_f1": res["disease_f1"], "advice_f1": res["advice_f1"],
            "parsed": float(res["parsed"])}
