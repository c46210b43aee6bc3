"""Compare several runs: one table with 95% CIs and a paired bootstrap test against the first run.

Each run directory is what ``rjua eval --run-dir`` writes (``per_sample.jsonl``, ``config.json``).
Runs are aligned on the record ids they share; for each metric and each run B after the
baseline A, the paired bootstrap resamples records (the same indices for both runs) and
reports the mean difference B − A, its 95% interval and a two-sided p-value
``p = min(1, 2·min(P*(Δ ≤ 0), P*(Δ ≥ 0)))`` over the resampled mean differences.

>>> rng = np.random.default_rng(0)
>>> a = rng.random(200); b = a + 0.1
>>> r = paired_bootstrap(a, b, n_resamples=500)
>>> round(r["diff"], 3), r["p_value"] < 0.01
(0.1, True)
"""
from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .errors import RJUAError
from .jsonio import read_json_file
from .metrics import bootstrap_stat

__all__ = ["DEFAULT_METRICS", "compare_markdown", "compare_runs", "load_run", "paired_bootstrap", "plot_comparison"]

DEFAULT_METRICS = ("disease_f1", "advice_f1", "f1", "rouge_l")


def paired_bootstrap(a: Sequence[float], b: Sequence[float], n_resamples: int = 2000, seed: int = 0,
                     level: float = 0.95) -> dict[str, float]:
    """Mean difference ``b − a`` over paired records, its percentile interval and a two-sided p-value.

    >>> paired_bootstrap([0.5, 0.5, 0.5], [0.5, 0.5, 0.5])["p_value"]
    1.0
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or not len(a):
        raise RJUAError("paired bootstrap needs two equally long, non-empty score lists")
    d = b - a
    lo, hi = bootstrap_stat(d[:, None], lambda m: m[..., 0], n_resamples, seed, level)
    # scipy's bootstrap gives the interval only: the two-sided p-value is the share of resampled mean
    # differences on either side of 0 (its own resamples, same seed)
    means = d[np.random.default_rng(seed).integers(0, len(d), size=(n_resamples, len(d)))].mean(axis=1)
    p = min(1.0, 2 * min(float((means <= 0).mean()), float((means >= 0).mean())))
    return {"diff": float(d.mean()), "ci95": [lo, hi], "p_value": round(p, 4), "resamples": n_resamples}


def load_run(run_dir: str | os.PathLike) -> dict[str, Any]:
    """Per-record scores and configuration of one run directory."""
    d = Path(run_dir)
    f = d / "per_sample.jsonl"
    if not f.is_file():
        raise RJUAError(f"{d}: not a run directory (no per_sample.jsonl; write one with 'rjua eval --run-dir {d}')")
    rows = {}
    for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                obj = json.loads(line)
                rows[str(obj["id"])] = obj
            except (json.JSONDecodeError, KeyError) as e:
                raise RJUAError(f"{f}:{n}: not a per-record score line ({type(e).__name__})") from None
    cfg = {}
    if (d / "config.json").is_file():
        cfg = read_json_file(d / "config.json")
        if not isinstance(cfg, dict):
            raise RJUAError(f"{d / 'config.json'}: not a JSON object")
    return {"dir": str(d), "rows": rows, "config": cfg.get("config", cfg)}


def _check_args(run_dirs, labels) -> None:
    if len(run_dirs) < 2:
        raise RJUAError("give at least two run directories to compare")
    if labels and len(labels) != len(run_dirs):
        raise RJUAError(f"{len(labels)} --label value(s) for {len(run_dirs)} runs")


def _shared_ids(runs: list[dict], labels: list[str], metrics: list[str]) -> tuple[list[str], set]:
    """The record ids every run scored (shortest first) and the runs' split(s); refuses what cannot be compared."""
    splits = {r["config"].get("split") for r in runs if r["config"].get("split")}
    if len(splits) > 1:
        raise RJUAError(f"runs are on different splits ({', '.join(sorted(splits))}); compare runs of one split")
    ids = sorted(set.intersection(*(set(r["rows"]) for r in runs)), key=lambda x: (len(x), x))
    if not ids:
        raise RJUAError("the runs share no record id")
    for m in metrics:
        bad = [lab for lab, r in zip(labels, runs) if m not in r["rows"][ids[0]]]
        if bad:
            raise RJUAError(f"metric {m!r} is not in the per-record scores of {', '.join(bad)}")
    return ids, splits


def _table_row(lab: str, r: dict, ids: list[str], metrics: list[str], n_resamples: int, seed: int) -> dict:
    row = {"run": lab, "dir": r["dir"], "n": len(ids), "backend": r["config"].get("backend"),
           "model": r["config"].get("model")}
    for m in metrics:
        v = np.array([float(r["rows"][i][m]) for i in ids])
        row[m] = float(v.mean())
        row[f"{m}_ci95"] = list(bootstrap_stat(v[:, None], lambda x: x[..., 0], n_resamples, seed))
    return row


def compare_runs(run_dirs: Sequence[str | os.PathLike], metrics: Sequence[str] | None = None,
                 labels: Sequence[str] | None = None, n_resamples: int = 2000, seed: int = 0) -> dict[str, Any]:
    """Table rows (mean and 95% CI per metric per run) and paired tests of every run against the first."""
    _check_args(run_dirs, labels)
    metrics = list(metrics or DEFAULT_METRICS)
    runs = [load_run(d) for d in run_dirs]
    labels = list(labels or [Path(d).name for d in run_dirs])
    ids, splits = _shared_ids(runs, labels, metrics)
    table = [_table_row(lab, r, ids, metrics, n_resamples, seed) for lab, r in zip(labels, runs)]
    base = runs[0]
    tests = [{"baseline": labels[0], "run": lab, "metric": m,
              **paired_bootstrap([base["rows"][i][m] for i in ids], [r["rows"][i][m] for i in ids], n_resamples,
                                 seed)}
             for lab, r in zip(labels[1:], runs[1:]) for m in metrics]
    only = {lab: len(r["rows"]) - len(ids) for lab, r in zip(labels, runs) if len(r["rows"]) > len(ids)}
    return {"metrics": metrics, "n_common": len(ids), "not_shared": only, "table": table, "tests": tests,
            "split": next(iter(splits), None), "seed": seed, "resamples": n_resamples}


def compare_markdown(res: dict[str, Any]) -> str:
    """The comparison table and the paired tests as Markdown."""
    ms = res["metrics"]
    lines = [f"# Run comparison (split {res['split']}, {res['n_common']} shared records)", "",
             "| run | " + " | ".join(ms) + " |", "|---|" + "---|" * len(ms)]
    for row in res["table"]:
        cells = [f"{row[m]:.4f} [{row[m + '_ci95'][0]:.4f}, {row[m + '_ci95'][1]:.4f}]" for m in ms]
        lines.append(f"| {row['run']} | " + " | ".join(cells) + " |")
    lines += ["", "Paired bootstrap (same resampled records for both runs), difference = run − baseline:", "",
              "| run vs baseline | metric | difference | 95% CI | p-value |", "|---|---|---|---|---|"]
    for t in res["tests"]:
        lines.append(f"| {t['run']} vs {t['baseline']} | {t['metric']} | {t['diff']:+.4f} | "
                     f"[{t['ci95'][0]:+.4f}, {t['ci95'][1]:+.4f}] | {t['p_value']:.4f} |")
    if res["not_shared"]:
        lines += ["", f"Records outside the shared set were left out: {res['not_shared']}."]
    return "\n".join(lines) + "\n"


def plot_comparison(res: dict[str, Any], out: str | os.PathLike) -> Path:
    """One PNG: grouped bars (metric × run) with 95% CI error bars (matplotlib, Agg backend)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise RJUAError("the chart needs matplotlib: pip install 'rjua[compare]'") from None
    ms, rows = res["metrics"], res["table"]
    x = np.arange(len(ms))
    w = 0.8 / len(rows)
    fig, ax = plt.subplots(figsize=(1.6 + 1.4 * len(ms) * max(1, len(rows) / 2), 4), dpi=120)
    for k, row in enumerate(rows):
        means = np.array([row[m] for m in ms])
        lo = means - np.array([row[m + "_ci95"][0] for m in ms])
        hi = np.array([row[m + "_ci95"][1] for m in ms]) - means
        ax.bar(x + (k - (len(rows) - 1) / 2) * w, means, w, yerr=[lo, hi], capsize=3, label=row["run"])
    ax.set_xticks(x, ms)
    ax.set_ylabel("score (mean, 95% CI)")
    ax.set_title(f"split {res['split']}, n = {res['n_common']}")
    ax.legend(fontsize=8)
    fig.tight_layout()
    out = Path(out)
    fig.savefig(out)
    plt.close(fig)
    return out
