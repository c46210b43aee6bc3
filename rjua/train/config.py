"""Recipe configurations: one documented dataclass per recipe, named YAML files, ``key=value`` overrides.

>>> cfg = load_config(SFTConfig, "sft_tiny", ["max_steps=2"])
>>> cfg.max_steps, cfg.model
(2, 'tiny-dense')
"""
from __future__ import annotations

import dataclasses
import math
import os
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from ..errors import RJUAError
from ..metrics import METRICS
from ..yamlio import load_yaml, load_yaml_file
from .variants import MODES, ORDERS

__all__ = ["CONFIG_DIR", "DataConfig", "NON_NEGATIVE", "PATH_FIELDS", "POSITIVE", "RLConfig", "RewardConfig",
           "SFTConfig", "SelectConfig", "StagesConfig", "TOP_LEVEL_TRL_KEYS", "TRL_DEFAULTS", "UNIT", "build",
           "check_ranges", "expand_paths", "load_config", "resolve_config_path", "validate"]

CONFIG_DIR = Path(__file__).resolve().parent / "configs"


@dataclass
class DataConfig:
    """Which labelled data a recipe trains and evaluates on."""

    data_dir: str | None = None        # RJUA directory (None: $RJUA_DATA_DIR, else the bundled sample)
    split: str = "valid"               # the labelled split to draw from (only valid is labelled here)
    train_fraction: float = 0.8        # fixed internal split by id hash: this share trains, the rest is held out
    split_salt: str = "rjua-internal-v1"  # changing it changes the internal split
    context: str = "gold"              # evidence in the prompt: gold | none (retrieved needs an index at train time)
    context_tokens: int = 512          # token budget of the evidence in the prompt
    max_records: int | None = None     # cap on training records (smoke runs)


@dataclass
class RewardConfig:
    """Verifiable reward built from rjua's metric functions (weights need not sum to 1)."""

    disease_weight: float = 2.0 / 3.0  # weight of diagnosis F1
    advice_weight: float = 1.0 / 3.0   # weight of advice F1
    match: str = "exact"               # item matching: exact | fuzzy
    format_gate: bool = True           # reward 0 when 诊断 / 建议 cannot be parsed from the completion
    binarize_threshold: float | None = None  # if set: reward = 1 if score >= threshold else 0
    consistency_penalty: float = 0.0   # subtracted once per clinical-consistency flag (rjua.consistency); 0 = off
    binary: bool = False               # the paper's reward: 1 if the score reaches binarize_threshold (default 1.0,
                                       # i.e. all correct) else 0, and no format reward / gate (format_gate ignored)
    metric: str | None = None          # a registered rjua.metrics metric (e.g. "rouge_l") scored instead of the
                                       # weighted disease/advice F1 (gold answer text comes from an `answer` column)


@dataclass
class SFTConfig:
    """Supervised fine-tuning with TRL's SFTTrainer on the internal training part."""

    model: str = "Qwen/Qwen2.5-0.5B-Instruct"  # hub id, local path, or tiny-dense / tiny-moe (random, for CI)
    output_dir: str = "runs/sft"        # checkpoints go to output_dir/checkpoint-N
    data: DataConfig = field(default_factory=DataConfig)
    max_steps: int = 200                # optimizer steps
    learning_rate: float | None = None  # None: 2e-4 with lora, 1e-5 for full fine-tuning
    per_device_train_batch_size: int = 4
    gradient_accumulation_steps: int = 4
    max_length: int = 2048              # tokens per example (prompt + answer), longer ones are truncated
    save_steps: int = 50                # checkpoint every N steps (entropy-based selection reads them)
    save_total_limit: int | None = None  # keep every checkpoint by default (selection needs them)
    logging_steps: int = 10
    lora: bool = False                  # train LoRA adapters (peft) instead of all weights
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    bf16: bool | None = None            # None: bf16 when a GPU supports it
    seed: int = 42
    trust_remote_code: bool = False     # allow the model's own code (remote-code architectures); off by default
    resume: bool = True                 # resume from the last checkpoint in output_dir when there is one
    dtype: str = "auto"                 # weights: auto (bf16 on GPU / on CPUs where bf16 is fast, else float32)
                                        # | float32 | bfloat16 | float16
    trim_context: bool = True           # cut the evidence so prompt + answer fit max_length (else TRL drops/truncates)


@dataclass
class RLConfig:
    """C3PO (or GRPO baseline) reinforcement learning with verifiable rewards, on TRL's GRPOTrainer."""

    model: str = "runs/sft/selected"    # usually the checkpoint chosen by select-checkpoint
    output_dir: str = "runs/rl"
    data: DataConfig = field(default_factory=DataConfig)
    reward: RewardConfig = field(default_factory=RewardConfig)
    mode: str = "c3po"                  # a registered mode (rjua.train.variants.MODES): c3po (token budget, constant
                                        # normaliser) | grpo (per-sequence normalisation)
    token_budget: int | None = None     # Φ: completion tokens entering the loss per optimizer step (c3po); null:
                                        # median reference-answer tokens x completions per step (from the data)
    budget_scope: str = "step"          # step: Φ filled greedily over the step's whole batch (paper) | micro: Φ split
                                        # evenly over gradient-accumulation micro-batches
    selection_order: str = "balanced"   # order responses are taken until Φ, registered in
                                        # rjua.train.variants.ORDERS: random | balanced (round-robin over prompts)
                                        # | generation | shortest | longest
    pack: bool = True                   # c3po: one packed row of the selected tokens, each prompt once (same
                                        # log-probs)
    filter_groups: bool = False         # c3po: fill Φ from informative groups only (K rewards not all equal: a
                                        # zero-spread group has zero advantage); the share is logged either way
    prompt_ids_file: str | None = None  # JSON list (or {"keep_ids": [...]}) of training ids to use, e.g. the
                                        # solve-rate filter's output (rjua.train.probe); null: every training record
    data_order: str = ""                # a tag mixed into the prompt shuffle (with seed): stages get their own order
    num_generations: int = 8            # K samples per prompt (advantages normalised within the group)
    per_device_train_batch_size: int = 8  # completions per micro-batch (a multiple of num_generations' divisor)
    gradient_accumulation_steps: int = 1
    max_completion_length: int = 512
    load_balance_coef: float = 1e-5     # MoE load-balance loss (Ring-lite); ignored for dense models
    router_z_coef: float = 1e-7         # MoE router z-loss (Ring-lite); ignored for dense models
    trust_remote_code: bool = False     # allow the model's own code from its folder / hub repo (e.g. Ring-lite's
                                        # BailingMoe); off by default: it runs arbitrary Python
    bf16: bool | None = None
    seed: int = 42
    dtype: str = "auto"                 # weights: auto | float32 | bfloat16 | float16 (see SFTConfig.dtype)
    lora: bool = False                  # train LoRA adapters on the (merged) start model; saved merged at the end
    lora_r: int = 16
    lora_alpha: int = 32
    trl_args: dict[str, Any] = field(default_factory=dict)  # any other GRPOConfig setting, passed through as is
                                        # (learning_rate, beta, epsilon, temperature, entropy_coef, max_steps,
                                        # save_steps, logging_steps, use_vllm, repetition_penalty (rollouts: > 1
                                        # discourages loops), ...); merged over TRL_DEFAULTS;
                                        # checked against TRL's GRPOConfig when the trainer is built

    def __post_init__(self):
        self.trl_args = {**TRL_DEFAULTS, **(self.trl_args or {})}

    def __getattr__(self, name: str):  # cfg.learning_rate etc. read trl_args (the keys once mirrored here)
        args = self.__dict__.get("trl_args") or {}
        if name in TOP_LEVEL_TRL_KEYS and name in args:
            return args[name]
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")


# rjua's recipe defaults where they differ from TRL's GRPOConfig (TRL's own defaults apply to everything else)
TRL_DEFAULTS: dict[str, Any] = {"learning_rate": 1e-6, "beta": 1e-3, "max_steps": 100, "save_steps": 50,
                                "logging_steps": 1}
# GRPOConfig keys that RLConfig had as its own fields: still accepted at the top level (YAML and key=value
# overrides) and moved into trl_args, so `max_steps=1` and older YAML files keep working
TOP_LEVEL_TRL_KEYS = ("temperature", "learning_rate", "epsilon", "beta", "entropy_coef", "max_steps", "save_steps",
                      "logging_steps", "use_vllm", "repetition_penalty")


@dataclass
class SelectConfig:
    """Entropy-based checkpoint selection (Ring-lite): pick the SFT checkpoint whose samples' entropy is in band."""

    checkpoints_dir: str = "runs/sft"   # folder holding checkpoint-N sub-folders
    data: DataConfig = field(default_factory=DataConfig)
    band_mode: str = "relative"         # relative: band = relative_low/high x the reference model's entropy
                                        # | absolute: band_low/high in nats (Ring-lite's 0.3-0.5, for long CoT)
    relative_low: float = 0.5           # a checkpoint qualifies when relative_low <= H / H_ref <= relative_high
    relative_high: float = 0.9
    reference: str | None = None        # the reference model (null: base_model recorded in the checkpoints)
    band_low: float = 0.3               # absolute band of mean token entropy (nats) of the checkpoint's own samples
    band_high: float = 0.5
    if_none: str = "last"               # no checkpoint in band: last (use the last one, reported as not qualified)
                                        # | error
    n_prompts: int = 32                 # held-out prompts sampled per checkpoint (one full response each)
    max_new_tokens: int = 256           # a full response: generation stops at EOS or here
    temperature: float = 1.0            # sampling temperature: the RL temperature (train run sets it from stage 1)
    link: str | None = "selected"       # write/refresh output: checkpoints_dir/<link> -> chosen checkpoint
    seed: int = 0
    inherit_data: bool = True           # use the data settings the SFT run recorded (rjua_checkpoint.json) if any
    dtype: str = "auto"


@dataclass
class StagesConfig:
    """Two-stage RL like Ring-lite's math -> code: stage 1 rewards diagnosis, stage 2 adds advice."""

    stage1: RLConfig = field(default_factory=lambda: RLConfig(
        output_dir="runs/stage1", reward=RewardConfig(disease_weight=1.0, advice_weight=0.0)))
    stage2: RLConfig = field(default_factory=lambda: RLConfig(output_dir="runs/stage2", max_completion_length=1024))
    # stage2.model is replaced by stage 1's final checkpoint; stage2.data (e.g. another data_dir / split / context)
    # and stage2.max_completion_length are its own, so stage 2 can use different data and longer answers


def _short(value: Any, limit: int = 60) -> str:
    r = repr(value)
    return r if len(r) <= limit else r[:limit] + f"… ({len(r)} chars)"


_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no")


def _to_bool(value: Any):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in _TRUE + _FALSE:
        return value.lower() in _TRUE
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise ValueError


def _to_int(value: Any):  # not bool, not 2.5, not "3"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError
    if isinstance(value, float) and not value.is_integer():
        raise ValueError
    return int(value)


def _to_float(value: Any):  # YAML 1.1 reads 1e-5 as a string: accept numeric strings, refuse nan / inf
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError
    out = float(value)
    if not math.isfinite(out):
        raise ValueError
    return out


def _to_str(value: Any):  # a scalar; mappings / lists (model: {a: 1}) are refused
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError
    return str(value)


# scalar type -> its reader (raises ValueError on a value of the wrong kind)
SCALARS = {bool: _to_bool, int: _to_int, float: _to_float, str: _to_str}


def _coerce(value: Any, tp, where: str):
    args = typing.get_args(tp)
    if value is None:
        if type(None) in args:
            return None
        raise RJUAError(f"{where}: null is not allowed")
    origin = typing.get_origin(tp)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        tp = next((a for a in args if a is not type(None)), tp)
    if (origin is dict or dataclasses.is_dataclass(tp)) and not isinstance(value, dict):
        raise RJUAError(f"{where}: expected a mapping, got {_short(value)}")
    if dataclasses.is_dataclass(tp):
        return build(tp, value, where)
    read = SCALARS.get(tp)
    if read is None:
        return value
    try:
        return read(value)
    except ValueError:
        raise RJUAError(f"{where}: expected {getattr(tp, '__name__', tp)}, got {_short(value)}") from None


def _lift_trl_keys(values: dict, where: str) -> dict:
    """An RLConfig mapping with the GRPOConfig keys written at its top level moved into ``trl_args``."""
    moved = {k: values[k] for k in TOP_LEVEL_TRL_KEYS if k in values}
    if not moved:
        return values
    given = values.get("trl_args") or {}
    if not isinstance(given, dict):
        raise RJUAError(f"{where}.trl_args: expected a mapping, got {_short(given)}")
    both = sorted(set(moved) & set(given))
    if both:
        raise RJUAError(f"{where}: {both[0]} is given twice (at the top level and in trl_args)")
    return {**{k: v for k, v in values.items() if k not in moved}, "trl_args": {**given, **moved}}


def _section(cls, key: str):
    """The dataclass type of field ``key`` of ``cls`` (None when it is not a section)."""
    tp = typing.get_type_hints(cls).get(key) if dataclasses.is_dataclass(cls) else None
    return tp if dataclasses.is_dataclass(tp) else None


def _lift_all(cls, values, where: str):
    """:func:`_lift_trl_keys` in every RLConfig section of a YAML mapping (e.g. stage1, stage2)."""
    if not isinstance(values, dict):
        return values
    out = {k: _lift_all(_section(cls, k), v, f"{where}.{k}") if _section(cls, k) else v for k, v in values.items()}
    return _lift_trl_keys(out, where) if cls is not None and "trl_args" in typing.get_type_hints(cls) else out


def _override_key(cls, dotted: str) -> str:
    """``max_steps`` -> ``trl_args.max_steps`` (and ``stage2.max_steps`` -> ``stage2.trl_args.max_steps``)."""
    *parents, last = dotted.split(".")
    for p in parents:
        cls = _section(cls, p)
    if cls is not None and last in TOP_LEVEL_TRL_KEYS and "trl_args" in typing.get_type_hints(cls):
        return ".".join([*parents, "trl_args", last])
    return dotted


def build(cls, values: dict, where: str = "config"):
    """Instantiate dataclass ``cls`` from a mapping; unknown keys and wrong types are errors."""
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    if "trl_args" in names:
        values = _lift_trl_keys(values, where)
    unknown = sorted(set(values) - names)
    if unknown:
        more = f" (+{len(unknown) - 5} more)" if len(unknown) > 5 else ""
        shown = ", ".join(_short(k, 40) for k in unknown[:5]) + more
        raise RJUAError(f"{where}: unknown key(s) {shown} (allowed: {', '.join(sorted(names))})")
    kw = {k: _coerce(v, hints[k], f"{where}.{k}") for k, v in values.items()}
    return cls(**kw)


def resolve_config_path(name: str) -> Path:
    p = Path(name)
    if p.is_file():
        return p
    named = CONFIG_DIR / (name if name.endswith(".yaml") else f"{name}.yaml")
    if named.is_file():
        return named
    have = ", ".join(sorted(x.stem for x in CONFIG_DIR.glob("*.yaml")))
    raise RJUAError(f"{name}: no such config file or named config (named: {have})")


def _set_path(d: dict, dotted: str, raw: str) -> None:
    keys = dotted.split(".")
    for k in keys[:-1]:
        d = d.setdefault(k, {})
        if not isinstance(d, dict):
            raise RJUAError(f"override {dotted}: {k} is not a section")
    d[keys[-1]] = load_yaml(raw, f"override {dotted}") if raw != "" else ""


PATH_FIELDS = ("model", "output_dir", "data_dir", "checkpoints_dir")  # "~" expanded in these


def expand_paths(cfg) -> None:
    """Expand ``~`` in every path field of ``cfg`` and its sections, in place.

    >>> c = SFTConfig(model="~/m", output_dir="~/out")
    >>> expand_paths(c); c.model == os.path.expanduser("~/m"), c.output_dir.startswith("~")
    (True, False)
    """
    for f in dataclasses.fields(cfg):
        v = getattr(cfg, f.name)
        if dataclasses.is_dataclass(v):
            expand_paths(v)
        elif f.name in PATH_FIELDS and isinstance(v, str) and v.startswith("~"):
            setattr(cfg, f.name, os.path.expanduser(v))


def load_config(cls, name: str | None, overrides: Sequence[str] = ()):
    """Load a named config or YAML file into ``cls`` and apply ``key=value`` overrides (dots for sections)."""
    values: dict = {}
    where = "config"
    if name:
        path = resolve_config_path(name)
        where = str(path)
        values = load_yaml_file(path) or {}  # safe_load with alias / size / depth limits
        if not isinstance(values, dict):
            raise RJUAError(f"{path}: expected a mapping at the top level")
        values = _lift_all(cls, values, where)
    for ov in overrides:
        if "=" not in ov:
            raise RJUAError(f"override {ov!r}: expected key=value")
        k, v = ov.split("=", 1)
        _set_path(values, _override_key(cls, k.strip()), v)
    cfg = build(cls, values, where)
    validate(cfg, where)
    expand_paths(cfg)
    return cfg


# range rules by field name, for every recipe dataclass (and fields added later with these names)
POSITIVE = {"max_steps", "per_device_train_batch_size", "gradient_accumulation_steps", "max_length", "save_steps",
            "logging_steps", "lora_r", "lora_alpha", "num_generations", "max_completion_length", "token_budget",
            "n_prompts", "max_new_tokens", "context_tokens", "max_records", "save_total_limit",
            "learning_rate", "temperature", "repetition_penalty"}
NON_NEGATIVE = {"seed", "beta", "entropy_coef", "load_balance_coef", "router_z_coef", "disease_weight",
                "advice_weight", "band_low"}
UNIT = {"lora_dropout"}  # [0, 1)


def check_ranges(cfg, where: str = "config", prefix: str = "") -> None:
    """Numeric fields by name: positive counts and rates, non-negative seeds and weights.

    >>> check_ranges(SFTConfig(max_steps=-1), "x.yaml")
    Traceback (most recent call last):
    rjua.errors.RJUAError: x.yaml: max_steps must be > 0, got -1
    """
    items = [(f.name, getattr(cfg, f.name)) for f in dataclasses.fields(cfg)]
    items += list((getattr(cfg, "trl_args", None) or {}).items())  # passed to TRL; same rules by name
    for name, v in items:
        key = prefix + name
        if dataclasses.is_dataclass(v):
            check_ranges(v, where, key + ".")
            continue
        if isinstance(v, str):  # trl_args are typed by TRL later; YAML 1.1 reads 1e-5 as a string
            try:
                v = float(v)
            except ValueError:
                continue
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            if name in POSITIVE and not v > 0:
                raise RJUAError(f"{where}: {key} must be > 0, got {v}")
            if name in NON_NEGATIVE and not v >= 0:
                raise RJUAError(f"{where}: {key} must be >= 0, got {v}")
            if name in UNIT and not 0 <= v < 1:
                raise RJUAError(f"{where}: {key} must be in [0, 1), got {v}")


def validate(cfg, where: str = "config") -> None:
    """Range checks with clear messages."""
    def need(ok, msg):
        if not ok:
            raise RJUAError(f"{where}: {msg}")
    check_ranges(cfg, where)
    data = getattr(cfg, "data", None)
    if data is not None:
        need(0 < data.train_fraction < 1, f"data.train_fraction must be in (0, 1), got {data.train_fraction}")
        need(data.context in ("gold", "none"), f"data.context must be gold or none, got {data.context!r}")
    if isinstance(cfg, RLConfig):
        need(cfg.mode in MODES, f"mode must be {' or '.join(MODES)}, got {cfg.mode!r}")
        need(cfg.token_budget is None or cfg.token_budget > 0,
             "token_budget must be positive (or null: from the data)")
        need(cfg.budget_scope in ("step", "micro"), f"budget_scope must be step or micro, got {cfg.budget_scope!r}")
        need(cfg.selection_order in ORDERS,
             f"selection_order must be one of {', '.join(ORDERS)}, got {cfg.selection_order!r}")
        need(cfg.token_budget is None or cfg.budget_scope == "step"
             or cfg.token_budget % cfg.gradient_accumulation_steps == 0,
             "token_budget must be divisible by gradient_accumulation_steps (budget_scope=micro splits Φ evenly)")
        need(cfg.num_generations >= 2, "num_generations must be >= 2 (group-normalised advantages)")
        eps = cfg.trl_args.get("epsilon", 0.2)
        need(not isinstance(eps, (int, float)) or 0 < eps < 1, "epsilon must be in (0, 1)")
        clash = sorted(set(cfg.trl_args) & ({f.name for f in dataclasses.fields(cfg)} | {"output_dir", "loss_type"}))
        need(not clash, f"trl_args.{clash[0] if clash else ''}: set by rjua (use the top-level key, or mode for "
                        "loss_type)")
        need(cfg.reward.match in ("exact", "fuzzy"), "reward.match must be exact or fuzzy")
    reward = getattr(cfg, "reward", None)
    if reward is not None:
        need(reward.disease_weight + reward.advice_weight > 0, "reward: disease_weight + advice_weight must be > 0")
        if reward.metric is not None:
            need(reward.metric in METRICS, f"reward.metric must be a registered metric ({', '.join(METRICS)}), "
                                           f"got {reward.metric!r}")
    if hasattr(cfg, "dtype"):
        need(cfg.dtype in ("auto", "float32", "bfloat16", "float16"),
             f"dtype must be auto, float32, bfloat16 or float16, got {cfg.dtype!r}")
    if isinstance(cfg, SelectConfig):
        need(0 <= cfg.band_low < cfg.band_high, "band_low must be < band_high")
        need(cfg.band_mode in ("relative", "absolute"),
             f"band_mode must be relative or absolute, got {cfg.band_mode!r}")
        need(0 <= cfg.relative_low < cfg.relative_high, "relative_low must be < relative_high")
        need(cfg.if_none in ("last", "error"), f"if_none must be last or error, got {cfg.if_none!r}")
    if isinstance(cfg, StagesConfig):
        validate(cfg.stage1, where + ".stage1")
        validate(cfg.stage2, where + ".stage2")
