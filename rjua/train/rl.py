"""RL recipe: C3PO (or the GRPO baseline) with rjua's verifiable reward on TRL's GRPOTrainer."""
from __future__ import annotations

from pathlib import Path

from .c3po import make_trainer_class, suggest_token_budget
from .config import RLConfig
from .data import load_parts, rl_rows
from .models import bf16_default, on_gpu, resolve_model
from .moe import moe_shape
from .rewards import make_reward_fn

__all__ = ["build_trainer", "derived_token_budget", "run_rl"]


def derived_token_budget(cfg: RLConfig, records, count) -> int:
    """Φ from the data: median reference-answer tokens (capped at max_completion_length) × completions per step."""
    from ..prompts import format_answer

    lengths = [min(count(format_answer(r.diseases, r.advices, reply=r.answer)), cfg.max_completion_length)
               for r in records]
    return suggest_token_budget(lengths, cfg.per_device_train_batch_size * cfg.gradient_accumulation_steps)


def build_trainer(cfg: RLConfig, generation_kwargs: dict | None = None):
    """The configured C3POTrainer (not yet trained)."""
    from datasets import Dataset
    from transformers import AutoConfig, AutoTokenizer
    from trl import GRPOConfig

    model = resolve_model(cfg.model, cfg.output_dir)
    remote = {"trust_remote_code": True} if cfg.trust_remote_code else {}
    tok = AutoTokenizer.from_pretrained(model, **remote)
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    count = lambda t: len(tok(t, add_special_tokens=False)["input_ids"])
    train, _ = load_parts(cfg.data)
    ds = Dataset.from_list(rl_rows(train, cfg.data, count))
    mcfg = AutoConfig.from_pretrained(model, **remote)
    is_moe = moe_shape(mcfg) is not None
    budget = cfg.token_budget or derived_token_budget(cfg, train, count)
    args = GRPOConfig(
        output_dir=cfg.output_dir, max_steps=cfg.max_steps, learning_rate=cfg.learning_rate,
        per_device_train_batch_size=cfg.per_device_train_batch_size,
        gradient_accumulation_steps=cfg.gradient_accumulation_steps, num_generations=cfg.num_generations,
        max_completion_length=cfg.max_completion_length, temperature=cfg.temperature, epsilon=cfg.epsilon,
        beta=cfg.beta, entropy_coef=cfg.entropy_coef, loss_type="dapo" if cfg.mode == "c3po" else "grpo",
        router_aux_loss_coef=0.0, save_steps=cfg.save_steps,
        logging_steps=cfg.logging_steps, bf16=bf16_default(cfg.bf16), seed=cfg.seed, report_to="none",
        use_cpu=not on_gpu(), use_vllm=cfg.use_vllm, generation_kwargs=generation_kwargs or {},
        dataloader_num_workers=0, model_init_kwargs=remote or None)
    cls = make_trainer_class()
    return cls(model=model, reward_funcs=[make_reward_fn(cfg.reward)], args=args, train_dataset=ds,
               processing_class=tok, c3po_mode=cfg.mode, token_budget=budget,
               selection_order=cfg.selection_order, pack=cfg.pack, router_z_coef=cfg.router_z_coef if is_moe else 0.0,
               load_balance_coef=cfg.load_balance_coef if is_moe else 0.0, budget_scope=cfg.budget_scope)


def run_rl(cfg: RLConfig, generation_kwargs: dict | None = None) -> dict:
    """Train; the final model goes to ``output_dir/final``. Returns per-step statistics and rewards."""
    from .sft import last_checkpoint

    trainer = build_trainer(cfg, generation_kwargs)
    trainer.train(resume_from_checkpoint=last_checkpoint(cfg.output_dir))
    final = Path(cfg.output_dir) / "final"
    trainer.save_model(str(final))
    trainer.processing_class.save_pretrained(str(final))
    rewards = [row["reward"] for row in trainer.state.log_history if "reward" in row]
    return {"output_dir": cfg.output_dir, "final": str(final), "mode": cfg.mode, "token_budget": trainer.token_budget,
            "steps": trainer.step_stats, "rewards": rewards,
            "aux": {k: [row[k] for row in trainer.state.log_history if k in row] for k in ("aux_loss", "router_z_loss")}}
