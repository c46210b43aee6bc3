"""``rjua train run``: the whole recipe in one resumable command.

Phases, in order (each one's result is kept in ``<output_dir>/run_state.json`` as soon as it
ends, so running the same command again skips what is done; a killed SFT or RL phase resumes
from its last checkpoint; the run folder is locked against a second writer):

1. ``eval_base`` — held-out evaluation of the start model;
2. ``sft`` — supervised fine-tuning (full or LoRA) into ``sft/``;
3. ``select`` — entropy-based checkpoint selection over ``sft/checkpoint-N`` (``sft/selected``);
4. ``eval_sft`` — held-out evaluation of the chosen checkpoint;
   ``probe`` — (when ``probe.k`` > 0) the chosen checkpoint sampled K times on training prompts at the RL
   temperature: the solve-rate filter (stage 1 trains on the prompts with a reward spread) and, with
   ``stage1.token_budget: null``, Φ from the policy's own sampled lengths (:mod:`rjua.train.probe`);
5. ``stage1`` — C3PO rewarding the diagnosis, from the chosen checkpoint, into ``stage1/``;
6. ``eval_stage1``;
7. ``stage2`` — C3PO rewarding diagnosis + advice, from ``stage1/final``, into ``stage2/``;
8. ``eval_stage2``.

Held-out evaluation = ``rjua predict --backend hf --subset heldout`` on the recipe's own fixed
internal split (greedy, stopping generation), scored exact and fuzzy. Every phase hands over by
folder (:mod:`rjua.handover`), so LoRA and full checkpoints both work.

The run folder ends with ``metrics.json`` (every phase's numbers), ``chosen_checkpoint.txt`` and
PNG plots (:mod:`rjua.train.plots`): SFT loss, RL reward mean ± spread, tokens per step, entropy
per checkpoint, held-out F1 by phase.

>>> cfg = load_config(RunConfig, "run_tiny")
>>> [p for p in PHASES if p.startswith("eval")]
['eval_base', 'eval_sft', 'eval_stage1', 'eval_stage2']
"""
from __future__ import annotations

import dataclasses
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..compare import paired_bootstrap
from ..errors import RJUAError
from ..jsonio import atomic_write_text, read_json_file
from ..locks import output_lock
from ..runs import predict_split
from ..scoring import load_predictions, score_predictions
from .config import DataConfig, RewardConfig, RLConfig, SelectConfig, SFTConfig, load_config, validate
from .data import load_parts
from .entropy import select_checkpoint
from .models import resolve_model
from .plots import write_plots
from .preflight import preflight
from .probe import probe_training_part, sampled_reward
from .sft import run_sft

__all__ = ["PHASES", "EvalConfig", "ProbeConfig", "RunConfig", "load_config", "paired_gains", "run_recipe",
           "score_heldout", "summarize"]

PHASES = ("eval_base", "sft", "select", "eval_sft", "probe", "stage1", "eval_stage1", "stage2", "eval_stage2")


@dataclass
class EvalConfig:
    """Held-out evaluation after each phase."""

    n_records: int | None = None        # first N held-out records (None: all of them)
    max_new_tokens: int = 192
    batch_size: int = 4
    dtype: str = "auto"
    sampled_k: int = 0                  # > 0: also the sampled held-out reward, mean over K samples per record at
                                        # sampled_temperature (stage 1's reward), with a 95% CI
    sampled_max_new_tokens: int = 32
    sampled_temperature: float = 1.0


@dataclass
class ProbeConfig:
    """The solve-rate filter and Φ before stage 1 (:mod:`rjua.train.probe`); ``k: 0`` leaves it out."""

    k: int = 0                          # samples per training prompt (the RL group size is the natural choice)
    n_prompts: int | None = None        # first N training prompts (None: all); unprobed ones are not trained on
    max_new_tokens: int = 32            # as stage 1's max_completion_length
    temperature: float = 1.0            # as stage 1's temperature
    min_keep: int = 4                   # fewer informative prompts than this: train on every probed prompt
    seed: int = 0


@dataclass
class RunConfig:
    """The whole recipe; the model, data and folders of every phase are set from the top-level fields."""

    model: str = "Qwen/Qwen2.5-0.5B-Instruct"
    output_dir: str = "runs/recipe"
    data: DataConfig = field(default_factory=DataConfig)
    sft: SFTConfig = field(default_factory=SFTConfig)
    select: SelectConfig = field(default_factory=SelectConfig)
    stage1: RLConfig = field(default_factory=lambda: RLConfig(
        reward=RewardConfig(disease_weight=1.0, advice_weight=0.0)))
    stage2: RLConfig = field(default_factory=RLConfig)
    eval: EvalConfig = field(default_factory=EvalConfig)
    probe: ProbeConfig = field(default_factory=ProbeConfig)
    skip: str = ""                      # comma-separated phases to skip (e.g. eval_base,stage2)


def _write_json(path: Path, obj) -> None:
    atomic_write_text(path, json.dumps(obj, ensure_ascii=False, indent=2, default=str))


def evaluate_heldout(model: str, out_dir: Path, cfg: RunConfig) -> dict:
    """Predict the held-out part with the hf backend (resumable) and score it exact and fuzzy."""

    _, held = load_parts(cfg.data)
    out_dir.mkdir(parents=True, exist_ok=True)
    pred_file = out_dir / "predictions.jsonl"
    t0 = time.perf_counter()
    rows = predict_split(cfg.data.split, pred_file, cfg.data.data_dir, backend="hf", model=model,
                         context="gold" if cfg.data.context == "gold" else "none", subset="heldout",
                         limit=cfg.eval.n_records, batch_size=cfg.eval.batch_size, progress=None,
                         context_tokens=cfg.data.context_tokens,
                         backend_options={"max_new_tokens": cfg.eval.max_new_tokens, "dtype": cfg.eval.dtype})
    seconds = time.perf_counter() - t0
    res = {"model": model, "n": len(rows), "seconds": round(seconds, 1),
           "errors": sum(1 for r in rows if r.get("error")),
           "completion_tokens_mean": sum(r.get("completion_tokens", 0) for r in rows) / max(1, len(rows)),
           "at_token_cap": sum(1 for r in rows if r.get("completion_tokens", 0) >= cfg.eval.max_new_tokens)}
    res.update(score_heldout(pred_file, held)[0])
    if cfg.eval.sampled_k > 0:
        t1 = time.perf_counter()
        recs = held[:cfg.eval.n_records] if cfg.eval.n_records else held
        res["sampled"] = sampled_reward(model, recs, cfg.data, cfg.stage1.reward, cfg.eval.sampled_k,
                                        cfg.eval.sampled_max_new_tokens, cfg.eval.sampled_temperature,
                                        dtype=cfg.eval.dtype)
        res["sampled"]["seconds"] = round(time.perf_counter() - t1, 1)
    _write_json(out_dir / "scores.json", res)
    return res


def run_probe(model: str, out: Path, cfg: RunConfig) -> dict:
    """The ``probe`` phase: sample the start policy on training prompts, write ``probe.json`` (keep_ids, Φ)."""

    train, _ = load_parts(cfg.data)
    train = train[:cfg.probe.n_prompts] if cfg.probe.n_prompts else train
    s1 = cfg.stage1
    res = probe_training_part(model, train, cfg.data, s1.reward, cfg.probe.k, cfg.probe.max_new_tokens,
                              cfg.probe.temperature, s1.per_device_train_batch_size * s1.gradient_accumulation_steps,
                              cfg.probe.seed, cfg.sft.dtype)
    if len(res["keep_ids"]) < cfg.probe.min_keep:  # too few to train on: keep them all, say so
        res["filter_applied"], res["keep_ids"] = False, res["probed_ids"]
    else:
        res["filter_applied"] = True
    _write_json(out / "probe.json", {k: v for k, v in res.items() if k != "per_record"})
    return res


def score_heldout(pred_file: Path, held) -> tuple[dict, dict[str, float]]:
    """Score one phase's held-out predictions: exact and fuzzy F1 (95% CI), ROUGE-L, consistency flags.

    Returns the summary and the per-record exact F1 (id -> F1, for paired comparisons between phases).
    Scores are always re-derivable from ``predictions.jsonl``: ``run_recipe`` re-scores every phase at the end.
    """

    preds = load_predictions(pred_file)
    res: dict = {}
    per_record: dict[str, float] = {}
    for match in ("exact", "fuzzy"):
        r = score_predictions(held, preds, match=match, n_resamples=200, only_predicted=True)
        s = r.summary
        res[match] = {k: s[k] for k in ("f1", "disease_f1", "advice_f1", "rouge_l")}
        res[match]["ci95_f1"] = s["ci95"]["f1"]
        if match == "exact":
            per_record = {x.id: x.f1 for x in r.records}
            c = s["consistency"]
            res["consistency"] = {"records_flagged": c["any"]["records"], "items_flagged": c["any"]["items"],
                                  "records_by_group": {g: v["records"] for g, v in c["groups"].items()}}
    return res, per_record


def paired_gains(per_record: dict[str, dict[str, float]]) -> dict[str, dict]:
    """Paired bootstrap of exact F1 between phases on the same held-out records (B − A, 95% CI, p).

    >>> g = paired_gains({"base": {"a": 0.0, "b": 0.5}, "sft": {"a": 0.5, "b": 0.5}})
    >>> round(g["sft - base"]["diff"], 2)
    0.25
    """

    pairs = [("sft", "base"), ("stage1", "sft"), ("stage2", "sft"), ("stage2", "base")]
    out = {}
    for b, a in pairs:
        if a in per_record and b in per_record:
            ids = sorted(set(per_record[a]) & set(per_record[b]))
            r = paired_bootstrap([per_record[a][i] for i in ids], [per_record[b][i] for i in ids])
            out[f"{b} - {a}"] = {"n": len(ids), **r}
    return out


def _flat(d, prefix: str = "") -> dict:
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def check_same_settings(path: Path, cfg: RunConfig) -> None:
    """Refuse to resume a run folder started with other settings (``skip`` may change), naming them.

    >>> import tempfile
    >>> f = Path(tempfile.mkdtemp()) / "run_config.json"
    >>> _write_json(f, dataclasses.asdict(load_config(RunConfig, "run_tiny")))
    >>> check_same_settings(f, load_config(RunConfig, "run_tiny", ["sft.max_steps=3"]))
    Traceback (most recent call last):
    rjua.errors.RJUAError: ...started with other settings: sft.max_steps 2 -> 3 (use another output_dir...)
    """
    if not path.is_file():
        return
    before = _flat(read_json_file(path))
    now = _flat(json.loads(json.dumps(dataclasses.asdict(cfg), default=str)))
    changed = [f"{k} {before.get(k)!r} -> {now.get(k)!r}" for k in sorted(set(before) | set(now))
               if k != "skip" and before.get(k) != now.get(k)]
    if changed:
        more = f" (+{len(changed) - 5} more)" if len(changed) > 5 else ""
        raise RJUAError(f"{path.parent}: this run folder was started with other settings: {'; '.join(changed[:5])}"
                        f"{more} (use another output_dir, or delete the folder to start over)")


def _phase_configs(cfg: RunConfig, out: Path, base: str):
    sft = dataclasses.replace(cfg.sft, model=base, output_dir=str(out / "sft"), data=cfg.data)
    select = dataclasses.replace(cfg.select, checkpoints_dir=str(out / "sft"), data=cfg.data, link="selected",
                                 temperature=float(cfg.stage1.trl_args.get("temperature", cfg.select.temperature)))
    s1 = dataclasses.replace(cfg.stage1, model=str(out / "sft" / "selected"), output_dir=str(out / "stage1"),
                             data=cfg.data, data_order=cfg.stage1.data_order or "stage1")
    s2 = dataclasses.replace(cfg.stage2, model=str(out / "stage1" / "final"), output_dir=str(out / "stage2"),
                             data=cfg.data, data_order=cfg.stage2.data_order or "stage2")
    return sft, select, s1, s2


def _check_recipe(cfg: RunConfig) -> set[str]:
    """Validate every phase's settings before anything is built; returns the phases to skip."""

    for name in ("sft", "select", "stage1", "stage2"):
        validate(getattr(cfg, name), f"config.{name}")
    skip = {s.strip() for s in cfg.skip.split(",") if s.strip()}
    bad = skip - set(PHASES)
    if bad:
        raise RJUAError(f"skip: unknown phase(s) {', '.join(sorted(bad))} (phases: {', '.join(PHASES)})")
    if (cfg.data.train_fraction, cfg.data.split_salt) != (DataConfig.train_fraction, DataConfig.split_salt):
        raise RJUAError("data.train_fraction / data.split_salt: train run evaluates on the standard held-out part"
                        " (--subset heldout), so keep the default internal split")
    return skip


@dataclasses.dataclass
class _Run:
    """What the phase runners share: the settings, the run folder, the state so far and the phase configs."""

    cfg: RunConfig
    out: Path
    state: dict
    skip: set
    phases: tuple  # (sft, select, stage1, stage2) configs
    base: str

    def sft_model(self) -> str:
        """The SFT checkpoint later phases start from: the selected one, or the last when selection is skipped."""
        return str(self.out / "sft" / ("final" if "select" in self.skip else "selected"))


def _phase_sft(r: _Run) -> dict:
    return run_sft(r.phases[0])


def _phase_select(r: _Run) -> dict:
    res = select_checkpoint(r.phases[1])
    (r.out / "chosen_checkpoint.txt").write_text(res["chosen"]["checkpoint"] + "\n", encoding="utf-8")
    return res


def _phase_probe(r: _Run) -> dict:
    return run_probe(r.sft_model(), r.out, r.cfg)


def _phase_stage1(r: _Run) -> dict:
    from .rl import run_rl

    s1 = dataclasses.replace(r.phases[2], model=r.sft_model())
    if "probe" in r.state:
        s1 = dataclasses.replace(s1, prompt_ids_file=s1.prompt_ids_file or str(r.out / "probe.json"),
                                 token_budget=s1.token_budget or r.state["probe"].get("token_budget"))
    return run_rl(s1)


def _phase_stage2(r: _Run) -> dict:
    from .rl import run_rl

    return run_rl(r.phases[3])


def _phase_eval(phase: str):
    def run(r: _Run) -> dict:
        model = {"eval_base": r.base, "eval_sft": r.sft_model(), "eval_stage1": str(r.out / "stage1" / "final"),
                 "eval_stage2": str(r.out / "stage2" / "final")}[phase]
        return evaluate_heldout(model, r.out / "eval" / phase.removeprefix("eval_"), r.cfg)
    return run


# phase -> its runner (PHASES gives the order)
RUNNERS = {"sft": _phase_sft, "select": _phase_select, "probe": _phase_probe, "stage1": _phase_stage1,
           "stage2": _phase_stage2, **{p: _phase_eval(p) for p in PHASES if p.startswith("eval")}}


def _final_metrics(r: _Run) -> dict:
    """Re-score every held-out phase with the current scorer, pair them, plot; what ``metrics.json`` holds."""

    _, held = load_parts(r.cfg.data)
    rescored, per_record = {}, {}
    for phase in PHASES:
        pred_file = r.out / "eval" / phase.removeprefix("eval_") / "predictions.jsonl"
        if phase.startswith("eval") and phase in r.state and pred_file.is_file():
            rescored[phase], per_record[phase.removeprefix("eval_")] = score_heldout(pred_file, held)
    metrics = summarize(r.state, rescored)
    metrics["paired_exact_f1"] = paired_gains(per_record)
    sampled = {p.removeprefix("eval_"): r.state[p]["sampled"]["per_record"] for p in PHASES
               if p.startswith("eval") and "sampled" in r.state.get(p, {})}
    if sampled:
        metrics["paired_sampled_reward"] = paired_gains(sampled)
    metrics["plots"] = write_plots(r.state, r.out)
    return metrics


def run_recipe(cfg: RunConfig, log=print) -> dict:
    """Run (or resume) every phase; returns the metrics written to ``metrics.json``."""

    skip = _check_recipe(cfg)
    preflight(cfg)  # data, model and run folder before anything is created
    out = Path(cfg.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    state_file = out / "run_state.json"
    with output_lock(out):
        state = read_json_file(state_file) if state_file.is_file() else {}
        if not isinstance(state, dict):
            raise RJUAError(f"{state_file}: not a JSON object (delete it to start the run over)")
        check_same_settings(out / "run_config.json", cfg)
        _write_json(out / "run_config.json", dataclasses.asdict(cfg))
        base = resolve_model(cfg.model, str(out))  # tiny-dense / tiny-moe are built once in the run folder
        r = _Run(cfg, out, state, skip, _phase_configs(cfg, out, base), base)
        for phase in PHASES:
            if phase == "probe" and cfg.probe.k <= 0:
                continue
            if phase in state or phase in skip:
                log(f"[train run] {phase}: {'done' if phase in state else 'skipped'}")
                continue
            log(f"[train run] {phase}: starting")
            t0 = time.perf_counter()
            res = RUNNERS[phase](r)
            res["phase_seconds"] = round(time.perf_counter() - t0, 1)
            state[phase] = res
            _write_json(state_file, state)
            log(f"[train run] {phase}: done in {res['phase_seconds']} s")
        metrics = _final_metrics(r)
        _write_json(out / "metrics.json", metrics)
    return metrics


def _summary_heldout(state: dict, rescored: dict) -> dict:
    keys = ("n", "exact", "fuzzy", "consistency", "completion_tokens_mean", "at_token_cap", "seconds", "sampled")
    out = {}
    for p in PHASES:
        if p.startswith("eval") and p in state:
            row = {**state[p], **rescored.get(p, {})}
            out[p.removeprefix("eval_")] = {k: row[k] for k in keys if k in row}
            if "sampled" in row:
                out[p.removeprefix("eval_")]["sampled"] = {k: v for k, v in row["sampled"].items()
                                                           if k != "per_record"}
    return out


def _summary_probe(p: dict) -> dict:
    return {**{k: v for k, v in p.items() if k not in ("per_record", "keep_ids", "probed_ids")},
            "kept": len(p.get("keep_ids", []))}


def _summary_sft(s: dict) -> dict:
    out = {k: s.get(k) for k in ("global_step", "train_loss", "n_train", "trimmed", "reply_trimmed", "dropped",
                                 "learning_rate", "dtype", "kind", "phase_seconds")}
    out["seconds_per_step"] = s["phase_seconds"] / max(1, s.get("global_step") or 1)
    return out


def _summary_select(sel: dict) -> dict:
    return {"chosen": sel["chosen"]["checkpoint"], "qualified": sel.get("qualified"), "reason": sel.get("reason"),
            "band": sel.get("band"), "temperature": sel.get("temperature"),
            "reference_entropy": (sel.get("reference") or {}).get("entropy"),
            "entropy": {r["checkpoint"]: r["entropy"] for r in sel["rows"]},
            "ci95": {r["checkpoint"]: r.get("ci95") for r in sel["rows"]}}


def _summary_stage(st: dict) -> dict:
    steps = st.get("steps", [])
    n = max(1, len(steps))
    out = {"steps": len(steps), "phase_seconds": st["phase_seconds"], "rewards": st.get("rewards", []),
           "seconds_per_step": sum(x["step_seconds"] for x in steps) / n,
           "tokens_in_loss_per_step": sum(x["tokens_in_loss"] for x in steps) / n,
           "token_budget": st.get("token_budget")}
    info = [x["informative_groups"] for x in steps if "informative_groups" in x]
    if info:
        out.update(informative_groups_per_step=info, steps_with_informative_groups=sum(1 for x in info if x > 0),
                   entropy_selected_per_step=[x.get("entropy_selected") for x in steps],
                   shortfall_per_step=[x.get("shortfall") for x in steps])
    return out


# state key -> the part of the metrics it gives
SUMMARIES = {"probe": _summary_probe, "sft": _summary_sft, "select": _summary_select, "stage1": _summary_stage,
             "stage2": _summary_stage}


def summarize(state: dict, rescored: dict | None = None) -> dict:
    """The numbers a reader wants from the run state: held-out scores by phase, time and tokens per step.

    ``rescored`` (phase -> :func:`score_heldout` summary) replaces the scores kept in the state, so the
    metrics follow the current scorer (e.g. consistency flags added after a phase ran).
    """
    m: dict = {"heldout": _summary_heldout(state, rescored or {})}
    m.update({k: part(state[k]) for k, part in SUMMARIES.items() if k in state})
    return m
