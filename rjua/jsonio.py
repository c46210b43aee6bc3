"""One guarded JSON reader for every file rjua reads (data, predictions, run outputs, manifests).

``json`` alone accepts what later crashes rjua: a lone surrogate (``"\\ud800"``) parses but cannot be
written back as UTF-8, 100k-deep nesting raises ``RecursionError``, a 5,000-digit integer raises a
bare ``ValueError`` and a multi-GB file is read whole. Here each becomes a :class:`~rjua.errors.Problem`
naming file, line and field:

>>> loads('{"id": "x\\\\ud800y"}', "f.jsonl", 3)
Traceback (most recent call last):
...
rjua.errors.RJUAFormatError: f.jsonl:3: field "id": lone surrogate \\ud800 (not valid Unicode)
>>> loads('[' * 100 + ']' * 100, "f.jsonl", 1)
Traceback (most recent call last):
...
rjua.errors.RJUAFormatError: f.jsonl:1: nesting deeper than 64 levels
>>> loads('{"id": 7}')
{'id': 7}
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import Problem, RJUAError, RJUAFormatError

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_INT_DIGITS",
    "MAX_LINE_BYTES",
    "append_json_line",
    "atomic_write_text",
    "brackets",
    "check_value",
    "iter_json",
    "iter_json_lines",
    "loads",
    "read_json_file",
]

MAX_DEPTH = 64                      # objects/arrays nested deeper are refused
MAX_INT_DIGITS = 100                # integers with more digits are refused
MAX_LINE_BYTES = 64 * 1024 ** 2     # one JSON Lines line
MAX_FILE_BYTES = 2 * 1024 ** 3      # one file
_TOKEN = re.compile(r'[\[\]{}"\\]')
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


class _HugeInt(str):
    """Marker the parser leaves in place of an over-long integer (so the field can be named)."""


def _parse_int(s: str, hits: list | None = None):
    if len(s) > MAX_INT_DIGITS and len(s.lstrip("-")) > MAX_INT_DIGITS:
        if hits is not None:
            hits.append(s)
        return _HugeInt(s)
    return int(s)


def brackets(text: str, strings: bool = True) -> Iterator[tuple[int, str]]:
    """``(offset, character)`` of each ``[ ] { }`` in ``text``, in one linear pass (no regex backtracking, no
    recursion). ``strings``: brackets inside JSON strings (escapes honoured) are passed over; else every one.

    >>> list(brackets('{"a": "}[", "b": [1]}'))
    [(0, '{'), (17, '['), (19, ']'), (20, '}')]
    >>> len(list(brackets('{"}"}', strings=False)))
    3
    """
    in_str, skip = False, -1
    for m in _TOKEN.finditer(text):
        i, c = m.start(), m.group()
        if i == skip:
            continue
        if in_str:
            if c == "\\":
                skip = i + 1
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = strings
        elif c != "\\":
            yield i, c


def _too_deep(text: str) -> int | None:
    """Offset where nesting first exceeds MAX_DEPTH, else None (brackets inside strings ignored)."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    depth = 0
    for i, c in brackets(text):
        depth += 1 if c in "[{" else -1
        if depth > MAX_DEPTH:
            return i
    return None


def _field(path: tuple) -> str | None:
    if not path:
        return None
    out = str(path[0])
    for p in path[1:]:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def check_value(obj: Any, path: str, line: int | None, _at: tuple = ()) -> Problem | None:
    """The first lone surrogate or over-long integer in a parsed value, as a :class:`Problem`.

    >>> check_value({"q": ["ok", "a\\ud83d"]}, "f", 2)
    Problem(path='f', line=2, field='q[1]', reason='lone surrogate \\\\ud83d (not valid Unicode)')
    """
    stack = [(_at, obj)]
    while stack:
        at, v = stack.pop()
        if isinstance(v, _HugeInt):
            return Problem(path, line, _field(at), f"integer with {len(v.lstrip('-'))} digits"
                                                   f" (more than {MAX_INT_DIGITS})")
        if isinstance(v, str):
            m = _SURROGATE.search(v)
            if m:
                return Problem(path, line, _field(at), f"lone surrogate \\u{ord(m.group()):04x} (not valid Unicode)")
        elif isinstance(v, dict):
            for k, x in reversed(list(v.items())):
                if _SURROGATE.search(k):
                    key = k.encode("utf-8", "backslashreplace").decode("utf-8")  # printable, also on a strict stdout
                    return Problem(path, line, _field(at + (key,)), "lone surrogate in a key (not valid Unicode)")
                stack.append((at + (k,), x))
        elif isinstance(v, list):
            stack.extend((at + (i,), x) for i, x in reversed(list(enumerate(v))))
    return None


def _parse(text: str, path: str, line: int) -> tuple[Any, Problem | None]:
    """Parse one JSON text; a problem instead of an exception for anything hostile."""
    off = _too_deep(text)
    if off is not None:
        return None, Problem(path, line + text.count("\n", 0, off), None, f"nesting deeper than {MAX_DEPTH} levels")
    hits: list = []
    try:
        obj = json.loads(text, parse_int=lambda s: _parse_int(s, hits))
    except json.JSONDecodeError as e:
        return None, Problem(path, line + e.lineno - 1, None, f"invalid JSON: {e.msg} at column {e.colno}")
    except (RecursionError, ValueError) as e:  # belt and braces: the checks above should catch these
        return None, Problem(path, line, None, f"invalid JSON: {str(e).splitlines()[0]}")
    if hits or ("\\u" in text and _ESCAPED_SURROGATE.search(text)):
        return obj, check_value(obj, path, line)
    return obj, None


def loads(text: str, path: str = "<string>", line: int = 1) -> Any:
    """Parse one JSON text with the checks; :class:`RJUAFormatError` names ``path`` and ``line``."""
    obj, prob = _parse(text, path, line)
    if prob:
        raise RJUAFormatError(prob.path, prob.line, prob.field, prob.reason)
    return obj


def _read(p: Path) -> bytes:
    if not p.is_file():
        raise RJUAError(f"{p}: no such file" if not p.is_dir() else f"{p}: is a directory, expected a file")
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise RJUAFormatError(str(p), None, None, f"file is {size} bytes, over the limit of {MAX_FILE_BYTES}")
    return p.read_bytes()


def iter_json_lines(path: str, data: bytes) -> Iterator[tuple[int, Any, Problem | None]]:
    """``(line, object, problem)`` for each non-blank line of JSON Lines bytes."""
    for lineno, raw in enumerate(data.split(b"\n"), 1):
        raw = raw.rstrip(b"\r")
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if len(raw) > MAX_LINE_BYTES:
            yield lineno, None, Problem(path, lineno, None,
                                        f"line is {len(raw)} bytes, over the limit of {MAX_LINE_BYTES}")
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            yield lineno, None, Problem(path, lineno, None,
                                        f"not UTF-8: byte 0x{raw[e.start]:02x} at column {e.start + 1}")
            continue
        if text.strip():
            obj, prob = _parse(text, path, lineno)
            yield lineno, obj, prob


def _json_array(path: str, data: bytes) -> Iterator[tuple[int, Any, Problem | None]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        yield line, None, Problem(path, line, None, f"not UTF-8: byte 0x{data[e.start]:02x}")
        return
    items, prob = _parse(text, path, 1)
    if prob and items is None:
        yield prob.line, None, prob
        return
    dec, pos = json.JSONDecoder(parse_int=_parse_int), text.index("[") + 1
    for obj in items:  # re-scan to find the line each element starts on
        while text[pos] in " \t\r\n,":
            pos += 1
        _, end = dec.raw_decode(text, pos)
        line = text.count("\n", 0, pos) + 1
        yield line, obj, (check_value(obj, path, line) if prob else None)
        pos = end


def iter_json(path: str | os.PathLike, data: bytes | None = None) -> Iterator[tuple[int, Any, Problem | None]]:
    """Parse a JSON Lines file or a JSON array: yields ``(line, object, problem)``.

    Shared by the data loader, the prediction reader and resume. ``data``: the file's bytes, already read
    (a run that hashed them parses exactly what it hashed).

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "x.jsonl"
    >>> _ = p.write_text('{"id": 1}\\n{"id": 1' + '0' * 200 + '}\\n')
    >>> [(line, prob and str(prob)) for line, _, prob in iter_json(p)]  # doctest: +ELLIPSIS
    [(1, None), (2, '...x.jsonl:2: field "id": integer with 201 digits (more than 100)')]
    """
    p = Path(path)
    data = _read(p) if data is None else data
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return _json_array(str(p), data) if head == b"[" else iter_json_lines(str(p), data)


def read_json_file(path: str | os.PathLike) -> Any:
    """One whole JSON document (a manifest, a config) with the same checks; errors name the file."""
    p = Path(path)
    data = _read(p)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise RJUAFormatError(str(p), data.count(b"\n", 0, e.start) + 1, None,
                              f"not UTF-8: byte 0x{data[e.start]:02x}") from None
    if not text.strip():
        raise RJUAFormatError(str(p), None, None, "empty file")
    return loads(text, str(p), 1)


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Replace ``path`` with ``text`` atomically (written and synced beside it, then renamed): a reader, or a
    crash, never sees half a file. A symlink is followed, so the file behind it is replaced. A failed write
    (a full disk, no permission) removes its temporary file, leaves ``path`` as it was and raises an
    :class:`~rjua.errors.RJUAError` naming ``path``. A device or pipe (``/dev/stdout``) is written directly.

    >>> import tempfile
    >>> p = atomic_write_text(Path(tempfile.mkdtemp()) / "x.json", '{"a": 1}')
    >>> read_json_file(p)
    {'a': 1}
    """
    path = Path(path).resolve()
    device = path.exists() and not path.is_file() and not path.is_dir()  # a device or a pipe: written directly
    tmp = path if device else path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            if not device:
                os.fsync(f.fileno())
        if not device:
            os.replace(tmp, path)
    except (OSError, UnicodeEncodeError) as e:
        try:
            if not device:
                tmp.unlink(missing_ok=True)
        except OSError:
            pass
        why = getattr(e, "strerror", None) or e
        raise RJUAError(f"{path}: cannot write ({why}); the file was left as it was") from None
    return path


def append_json_line(f, row) -> None:
    """Append ``row`` to the open JSON Lines file ``f`` and make it durable (flush + fsync): what every
    resumable writer (predict, judge, LLM extraction, synthesis) does after each item.

    >>> import io, os, tempfile
    >>> with open(os.path.join(tempfile.mkdtemp(), "r.jsonl"), "a", encoding="utf-8") as f:
    ...     append_json_line(f, {"id": "1", "诊断": "肾结石"})
    """
    f.write(json.dumps(row, ensure_ascii=False) + "\n")
    f.flush()
    os.fsync(f.fileno())
