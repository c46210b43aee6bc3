"""SFT recipe: TRL SFTTrainer on the internal training part, chat-formatted, optional LoRA, resumable."""
from __future__ import annotations

from pathlib import Path

from .checkpoints import last_checkpoint, list_checkpoints
from .config import SFTConfig
from .data import load_parts, sft_rows
from .models import bf16_default, on_gpu, resolve_model


def run_sft(cfg: SFTConfig) -> dict:
    """Train; returns the output dir, the checkpoints written and the final training loss."""
    from datasets import Dataset
    from transformers import AutoTokenizer
    from trl import SFTConfig as TRLSFTConfig, SFTTrainer

    model = resolve_model(cfg.model, cfg.output_dir)
    tok = AutoTokenizer.from_pretrained(model, trust_remote_code=cfg.trust_remote_code)
    count = lambda t: len(tok(t, add_special_tokens=False)["input_ids"])
    train, _ = load_parts(cfg.data)
    ds = Dataset.from_list(sft_rows(train, cfg.data, count))
    args = TRLSFTConfig(
        output_dir=cfg.output_dir, max_steps=cfg.max_steps, learning_rate=cfg.learning_rate,
        per_device_train_batch_size=cfg.per_device_train_batch_size,
        gradient_accumulation_steps=cfg.gradient_accumulation_steps, max_length=cfg.max_length,
        save_steps=cfg.save_steps, save_total_limit=cfg.save_total_limit, logging_steps=cfg.logging_steps,
        bf16=bf16_default(cfg.bf16), seed=cfg.seed, report_to="none", use_cpu=not on_gpu(),
        save_strategy="steps", dataloader_num_workers=0,
        model_init_kwargs={"trust_remote_code": True} if cfg.trust_remote_code else None)
    peft_config = None
    if cfg.lora:
        from peft import LoraConfig
        peft_config = LoraConfig(r=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_dropout=cfg.lora_dropout,
                                 target_modules="all-linear", task_type="CAUSAL_LM")
    trainer = SFTTrainer(model=model, args=args, train_dataset=ds, processing_class=tok, peft_config=peft_config)
    kept = len(trainer.train_dataset)
    if kept == 0:
        from ..errors import RJUAError
        raise RJUAError(f"every training example is longer than max_length={cfg.max_length} tokens before its answer;"
                        " raise max_length or lower data.context_tokens")
    resume = last_checkpoint(cfg.output_dir) if cfg.resume else None
    result = trainer.train(resume_from_checkpoint=resume)
    trainer.save_model(str(Path(cfg.output_dir) / "final"))
    tok.save_pretrained(str(Path(cfg.output_dir) / "final"))
    return {"output_dir": cfg.output_dir, "resumed_from": resume, "global_step": trainer.state.global_step,
            "train_loss": result.training_loss, "n_train": len(train), "n_kept_after_truncation": kept,
            "checkpoints": [p.name for p in list_checkpoints(cfg.output_dir)]}
