"""RL recipe: C3PO (or the GRPO baseline) with rjua's verifiable reward on TRL's GRPOTrainer."""
from __future__ import annotations

from pathlib import Path

from ..errors import RJUAError
from ..handover import write_checkpoint_info
from ..modeling import bf16_default, on_gpu, resolve_dtype
from ..prompts import format_answer
from .c3po import suggest_token_budget
from .checkpoints import last_checkpoint
from .config import RLConfig, _coerce
from .data import load_parts, rl_rows
from .models import resolve_model
from .moe import moe_shape
from .preflight import preflight
from .rewards import make_reward_fn
from .variants import MODES

__all__ = ["build_trainer", "derived_token_budget", "grpo_config", "run_rl", "training_prompts"]

# RLConfig fields that are GRPOConfig settings of the same name (rjua reads them too: Φ, validation)
PASSED = ("num_generations", "per_device_train_batch_size", "gradient_accumulation_steps", "max_completion_length",
          "seed")


def derived_token_budget(cfg: RLConfig, records, count) -> int:
    """Φ from the data: median reference-answer tokens (capped at max_completion_length) × completions per step."""

    lengths = [min(count(format_answer(r.diseases, r.advices, reply=r.answer)), cfg.max_completion_length)
               for r in records]
    return suggest_token_budget(lengths, cfg.per_device_train_batch_size * cfg.gradient_accumulation_steps)


def training_prompts(cfg: RLConfig, train: list) -> list:
    """The training records RL uses, in the order it is given them: those named by ``prompt_ids_file`` (the
    solve-rate filter's output) when set, shuffled by ``(seed, data_order)`` when ``data_order`` is set, so
    two stages with the same seed do not replay the same prompts in the same order.

    >>> from rjua.data import load_split
    >>> recs = load_split("valid")[:6]
    >>> a = training_prompts(RLConfig(data_order="stage1"), recs)
    >>> b = training_prompts(RLConfig(data_order="stage2"), recs)
    >>> sorted(r.id for r in a) == sorted(r.id for r in b) and [r.id for r in a] != [r.id for r in b]
    True
    """
    import json
    import random


    if cfg.prompt_ids_file:
        try:
            ids = json.loads(Path(cfg.prompt_ids_file).read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise RJUAError(f"{cfg.prompt_ids_file}: cannot read the prompt ids ({e})") from None
        ids = ids.get("keep_ids") if isinstance(ids, dict) else ids
        if not isinstance(ids, list):
            raise RJUAError(f"{cfg.prompt_ids_file}: expected a JSON list of ids or {{\"keep_ids\": [...]}}")
        keep = {str(x) for x in ids}
        train = [r for r in train if r.id in keep]
        if not train:
            raise RJUAError(f"{cfg.prompt_ids_file}: none of its ids is a training record")
    if cfg.data_order:
        train = list(train)
        random.Random(f"{cfg.seed}:{cfg.data_order}").shuffle(train)
    return train


def build_trainer(cfg: RLConfig, generation_kwargs: dict | None = None):
    """The configured C3POTrainer (not yet trained)."""
    from datasets import Dataset
    from transformers import AutoConfig, AutoTokenizer

    from .trainer import C3POTrainer

    model = resolve_model(cfg.model, cfg.output_dir)
    remote = {"trust_remote_code": True} if cfg.trust_remote_code else {}
    tok = AutoTokenizer.from_pretrained(model, **remote)
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token

    def count(t):
        return len(tok(t, add_special_tokens=False)["input_ids"])

    train, _ = load_parts(cfg.data)
    train = training_prompts(cfg, train)
    per_step = cfg.per_device_train_batch_size * cfg.gradient_accumulation_steps // cfg.num_generations
    if len(train) < per_step:
        raise RJUAError(f"RL needs at least {per_step} training prompts per step, has {len(train)}"
                        + (f" (from {cfg.prompt_ids_file})" if cfg.prompt_ids_file else ""))
    ds = Dataset.from_list(rl_rows(train, cfg.data, count))
    mcfg = AutoConfig.from_pretrained(model, **remote)
    is_moe = moe_shape(mcfg) is not None
    budget = cfg.token_budget or derived_token_budget(cfg, train, count)
    args = grpo_config(cfg, generation_kwargs)
    peft = {}
    if cfg.lora:
        from peft import LoraConfig

        peft["peft_config"] = LoraConfig(r=cfg.lora_r, lora_alpha=cfg.lora_alpha, target_modules="all-linear",
                                         task_type="CAUSAL_LM")
    trainer = C3POTrainer(model=model, reward_funcs=[make_reward_fn(cfg.reward)], args=args, train_dataset=ds,
                          processing_class=tok, c3po_mode=cfg.mode, token_budget=budget,
                          selection_order=cfg.selection_order, pack=cfg.pack,
                          router_z_coef=cfg.router_z_coef if is_moe else 0.0,
                          load_balance_coef=cfg.load_balance_coef if is_moe else 0.0, budget_scope=cfg.budget_scope,
                          filter_groups=cfg.filter_groups,
                          **peft)
    trainer.rjua_base_model = model
    return trainer


def grpo_config(cfg: RLConfig, generation_kwargs: dict | None = None):
    """TRL's ``GRPOConfig``: rjua's fixed choices, the :data:`PASSED` fields, then ``cfg.trl_args`` as given
    (typed by GRPOConfig's own annotations; an unknown key is an error naming it)."""
    import dataclasses
    import typing

    from trl import GRPOConfig


    hints = typing.get_type_hints(GRPOConfig)
    unknown = sorted(set(cfg.trl_args) - set(hints))
    if unknown:
        raise RJUAError(f"trl_args.{unknown[0]}: not a setting of TRL's GRPOConfig")
    fields = {f.name for f in dataclasses.fields(GRPOConfig)}
    extra = {k: _coerce(v, hints[k], f"trl_args.{k}") for k, v in cfg.trl_args.items() if k in fields}
    dtype = resolve_dtype(cfg.dtype)  # TRL loads float32 when model_init_kwargs has no dtype
    init = {**({"dtype": dtype} if str(dtype) != "torch.float32" else {}),
            **({"trust_remote_code": True} if cfg.trust_remote_code else {})} or None
    kw = {"output_dir": cfg.output_dir, "loss_type": MODES[cfg.mode].loss_type, "router_aux_loss_coef": 0.0,
          "bf16": bf16_default(cfg.bf16), "report_to": "none", "use_cpu": not on_gpu(),
          "generation_kwargs": generation_kwargs or {}, "dataloader_num_workers": 0, "model_init_kwargs": init}
    kw.update({k: getattr(cfg, k) for k in PASSED})
    return GRPOConfig(**{**kw, **extra})


def run_rl(cfg: RLConfig, generation_kwargs: dict | None = None) -> dict:
    """Train; the final model goes to ``output_dir/final``. Returns per-step statistics and rewards.

    Data, model and output folder are checked first (:func:`rjua.train.preflight.preflight`)."""

    preflight(cfg)
    trainer = build_trainer(cfg, generation_kwargs)
    trainer.train(resume_from_checkpoint=last_checkpoint(cfg.output_dir))
    final = Path(cfg.output_dir) / "final"
    if cfg.lora:  # hand over a complete model: merge the adapters into the start model
        trainer.accelerator.unwrap_model(trainer.model).merge_and_unload().save_pretrained(str(final))
    else:
        trainer.save_model(str(final))
    trainer.processing_class.save_pretrained(str(final))
    write_checkpoint_info(final, "full", getattr(trainer, "rjua_base_model", cfg.model), recipe=f"rl-{cfg.mode}")
    rewards = [row["reward"] for row in trainer.state.log_history if "reward" in row]
    log = trainer.state.log_history
    return {"output_dir": cfg.output_dir, "final": str(final), "mode": cfg.mode, "token_budget": trainer.token_budget,
            "steps": trainer.step_stats, "rewards": rewards, "log": log,
            "aux": {k: [row[k] for row in log if k in row] for k in ("aux_loss", "router_z_loss")}}
