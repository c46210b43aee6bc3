"""The one checkpoint lister: ``checkpoint-N`` folders of a training output directory, by step.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> for n in ("checkpoint-10", "checkpoint-2", "checkpoint-x", "final"):
...     (d / n).mkdir()
>>> [p.name for p in list_checkpoints(d)]
['checkpoint-2', 'checkpoint-10']
>>> last_checkpoint(d) == str(d / "checkpoint-10"), last_checkpoint(d / "missing")
(True, None)
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["checkpoint_step", "last_checkpoint", "list_checkpoints"]


def checkpoint_step(path: str | Path) -> int | None:
    """N of ``.../checkpoint-N`` (None for any other name).

    >>> checkpoint_step("runs/sft/checkpoint-50"), checkpoint_step("runs/sft/final")
    (50, None)
    """
    name = Path(path).name
    head, _, step = name.rpartition("-")
    return int(step) if head == "checkpoint" and step.isdigit() else None


def list_checkpoints(output_dir: str | Path) -> list[Path]:
    """The ``checkpoint-N`` entries of ``output_dir`` in step order (empty when the folder does not exist)."""
    d = Path(output_dir)
    if not d.is_dir():
        return []
    return sorted((p for p in d.glob("checkpoint-*") if checkpoint_step(p) is not None), key=checkpoint_step)


def last_checkpoint(output_dir: str | Path) -> str | None:
    """The latest ``checkpoint-N`` of ``output_dir`` (what a resumed run continues from), or None."""
    cps = list_checkpoints(output_dir)
    return str(cps[-1]) if cps else None
