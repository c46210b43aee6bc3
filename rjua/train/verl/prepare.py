"""RJUA split -> verl parquet (``prompt``, ``data_source``, ``reward_model.ground_truth``, ``extra_info``).

Usage: ``python -m rjua.train.verl.prepare --out data/verl [--data-dir D] [--split valid] [--stage 1|2]``
writes ``train.parquet`` and ``test.parquet`` from the fixed internal split (80/20 by id hash).
Stage 1 rewards diagnosis only; stage 2 uses the dataset's combined score; ``--binary`` gives the
paper's 0/1 reward without format term. With ``--tokenizer`` it also suggests Φ from the data
(median reference-answer tokens × ``--completions-per-step``, i.e. ``ppo_mini_batch_size × n``) for
``c3po.token_budget``.
"""
from __future__ import annotations

import argparse
import json
from dataclasses import asdict, replace
from pathlib import Path

from ...data import internal_split, load_split
from ...prompts import format_answer
from ..config import DataConfig, RewardConfig
from ..data import prompt_messages

__all__ = ["STAGE_REWARDS", "main", "prepare", "rows"]

STAGE_REWARDS = {1: RewardConfig(disease_weight=1.0, advice_weight=0.0), 2: RewardConfig()}


def rows(records, cfg: DataConfig, reward: RewardConfig, part: str) -> list[dict]:
    return [{"data_source": "rjua", "prompt": prompt_messages(r, cfg), "ability": "clinical_reasoning",
             "reward_model": {"style": "rule", "ground_truth": json.dumps(
                 {"diseases": list(r.diseases), "advices": list(r.advices)}, ensure_ascii=False)},
             "extra_info": {"id": r.id, "split": part, "reward": asdict(reward)}} for r in records]


def prepare(out: str, data_dir=None, split: str = "valid", stage: int = 2, context: str = "gold",
            binary: bool = False, tokenizer: str | None = None, completions_per_step: int = 2048) -> dict:
    from datasets import Dataset


    cfg = DataConfig(data_dir=data_dir, split=split, context=context)
    train, held = internal_split(load_split(split, data_dir), cfg.train_fraction, cfg.split_salt)
    o = Path(out)
    o.mkdir(parents=True, exist_ok=True)
    reward = replace(STAGE_REWARDS[stage], binary=binary)
    for name, recs in (("train", train), ("test", held)):
        Dataset.from_list(rows(recs, cfg, reward, name)).to_parquet(str(o / f"{name}.parquet"))
    info = {"train": len(train), "test": len(held), "out": str(o)}
    if tokenizer:
        from transformers import AutoTokenizer

        from ..c3po import suggest_token_budget

        tok = AutoTokenizer.from_pretrained(tokenizer)
        lengths = [len(tok(format_answer(r.diseases, r.advices, reply=r.answer),
                           add_special_tokens=False)["input_ids"])
                   for r in train]
        info["suggested_token_budget"] = suggest_token_budget(lengths, completions_per_step)
    return info


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--data-dir")
    ap.add_argument("--split", default="valid")
    ap.add_argument("--stage", type=int, choices=[1, 2], default=2)
    ap.add_argument("--context", choices=["gold", "none"], default="gold")
    ap.add_argument("--binary", action="store_true", help="the paper's 0/1 reward, no format term")
    ap.add_argument("--tokenizer", help="suggest c3po.token_budget from the data with this tokenizer")
    ap.add_argument("--completions-per-step", type=int, default=2048, help="ppo_mini_batch_size x rollout.n")
    a = ap.parse_args(argv)
    print(prepare(a.out, a.data_dir, a.split, a.stage, a.context, a.binary, a.tokenizer, a.completions_per_step))


if __name__ == "__main__":
    main()
