"""MoE auxiliary losses from the routers themselves (Ring-lite: load balance 1e-5, router z-loss 1e-7).

Routers return different things: a plain ``nn.Linear`` gate (older Mixtral) returns the logits;
transformers' Qwen2-MoE / Mixtral ``*TopKRouter`` returns ``(logits, scores, indices)``; Ring-lite's
BailingMoe gate returns ``(topk_idx, topk_weight, logits)`` — the first item is the index tensor.
So the raw logits are **recomputed from the router's input and weight** (``x @ W.T (+ b)``) whenever
the router is a linear map (all three forms); otherwise the floating-point output with the most
columns is taken. Gradients flow into the router weight either way.

Both losses are computed here from those logits, over real tokens only (padding excluded), in the
padded and the packed forward alike — not from the model's own ``aux_loss`` (whose form differs
between architectures and which TRL reads from ``output_router_logits``).

>>> import torch
>>> gate = torch.nn.Linear(4, 3, bias=False)
>>> x = torch.randn(5, 4)
>>> out = (torch.zeros(5, 2, dtype=torch.long), torch.rand(5, 2), gate(x))  # BailingMoe form
>>> torch.allclose(router_logits(gate, (x,), out), gate(x))
True
>>> float(router_z_loss([torch.zeros(3, 4)]))  # log(4)^2
1.921812...
>>> float(load_balance_loss([torch.zeros(6, 4)], 1))  # equal probabilities: E * sum_e f_e P_e = 1
1.0
"""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

__all__ = ["find_routers", "load_balance_loss", "moe_shape", "router_logits", "router_z_loss"]

_GATE_NAMES = ("mlp.gate", "block_sparse_moe.gate", ".router", "moe.gate")


def find_routers(model) -> list[torch.nn.Module]:
    """MoE router modules: classes named ``*Router`` / ``*Gate`` (not ``*_proj``), or the gate of a sparse-MoE
    block."""
    out = []
    for name, mod in model.named_modules():
        cls = type(mod).__name__
        if cls.endswith(("Router", "MoEGate", "MoeGate")) or name.endswith(_GATE_NAMES):
            out.append(mod)
    return out


def moe_shape(config) -> tuple[int, int] | None:
    """``(num_experts, top_k)`` from a model config (Qwen2-MoE, Mixtral, BailingMoe, DeepSeek names); None if dense.

    >>> from types import SimpleNamespace as N
    >>> moe_shape(N(num_local_experts=8, num_experts_per_tok=2)), moe_shape(N(hidden_size=8))
    ((8, 2), None)
    """
    cfg = config.get_text_config() if hasattr(config, "get_text_config") else config
    e = next((getattr(cfg, k) for k in ("num_experts", "num_local_experts", "n_routed_experts")
              if isinstance(getattr(cfg, k, None), int)), None)
    k = next((getattr(cfg, k) for k in ("num_experts_per_tok", "moe_topk", "top_k")
              if isinstance(getattr(cfg, k, None), int)), None)
    return (e, k) if e and k else None


def router_logits(module: torch.nn.Module, inp: tuple, out: Any) -> torch.Tensor | None:
    """Raw router logits ``(tokens, experts)`` of one router call, whatever the router returns."""
    w = getattr(module, "weight", None)
    x = inp[0] if isinstance(inp, tuple) and inp else None
    if (torch.is_tensor(w) and w.dim() == 2 and torch.is_tensor(x) and x.is_floating_point()
            and x.size(-1) == w.size(1)):
        b = getattr(module, "bias", None)
        return F.linear(x.reshape(-1, x.size(-1)).to(w.dtype), w, b if torch.is_tensor(b) else None)
    items = out if isinstance(out, (tuple, list)) else (out,)
    floats = [t for t in items if torch.is_tensor(t) and t.is_floating_point() and t.dim() >= 2]
    if not floats:
        return None
    best = max(floats, key=lambda t: t.size(-1))  # logits have E columns, top-k weights only k
    return best.reshape(-1, best.size(-1))


def router_z_loss(logits: list[torch.Tensor]) -> torch.Tensor:
    """Mean over layers and tokens of logsumexp(router logits)^2 (ST-MoE z-loss)."""
    return torch.stack([torch.logsumexp(x.float(), dim=-1).pow(2).mean() for x in logits]).mean()


def load_balance_loss(logits: list[torch.Tensor], top_k: int) -> torch.Tensor:
    """Switch / Mixtral load-balance loss ``E · Σ_e f_e · P_e`` over all layers' tokens (as transformers computes
    it): ``f_e`` the share of top-k slots routed to expert e, ``P_e`` its mean router probability."""
    x = torch.cat([t.float() for t in logits])
    n_exp = x.size(-1)
    probs = x.softmax(-1)
    idx = probs.topk(min(top_k, n_exp), dim=-1).indices
    tokens_per_expert = F.one_hot(idx, n_exp).float().mean(0)  # (k, E)
    return n_exp * (tokens_per_expert * probs.mean(0)[None]).sum()
