"""Entropy-based checkpoint selection (Ring-lite), with a band relative to the model.

For each SFT checkpoint: sample one full response (until EOS or ``max_new_tokens``) to each of
``n_prompts`` held-out-part prompts at the **RL temperature** and take the mean per-token entropy (nats)
of the sampling distribution along those samples, with a 95% bootstrap CI over prompts.

Ring-lite's 0.3–0.5 nats is for its own long chain-of-thought rollouts; short Chinese answers of a
small model sit far above it, so an absolute band only ever "chooses" the most collapsed checkpoint. The
default band is therefore **relative to the reference model** (the model SFT started from, measured the
same way on the same prompts): a checkpoint qualifies when ``relative_low ≤ H / H_ref ≤ relative_high``
(default 0.5–0.9: SFT has moved the policy by at least 10% of its entropy but kept at least half of it to
explore with — a documented choice, not a tuned one). ``band_mode: absolute`` keeps the paper's nats.

Among qualifying checkpoints the latest (most trained) wins. When **none qualifies** the result says so
(``qualified: false`` and the reason): with ``if_none: last`` the last checkpoint is used — what RL would
start from without any selection — and with ``if_none: error`` the selection stops; it never silently
falls back to the checkpoint closest to the band.

>>> rows = [{"step": 50, "entropy": 0.9}, {"step": 100, "entropy": 0.45}, {"step": 150, "entropy": 0.35},
...         {"step": 200, "entropy": 0.2}]
>>> choose_checkpoint(rows, 0.3, 0.5)["step"]
150
>>> choose_checkpoint([{"step": 1, "entropy": 0.7}, {"step": 2, "entropy": 0.1}], 0.3, 0.5) is None
True
"""
from __future__ import annotations

import dataclasses
import logging
import os
from pathlib import Path

import numpy as np

from ..errors import RJUAError
from ..handover import INFO_FILE, checkpoint_info
from ..metrics import bootstrap_stat
from .checkpoints import checkpoint_step, list_checkpoints
from .config import DataConfig, RewardConfig, SelectConfig, build
from .data import load_parts, prompt_messages
from .probe import _load, sample_groups
from .rewards import score_completion

__all__ = ["band_limits", "checkpoint_entropy", "choose_checkpoint", "select_checkpoint", "sft_data_settings"]

log = logging.getLogger(__name__)


def choose_checkpoint(rows: list[dict], low: float, high: float) -> dict | None:
    """The latest row whose entropy is in ``[low, high]`` (None when none is); marks ``in_band`` on every row."""
    for r in rows:
        r["in_band"] = low <= r["entropy"] <= high
    inside = [r for r in rows if r["in_band"]]
    return max(inside, key=lambda r: r["step"]) if inside else None


def band_limits(cfg: SelectConfig, reference_entropy: float | None) -> tuple[float, float]:
    """The band in nats: ``relative_low/high × H_ref`` (relative mode) or ``band_low/high``.

    >>> band_limits(SelectConfig(), 2.0)
    (1.0, 1.8)
    >>> band_limits(SelectConfig(band_mode="absolute"), None)
    (0.3, 0.5)
    """
    if cfg.band_mode == "absolute":
        return cfg.band_low, cfg.band_high
    if reference_entropy is None:
        raise RJUAError("select: band_mode relative needs the reference model's entropy (reference: null and no "
                        "base_model recorded in the checkpoints)")
    return round(cfg.relative_low * reference_entropy, 4), round(cfg.relative_high * reference_entropy, 4)


def checkpoint_entropy(path: str, prompts: list[list[dict]], golds: list, max_new_tokens: int, temperature: float,
                       seed: int, dtype: str = "auto") -> dict:
    """Mean token entropy (at ``temperature``) of a checkpoint's own full samples, its 95% CI over prompts,
    and the samples' mean combined F1. Any checkpoint kind (full or LoRA); on the GPU when there is one."""

    model, tok = _load(path, dtype)
    samples = [g[0] for g in sample_groups(model, tok, prompts, 1, max_new_tokens, temperature, seed)]
    cols = np.array([[s["entropy_sum"], s["tokens"]] for s in samples], dtype=float)
    ci = bootstrap_stat(cols, lambda m: m[..., 0] / np.maximum(m[..., 1], 1e-9), n_resamples=1000, seed=seed)
    f1s = [score_completion(s["text"], dis, adv, RewardConfig(format_gate=False))["reward"]
           for s, (dis, adv) in zip(samples, golds)]
    n_tok = int(cols[:, 1].sum())
    return {"entropy": float(cols[:, 0].sum() / max(1, n_tok)), "ci95": [round(ci[0], 4), round(ci[1], 4)],
            "val_f1": sum(f1s) / max(1, len(f1s)), "tokens": n_tok, "prompts": len(samples),
            "at_cap": sum(1 for s in samples if s["tokens"] >= max_new_tokens)}


def _reference(cfg: SelectConfig, cps: list[Path]) -> str | None:
    if cfg.reference:
        return cfg.reference

    for cp in cps:
        if (cp / INFO_FILE).is_file() and checkpoint_info(cp).get("base_model"):
            return str(checkpoint_info(cp)["base_model"])
    return None


def select_checkpoint(cfg: SelectConfig) -> dict:
    """Score every checkpoint-N in ``checkpoints_dir`` (and the reference); choose by band; link the choice."""
    d = Path(cfg.checkpoints_dir)
    cps = list_checkpoints(d)
    if not cps:
        raise RJUAError(f"{d}: no checkpoint-N folders to select from")
    data = sft_data_settings(d, cfg.data) if cfg.inherit_data else cfg.data
    _, held = load_parts(data)
    held = held[: cfg.n_prompts]
    if not held:
        raise RJUAError("no held-out records for selection (check data.train_fraction)")
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(cps[0])  # one tokenizer: the same prompts for every model

    def count(t):
        return len(tok(t, add_special_tokens=False)["input_ids"])

    prompts = [prompt_messages(r, data, count) for r in held]
    golds = [(r.diseases, r.advices) for r in held]

    def measure(path):
        return checkpoint_entropy(str(path), prompts, golds, cfg.max_new_tokens, cfg.temperature, cfg.seed,
                                  cfg.dtype)

    ref_path = _reference(cfg, cps) if cfg.band_mode == "relative" else None
    reference = {"model": ref_path, **measure(ref_path)} if ref_path else None
    rows = [{"checkpoint": str(cp), "step": checkpoint_step(cp), **measure(cp)} for cp in cps]
    low, high = band_limits(cfg, reference["entropy"] if reference else None)
    chosen = choose_checkpoint(rows, low, high)
    qualified = chosen is not None
    seen = ", ".join("%s: %.3f" % (r["step"], r["entropy"]) for r in rows)
    reason = "" if qualified else f"no checkpoint's entropy is in [{low}, {high}] nats (step: entropy {seen})"
    if not qualified:
        if cfg.if_none == "error":
            raise RJUAError(f"select: {reason}")
        chosen = max(rows, key=lambda r: r["step"])
        log.warning("entropy selection: %s; using the last checkpoint (%s), as without selection", reason,
                    chosen["checkpoint"])
    if cfg.link:
        link = d / cfg.link
        if link.is_symlink() or link.exists():
            link.unlink()
        os.symlink(Path(chosen["checkpoint"]).name, link)
    return {"rows": rows, "chosen": chosen, "qualified": qualified, "reason": reason, "band": [low, high],
            "band_mode": cfg.band_mode, "reference": reference, "temperature": cfg.temperature,
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

    for cp in list_checkpoints(checkpoints_dir):  # step order, numbered checkpoints only
        if not (cp / INFO_FILE).is_file():
            continue
        data = checkpoint_info(cp).get("data")
        if isinstance(data, dict):
            return build(DataConfig, data, str(cp / INFO_FILE))
    return fallback
