"""Progress of long retrieval steps on stderr: one line per phase, and a tqdm bar on a terminal.

Phases are lines such as ``encoding 309 passages with m3e-small…`` or ``loading index idx…``;
steps over many items also get a bar when stderr is a terminal. ``RJUA_PROGRESS=0`` silences both.

>>> list(bar([1, 2], desc="x"))  # no terminal under doctest: the items, unchanged
[1, 2]
"""
from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TypeVar

__all__ = ["MIN_ITEMS", "bar", "enabled", "phase", "show_bar"]

T = TypeVar("T")
MIN_ITEMS = 64  # fewer items than this are quick: no phase line, no bar


def enabled() -> bool:
    return os.environ.get("RJUA_PROGRESS", "1").strip().lower() not in ("0", "false", "no", "off")


def show_bar() -> bool:
    """True when a bar would be drawn (progress on and stderr a terminal)."""
    try:
        return enabled() and sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed stderr
        return False


def phase(message: str) -> None:
    """Print one progress line to stderr (unless ``RJUA_PROGRESS=0``)."""
    if enabled():
        print(message, file=sys.stderr, flush=True)


def bar(items: Iterable[T], total: int | None = None, desc: str = "") -> Iterable[T]:
    """``items`` wrapped in a tqdm bar on a terminal; ``items`` itself otherwise."""
    if not show_bar():
        return items
    try:
        from tqdm import tqdm
    except ImportError:
        return items
    return tqdm(items, total=total, desc=desc, file=sys.stderr, leave=False, dynamic_ncols=True)
