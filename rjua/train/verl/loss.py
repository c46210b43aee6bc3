"""C3PO on verl 0.9: the step-level token budget as an advantage estimator, the loss as a policy loss.

How verl 0.9 runs an update (``verl/workers/engine_workers.py``, ``engine/fsdp/transformer_impl.py``,
``workers/utils/losses.py``): the step's batch is cut into contiguous per-GPU shards; each shard into
mini-batches of ``ppo_mini_batch_size × rollout.n / dp`` rows (one optimizer step each; no shuffle
when ``actor.shuffle=false``); each mini-batch into micro-batches. The engine counts the mini-batch's
``loss_mask`` (= ``response_mask``) tokens over all GPUs (``batch_num_tokens``) and every term
(policy, entropy, KL) is ``sum over the micro-batch / batch_num_tokens × dp_size`` — micro-batch
losses are **not** divided by the accumulation count.

So C3PO is done where the whole mini-batch is visible:

* ``algorithm.adv_estimator=c3po_grpo`` (:func:`c3po_grpo_advantage`) computes GRPO's group
  advantages on **all** responses, then, for every global mini-batch as the actor will split it,
  keeps exactly Φ tokens (whole responses first in the configured order, the last one cut) by
  zeroing the rest of ``response_mask`` in place. verl then aggregates the policy loss, the entropy
  bonus and the KL over the selected tokens only, and ``batch_num_tokens`` is Φ;
  With ``c3po.filter_groups: true`` only **informative groups** (K rewards not all equal) fill Φ, as in
  the TRL recipe;
* ``actor.policy_loss.loss_mode=c3po`` (:func:`c3po_policy_loss`, verl's current signature) divides the
  clipped objective's sum by Φ (``actor.loss_scale_factor``) × dp_size — or, when the mini-batch holds
  fewer than Φ selected tokens, by the number it holds (:func:`rjua.train.c3po.step_normaliser`), which is
  exactly verl's ``batch_num_tokens``, the divisor of its KL and entropy terms: one normaliser for every
  term, as in the TRL recipe;
* :func:`compact_rows` / :func:`drop_unselected` drop the rows with no selected token before the update
  (kept up to a multiple of dp_size), so their forward and backward passes are not paid; wired by
  ``c3po.drop_unselected: true`` (wraps ``RayPPOTrainer._update_actor``; only when a step is one
  mini-batch, since compaction would move rows between mini-batches otherwise).

Settings live in our own top-level ``c3po:`` block (verl's dataclass configs reject unknown keys):
``token_budget`` (Φ per optimizer step over all GPUs), ``order`` (any order registered in
:mod:`rjua.train.variants`, the same as the TRL recipe's; an unknown one is refused when the settings are
read), ``seed``, ``dp_size`` (null: derived).

>>> import torch
>>> m = torch.ones(4, 3, dtype=torch.long)
>>> sel, stats = select_step_tokens(m, ["a", "a", "b", "b"], 4, mini_batch_size=2, dp_size=2, order="generation")
>>> sel.tolist()  # mini-batch 0 = rows 0 and 2 (first row of each GPU's shard), mini-batch 1 = rows 1 and 3
[[1, 1, 1], [1, 1, 1], [1, 0, 0], [1, 0, 0]]
>>> stats["binding"], stats["tokens"]
([True, True], [6, 6])
"""
from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from typing import Any

import torch

from ..c3po import budget_mask, informative_rows, step_normaliser
from ..variants import check_order

__all__ = ["c3po_grpo_advantage", "c3po_policy_loss", "compact_rows", "drop_unselected", "read_settings", "register",
           "select_step_tokens"]

log = logging.getLogger(__name__)
_GEN = torch.Generator()
_SEEDED: set[int] = set()


def select_step_tokens(response_mask: torch.Tensor, index: Sequence, budget: int, mini_batch_size: int,
                       dp_size: int = 1, order: str = "balanced", generator: torch.Generator | None = None,
                       keep: torch.Tensor | None = None):
    """Keep exactly ``min(Φ, tokens)`` tokens in every **global** mini-batch as verl's actor splits the batch.

    Row ``i`` goes to GPU ``i // (B / dp)``; on that GPU to mini-batch ``(i mod B/dp) // (m / dp)``
    (``m`` = ``mini_batch_size`` = ``ppo_mini_batch_size × n``). Rows where ``keep`` is False (groups without
    a reward spread) are never selected. Returns the mask and, per mini-batch, the tokens it held and whether
    Φ bound.

    >>> m = torch.ones(4, 3, dtype=torch.long)
    >>> keep = torch.tensor([False, False, True, True])
    >>> select_step_tokens(m, ["a", "a", "b", "b"], 4, 4, keep=keep, order="generation")[0].tolist()
    [[0, 0, 0], [0, 0, 0], [1, 1, 1], [1, 0, 0]]
    """
    b = response_mask.size(0)
    if b % dp_size or mini_batch_size % dp_size or (b // dp_size) % (mini_batch_size // dp_size):
        raise ValueError(f"c3po: batch {b} does not split into mini-batches of {mini_batch_size} over {dp_size} GPUs")
    shard, m_local = b // dp_size, mini_batch_size // dp_size
    which = [(i % shard) // m_local for i in range(b)]
    uniq = {u: k for k, u in enumerate(dict.fromkeys(str(x) for x in index))}
    groups = torch.tensor([uniq[str(x)] for x in index])
    mask = response_mask.long().cpu()
    if keep is not None:
        mask = mask * keep.long().cpu()[:, None]
    out = torch.zeros_like(mask)
    stats: dict[str, list] = {"tokens": [], "binding": []}
    for j in range(max(which) + 1):
        rows = torch.tensor([i for i in range(b) if which[i] == j])
        sub = budget_mask(mask[rows], budget, order, generator, groups[rows])
        out[rows] = sub
        total = int(mask[rows].sum())
        stats["tokens"].append(total)
        stats["binding"].append(total >= budget)
    return out.to(response_mask.device, response_mask.dtype), stats


def read_settings(config: Any) -> dict:
    """The ``c3po`` block (from the composed Hydra root of ``algorithm``, else ``$RJUA_C3PO`` JSON) and the
    actor layout verl will use."""
    root = None
    try:
        root = config._get_root()
    except AttributeError:
        pass
    block = dict(root.get("c3po") or {}) if root is not None and root.get("c3po") is not None else {}
    if not block and os.environ.get("RJUA_C3PO"):
        block = json.loads(os.environ["RJUA_C3PO"])
    if root is not None:
        actor, trainer = root.actor_rollout_ref.actor, root.trainer
        sp = int(actor.get("ulysses_sequence_parallel_size", 1) or 1)
        block.setdefault("mini_batch_size", int(actor.ppo_mini_batch_size) * int(root.actor_rollout_ref.rollout.n))
        if block.get("dp_size") is None:
            block["dp_size"] = int(trainer.n_gpus_per_node) * int(trainer.nnodes) // sp
        block.setdefault("shuffle", bool(actor.get("shuffle", False)))
    if "token_budget" not in block:
        raise ValueError("c3po_grpo needs a top-level `c3po:` block with token_budget (see c3po_multi_gpu.yaml)")
    try:
        check_order(str(block.get("order", "balanced")))
    except ValueError as e:
        raise ValueError(f"c3po.order: {e}") from None
    return block


def c3po_grpo_advantage(token_level_rewards: torch.Tensor, response_mask: torch.Tensor, index=None, config=None,
                        **kwargs) -> tuple[torch.Tensor, torch.Tensor]:
    """GRPO advantages over all responses, then the step-level budget applied to ``response_mask`` in place."""
    from verl.trainer.ppo.core_algos import compute_grpo_outcome_advantage

    norm = bool(config.get("norm_adv_by_std_in_grpo", True)) if config is not None else True
    adv, ret = compute_grpo_outcome_advantage(token_level_rewards=token_level_rewards, response_mask=response_mask,
                                              index=index, norm_adv_by_std_in_grpo=norm, config=config)
    s = read_settings(config)
    if s.get("shuffle"):
        raise ValueError("c3po: set actor_rollout_ref.actor.shuffle=false (the budget follows the mini-batch split)")
    seed = int(s.get("seed", 0))
    if seed not in _SEEDED:
        _GEN.manual_seed(seed)
        _SEEDED.add(seed)
    index = index if index is not None else range(response_mask.size(0))
    keep = None
    if s.get("filter_groups", False):
        uniq = {u: k for k, u in enumerate(dict.fromkeys(str(x) for x in index))}
        keep = informative_rows(adv, torch.tensor([uniq[str(x)] for x in index]))
    sel, stats = select_step_tokens(response_mask, index, int(s["token_budget"]),
                                    int(s.get("mini_batch_size", response_mask.size(0))), int(s.get("dp_size") or 1),
                                    str(s.get("order", "balanced")), _GEN, keep)
    if not all(stats["binding"]):
        log.warning("c3po: the token budget Φ=%d does not bind: mini-batches hold %s completion tokens; all are used "
                    "and the normaliser stays Φ. Lower c3po.token_budget to make it bind.",
                    int(s["token_budget"]), stats["tokens"])
    response_mask.copy_(sel)  # verl keeps this tensor in the batch: loss_mask, batch_num_tokens, KL and entropy follow
    return adv * sel, ret * sel


def _info(config: Any) -> dict:
    info = getattr(config, "global_batch_info", None)
    if info is None and isinstance(config, dict):
        info = config.get("global_batch_info")
    return dict(info or {})


def c3po_policy_loss(old_log_prob: torch.Tensor, log_prob: torch.Tensor, advantages: torch.Tensor,
                     response_mask: torch.Tensor, loss_agg_mode: str = "token-mean", config: Any = None,
                     rollout_is_weights: torch.Tensor | None = None) -> tuple[torch.Tensor, dict[str, Any]]:
    """verl ``PolicyLossFn``: ``Σ clipped objective over the (already selected) tokens / N × dp_size`` with
    ``N = min(Φ, batch_num_tokens)`` (:func:`rjua.train.c3po.step_normaliser`): Φ when the budget binds, else
    the selected tokens, the same divisor verl's token-mean KL and entropy terms use.

    Φ is ``config.loss_scale_factor`` (set it to ``${c3po.token_budget}``). ``loss_agg_mode`` is unused by the
    policy term (verl still uses it, ``token-mean``, for KL and entropy over the selected tokens).

    >>> lp = torch.zeros(2, 3); m = torch.ones(2, 3, dtype=torch.bool); adv = torch.tensor([[1.0] * 3, [2.0] * 3])
    >>> cfg = {"clip_ratio": 0.2, "global_batch_info": {"dp_size": 1, "batch_num_tokens": 6, "loss_scale_factor": 8}}
    >>> loss, metrics = c3po_policy_loss(lp, lp, adv, m, "token-mean", cfg)
    >>> float(loss), metrics["actor/c3po_budget_fill"], metrics["actor/c3po_normaliser"]  # -(3 + 6) / 6
    (-1.5, 0.75, 6.0)
    """
    get = (lambda k, d=None: config.get(k, d)) if config is not None else (lambda k, d=None: d)
    info = _info(config)
    phi = info.get("loss_scale_factor") or get("loss_scale_factor")
    if not phi:
        raise ValueError("c3po loss: set actor_rollout_ref.actor.loss_scale_factor=${c3po.token_budget} (Φ)")
    phi = float(phi)
    dp = int(info.get("dp_size") or 1)
    n_tokens = info.get("batch_num_tokens")
    if n_tokens is not None and float(n_tokens) > phi:
        raise ValueError(f"c3po loss: the mini-batch holds {int(n_tokens)} loss tokens > Φ={int(phi)}; "
                         "use algorithm.adv_estimator=c3po_grpo so the budget is applied before the update")
    eps = float(get("clip_ratio", 0.2))
    lo = get("clip_ratio_low", None)
    hi = get("clip_ratio_high", None)
    lo, hi = float(eps if lo is None else lo), float(eps if hi is None else hi)
    mask = response_mask.to(log_prob.dtype)
    log_ratio = torch.clamp(log_prob - old_log_prob, -20.0, 20.0)
    ratio = torch.exp(log_ratio)
    loss1 = -advantages * ratio
    loss2 = -advantages * torch.clamp(ratio, 1 - lo, 1 + hi)
    per_token = torch.maximum(loss1, loss2)
    if rollout_is_weights is not None:
        per_token = per_token * rollout_is_weights
    norm = float(step_normaliser(int(phi), int(n_tokens))) if n_tokens is not None else phi
    pg_loss = (per_token * mask).sum() / norm * dp
    n = mask.sum().clamp(min=1.0)
    metrics = {
        "actor/pg_clipfrac": float(((loss2 > loss1).to(mask.dtype) * mask).sum() / n),
        "actor/ppo_kl": float((-log_ratio.detach() * mask).sum() / n),
        "actor/pg_clipfrac_lower": float((((ratio < 1 - lo) & (advantages < 0)).to(mask.dtype) * mask).sum() / n),
        "actor/c3po_budget_fill": float(n_tokens) / phi if n_tokens is not None else float(mask.sum()) / phi,
        "actor/c3po_normaliser": norm,
    }
    return pg_loss, metrics


def compact_rows(response_mask: torch.Tensor, dp_size: int = 1) -> torch.Tensor:
    """Indices of the rows to update: every row with a selected token, in order, plus the first unselected
    rows needed to make the count a multiple of ``dp_size`` (at least ``dp_size`` rows).

    >>> compact_rows(torch.tensor([[1, 1], [0, 0], [0, 0], [1, 0], [0, 0]]), dp_size=3).tolist()
    [0, 3, 1]
    """
    has = response_mask.reshape(response_mask.size(0), -1).sum(1) > 0
    keep = torch.nonzero(has).flatten().tolist()
    pad = [i for i in range(response_mask.size(0)) if not has[i]]
    need = max(dp_size, -(-len(keep) // dp_size) * dp_size) - len(keep)
    return torch.tensor(keep + pad[:need], dtype=torch.long)


def drop_unselected(batch, dp_size: int = 1):
    """The verl ``DataProto`` without the rows that hold no selected token (:func:`compact_rows`)."""
    idx = compact_rows(batch.batch["response_mask"], dp_size)
    if idx.numel() == len(batch):
        return batch
    return batch.select_idxs(idx) if hasattr(batch, "select_idxs") else batch[idx]


def _patch_update_actor() -> bool:
    """Wrap ``RayPPOTrainer._update_actor`` so ``c3po.drop_unselected: true`` drops unselected rows first."""
    try:
        from verl.trainer.ppo.ray_trainer import RayPPOTrainer
    except ImportError:
        return False
    if getattr(RayPPOTrainer._update_actor, "_rjua_c3po", False):
        return True
    original = RayPPOTrainer._update_actor

    def _update_actor(self, batch, *args, **kwargs):
        block = dict(self.config.get("c3po") or {})
        if block.get("drop_unselected"):
            rollout_n = int(self.config.actor_rollout_ref.rollout.n)
            one_step = int(self.config.actor_rollout_ref.actor.ppo_mini_batch_size) * rollout_n >= len(batch)
            if one_step:
                dp = int(self.config.trainer.n_gpus_per_node) * int(self.config.trainer.nnodes)
                batch = drop_unselected(batch, dp)
            else:
                log.warning("c3po.drop_unselected: a step has several mini-batches; rows are kept")
        return original(self, batch, *args, **kwargs)

    _update_actor._rjua_c3po = True
    RayPPOTrainer._update_actor = _update_actor
    return True


def register() -> bool:
    """Register ``c3po`` (policy loss) and ``c3po_grpo`` (advantage estimator) in verl; False without verl."""
    try:
        from verl.trainer.ppo import core_algos
    except ImportError:
        return False
    for registry, add, name, fn in ((core_algos.POLICY_LOSS_REGISTRY, core_algos.register_policy_loss, "c3po",
                                     c3po_policy_loss),
                                    (core_algos.ADV_ESTIMATOR_REGISTRY, core_algos.register_adv_est, "c3po_grpo",
                                     c3po_grpo_advantage)):
        if name not in registry:
            add(name)(fn)
    _patch_update_actor()
    return True
