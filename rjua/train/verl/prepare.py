"""RJUA split -> verl parquet (``prompt``, ``data_source``, ``reward_model.ground_truth``, ``extra_info``).

Usage: ``python -m rjua.train.verl.prepare --out data/verl [--data-dir D] [--split valid] [--stage 1|2]``
writes ``train.parquet`` and ``test.parquet`` from the fixed internal split (80/20 by id hash).
Stage 1 rewards diagnosis only; stage 2 uses the dataset's combined score.
"""
from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from ..config import DataConfig, RewardConfig
from ..data import internal_split, prompt_messages

STAGE_REWARDS = {1: RewardConfig(disease_weight=1.0, advice_weight=0.0), 2: RewardConfig()}


def rows(records, cfg: DataConfig, reward: RewardConfig, part: str) -> list[dict]:
    return [{"data_source": "rjua", "prompt": prompt_messages(r, cfg), "ability": "clinical_reasoning",
             "reward_model": {"style": "rule", "ground_truth": json.dumps(
                 {"diseases": list(r.diseases), "advices": list(r.advices)}, ensure_ascii=False)},
             "extra_info": {"id": r.id, "split": part, "reward": asdict(reward)}} for r in records]


def prepare(out: str, data_dir=None, split: str = "valid", stage: int = 2, context: str = "gold") -> dict:
    from datasets import Dataset

    from ...data import load_split

    cfg = DataConfig(data_dir=data_dir, split=split, context=context)
    train, held = internal_split(load_split(split, data_dir), cfg.train_fraction, cfg.split_salt)
    o = Path(out)
    o.mkdir(parents=True, exist_ok=True)
    for name, recs in (("train", train), ("test", held)):
        Dataset.from_list(rows(recs, cfg, STAGE_REWARDS[stage], name)).to_parquet(str(o / f"{name}.parquet"))
    return {"train": len(train), "test": len(held), "out": str(o)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--data-dir")
    ap.add_argument("--split", default="valid")
    ap.add_argument("--stage", type=int, choices=[1, 2], default=2)
    ap.add_argument("--context", choices=["gold", "none"], default="gold")
    a = ap.parse_args(argv)
    print(prepare(a.out, a.data_dir, a.split, a.stage, a.context))


if __name__ == "__main__":
    main()
