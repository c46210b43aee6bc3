"""RL variants, one registry each: the **modes** (how the loss is normalised, whether a token budget applies)
and the **selection orders** (in which order C3PO takes responses until the budget Φ is filled).

Everything that needs the list reads it from here: config validation (:mod:`rjua.train.config`), the TRL
trainer (:mod:`rjua.train.trainer`), the budget selection (:func:`rjua.train.c3po.budget_mask`) and the verl
path (:mod:`rjua.train.verl.loss`). Adding a variant is one entry here (plus its function for an order);
``register_mode`` / ``register_order`` do the same from outside the package.

>>> list(MODES), MODES["c3po"].loss_type, MODES["grpo"].budget
(['c3po', 'grpo'], 'dapo', False)
>>> list(ORDERS)
['random', 'balanced', 'generation', 'shortest', 'longest']
>>> import torch
>>> ORDERS["longest"](torch.tensor([2, 5, 3]), torch.arange(3), None).tolist()
[1, 2, 0]
>>> check_order("widest")
Traceback (most recent call last):
ValueError: unknown selection order 'widest'; choose one of random, balanced, generation, shortest, longest
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["MODES", "ORDERS", "Mode", "balanced_order", "check_mode", "check_order", "register_mode",
           "register_order"]


@dataclass(frozen=True)
class Mode:
    """An RL mode: TRL's ``loss_type`` and whether C3PO's token budget (selection + constant Φ) applies."""

    loss_type: str   # GRPOConfig.loss_type the mode trains with
    budget: bool     # True: Φ completion tokens per step enter the loss, divided by the constant Φ
    doc: str = ""


MODES: dict[str, Mode] = {
    "c3po": Mode("dapo", True, "token budget Φ per optimizer step, loss = Σ over the selection / Φ (Ring-lite)"),
    "grpo": Mode("grpo", False, "TRL's per-sequence length normalisation, no budget (baseline)"),
}


def balanced_order(groups, generator=None):
    """Round-robin over prompt groups (random order inside each group and among groups).

    >>> import torch
    >>> g = torch.tensor([0, 0, 0, 1, 1])
    >>> order = balanced_order(g, torch.Generator().manual_seed(0))
    >>> sorted(order.tolist()), [int(g[i]) for i in order]  # rounds: {1, 0}, {0, 1}, {0}
    ([0, 1, 2, 3, 4], [1, 0, 0, 1, 0])
    """
    import torch

    perm = torch.randperm(groups.numel(), generator=generator).tolist()
    seen: dict[int, int] = {}
    rank = []
    for i in perm:  # the k-th response of its group (in random order) goes to round k
        g = int(groups[i])
        rank.append((seen.get(g, 0), i))
        seen[g] = seen.get(g, 0) + 1
    return torch.tensor([i for _, i in sorted(rank, key=lambda x: x[0])], dtype=torch.long)


def _random(lengths, groups, generator):
    import torch

    return torch.randperm(lengths.numel(), generator=generator)


def _generation(lengths, groups, generator):
    import torch

    return torch.arange(lengths.numel())


def _by_length(descending: bool):
    def order(lengths, groups, generator):
        import torch

        return torch.argsort(lengths.cpu(), descending=descending, stable=True)
    return order


# name -> f(lengths (n,), prompt groups (n,), torch.Generator | None) -> row indices in visiting order
ORDERS: dict[str, Callable] = {
    "random": _random,
    "balanced": lambda lengths, groups, generator: balanced_order(groups, generator),  # every prompt before repeats
    "generation": _generation,
    "shortest": _by_length(False),
    "longest": _by_length(True),
}


def check_mode(name: str) -> Mode:
    """The registered mode ``name``; ``ValueError`` naming the choices otherwise."""
    if name not in MODES:
        raise ValueError(f"unknown RL mode {name!r}; choose {' or '.join(MODES)}")
    return MODES[name]


def check_order(name: str) -> Callable:
    """The registered selection order ``name``; ``ValueError`` naming the choices otherwise."""
    if name not in ORDERS:
        raise ValueError(f"unknown selection order {name!r}; choose one of {', '.join(ORDERS)}")
    return ORDERS[name]


def register_mode(name: str, mode: Mode) -> None:
    """Add (or replace) a mode, e.g. ``register_mode("dr_grpo", Mode("dr_grpo", False))``."""
    MODES[name] = mode


def register_order(name: str, fn: Callable) -> None:
    """Add (or replace) a selection order ``fn(lengths, groups, generator) -> row indices``."""
    ORDERS[name] = fn
