"""Training data: a fixed internal split of the labelled split, chat-formatted examples.

Only valid is labelled here, so training uses a fixed, documented internal split of
it: a record trains when ``sha1(salt + id)`` falls below ``train_fraction`` (80/20 by
default); the rest is held out for checkpoint selection and evaluation. The
official test split is never touched.

>>> from rjua.data import load_split
>>> tr, ho = internal_split(load_split("valid"), 0.8)
>>> len(tr) + len(ho) == len(load_split("valid")) and not {r.id for r in tr} & {r.id for r in ho}
True
"""
from __future__ import annotations

import hashlib
from typing import Sequence

from ..data import Record, load_split
from ..prompts import build_messages, format_answer
from .config import DataConfig


def internal_split(records: Sequence[Record], train_fraction: float = 0.8, salt: str = "rjua-internal-v1"):
    """(train, held_out) by a stable hash of each id."""
    def u(rid: str) -> float:
        return int(hashlib.sha1((salt + rid).encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    train = [r for r in records if u(r.id) < train_fraction]
    held = [r for r in records if u(r.id) >= train_fraction]
    return train, held


def load_parts(cfg: DataConfig):
    recs = load_split(cfg.split, cfg.data_dir)
    train, held = internal_split(recs, cfg.train_fraction, cfg.split_salt)
    if cfg.max_records:
        train = train[:cfg.max_records]
    return train, held


def prompt_messages(r: Record, cfg: DataConfig, count=None) -> list[dict]:
    passages = list(r.passages) if cfg.context == "gold" else []
    kw = {"count": count} if count else {}
    return build_messages(r.question, passages, cfg.context_tokens, **kw)


def sft_rows(records: Sequence[Record], cfg: DataConfig, count=None) -> list[dict]:
    """Conversational SFT examples: prompt messages -> answer with 诊断 / 建议 / 回答."""
    return [{"prompt": prompt_messages(r, cfg, count),
             "completion": [{"role": "assistant", "content": format_answer(r.diseases, r.advices, reply=r.answer)}]}
            for r in records]


def rl_rows(records: Sequence[Record], cfg: DataConfig, count=None) -> list[dict]:
    """RL prompts with the gold labels as reward columns."""
    return [{"prompt": prompt_messages(r, cfg, count), "diseases": list(r.diseases), "advices": list(r.advices),
             "id": r.id, "question": r.question,  # question: optional consistency penalty
             "answer": r.answer} for r in records]  # answer: reference text for answer metrics (reward.metric)
