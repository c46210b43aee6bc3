"""RL recipe: C3PO (or the GRPO baseline) with rjua's verifiable reward on TRL's GRPOTrainer."""
from __future__ import annotations

from pathlib import Path

from .c3po import make_trainer_class
from .config import RLConfig
from .data import load_parts, rl_rows
from .models import bf16_default, on_gpu, resolve_dtype, resolve_model
from .rewards import make_reward_fn


def build_trainer(cfg: RLConfig, generation_kwargs: dict | None = None):
    """The configured C3POTrainer (not yet trained)."""
    from datasets import Dataset
    from transformers import AutoConfig, AutoTokenizer
    from trl import GRPOConfig

    model = resolve_model(cfg.model, cfg.output_dir)
    tok = AutoTokenizer.from_pretrained(model)
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    count = lambda t: len(tok(t, add_special_tokens=False)["input_ids"])
    train, _ = load_parts(cfg.data)
    ds = Dataset.from_list(rl_rows(train, cfg.data, count))
    mcfg = AutoConfig.from_pretrained(model)
    is_moe = hasattr(mcfg, "output_router_logits")
    args = GRPOConfig(
        output_dir=cfg.output_dir, max_steps=cfg.max_steps, learning_rate=cfg.learning_rate,
        per_device_train_batch_size=cfg.per_device_train_batch_size,
        gradient_accumulation_steps=cfg.gradient_accumulation_steps, num_generations=cfg.num_generations,
        max_completion_length=cfg.max_completion_length, temperature=cfg.temperature, epsilon=cfg.epsilon,
        beta=cfg.beta, entropy_coef=cfg.entropy_coef, loss_type="dapo" if cfg.mode == "c3po" else "grpo",
        router_aux_loss_coef=cfg.load_balance_coef if is_moe else None, save_steps=cfg.save_steps,
        logging_steps=cfg.logging_steps, bf16=bf16_default(cfg.bf16), seed=cfg.seed, report_to="none",
        use_cpu=not on_gpu(), use_vllm=cfg.use_vllm, generation_kwargs=generation_kwargs or {},
        dataloader_num_workers=0, model_init_kwargs={"dtype": resolve_dtype(cfg.dtype)},
        repetition_penalty=cfg.repetition_penalty)
    peft_config = None
    if cfg.lora:
        from peft import LoraConfig
        peft_config = LoraConfig(r=cfg.lora_r, lora_alpha=cfg.lora_alpha, target_modules="all-linear",
                                 task_type="CAUSAL_LM")
    cls = make_trainer_class()
    trainer = cls(model=model, reward_funcs=[make_reward_fn(cfg.reward)], args=args, train_dataset=ds,
                  processing_class=tok, c3po_mode=cfg.mode, token_budget=cfg.token_budget,
                  selection_order=cfg.selection_order, pack=cfg.pack,
                  router_z_coef=cfg.router_z_coef if is_moe else 0.0, **({"peft_config": peft_config} if peft_config else {}))
    trainer.rjua_base_model = model
    return trainer


def run_rl(cfg: RLConfig, generation_kwargs: dict | None = None) -> dict:
    """Train; the final model goes to ``output_dir/final``. Returns per-step statistics and rewards."""
    from .sft import last_checkpoint

    trainer = build_trainer(cfg, generation_kwargs)
    trainer.train(resume_from_checkpoint=last_checkpoint(cfg.output_dir))
    final = Path(cfg.output_dir) / "final"
    if cfg.lora:  # hand over a complete model: merge the adapters into the start model
        trainer.accelerator.unwrap_model(trainer.model).merge_and_unload().save_pretrained(str(final))
    else:
        trainer.save_model(str(final))
    trainer.processing_class.save_pretrained(str(final))
    from .handover import write_checkpoint_info
    write_checkpoint_info(final, "full", getattr(trainer, "rjua_base_model", cfg.model), recipe=f"rl-{cfg.mode}")
    rewards = [row["reward"] for row in trainer.state.log_history if "reward" in row]
    return {"output_dir": cfg.output_dir, "final": str(final), "mode": cfg.mode, "token_budget": cfg.token_budget,
            "steps": trainer.step_stats, "rewards": rewards, "log": trainer.state.log_history,
            "aux": {k: [row[k] for row in trainer.state.log_history if k in row] for k in ("aux_loss", "router_z_loss")}}
