"""SFT recipe: TRL SFTTrainer on the internal training part, chat-formatted, optional LoRA, resumable.

The evidence of each example is cut so prompt + answer fit ``max_length``, then if needed the tail of
the free-text reply (the question and the 诊断 / 建议 lines are never cut; an example whose question +
labels alone do not fit is dropped), and the result says how many were trimmed and dropped. Every
checkpoint gets its tokenizer and an ``rjua_checkpoint.json`` (kind, base model, data settings;
:mod:`rjua.handover`).

>>> default_learning_rate(SFTConfig(lora=True)), default_learning_rate(SFTConfig())
(0.0002, 1e-05)
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

from ..errors import RJUAError
from ..handover import write_checkpoint_info
from ..modeling import bf16_default, on_gpu, resolve_dtype
from .checkpoints import last_checkpoint, list_checkpoints
from .config import SFTConfig
from .data import fit_sft_rows, load_parts, sft_rows
from .models import resolve_model
from .preflight import preflight

__all__ = ["default_learning_rate", "last_checkpoint", "run_sft"]


def default_learning_rate(cfg: SFTConfig) -> float:
    """The configured rate, else 2e-4 for LoRA adapters and 1e-5 for full fine-tuning."""
    if cfg.learning_rate is not None:
        return cfg.learning_rate
    return 2e-4 if cfg.lora else 1e-5


def _info(cfg: SFTConfig, base: str) -> dict:
    return {"kind": "lora" if cfg.lora else "full", "base_model": base, "recipe": "sft",
            "data": dataclasses.asdict(cfg.data), "max_length": cfg.max_length}


def run_sft(cfg: SFTConfig) -> dict:
    """Train; returns the output dir, the checkpoints written, the final training loss and the trimming stats.

    Data, model and output folder are checked first (:func:`rjua.train.preflight.preflight`)."""

    preflight(cfg)
    from datasets import Dataset
    from transformers import AutoTokenizer, TrainerCallback
    from trl import SFTConfig as TRLSFTConfig, SFTTrainer


    model = resolve_model(cfg.model, cfg.output_dir)
    tok = AutoTokenizer.from_pretrained(model, trust_remote_code=cfg.trust_remote_code)

    def count(t):
        return len(tok(t, add_special_tokens=False)["input_ids"])

    train, _ = load_parts(cfg.data)
    if cfg.trim_context:
        def render(ms):
            return tok.apply_chat_template(ms, tokenize=False)

        rows, fit = fit_sft_rows(train, cfg.data, render, count, cfg.max_length)
    else:
        rows = sft_rows(train, cfg.data, count)
        fit = {"n": len(train), "trimmed": 0, "reply_trimmed": 0, "dropped": 0, "dropped_ids": []}
    if not rows:
        raise RJUAError(f"no training example fits max_length={cfg.max_length} tokens even without evidence;"
                        " raise max_length")
    dtype = resolve_dtype(cfg.dtype)
    args = TRLSFTConfig(
        output_dir=cfg.output_dir, max_steps=cfg.max_steps, learning_rate=default_learning_rate(cfg),
        per_device_train_batch_size=cfg.per_device_train_batch_size,
        gradient_accumulation_steps=cfg.gradient_accumulation_steps, max_length=cfg.max_length,
        save_steps=cfg.save_steps, save_total_limit=cfg.save_total_limit, logging_steps=cfg.logging_steps,
        bf16=bf16_default(cfg.bf16), seed=cfg.seed, report_to="none", use_cpu=not on_gpu(),
        save_strategy="steps", dataloader_num_workers=0,
        model_init_kwargs={"dtype": dtype, **({"trust_remote_code": True} if cfg.trust_remote_code else {})})
    peft_config = None
    if cfg.lora:
        from peft import LoraConfig
        peft_config = LoraConfig(r=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_dropout=cfg.lora_dropout,
                                 target_modules="all-linear", task_type="CAUSAL_LM")
    info = _info(cfg, model)

    class _Handover(TrainerCallback):
        def on_save(self, args, state, control, **kw):  # every checkpoint-N: tokenizer + handover record
            cp = Path(args.output_dir) / f"checkpoint-{state.global_step}"
            if cp.is_dir():
                if not (cp / "tokenizer_config.json").is_file():
                    tok.save_pretrained(str(cp))
                write_checkpoint_info(cp, **info)

    trainer = SFTTrainer(model=model, args=args, train_dataset=Dataset.from_list(rows), processing_class=tok,
                         peft_config=peft_config, callbacks=[_Handover()])
    kept = len(trainer.train_dataset)
    resume = last_checkpoint(cfg.output_dir) if cfg.resume else None
    result = trainer.train(resume_from_checkpoint=resume)
    final = Path(cfg.output_dir) / "final"
    trainer.save_model(str(final))
    tok.save_pretrained(str(final))
    write_checkpoint_info(final, **info)
    losses = [{"step": r["step"], "loss": r["loss"]} for r in trainer.state.log_history if "loss" in r]
    return {"output_dir": cfg.output_dir, "resumed_from": resume, "global_step": trainer.state.global_step,
            "train_loss": result.training_loss, "n_train": len(train), "n_kept_after_truncation": kept,
            "trimmed": fit["trimmed"], "reply_trimmed": fit["reply_trimmed"], "dropped": fit["dropped"],
            "dropped_ids": fit["dropped_ids"], "learning_rate": default_learning_rate(cfg),
            "dtype": str(dtype).replace("torch.", ""), "kind": info["kind"], "base_model": model, "losses": losses,
            "final": str(final), "checkpoints": [p.name for p in list_checkpoints(cfg.output_dir)]}
