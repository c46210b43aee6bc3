"""Error types shared by the library and the CLI.

Every error a user can cause by handing rjua a bad file or argument is an
:class:`RJUAError`; the CLI prints its one-line message and exits non-zero.

>>> e = RJUAFormatError("x.jsonl", 7, "question", "empty question")
>>> str(e)
'x.jsonl:7: field "question": empty question'

However many problems a file has, what is shown stays short: at most :data:`MAX_SHOWN` lines and a
count of the rest (:func:`format_problems`), each reason clipped to :data:`MAX_REASON_CHARS`.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MAX_REASON_CHARS", "MAX_SHOWN", "Problem", "RJUAError", "RJUAFormatError", "clip", "format_problems"]

MAX_SHOWN = 3            # problem lines printed for one file; the rest are counted
MAX_REASON_CHARS = 240   # a reason quoting a value (a whole column of ids) is cut here


def clip(text: str, limit: int = MAX_REASON_CHARS) -> str:
    """``text`` cut to ``limit`` characters, saying how long it was.

    >>> clip("x" * 10, 4)
    'xxxx… (10 characters)'
    """
    text = str(text)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def format_problems(problems, limit: int = MAX_SHOWN) -> str:
    """The first ``limit`` problems, one line each, then how many more there are.

    >>> print(format_problems([Problem("a.csv", n, None, "invalid JSON") for n in range(1, 5)], limit=2))
    a.csv:1: invalid JSON
    a.csv:2: invalid JSON
    … and 2 more problems (not shown)
    """
    problems = list(problems)
    lines = [str(p) for p in problems[:limit]]
    more = len(problems) - limit
    if more > 0:
        lines.append(f"… and {more} more problem{'s' * (more > 1)} (not shown)")
    return "\n".join(lines)


class RJUAError(Exception):
    """Base class for user-facing errors (bad input, bad configuration)."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One problem found in a file: where it is and what is wrong.

    >>> str(Problem("a.json", 3, "id", "duplicate id '5'"))
    'a.json:3: field "id": duplicate id \\'5\\''
    """

    path: str
    line: int | None
    field: str | None
    reason: str

    def __str__(self) -> str:
        loc = self.path if self.line is None else f"{self.path}:{self.line}"
        fld = f' field "{self.field}":' if self.field else ""
        return f"{loc}:{fld} {clip(self.reason)}"


class RJUAFormatError(RJUAError):
    """A data or prediction file is malformed; names file, line and field.

    Holds every :class:`Problem` found (one when loading strictly, all of
    them when collected with ``strict=False``).
    """

    def __init__(self, path, line=None, field=None, reason="", problems=None):
        if problems is None:
            problems = [Problem(str(path), line, field, reason)]
        self.problems: list[Problem] = list(problems)
        first = self.problems[0]
        self.path, self.line, self.field, self.reason = first.path, first.line, first.field, first.reason
        more = len(self.problems) - 1
        msg = str(first) + (f" (and {more} more problem{'s' * (more > 1)})" if more else "")
        super().__init__(msg)

    def report(self, limit: int = MAX_SHOWN) -> str:
        """The problems, one ``FILE:LINE: reason`` line each: the first ``limit``, then a count of the rest."""
        return format_problems(self.problems, limit)
