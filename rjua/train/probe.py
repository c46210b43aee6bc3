"""Sampling a policy K times per prompt at the RL temperature, and what the recipes read from it.

One sampler (:func:`sample_groups`) serves four uses:

* the **solve-rate filter** before RL (Ring-lite drops prompts its policy always or never solves):
  :func:`informative_ids` keeps the training prompts whose K rewards are not all equal — with all equal,
  GRPO / C3PO advantages are zero and the prompt only spends generation time;
* **Φ from the policy's own lengths**: the median sampled completion length × completions per step
  (:func:`probe_training_part`), instead of the reference answers' lengths (which a short diagnosis-capped
  rollout never reaches);
* the **sampled held-out reward** (:func:`sampled_reward`): the mean over K samples at the RL temperature,
  per record, with a bootstrap CI — finer than greedy F1, which cannot see small changes of the policy;
* the **entropy** of a checkpoint's own full responses at the RL temperature, with a CI over prompts
  (:mod:`rjua.train.entropy`).

>>> groups = [{"id": "a", "rewards": [0.0, 0.0]}, {"id": "b", "rewards": [0.0, 1.0]}, {"id": "c", "rewards": [1, 1]}]
>>> informative_ids(groups)
['b']
>>> summarize_groups(groups)["solve_rate_mean"]
0.5
"""
from __future__ import annotations

import statistics
from typing import Sequence

import numpy as np

from ..handover import load_causal_lm
from ..metrics import bootstrap_ci
from ..modeling import resolve_dtype
from .config import DataConfig, RewardConfig
from .data import prompt_messages
from .rewards import score_completion

__all__ = ["informative_ids", "probe_training_part", "sample_groups", "sampled_reward", "summarize_groups"]


def _entropy_and_length(logits, seqs, eos_ids: set[int], temperature: float):
    """Per sequence: Σ token entropy of softmax(logits / T) and the number of tokens up to and with EOS."""
    import torch

    k = seqs.size(0)
    ent = torch.zeros(k)
    n = torch.zeros(k, dtype=torch.long)
    alive = torch.ones(k, dtype=torch.bool)
    for t, step in enumerate(logits):
        if not bool(alive.any()):
            break
        logp = torch.log_softmax(step.float() / max(temperature, 1e-6), dim=-1)
        h = -(logp.exp() * logp).sum(-1).cpu()
        ent += torch.where(alive, h, torch.zeros_like(h))
        n += alive.long()
        if t < seqs.size(1):
            alive &= ~torch.tensor([int(x) in eos_ids for x in seqs[:, t].tolist()])
    return ent.tolist(), n.tolist()


def _generate_shared(model, ids, k: int, **kw):
    """``generate`` of K continuations of one prompt whose keys / values are computed once (not K times)."""
    import torch

    if ids.size(1) < 2:
        return model.generate(input_ids=ids.repeat(k, 1), **kw)
    cache = model(input_ids=ids[:, :-1], use_cache=True, logits_to_keep=1).past_key_values
    cache.batch_repeat_interleave(k)
    return model.generate(input_ids=ids.repeat(k, 1), attention_mask=torch.ones(k, ids.size(1), dtype=torch.long,
                                                                                   device=ids.device),
                          past_key_values=cache, **kw)


def sample_groups(model, tok, prompts: Sequence[list[dict]], k: int, max_new_tokens: int, temperature: float,
                  seed: int = 0, do_sample: bool = True) -> list[list[dict]]:
    """K samples per prompt (``text``, ``tokens``, ``entropy_sum``) from a loaded model, plain sampling
    (no top-k / top-p / repetition penalty) at ``temperature``; the prompt's keys / values are computed once
    and shared by its K samples (``do_sample=False``: greedy, for tests)."""
    import torch

    device = next(model.parameters()).device
    gen_eos = getattr(model.generation_config, "eos_token_id", None)
    eos = {int(x) for x in [tok.eos_token_id, *(gen_eos if isinstance(gen_eos, list) else [gen_eos])]
           if x is not None}
    torch.manual_seed(seed)
    out = []
    pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
    for msgs in prompts:
        text = tok.apply_chat_template(msgs, tokenize=False, add_generation_prompt=True)
        ids = tok(text, return_tensors="pt", add_special_tokens=False)["input_ids"].to(device)
        with torch.inference_mode():
            res = _generate_shared(model, ids, k, do_sample=do_sample, temperature=temperature, top_k=0, top_p=1.0,
                                   repetition_penalty=1.0, max_new_tokens=max_new_tokens, output_logits=True,
                                   return_dict_in_generate=True, pad_token_id=pad)
        seqs = res.sequences[:, ids.shape[1]:].cpu()
        ents, lens = _entropy_and_length(res.logits, seqs, eos, temperature)
        out.append([{"text": tok.decode(seqs[i, :lens[i]], skip_special_tokens=True), "tokens": int(lens[i]),
                     "entropy_sum": float(ents[i])} for i in range(k)])
    return out


def _score_groups(records, samples, reward: RewardConfig) -> list[dict]:
    groups = []
    for r, group in zip(records, samples):
        rewards = [score_completion(s["text"], r.diseases, r.advices, reward, r.question, r.answer)["reward"]
                   for s in group]
        groups.append({"id": r.id, "rewards": rewards, "lengths": [s["tokens"] for s in group],
                       "entropy": sum(s["entropy_sum"] for s in group) / max(1, sum(s["tokens"] for s in group))})
    return groups


def informative_ids(groups: Sequence[dict]) -> list[str]:
    """Ids whose K rewards are not all equal (a reward spread: non-zero advantages)."""
    return [g["id"] for g in groups if max(g["rewards"]) - min(g["rewards"]) > 1e-9]


def summarize_groups(groups: Sequence[dict]) -> dict:
    """Mean reward (per record, then over records) with a 95% bootstrap CI, solve rate, spread, lengths."""
    if not groups:
        return {"n": 0}
    per = np.array([float(np.mean(g["rewards"])) for g in groups])
    solved = np.array([float(np.mean([x > 0 for x in g["rewards"]])) for g in groups])
    lengths = [n for g in groups for n in g.get("lengths", [])]
    lo, hi = bootstrap_ci(per, n_resamples=1000)
    return {"n": len(groups), "k": len(groups[0]["rewards"]), "reward_mean": round(float(per.mean()), 4),
            "ci95": [round(lo, 4), round(hi, 4)], "solve_rate_mean": round(float(solved.mean()), 4),
            "informative": len(informative_ids(groups)), "never_solved": int((solved == 0).sum()),
            "always_solved": int((solved == 1).sum()),
            "median_tokens": statistics.median(lengths) if lengths else None,
            "per_record": {g["id"]: round(float(np.mean(g["rewards"])), 4) for g in groups}}


def _load(model_path: str, dtype: str):
    import torch


    device = "cuda" if torch.cuda.is_available() else "cpu"
    model, tok = load_causal_lm(model_path, resolve_dtype(dtype, device))
    return model.to(device).eval(), tok


def _groups_for(model_path: str, records, data: DataConfig, reward: RewardConfig, k: int, max_new_tokens: int,
                temperature: float, seed: int, dtype: str) -> list[dict]:
    model, tok = _load(model_path, dtype)

    def count(t):
        return len(tok(t, add_special_tokens=False)["input_ids"])

    prompts = [prompt_messages(r, data, count) for r in records]
    return _score_groups(records, sample_groups(model, tok, prompts, k, max_new_tokens, temperature, seed), reward)


def sampled_reward(model_path: str, records, data: DataConfig, reward: RewardConfig, k: int = 6,
                   max_new_tokens: int = 32, temperature: float = 1.0, seed: int = 0, dtype: str = "auto") -> dict:
    """The mean reward of K samples per record at the RL temperature (:func:`summarize_groups`)."""
    groups = _groups_for(model_path, records, data, reward, k, max_new_tokens, temperature, seed, dtype)
    return summarize_groups(groups)


def probe_training_part(model_path: str, records, data: DataConfig, reward: RewardConfig, k: int,
                        max_new_tokens: int, temperature: float, completions_per_step: int, seed: int = 0,
                        dtype: str = "auto") -> dict:
    """Sample the start policy on training prompts: the informative ids (solve-rate filter) and Φ from its
    own lengths (median sampled tokens × ``completions_per_step``)."""
    from .c3po import suggest_token_budget

    groups = _groups_for(model_path, records, data, reward, k, max_new_tokens, temperature, seed, dtype)
    summary = summarize_groups(groups)
    lengths = [n for g in groups for n in g["lengths"]]
    return {**summary, "keep_ids": informative_ids(groups), "probed_ids": [g["id"] for g in groups],
            "token_budget": suggest_token_budget(lengths, completions_per_step) if lengths else None,
            "completions_per_step": completions_per_step}
