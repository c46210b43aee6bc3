"""One guard for every output path: never the same file as an input, never inside the data directory.

Every writer (``score --out/--per-sample``, ``predict``, ``eval``, ``judge``, ``synth``, ``train``,
``index build``) calls :func:`check_output` before it creates anything. An output is refused, naming both
paths, when it

- is the same file as one of the command's inputs: the same path, a symlink to it, or a *hard link*
  (:func:`os.path.samefile` compares device and inode);
- is the same file as any split file of the data directory (however it is reached);
- lies inside the data directory (a run output there would be picked up as a split later).

>>> import tempfile
>>> d = Path(tempfile.mkdtemp())
>>> _ = (d / "RJUA_valid.json").write_text("{}")
>>> check_output(d / "out.jsonl", data_dir=d)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
rjua.errors.RJUAError: --out .../out.jsonl lies inside the data directory ...; choose a path outside it
>>> os.link(d / "RJUA_valid.json", d.parent / (d.name + "-link.json"))
>>> check_output(d.parent / (d.name + "-link.json"), data_dir=d)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
rjua.errors.RJUAError: --out ...-link.json is the same file as the data file .../RJUA_valid.json; ...
>>> check_output(d.parent / (d.name + "-new.jsonl"), data_dir=d).name.endswith("-new.jsonl")
True
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .data import SplitFiles, resolve_data_dir
from .errors import RJUAError

__all__ = ["check_output", "same_file"]


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """True when ``a`` and ``b`` name one file: equal resolved paths, or (both existing) the same inode.

    >>> same_file("x/../y", "y"), same_file("a", "b")
    (True, False)
    """
    try:
        if os.path.exists(a) and os.path.exists(b):
            return os.path.samefile(a, b)
    except OSError:
        pass
    return Path(a).resolve() == Path(b).resolve()


def _data_dir(data_dir) -> Path | None:
    if isinstance(data_dir, SplitFiles):  # a run's data directory, resolved once
        return data_dir.directory.resolve()
    try:
        return resolve_data_dir(data_dir).resolve()
    except RJUAError:  # a missing data directory is reported by the reader, with its own message
        return None


def _data_files(d: Path) -> list[Path]:
    try:
        return [p for p in d.iterdir() if p.is_file()]
    except OSError:
        return []


def check_output(out: str | os.PathLike, inputs: Iterable[tuple[str, str | os.PathLike | None]] = (),
                 data_dir=None, what: str = "--out", check_data: bool = True) -> Path:
    """Refuse ``out`` when it is an input or lies in the data directory; returns ``Path(out)``.

    ``inputs``: ``(label, path)`` pairs (``None`` paths are skipped), e.g. ``("the PREDICTIONS file", p)``.
    ``data_dir``: the data directory the command reads (``None``: ``$RJUA_DATA_DIR``, else the bundled
    sample; a :class:`~rjua.data.SplitFiles`: the directory a run already resolved, used as is);
    ``check_data=False`` skips it (a command that reads no data directory).
    """
    out = Path(out).expanduser()
    for label, p in inputs:
        if p is not None and same_file(out, p):
            raise RJUAError(f"{what} {out} is the same file as {label} {p}; writing there would destroy it")
    if not check_data:
        return out
    d = _data_dir(data_dir)
    if d is None:
        return out
    for f in _data_files(d):
        if same_file(out, f):
            raise RJUAError(f"{what} {out} is the same file as the data file {f}; writing there would destroy it")
    if out.resolve().is_relative_to(d):
        raise RJUAError(f"{what} {out} lies inside the data directory {d}; choose a path outside it")
    return out
