"""Exclusive locks on run outputs: one writer per ``--out``.

Every long run (``predict``'s JSON Lines, ``eval``'s run directory, ``synth``'s output) holds an
advisory ``flock`` on ``<out>.lock`` for its whole duration. The lock file records who holds it
(pid, host, start time); a second writer gets one line naming that holder. The kernel drops the lock
when its process dies, even by ``kill -9``, so a stale lock file never blocks a later run.

>>> import tempfile, os
>>> out = os.path.join(tempfile.mkdtemp(), "p.jsonl")
>>> with output_lock(out):
...     try:
...         with output_lock(out):
...             pass
...     except OutputLockedError as e:
...         print(str(e).split(" (")[0].endswith("p.jsonl is being written by another run"))
True
>>> os.path.exists(out + ".lock")   # removed when released
False
"""
from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import RJUAError

__all__ = ["LOCK_SUFFIX", "OutputLockedError", "lock_path", "output_lock"]

LOCK_SUFFIX = ".lock"


class OutputLockedError(RJUAError):
    """Another live process is writing the same output."""

    exit_code = 3


def lock_path(out: str | os.PathLike) -> Path:
    """``<out>.lock`` beside an output file; ``<dir>/.lock`` inside a run directory.

    Symlinks are followed first, so two names of one output share one lock.
    """
    p = Path(out).resolve()
    return p / LOCK_SUFFIX if p.is_dir() else Path(str(p) + LOCK_SUFFIX)


def _holder(p: Path) -> str:
    try:
        info = json.loads(p.read_text(encoding="utf-8"))
        return f"pid {info['pid']} on {info['host']}, started {info['started']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "holder unknown"


@contextmanager
def output_lock(out: str | os.PathLike) -> Iterator[Path]:
    """Hold the exclusive lock of ``out`` for the ``with`` block, or raise :class:`OutputLockedError`."""
    import fcntl

    p = lock_path(out)
    p.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(p, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise OutputLockedError(f"{out} is being written by another run ({_holder(p)}; lock {p});"
                                    " wait for it to finish or use another --out") from None
        try:  # the file may have been removed by a releasing holder after we opened it: retry on the new one
            same = os.path.samestat(os.fstat(fd), os.stat(p))
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        info = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(info).encode() + b"\n")
        yield p
    finally:
        try:
            os.unlink(p)  # while still holding it, so nobody locks a file about to vanish
        except OSError:
            pass
        os.close(fd)
