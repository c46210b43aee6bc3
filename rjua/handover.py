"""Checkpoint handover: one convention for every checkpoint kind (full weights or LoRA adapters).

Every checkpoint a recipe writes (``checkpoint-N`` and ``final``) holds its tokenizer and a small
``rjua_checkpoint.json``::

    {"kind": "full" | "lora", "base_model": "<absolute path or hub id>", "recipe": "sft", "data": {...}}

* ``kind: full`` — the folder is a complete transformers model; load it as it is.
* ``kind: lora`` — the folder holds peft adapters only; the base model is ``base_model``.
  :func:`loadable_model` merges the adapters into the base **once** into ``<checkpoint>/merged``
  (a complete model with the tokenizer and a ``kind: full`` record) and returns that folder,
  so RL, checkpoint selection and ``rjua predict --backend hf --model <checkpoint>`` all take
  either kind of checkpoint by its folder.

A folder without the record is handled too: ``adapter_config.json`` marks adapters (base from its
``base_model_name_or_path``), anything else is a full model or a hub id.

>>> import tempfile
>>> d = Path(tempfile.mkdtemp())
>>> _ = write_checkpoint_info(d, "lora", "Qwen/Qwen2.5-0.5B-Instruct", recipe="sft")
>>> checkpoint_info(d)["kind"], is_adapter(d)
('lora', True)
>>> loadable_model("Qwen/Qwen2.5-0.5B-Instruct")  # hub ids and full folders pass through
'Qwen/Qwen2.5-0.5B-Instruct'
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .errors import RJUAError
from .jsonio import atomic_write_text, read_json_file

__all__ = ["INFO_FILE", "checkpoint_info", "is_adapter", "load_causal_lm", "loadable_model", "write_checkpoint_info"]

INFO_FILE = "rjua_checkpoint.json"


def _abs_if_local(name: str) -> str:
    p = Path(name)
    return str(p.resolve()) if p.exists() else name


def write_checkpoint_info(folder: str | os.PathLike, kind: str, base_model: str, **extra: Any) -> Path:
    """Write ``rjua_checkpoint.json`` into ``folder`` (local base paths are made absolute)."""
    if kind not in ("full", "lora"):
        raise ValueError(f"kind must be full or lora, got {kind!r}")
    path = Path(folder) / INFO_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps({"kind": kind, "base_model": _abs_if_local(str(base_model)), **extra},
                                       ensure_ascii=False, indent=2))
    return path


def checkpoint_info(folder: str | os.PathLike) -> dict[str, Any]:
    """The checkpoint's record; inferred (``kind`` and ``base_model``) when the file is missing."""
    d = Path(folder)
    f = d / INFO_FILE
    if f.is_file():
        info = read_json_file(f)  # one-line errors naming the file (size, depth, encoding, syntax)
        if not isinstance(info, dict) or info.get("kind") not in ("full", "lora"):
            raise RJUAError(f"{f}: field kind must be full or lora")
        return info
    ad = d / "adapter_config.json"
    if ad.is_file():
        cfg = read_json_file(ad)
        if not isinstance(cfg, dict):
            raise RJUAError(f"{ad}: not a JSON object")
        return {"kind": "lora", "base_model": cfg.get("base_model_name_or_path")}
    return {"kind": "full", "base_model": None}


def is_adapter(folder: str | os.PathLike) -> bool:
    """True when ``folder`` holds LoRA adapters rather than a complete model."""
    return Path(folder).is_dir() and checkpoint_info(folder)["kind"] == "lora"


def loadable_model(name: str | os.PathLike, dtype=None) -> str:
    """A path or hub id that ``AutoModelForCausalLM.from_pretrained`` loads: adapters are merged once."""
    name = str(name)
    if not is_adapter(name):
        return name
    d = Path(name).resolve()  # a `selected` symlink resolves to its checkpoint, so the merge is shared
    merged = d / "merged"
    if (merged / "config.json").is_file():
        return str(merged)
    info = checkpoint_info(d)
    base = info.get("base_model")
    if not base:
        raise RJUAError(f"{d}: LoRA adapters without a base model (field base_model of {INFO_FILE})")
    if not Path(base).exists() and ("/" not in base or base.startswith((".", "/"))):
        raise RJUAError(f"{d}/{INFO_FILE}: base_model {base!r} does not exist")
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(base, dtype=dtype or torch.float32)
    model = PeftModel.from_pretrained(model, str(d)).merge_and_unload()
    tmp = d / "merged.tmp"
    model.save_pretrained(tmp)
    tok_src = d if (d / "tokenizer_config.json").is_file() else base
    AutoTokenizer.from_pretrained(tok_src).save_pretrained(tmp)
    write_checkpoint_info(tmp, "full", base, merged_from=str(d), **{k: v for k, v in info.items()
                                                                    if k not in ("kind", "base_model")})
    os.replace(tmp, merged)
    return str(merged)


def load_causal_lm(name: str | os.PathLike, dtype=None, **kw):
    """``(model, tokenizer)`` for any checkpoint kind (see module docstring)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = loadable_model(name, dtype)
    tok = AutoTokenizer.from_pretrained(path, **kw)
    model = AutoModelForCausalLM.from_pretrained(path, **({"dtype": dtype} if dtype is not None else {}), **kw)
    return model, tok
