"""Recipe configurations: one documented dataclass per recipe, named YAML files, ``key=value`` overrides.

>>> cfg = load_config(SFTConfig, "sft_tiny", ["max_steps=2"])
>>> cfg.max_steps, cfg.model
(2, 'tiny-dense')
"""
from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from ..errors import RJUAError

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
    resume: bool = True                 # resume from the last checkpoint in output_dir when there is one
    dtype: str = "auto"                 # weights: auto (bf16 on GPU / on CPUs where bf16 is fast, else float32) | float32 | bfloat16
    trim_context: bool = True           # cut the evidence so prompt + answer fit max_length (else TRL drops/truncates)


@dataclass
class RLConfig:
    """C3PO (or GRPO baseline) reinforcement learning with verifiable rewards, on TRL's GRPOTrainer."""

    model: str = "runs/sft/selected"    # usually the checkpoint chosen by select-checkpoint
    output_dir: str = "runs/rl"
    data: DataConfig = field(default_factory=DataConfig)
    reward: RewardConfig = field(default_factory=RewardConfig)
    mode: str = "c3po"                  # c3po (token budget, constant normaliser) | grpo (per-sequence normalisation)
    token_budget: int = 4096            # Φ: completion tokens entering the loss per optimizer step (c3po)
    selection_order: str = "balanced"   # order responses are taken until Φ: random | balanced (round-robin over
                                        # prompts) | generation | shortest | longest
    pack: bool = True                   # c3po: one packed row of the selected tokens, each prompt once (same log-probs)
    num_generations: int = 8            # K samples per prompt (advantages normalised within the group)
    per_device_train_batch_size: int = 8  # completions per micro-batch (a multiple of num_generations' divisor)
    gradient_accumulation_steps: int = 1
    max_completion_length: int = 512
    temperature: float = 1.0
    learning_rate: float = 1e-6
    epsilon: float = 0.2                # PPO clip range ε
    beta: float = 1e-3                  # KL coefficient (k3 estimator against the initial policy)
    entropy_coef: float = 0.0           # optional entropy bonus
    load_balance_coef: float = 1e-5     # MoE load-balance loss (Ring-lite); ignored for dense models
    router_z_coef: float = 1e-7         # MoE router z-loss (Ring-lite); ignored for dense models
    max_steps: int = 100
    save_steps: int = 50
    logging_steps: int = 1
    use_vllm: bool = False              # TRL's vLLM rollouts (GPU)
    bf16: bool | None = None
    seed: int = 42
    dtype: str = "auto"                 # weights: auto | float32 | bfloat16 (see SFTConfig.dtype)
    lora: bool = False                  # train LoRA adapters on the (merged) start model; saved merged at the end
    lora_r: int = 16
    lora_alpha: int = 32
    repetition_penalty: float = 1.0     # rollouts: > 1 discourages loops


@dataclass
class SelectConfig:
    """Entropy-based checkpoint selection (Ring-lite): pick the SFT checkpoint whose samples' entropy is in band."""

    checkpoints_dir: str = "runs/sft"   # folder holding checkpoint-N sub-folders
    data: DataConfig = field(default_factory=DataConfig)
    band_low: float = 0.3               # target band of mean token entropy (nats) of the checkpoint's own samples
    band_high: float = 0.5
    n_prompts: int = 16                 # held-out prompts sampled per checkpoint
    max_new_tokens: int = 256
    temperature: float = 1.0            # sampling temperature for the entropy samples
    link: str | None = "selected"       # write/refresh output: checkpoints_dir/<link> -> chosen checkpoint
    seed: int = 0
    inherit_data: bool = True           # use the data settings the SFT run recorded (rjua_checkpoint.json) if any
    dtype: str = "auto"


@dataclass
class StagesConfig:
    """Two-stage RL like Ring-lite's math -> code: stage 1 rewards diagnosis, stage 2 adds advice."""

    stage1: RLConfig = field(default_factory=lambda: RLConfig(
        output_dir="runs/stage1", reward=RewardConfig(disease_weight=1.0, advice_weight=0.0)))
    stage2: RLConfig = field(default_factory=lambda: RLConfig(output_dir="runs/stage2"))
    # stage2.model is replaced by stage 1's final checkpoint


def _coerce(value: Any, tp, where: str):
    origin = typing.get_origin(tp)
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    if value is None:
        if type(None) in typing.get_args(tp):
            return None
        raise RJUAError(f"{where}: null is not allowed")
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)) and args:
        tp = args[0]
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise RJUAError(f"{where}: expected a mapping")
        return build(tp, value, where)
    try:
        if tp is bool:
            if isinstance(value, str):
                if value.lower() in ("true", "1", "yes"):
                    return True
                if value.lower() in ("false", "0", "no"):
                    return False
                raise ValueError
            return bool(value)
        if tp in (int, float, str):
            if tp is int and isinstance(value, float) and not value.is_integer():
                raise ValueError
            return tp(value)
    except (TypeError, ValueError):
        raise RJUAError(f"{where}: expected {tp.__name__}, got {value!r}") from None
    return value


def build(cls, values: dict, where: str = "config"):
    """Instantiate dataclass ``cls`` from a mapping; unknown keys and wrong types are errors."""
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - names)
    if unknown:
        raise RJUAError(f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(names))})")
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
    import yaml

    keys = dotted.split(".")
    for k in keys[:-1]:
        d = d.setdefault(k, {})
        if not isinstance(d, dict):
            raise RJUAError(f"override {dotted}: {k} is not a section")
    d[keys[-1]] = yaml.safe_load(raw) if raw != "" else ""


def load_config(cls, name: str | None, overrides: Sequence[str] = ()):
    """Load a named config or YAML file into ``cls`` and apply ``key=value`` overrides (dots for sections)."""
    import yaml

    values: dict = {}
    where = "config"
    if name:
        path = resolve_config_path(name)
        where = str(path)
        try:
            values = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            line = f":{mark.line + 1}" if mark else ""
            raise RJUAError(f"{path}{line}: invalid YAML: {getattr(e, 'problem', e)}") from None
        if not isinstance(values, dict):
            raise RJUAError(f"{path}: expected a mapping at the top level")
    for ov in overrides:
        if "=" not in ov:
            raise RJUAError(f"override {ov!r}: expected key=value")
        k, v = ov.split("=", 1)
        _set_path(values, k.strip(), v)
    cfg = build(cls, values, where)
    validate(cfg, where)
    return cfg


def validate(cfg, where: str = "config") -> None:
    """Range checks with clear messages."""
    def need(ok, msg):
        if not ok:
            raise RJUAError(f"{where}: {msg}")
    data = getattr(cfg, "data", None)
    if data is not None:
        need(0 < data.train_fraction < 1, f"data.train_fraction must be in (0, 1), got {data.train_fraction}")
        need(data.context in ("gold", "none"), f"data.context must be gold or none, got {data.context!r}")
    if isinstance(cfg, RLConfig):
        need(cfg.mode in ("c3po", "grpo"), f"mode must be c3po or grpo, got {cfg.mode!r}")
        need(cfg.token_budget > 0, "token_budget must be positive")
        orders = ("random", "balanced", "generation", "shortest", "longest")
        need(cfg.selection_order in orders,
             f"selection_order must be one of {', '.join(orders)}, got {cfg.selection_order!r}")
        need(cfg.token_budget % cfg.gradient_accumulation_steps == 0,
             "token_budget must be divisible by gradient_accumulation_steps (Φ is split evenly over micro-batches)")
        need(cfg.num_generations >= 2, "num_generations must be >= 2 (group-normalised advantages)")
        need(0 < cfg.epsilon < 1, "epsilon must be in (0, 1)")
        need(cfg.reward.match in ("exact", "fuzzy"), "reward.match must be exact or fuzzy")
    if hasattr(cfg, "dtype"):
        need(cfg.dtype in ("auto", "float32", "bfloat16", "float16"),
             f"dtype must be auto, float32, bfloat16 or float16, got {cfg.dtype!r}")
    if isinstance(cfg, SelectConfig):
        need(0 <= cfg.band_low < cfg.band_high, "band_low must be < band_high")
    if isinstance(cfg, StagesConfig):
        validate(cfg.stage1, where + ".stage1")
        validate(cfg.stage2, where + ".stage2")
