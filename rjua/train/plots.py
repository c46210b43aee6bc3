"""PNG plots of a ``rjua train run`` folder (matplotlib, headless Agg backend).

* ``sft_loss.png`` — SFT training loss per step;
* ``rl_reward.png`` — reward mean ± standard deviation (within the step's samples) per RL step, both stages;
* ``rl_tokens.png`` — completion tokens per step: mean completion length, tokens in the loss (Φ), forward tokens;
* ``entropy.png`` — mean token entropy per SFT checkpoint, the target band and the chosen one;
* ``heldout_f1.png`` — held-out exact and fuzzy F1 (95% CI) by phase.

A plot whose data is missing (phase skipped) is not written.

>>> import tempfile
>>> d = Path(tempfile.mkdtemp())
>>> write_plots({"sft": {"losses": [{"step": 1, "loss": 2.0}, {"step": 2, "loss": 1.5}]}}, d)
['sft_loss.png']
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["CHARTS", "write_plots"]


def _rl_rows(state: dict, key: str) -> list[tuple[str, list[dict]]]:
    out = []
    for st in ("stage1", "stage2"):
        log = state.get(st, {}).get("log") or []
        rows = [r for r in log if key in r]
        if rows:
            out.append((st, rows))
    return out


def _one_after_another(stages: list[tuple[str, list]]):
    """``(stage, x, rows)`` per stage, its steps numbered on from the previous stage's.

    >>> [(st, x) for st, x, _ in _one_after_another([("stage1", ["a", "b"]), ("stage2", ["c"])])]
    [('stage1', [1, 2]), ('stage2', [3])]
    """
    offset = 0
    for st, rows in stages:
        yield st, list(range(offset + 1, offset + len(rows) + 1)), rows
        offset += len(rows)


def _sft_loss(ax, state: dict) -> bool:
    losses = state.get("sft", {}).get("losses") or []
    if not losses:
        return False
    ax.plot([r["step"] for r in losses], [r["loss"] for r in losses], marker="o", ms=3)
    ax.set(xlabel="optimizer step", ylabel="training loss", title="SFT loss")
    return True


def _rl_reward(ax, state: dict) -> bool:
    rew = _rl_rows(state, "reward")
    for st, x, rows in _one_after_another(rew):
        m = [r["reward"] for r in rows]
        s = [r.get("reward_std", 0.0) for r in rows]
        ax.plot(x, m, marker="o", ms=3, label=f"{st} mean")
        ax.fill_between(x, [a - b for a, b in zip(m, s)], [a + b for a, b in zip(m, s)], alpha=0.2,
                        label=f"{st} ± std")
    ax.set(xlabel="RL step (stage 1 then stage 2)", ylabel="reward", title="C3PO reward")
    ax.legend(fontsize=8)
    return bool(rew)


def _rl_tokens(ax, state: dict) -> bool:
    steps = [(st, state[st]["steps"]) for st in ("stage1", "stage2") if state.get(st, {}).get("steps")]
    for st, x, rows in _one_after_another(steps):
        ax.plot(x, [r["tokens_in_loss"] for r in rows], marker="o", ms=3, label=f"{st} tokens in loss")
        ax.plot(x, [r["forward_tokens"] for r in rows], ls="--", marker="x", label=f"{st} forward tokens")
        lens = [r for r in (state[st].get("log") or []) if "completions/mean_length" in r]
        if lens:
            ax.plot(x[: len(lens)], [r["completions/mean_length"] for r in lens][: len(x)], ls=":", marker=".",
                    label=f"{st} mean completion length")
    ax.set(xlabel="RL step", ylabel="tokens", title="Tokens per step")
    ax.legend(fontsize=7)
    return bool(steps)


def _entropy(ax, state: dict) -> bool:
    sel = state.get("select")
    if not (sel and sel.get("rows")):
        return False
    rows = sorted(sel["rows"], key=lambda r: r["step"])
    ax.plot([r["step"] for r in rows], [r["entropy"] for r in rows], marker="o")
    lo, hi = sel["band"]
    ax.axhspan(lo, hi, alpha=0.15, color="green", label=f"band [{lo}, {hi}]")
    ch = sel.get("chosen")
    if ch:
        ax.scatter([ch["step"]], [ch["entropy"]], s=120, facecolors="none", edgecolors="red", label="chosen")
    ax.set(xlabel="SFT checkpoint (step)", ylabel="mean token entropy (nats)", title="Entropy per checkpoint")
    ax.legend(fontsize=8)
    return True


def _heldout_f1(ax, state: dict) -> bool:
    evals = [(p.removeprefix("eval_"), state[p]) for p in ("eval_base", "eval_sft", "eval_stage1", "eval_stage2")
             if p in state]
    if not evals:
        return False
    w = 0.38
    for j, match in enumerate(("exact", "fuzzy")):
        xs = [i + (j - 0.5) * w for i in range(len(evals))]
        ys = [e[match]["f1"] for _, e in evals]
        lo = [y - e[match]["ci95_f1"][0] for y, (_, e) in zip(ys, evals)]
        hi = [e[match]["ci95_f1"][1] - y for y, (_, e) in zip(ys, evals)]
        ax.bar(xs, ys, w, yerr=[lo, hi], capsize=3, label=f"{match} F1")
    ax.set_xticks(range(len(evals)), [name for name, _ in evals])
    ax.set_ylim(0, 1)
    ax.set(ylabel="held-out F1", title=f"Held-out F1 by phase (n = {evals[0][1]['n']})")
    ax.legend(fontsize=8)
    return True


# file name -> the function that draws it on one axis (returns False when the state has no data for it)
CHARTS = {"sft_loss.png": _sft_loss, "rl_reward.png": _rl_reward, "rl_tokens.png": _rl_tokens,
          "entropy.png": _entropy, "heldout_f1.png": _heldout_f1}


def write_plots(state: dict, out_dir) -> list[str]:
    """Write every plot of :data:`CHARTS` the state has data for into ``out_dir``; returns the file names."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir = Path(out_dir)
    written: list[str] = []
    for name, draw in CHARTS.items():
        fig, ax = plt.subplots(figsize=(6, 3.5))
        if draw(ax, state):
            fig.tight_layout()
            fig.savefig(out_dir / name, dpi=110)
            written.append(name)
        plt.close(fig)
    return written
