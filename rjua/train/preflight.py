"""Checks every recipe runs before it creates anything: the data, the start model and the output folder.

A recipe that fails on its data after building a model and creating its run folder wastes minutes and leaves a
folder that later refuses the corrected command; so the data directory, the split (read and validated), the model
(a hub id, ``tiny-dense`` / ``tiny-moe``, or a folder that holds a model) and the output folder (not a file, not
inside the data directory, :func:`rjua.outputs.check_output`) are checked first, each with a one-line error.
``~`` in paths is expanded (:func:`rjua.train.config.expand_paths`).

>>> from rjua.train.config import SFTConfig
>>> preflight(SFTConfig(model="tiny-dense", output_dir="/tmp/x", data=DataConfig(data_dir="/nonexistent")))
Traceback (most recent call last):
rjua.errors.RJUAError: config: data.data_dir: /nonexistent: data directory not found
>>> check_model("Qwen/Qwen2.5-0.5B-Instruct"), check_model("tiny-moe")
('Qwen/Qwen2.5-0.5B-Instruct', 'tiny-moe')
"""
from __future__ import annotations

import os
from pathlib import Path

from ..data import data_file, read_records, resolve_data_dir
from ..errors import RJUAError
from ..outputs import check_output
from .config import DataConfig, RLConfig, SelectConfig, SFTConfig, StagesConfig, expand_paths
from .models import TINY

__all__ = ["check_data", "check_model", "check_output_dir", "preflight"]

MODEL_FILES = ("config.json", "adapter_config.json")


def _looks_like_path(name: str) -> bool:
    return os.path.isabs(name) or name.startswith((".", "~")) or name.count("/") >= 2 or os.path.exists(name)


def check_model(name: str, where: str = "model") -> str:
    """``name`` when it can be a model: a tiny model, a hub id, or a folder with ``config.json`` (or adapters)."""
    if name in TINY or not _looks_like_path(name):
        return name
    p = Path(name).expanduser()
    if not p.exists():
        raise RJUAError(f"{where}: {name} does not exist (give a model folder, a hub id such as "
                        "Qwen/Qwen2.5-0.5B-Instruct, or tiny-dense / tiny-moe)")
    if not p.is_dir() or not any((p / f).is_file() for f in MODEL_FILES):
        raise RJUAError(f"{where}: {name} is not a model folder (no {' or '.join(MODEL_FILES)} in it)")
    return name


def check_data(data: DataConfig, where: str = "data") -> None:
    """The data directory exists, holds ``data.split`` and that split reads without a problem."""

    try:
        resolve_data_dir(data.data_dir)
        read_records(data_file(data.split, data.data_dir))
    except RJUAError as e:
        raise RJUAError(f"{where}.data_dir: {e}") from None


def check_output_dir(path: str, data: DataConfig | None, where: str = "output_dir") -> None:
    """Not an existing file, not inside (or one of the files of) the data directory."""

    p = Path(path)
    if p.exists() and not p.is_dir():
        raise RJUAError(f"{where}: {path} is a file, not a folder")
    check_output(p, data_dir=data.data_dir if data is not None else None, what=where)


def _parts(cfg) -> tuple[list[tuple[str, str]], list[tuple[str, str, DataConfig | None]], list[tuple[str, object]]]:
    """(models, output folders, data sections) to check, by recipe type (``RunConfig`` by its fields)."""
    if isinstance(cfg, StagesConfig):
        return ([("stage1.model", cfg.stage1.model)],
                [("stage1.output_dir", cfg.stage1.output_dir, cfg.stage1.data),
                 ("stage2.output_dir", cfg.stage2.output_dir, cfg.stage2.data)],
                [("stage1.data", cfg.stage1.data), ("stage2.data", cfg.stage2.data)])
    if isinstance(cfg, SelectConfig):
        return [], [], [("data", cfg.data)]
    if isinstance(cfg, (SFTConfig, RLConfig)) or hasattr(cfg, "model"):
        return [("model", cfg.model)], [("output_dir", cfg.output_dir, cfg.data)], [("data", cfg.data)]
    return [], [], []


def preflight(cfg, where: str = "config") -> None:
    """Every check above for one recipe configuration; raises the first problem as one line."""
    expand_paths(cfg)
    models, outs, datas = _parts(cfg)
    for key, data in datas:
        check_data(data, f"{where}: {key}")
    for key, name in models:
        check_model(name, f"{where}: {key}")
    for key, path, data in outs:
        check_output_dir(path, data, f"{where}: {key}")
    if isinstance(cfg, SelectConfig):
        d = Path(cfg.checkpoints_dir)
        if not d.is_dir():
            raise RJUAError(f"{where}: checkpoints_dir: {cfg.checkpoints_dir} is not a folder of checkpoints")
