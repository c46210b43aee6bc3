"""C3PO as a verl policy loss (``actor_rollout_ref.actor.policy_loss.loss_mode=c3po``).

verl calls the loss once per micro-batch and divides each micro-batch's loss by the
number of gradient-accumulation micro-batches. So each call keeps exactly
``Φ_micro = token_budget / micro_batches`` completion tokens (whole responses first, the
last one cut, order from config) and returns ``sum(loss over kept tokens) / Φ_micro``;
after verl's division the optimizer step sees ``sum / Φ`` over exactly Φ tokens.
KL (``use_kl_loss``, ``kl_loss_coef=1e-3``) and the entropy bonus stay verl's.

Config keys read from ``config.policy_loss`` (or ``config``): ``c3po_token_budget`` (Φ per
optimizer step), ``c3po_micro_batches`` (gradient-accumulation micro-batches per step),
``c3po_order`` (random | generation | shortest | longest; balanced acts as random here: the loss sees no prompt ids), ``clip_ratio`` (ε, 0.2).

>>> import torch
>>> lp = torch.zeros(2, 3); m = torch.ones(2, 3); adv = torch.tensor([[1.0] * 3, [-1.0] * 3])
>>> cfg = {"c3po_token_budget": 4, "c3po_micro_batches": 1, "c3po_order": "generation"}
>>> loss, *_ = c3po_policy_loss(lp, lp, adv, m, "token-mean", cfg)
>>> float(loss)  # tokens kept: 3 of row 0 (A=+1) and 1 of row 1 (A=-1): -(3 - 1) / 4
-0.5
"""
from __future__ import annotations

from typing import Any

import torch

from ..c3po import budget_mask


def _get(config: Any, key: str, default):
    for src in (getattr(config, "policy_loss", None), config):
        if src is None:
            continue
        if isinstance(src, dict) and key in src:
            return src[key]
        if not isinstance(src, dict) and hasattr(src, key):
            return getattr(src, key)
        try:
            return src[key]  # omegaconf DictConfig
        except Exception:
            pass
    return default


def c3po_policy_loss(old_log_prob: torch.Tensor, log_prob: torch.Tensor, advantages: torch.Tensor,
                     response_mask: torch.Tensor, loss_agg_mode: str = "token-mean", config: Any = None,
                     rollout_log_probs: torch.Tensor | None = None):
    """Returns ``(pg_loss, pg_clipfrac, ppo_kl, pg_clipfrac_lower)`` like verl's built-in losses."""
    budget = int(_get(config, "c3po_token_budget", 4096))
    micro = int(_get(config, "c3po_micro_batches", 1))
    order = str(_get(config, "c3po_order", "random"))
    eps = float(_get(config, "clip_ratio", 0.2))
    phi_micro = budget // max(1, micro)
    sel = budget_mask(response_mask.long(), phi_micro, order).to(log_prob.dtype)
    log_ratio = log_prob - old_log_prob
    ratio = torch.exp(log_ratio)
    loss1 = -advantages * ratio
    loss2 = -advantages * torch.clamp(ratio, 1 - eps, 1 + eps)
    per_token = torch.maximum(loss1, loss2)
    pg_loss = (per_token * sel).sum() / phi_micro
    n = sel.sum().clamp(min=1.0)
    clipfrac = ((loss2 > loss1).float() * sel).sum() / n
    ppo_kl = (-log_ratio * sel).sum() / n
    lower = (((ratio < 1 - eps) & (advantages < 0)).float() * sel).sum() / n
    return pg_loss, clipfrac.detach(), ppo_kl.detach(), lower.detach()


def register() -> bool:
    """Register ``c3po`` in verl's policy-loss registry; False when verl is not installed."""
    try:
        from verl.trainer.ppo.core_algos import POLICY_LOSS_REGISTRY, register_policy_loss
    except ImportError:
        return False
    if "c3po" not in POLICY_LOSS_REGISTRY:
        register_policy_loss("c3po")(c3po_policy_loss)
    return True
