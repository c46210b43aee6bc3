"""Entropy-based checkpoint selection (Ring-lite).

For each SFT checkpoint: sample its own answers to held-out prompts and take the
mean per-token entropy (nats) of its next-token distribution at temperature 1 along
those samples. Choose a checkpoint whose entropy lies in the target band (Ring-lite
found 0.3–0.5 best for the following RL) rather than the one with the best
validation score. Among several in band, the latest (most trained) one wins; when
none is in band, the one closest to the band (ties: the latest).

>>> rows = [{"step": 50, "entropy": 0.9}, {"step": 100, "entropy": 0.45}, {"step": 150, "entropy": 0.35},
...         {"step": 200, "entropy": 0.2}]
>>> choose_checkpoint(rows, 0.3, 0.5)["step"]
150
>>> choose_checkpoint([{"step": 1, "entropy": 0.7}, {"step": 2, "entropy": 0.1}], 0.3, 0.5)["step"]
2
"""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from .checkpoints import checkpoint_step, list_checkpoints
from .config import DataConfig, RewardConfig, SelectConfig, build
from .data import load_parts, prompt_messages
from .rewards import score_completion

__all__ = ["checkpoint_entropy", "choose_checkpoint", "select_checkpoint", "sft_data_settings"]


def choose_checkpoint(rows: list[dict], low: float, high: float) -> dict:
    """The chosen row (see module docstring); marks ``in_band`` on every row."""
    for r in rows:
        r["in_band"] = low <= r["entropy"] <= high
    inside = [r for r in rows if r["in_band"]]
    if inside:
        return max(inside, key=lambda r: r["step"])
    def dist(r):
        return low - r["entropy"] if r["entropy"] < low else r["entropy"] - high

    return min(rows, key=lambda r: (round(dist(r), 12), -r["step"]))


def checkpoint_entropy(path: str, prompts: list[list[dict]], golds: list, max_new_tokens: int, temperature: float,
                       seed: int, dtype: str = "auto") -> dict:
    """Mean token entropy of a checkpoint's own samples and the samples' mean combined F1.

    Any checkpoint kind (full or LoRA, :mod:`rjua.handover`); on the GPU when there is one.
    """
    import torch

    from ..handover import load_causal_lm
    from ..modeling import resolve_dtype

    device = "cuda" if torch.cuda.is_available() else "cpu"
    model, tok = load_causal_lm(path, resolve_dtype(dtype, device))
    model = model.to(device).eval()
    torch.manual_seed(seed)
    ent_sum, n_tok, f1s = 0.0, 0, []
    for msgs, (dis, adv) in zip(prompts, golds):
        text = tok.apply_chat_template(msgs, tokenize=False, add_generation_prompt=True)
        enc = tok(text, return_tensors="pt", add_special_tokens=False).to(device)
        with torch.inference_mode():
            out = model.generate(**enc, do_sample=True, temperature=temperature, top_k=0, top_p=1.0,
                                 repetition_penalty=1.0, max_new_tokens=max_new_tokens, output_logits=True,
                                 return_dict_in_generate=True, pad_token_id=tok.pad_token_id or tok.eos_token_id)
        new = out.sequences[0, enc["input_ids"].shape[1]:]
        for t, logits in enumerate(out.logits):
            logp = torch.log_softmax(logits[0].float(), dim=-1)
            ent_sum += float(-(logp.exp() * logp).sum())
            n_tok += 1
            if t < len(new) and int(new[t]) == tok.eos_token_id:
                break
        sample = tok.decode(new, skip_special_tokens=True)
        f1s.append(score_completion(sample, dis, adv, RewardConfig(format_gate=False))["reward"])
    return {"entropy": ent_sum / max(1, n_tok), "val_f1": sum(f1s) / max(1, len(f1s)), "tokens": n_tok}


def select_checkpoint(cfg: SelectConfig) -> dict:
    """Score every checkpoint-N in ``checkpoints_dir``; choose by entropy band; optionally link the choice."""
    from ..errors import RJUAError

    d = Path(cfg.checkpoints_dir)
    cps = list_checkpoints(d)
    if not cps:
        raise RJUAError(f"{d}: no checkpoint-N folders to select from")
    data = sft_data_settings(d, cfg.data) if cfg.inherit_data else cfg.data
    _, held = load_parts(data)
    held = held[: cfg.n_prompts]
    if not held:
        raise RJUAError("no held-out records for selection (check data.train_fraction)")
    rows = []
    for cp in cps:
        from transformers import AutoTokenizer
        tok = AutoTokenizer.from_pretrained(cp)

        def count(t, tok=tok):
            return len(tok(t, add_special_tokens=False)["input_ids"])

        prompts = [prompt_messages(r, data, count) for r in held]
        res = checkpoint_entropy(str(cp), prompts, [(r.diseases, r.advices) for r in held], cfg.max_new_tokens,
                                 cfg.temperature, cfg.seed, cfg.dtype)
        rows.append({"checkpoint": str(cp), "step": checkpoint_step(cp), **res})
    chosen = choose_checkpoint(rows, cfg.band_low, cfg.band_high)
    if cfg.link:
        link = d / cfg.link
        if link.is_symlink() or link.exists():
            link.unlink()
        os.symlink(Path(chosen["checkpoint"]).name, link)
    return {"rows": rows, "chosen": chosen, "band": [cfg.band_low, cfg.band_high],
            "data": dataclasses.asdict(data)}


def sft_data_settings(checkpoints_dir, fallback: DataConfig) -> DataConfig:
    """The data settings the SFT run recorded in its checkpoints (``rjua_checkpoint.json``), else ``fallback``.

    >>> import tempfile
    >>> from rjua.handover import write_checkpoint_info
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = write_checkpoint_info(d / "checkpoint-1", "full", "m", data={"context_tokens": 77})
    >>> sft_data_settings(d, DataConfig()).context_tokens
    77
    """
    from ..handover import INFO_FILE, checkpoint_info

    for cp in list_checkpoints(checkpoints_dir):  # step order, numbered checkpoints only
        if not (cp / INFO_FILE).is_file():
            continue
        data = checkpoint_info(cp).get("data")
        if isinstance(data, dict):
            return build(DataConfig, data, str(cp / INFO_FILE))
    return fallback
