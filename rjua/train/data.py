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

from typing import Sequence

from ..data import Record, internal_split, load_split
from ..prompts import _cut, build_messages, format_answer
from .config import DataConfig

__all__ = ["fit_sft_rows", "load_parts", "prompt_messages", "rl_rows", "sft_rows"]


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


def fit_sft_rows(records: Sequence[Record], cfg: DataConfig, render, count,
                 max_length: int) -> tuple[list[dict], dict]:
    """SFT rows whose whole chat text fits ``max_length`` tokens.

    First the evidence is cut; if question + answer still do not fit, the tail of the free-text reply
    (``回答``, the last section) is cut; the question and the 诊断 / 建议 lines are never cut, and a record
    whose question + labels alone do not fit is dropped. Returns the rows and ``{"n", "trimmed" (evidence
    cut), "reply_trimmed", "dropped", "dropped_ids"}``. ``render(messages) -> str`` is the chat template,
    ``count(text) -> int`` the tokenizer.

    >>> from rjua.data import load_split
    >>> recs = load_split("valid")[:3]
    >>> render = lambda ms: "".join(m["content"] for m in ms)
    >>> rows, st = fit_sft_rows(recs, DataConfig(context_tokens=10_000), render, len, 400)
    >>> all(len(render(r["prompt"] + r["completion"])) <= 400 for r in rows), st["n"] == len(rows) + st["dropped"]
    (True, True)
    """

    def size(row: dict) -> int:
        return count(render(row["prompt"] + row["completion"]))

    rows, trimmed, reply_cut, dropped = [], 0, 0, []
    for r in records:
        row = sft_rows([r], cfg, count)[0]
        budget = cfg.context_tokens
        n = size(row)
        cut = False
        while n > max_length and budget > 0 and cfg.context == "gold":
            budget = max(0, budget - (n - max_length) - 4)
            row["prompt"] = build_messages(r.question, list(r.passages), budget, count)
            n, cut = size(row), True
        if n > max_length and r.answer:
            fixed = count(render(row["prompt"] + [{"role": "assistant",
                                                   "content": format_answer(r.diseases, r.advices, reply="")}]))
            room = max_length - fixed - 4
            reply = _cut(r.answer, room, count) if room > 0 else ""
            row["completion"] = [{"role": "assistant", "content": format_answer(r.diseases, r.advices, reply=reply)}]
            n = size(row)
            reply_cut += n <= max_length
        if n > max_length:
            dropped.append(r.id)
            continue
        trimmed += cut
        rows.append(row)
    return rows, {"n": len(records), "trimmed": trimmed, "reply_trimmed": reply_cut, "dropped": len(dropped),
                  "dropped_ids": dropped}
