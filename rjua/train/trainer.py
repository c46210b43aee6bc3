"""C3PO — Constrained Contextual Computation Policy Optimization (Ring-lite, arXiv 2506.14731),
re-implemented as a thin subclass of TRL's ``GRPOTrainer``: :class:`C3POTrainer`.

What TRL already does and is reused: K samples per prompt, group-normalised advantages
(computed on the whole generation batch **before** any selection), the clipped ratio
objective (ε), the k3 KL estimate against the initial policy (β), the optional entropy
bonus and the MoE load-balance loss.

What C3PO adds (this module):

* a fixed **token budget Φ per optimizer step**, filled greedily over the **step's whole batch**
  (``budget_scope="step"``, the paper's choice and the default): right after generation, responses are
  taken in a configurable order (``random`` / ``balanced`` / ``generation`` / ``shortest`` /
  ``longest``) until Φ completion tokens are reached, the last one cut, and the selection travels with
  the rows into the gradient-accumulation micro-batches. ``budget_scope="micro"`` splits Φ evenly over
  the micro-batches instead. The selection is a loss-only mask: attention still sees every token;
  when a step holds fewer than Φ tokens the budget **does not bind**: a warning is logged once and the
  ``budget_fill`` / ``budget_binds`` statistics record it every step;
* the loss is the sum over the selected tokens divided by the **constant Φ**, not by a
  per-batch token count or by sequence lengths;
* the update's forward computes only what the selection needs, so its cost follows Φ
  rather than the batch: by default (``pack=True``) the selected tokens are packed into one
  row where each prompt appears once however many of its K responses were kept
  (:mod:`rjua.train.packing`; same log-probabilities as the padded forward, tested); with
  ``pack=False`` unselected responses and columns after the last selected token are dropped
  from the padded batch;
* for MoE models (Qwen2-MoE, Mixtral, Ring-lite's BailingMoe), the load-balance loss (1e-5) and the
  router z-loss (1e-7) computed by :mod:`rjua.train.moe` from the router logits captured with
  forward hooks, over real tokens only, in the padded and the packed forward alike.

Choices the paper leaves open, documented here: Φ is per optimizer step per process. With
``filter_groups=True`` the budget is filled from **informative groups only** (prompts whose K rewards are
not all equal; a zero-spread group has zero advantage and would only spend budget). When a step holds
fewer than Φ (informative) tokens, all of them are used and the **normaliser is the number used**
(:func:`rjua.train.c3po.step_normaliser`), the shortfall Φ − used is logged; the policy, KL and entropy
terms are all divided by that one normaliser (TRL's own entropy bonus, a per-micro-batch mean, is replaced
by one normalised the same way), so a token weighs 1 / Φ in every full step and no term is scaled
differently from the others.

The selection is the trainer's own field ``c3po_sel`` (per micro-batch row and completion token); TRL's
``tool_mask`` keeps its meaning (tool-result tokens). TRL takes its loss mask from ``completion_mask``
(× ``tool_mask``), so the update hands TRL ``completion_mask × c3po_sel`` and gives the model's forward the
unselected mask back: attention, padding and the MoE losses see exactly the tokens they saw before selection.

The modes (``c3po``, the ``grpo`` baseline: TRL's per-sequence length normalisation, no budget) and the
selection orders are registered in :mod:`rjua.train.variants`.
"""
from __future__ import annotations

import logging
import time
from typing import Any

import torch
from trl import GRPOTrainer

from .c3po import budget_mask, informative_rows, shrink_to_selection, step_normaliser
from .moe import find_routers, load_balance_loss, moe_shape, router_logits, router_z_loss
from .variants import check_mode, check_order

__all__ = ["C3POTrainer"]

log = logging.getLogger(__name__)

_MULTIMODAL = ("pixel_values", "image_grid_thw", "num_images", "pixel_attention_mask", "spatial_shapes",
               "num_tiles", "image_sizes", "token_type_ids", "mm_token_type_ids", "image_position_ids")


class C3POTrainer(GRPOTrainer):
    """GRPOTrainer with C3PO's token-budget selection and constant normaliser (see module docstring)."""

    def __init__(self, *args, c3po_mode: str = "c3po", token_budget: int = 4096, selection_order: str = "balanced",
                 router_z_coef: float = 0.0, pack: bool = True, load_balance_coef: float = 0.0,
                 budget_scope: str = "step", filter_groups: bool = False, **kwargs):
        self.rl_mode = check_mode(c3po_mode)  # the registered mode (rjua.train.variants.MODES)
        check_order(selection_order)
        if budget_scope not in ("step", "micro"):
            raise ValueError("budget_scope must be step or micro")
        super().__init__(*args, **kwargs)
        self.pack = pack and self.rl_mode.budget
        self._plan: dict[str, Any] | None = None  # the current update's selection, while TRL computes its loss
        self._plan_sel: torch.Tensor | None = None
        self._last_entropies: torch.Tensor | None = None  # the update forward's per-token entropies
        self.c3po_mode, self.token_budget, self.selection_order = c3po_mode, token_budget, selection_order
        self.budget_scope, self.filter_groups = budget_scope, filter_groups
        self._step_norm: int | None = None  # the step's normaliser (step scope), set right after generation
        self._gen_info: dict[str, float] = {}  # the generation batch's statistics, copied into step_stats
        self._ent = [0.0, 0.0]  # Σ entropy and tokens over the step's selected tokens
        self._own_entropy = bool(self.rl_mode.budget and self._entropy_bonus_enabled and not self.use_adaptive_entropy)
        if self._own_entropy:  # the entropy bonus is divided by the step's normaliser, like the policy and KL terms
            self._entropy_bonus_enabled = False
        self._gen = torch.Generator().manual_seed(self.args.seed)
        self._micro_tokens: list[int] = []
        self._micro_forward: list[int] = []  # token positions the update's forward computes (padding included)
        self._step_started: float | None = None
        self._gen_seconds = 0.0
        self._batch_tokens: list[int] = []  # completion tokens available to the step's budget
        self._warned_unbound = False
        self.step_stats: list[dict[str, float]] = []  # one row per optimizer step
        self._router_logits: list[torch.Tensor] = []
        self._router_valid: torch.Tensor | None = None
        self._hooks = []
        self.moe = moe_shape(self.model.config)
        self.router_z_coef = router_z_coef if self.moe else 0.0
        self.load_balance_coef = load_balance_coef if self.moe else 0.0
        if self.router_z_coef or self.load_balance_coef:
            routers = find_routers(self.model)
            if not routers:
                raise ValueError(f"{type(self.model).__name__}: MoE config but no router module found")
            for mod in routers:
                self._hooks.append(mod.register_forward_hook(self._keep_router_logits))
            self._hooks.append(self.model.register_forward_pre_hook(self._note_mask, with_kwargs=True))

    def _note_mask(self, module, args, kwargs):
        am = kwargs.get("attention_mask")
        self._router_valid = am.reshape(-1).bool() if torch.is_tensor(am) and am.dim() == 2 else None

    def _keep_router_logits(self, module, inp, out):
        if not (torch.is_grad_enabled() and module.training):
            return
        logits = router_logits(module, inp, out)
        if logits is None:
            return
        valid = self._router_valid
        if valid is not None and valid.numel() == logits.size(0):
            logits = logits[valid.to(logits.device)]  # padding never enters the MoE losses
        self._router_logits.append(logits)

    @property
    def micro_budget(self) -> int:
        return self.token_budget // self.args.gradient_accumulation_steps

    def _generate_and_score_completions(self, inputs):
        t = time.perf_counter()
        out = super()._generate_and_score_completions(inputs)
        self._gen_seconds += time.perf_counter() - t
        if not self.model.training:
            return out
        mask = out["completion_mask"]
        if out.get("tool_mask") is not None:
            mask = mask * out["tool_mask"]
        groups = _groups(out["prompt_ids"])
        keep = informative_rows(out["advantages"], groups)
        n_groups = int(groups.max()) + 1 if groups.numel() else 0
        self._gen_info = {"informative_groups": float(len(set(groups[keep].tolist()))) / max(1, n_groups),
                          "groups": float(n_groups), "batch_tokens_all": float(mask.sum()),
                          "reward_mean": _last(self._metrics["train"].get("reward")),
                          "reward_std": _last(self._metrics["train"].get("reward_std"))}
        if not self.filter_groups:
            keep = torch.ones_like(keep)
        out["c3po_keep"] = keep.to(mask.device, mask.dtype)
        if self.rl_mode.budget:
            self._select_step(out, mask * out["c3po_keep"][:, None], groups)
        return out

    def _select_step(self, out: dict, mask: torch.Tensor, groups: torch.Tensor) -> None:
        """The step's budget over its (informative) tokens: selection, normaliser, statistics."""
        total = int(mask.sum())
        # the generation batch spans steps_per_generation micro-batches = that many / accumulation steps
        ratio = self.args.steps_per_generation / self.args.gradient_accumulation_steps
        budget = int(self.token_budget * ratio)
        self._batch_tokens.append(total)
        binds = total >= budget
        self._metrics["train"]["budget_fill"].append(min(total, budget) / budget)
        self._metrics["train"]["budget_binds"].append(float(binds))
        self._metrics["train"]["informative_groups"].append(self._gen_info["informative_groups"])
        if not binds and not self._warned_unbound:
            log.warning("C3PO token budget Φ=%d does not bind: the step holds only %d completion tokens%s "
                        "(all are used and the loss is divided by that number; the shortfall is logged every "
                        "step). Lower token_budget, e.g. token_budget=null derives it from the data.", budget, total,
                        " in informative groups" if self.filter_groups else "")
            self._warned_unbound = True
        self._step_norm = max(1, round(step_normaliser(budget, total) / ratio))
        if self.budget_scope == "step":
            out["c3po_sel"] = budget_mask(mask, budget, self.selection_order, self._gen, groups)

    def _normaliser(self, sel: torch.Tensor, stepwise: bool) -> float:
        """Divisor of this micro-batch's summed loss: the step's normaliser (step scope, spread over the
        accumulation window by TRL's own sum) or, with ``budget_scope=micro``, the micro-batch's share."""
        if stepwise:
            return float(self._step_norm or self.token_budget)
        acc = self.args.gradient_accumulation_steps
        return float(step_normaliser(self.micro_budget, int(sel.sum())) * acc)

    def _budget_inputs(self, mask, pre, inputs: dict[str, Any]) -> tuple[dict[str, Any], float, int]:
        """Select this micro-batch's tokens for the budget (``pre``: chosen over the step's whole batch), shrink
        the batch to them and set TRL's normaliser to the step's; returns (inputs, divisor, tokens used)."""
        if pre is not None:  # chosen over the step's whole batch after generation
            sel = pre.to(mask.device, mask.dtype) * mask
        else:
            sel = budget_mask(mask, self.micro_budget, self.selection_order, self._gen, _groups(inputs["prompt_ids"]))
        divisor = self._normaliser(sel, pre is not None)
        inputs = shrink_to_selection({**inputs, "c3po_sel": sel}, sel)
        sel = inputs.pop("c3po_sel")
        # TRL's loss mask is completion_mask (x tool_mask): hand it completion_mask x selection; the forward
        # gets the unselected mask back (_get_per_token_logps_and_entropies), so attention is unchanged
        self._plan = {"sel": sel, "completion_mask": inputs["completion_mask"],
                      "fill": inputs.get("old_per_token_logps"), "pack": False}
        inputs["completion_mask"] = inputs["completion_mask"] * sel
        # TRL's token-sum loss divides by num_items/processes * accumulation / steps_per_generation: make that
        # the step's normaliser (Φ when the budget binds)
        n_items = divisor * self.accelerator.num_processes * self.args.steps_per_generation \
            / self.args.gradient_accumulation_steps
        inputs["num_items_in_batch"] = torch.tensor(float(n_items), device=mask.device)
        used = int(sel.sum())
        self._plan_sel = sel
        self._plan["pack"] = self.pack and used > 0 and all(inputs.get(k) is None for k in _MULTIMODAL)
        return inputs, divisor, used

    def _entropy_term(self, loss, divisor):
        """Count the selected tokens' entropy; with rjua's own entropy bonus, subtract it normalised by Φ."""
        ent = self._last_entropies
        if ent is not None and self._plan_sel is not None:
            sel_f = self._plan_sel.to(ent.dtype)
            self._ent[0] += float((ent.detach() * sel_f).sum())
            self._ent[1] += float(sel_f.sum())
            if self._own_entropy and divisor:
                loss = loss - self.entropy_coef * (ent * sel_f).sum() / divisor
        return loss

    def _compute_loss(self, model, inputs: dict[str, Any]):
        mask = inputs["completion_mask"]
        if "tool_mask" in inputs:
            mask = mask * inputs["tool_mask"]
        pre = inputs.get("c3po_sel")
        keep = inputs.get("c3po_keep")
        inputs = {k: v for k, v in inputs.items() if k not in ("c3po_sel", "c3po_keep")}
        if keep is not None and model.training:
            mask = mask * keep.to(mask.device, mask.dtype)[:, None]
        divisor = None
        if self.rl_mode.budget and model.training:
            inputs, divisor, used = self._budget_inputs(mask, pre, inputs)
        else:
            used = int(mask.sum())  # grpo: zero-spread groups carry zero advantage; TRL's loss as it is
        self._router_logits = []
        self._last_entropies = None
        if model.training and not (self._plan and self._plan["pack"]):
            self._micro_forward.append(inputs["completion_ids"].size(0) *
                                       (inputs["prompt_ids"].size(1) + inputs["completion_ids"].size(1)))
        try:
            loss = super()._compute_loss(model, inputs)
        finally:
            self._plan = None
        if model.training:
            loss = self._entropy_term(loss, divisor)
        self._plan_sel = None
        if self._router_logits:
            loss = loss + self._moe_losses("train" if model.training else "eval")
        self._router_logits = []
        if model.training:
            self._micro_tokens.append(used)
        return loss

    def _get_per_token_logps_and_entropies(self, model, input_ids, attention_mask, logits_to_keep,
                                           batch_size=None, compute_entropy=False, compute_aux_loss=False, **kw):
        """Packed forward of the selected tokens (see :mod:`rjua.train.packing`); TRL's path otherwise."""
        plan = self._plan if model.training else None
        if plan is not None:  # attention sees every token of the batch, not only the selected ones
            width = plan["completion_mask"].size(1)
            attention_mask = torch.cat([attention_mask[:, :attention_mask.size(1) - width],
                                        plan["completion_mask"].to(attention_mask.dtype)], dim=1)
        if plan is None or not plan["pack"] or any(v is not None for v in kw.values()):
            res = super()._get_per_token_logps_and_entropies(
                model, input_ids, attention_mask, logits_to_keep, batch_size=batch_size,
                compute_entropy=compute_entropy, compute_aux_loss=compute_aux_loss, **kw)
            if plan is not None:
                self._last_entropies = res[1]
            return res
        from .packing import pack_selected, unpack

        sel = plan["sel"]
        packed = pack_selected(input_ids, attention_mask, logits_to_keep, sel,
                               dtype=self._mask_dtype(self.accelerator.unwrap_model(model)))
        self._micro_forward.append(packed.input_ids.size(1))
        self._router_logits = []
        with self.accelerator.autocast():
            out = model(input_ids=packed.input_ids, attention_mask=packed.attention_mask,
                        position_ids=packed.position_ids, labels=packed.labels, fused_lm_head=True,
                        output_router_logits=False)  # MoE losses: from the router hooks, padding-free
        logps = unpack(out.log_probs, packed, sel.shape, plan["fill"])
        entropies = unpack(out.entropy, packed, sel.shape) if compute_entropy and out.entropy is not None else None
        self._last_entropies = entropies
        return logps, entropies, None  # MoE losses: _moe_losses, from the hooks

    def _moe_losses(self, mode: str) -> torch.Tensor:
        """Load-balance + z-loss of the routers seen in this forward, scaled for gradient accumulation."""
        acc = self.args.gradient_accumulation_steps if mode == "train" else 1
        extra = self._router_logits[0].new_zeros(())
        if self.load_balance_coef:
            lb = load_balance_loss(self._router_logits, self.moe[1])
            extra = extra + self.load_balance_coef * lb / acc
            self._metrics[mode]["aux_loss"].append(float(lb.detach()))
        if self.router_z_coef:
            z = router_z_loss(self._router_logits)
            extra = extra + self.router_z_coef * z / acc
            self._metrics[mode]["router_z_loss"].append(float(z.detach()))
        return extra

    @staticmethod
    def _mask_dtype(model) -> torch.dtype:
        dt = getattr(model, "dtype", torch.float32)
        return dt if dt in (torch.float16, torch.bfloat16, torch.float32) else torch.float32

    def training_step(self, model, inputs, num_items_in_batch):
        if self._step_started is None:
            self._step_started = time.perf_counter()
        out = super().training_step(model, inputs, num_items_in_batch)
        if self._step % self.args.gradient_accumulation_steps == 0:
            total = time.perf_counter() - self._step_started
            used = float(sum(self._micro_tokens))
            norm = float(self._step_norm or self.token_budget) if self.rl_mode.budget else float("nan")
            self.step_stats.append({
                "tokens_in_loss": used,
                "forward_tokens": float(sum(self._micro_forward)),
                "normaliser": norm,
                "shortfall": max(0.0, float(self.token_budget) - used) if self.rl_mode.budget else float("nan"),
                "batch_tokens": float(self._batch_tokens[-1]) if self._batch_tokens else float("nan"),
                "budget_binds": float(bool(self._batch_tokens) and self._batch_tokens[-1] >= self.token_budget),
                **self._gen_info,
                "entropy_selected": self._ent[0] / self._ent[1] if self._ent[1] else float("nan"),
                "step_seconds": total, "generation_seconds": self._gen_seconds,
                "update_seconds": total - self._gen_seconds})
            self._micro_tokens, self._micro_forward, self._step_started, self._gen_seconds = [], [], None, 0.0
            self._ent = [0.0, 0.0]
        return out


def _last(values) -> float:
    return float(values[-1]) if values else float("nan")


def _groups(prompt_ids: torch.Tensor) -> torch.Tensor:
    """Prompt group of every row (rows with the same prompt ids share one), for the ``balanced`` order."""
    return torch.unique(prompt_ids, dim=0, return_inverse=True)[1].cpu()
