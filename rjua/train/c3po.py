"""C3PO's token-budget selection (Ring-lite, arXiv 2506.14731): which completion tokens enter the loss.

The trainer that uses it is :class:`rjua.train.trainer.C3POTrainer` (its module docstring describes the
method); the verl path (:mod:`rjua.train.verl.loss`) uses the same :func:`budget_mask`. The selection orders
are registered in :mod:`rjua.train.variants`.

>>> import torch
>>> m = torch.tensor([[1, 1, 1, 0], [1, 1, 0, 0], [1, 1, 1, 1]])
>>> budget_mask(m, 5, "generation").tolist()
[[1, 1, 1, 0], [1, 1, 0, 0], [0, 0, 0, 0]]
>>> int(budget_mask(m, 4, "longest").sum())
4
"""
from __future__ import annotations

from typing import Any

import torch

from .moe import router_z_loss
from .variants import ORDERS, balanced_order, check_order

__all__ = ["ORDERS", "balanced_order", "budget_mask", "informative_rows", "router_z_loss", "shrink_to_selection",
           "step_normaliser", "suggest_token_budget"]


def budget_mask(mask: torch.Tensor, budget: int, order: str = "random",
                generator: torch.Generator | None = None, groups: torch.Tensor | None = None) -> torch.Tensor:
    """Loss mask keeping exactly ``min(budget, mask.sum())`` tokens, whole responses first.

    Responses are visited in ``order``; each is taken whole while it fits; the one that
    crosses the budget keeps only its first tokens. ``balanced`` takes responses
    round-robin over the prompt ``groups`` (each row its own group when not given), so
    every prompt contributes before any prompt contributes twice.
    """
    lengths = mask.sum(dim=1)
    fn = check_order(order)
    idx = fn(lengths, groups if groups is not None else torch.arange(mask.size(0)), generator)
    out = torch.zeros_like(mask)
    left = int(budget)
    for i in idx.tolist():
        if left <= 0:
            break
        row = mask[i]
        take = min(int(lengths[i]), left)
        if take:
            pos = torch.nonzero(row, as_tuple=False).flatten()[:take]
            out[i, pos] = 1
            left -= take
    return out


def informative_rows(advantages: torch.Tensor, groups: torch.Tensor) -> torch.Tensor:
    """Rows whose prompt group has any non-zero advantage (a reward spread), as a bool vector.

    A group whose K rewards are all equal has zero advantage everywhere: its tokens move nothing but
    the KL / entropy terms, so C3PO's budget is filled from the informative groups only (Ring-lite
    drops always- and never-solved prompts for the same reason).

    >>> adv = torch.tensor([0.0, 0.0, 0.7, -0.7, 0.0, 0.0])
    >>> informative_rows(adv, torch.tensor([0, 0, 1, 1, 2, 2])).tolist()
    [False, False, True, True, False, False]
    """
    nz = advantages.detach().abs().reshape(advantages.size(0), -1).amax(dim=1).cpu() > 1e-8
    groups = groups.cpu()
    hit = torch.zeros(int(groups.max()) + 1 if groups.numel() else 0, dtype=torch.bool)
    hit[groups[nz]] = True
    return hit[groups]


def step_normaliser(budget: int, available: int) -> int:
    """The divisor of a step's loss: Φ when the step holds at least Φ (informative) tokens, else the tokens
    it holds — every term (policy, KL, entropy) is divided by it, so a token weighs the same in a short step
    as in a full one; never 0.

    >>> step_normaliser(384, 1000), step_normaliser(384, 120), step_normaliser(384, 0)
    (384, 120, 384)
    """
    return int(budget) if available <= 0 else int(min(int(budget), int(available)))


_PER_TOKEN = ("completion_ids", "completion_mask", "old_per_token_logps", "ref_per_token_logps",
              "sampling_per_token_logps", "tool_mask", "importance_sampling_ratio", "advantages", "c3po_sel")


def shrink_to_selection(inputs: dict[str, Any], sel: torch.Tensor) -> dict[str, Any]:
    """Drop responses with no selected token and columns after the last selected one.

    The loss is unchanged (those tokens are masked out anyway) but the forward/backward
    cost now follows Φ instead of the batch's total length — C3PO's point.

    >>> sel = torch.tensor([[1, 1, 0], [0, 0, 0]])
    >>> out = shrink_to_selection({"completion_mask": torch.ones(2, 3), "prompt_ids": torch.zeros(2, 4)}, sel)
    >>> tuple(out["completion_mask"].shape), tuple(out["prompt_ids"].shape)
    ((1, 2), (1, 4))
    """
    rows = sel.sum(1) > 0
    if not bool(rows.any()):  # a micro-batch with no selected token (step-level budget): keep one masked row
        rows[0] = True
    cols = int(torch.nonzero(sel.any(0)).max()) + 1 if bool(sel.any()) else 1
    b, t = sel.shape
    out = {}
    for k, v in inputs.items():
        if torch.is_tensor(v) and v.dim() >= 1 and v.size(0) == b:
            v = v[rows]
            if k in _PER_TOKEN and v.dim() == 2 and v.size(1) == t:
                v = v[:, :cols]
        out[k] = v
    return out


def suggest_token_budget(completion_lengths, completions_per_step: int, quantile: float = 0.5) -> int:
    """Φ from the data: the ``quantile`` of the reference completions' token lengths × completions per step.

    With the median, a typical step holds about as many tokens as Φ (more when lengths are right-skewed,
    as answers are), so the budget binds on most steps instead of never.

    >>> suggest_token_budget([100, 142, 150, 400], 32)
    4544
    """
    xs = sorted(int(x) for x in completion_lengths)
    if not xs:
        raise ValueError("no completion lengths to derive the token budget from")
    q = xs[int(min(max(quantile, 0.0), 1.0) * (len(xs) - 1))]
    return max(1, int(q) * int(completions_per_step))
