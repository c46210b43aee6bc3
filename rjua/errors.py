"""Error types shared by the library and the CLI.

Every error a user can cause by handing rjua a bad file or argument is an
:class:`RJUAError`; the CLI prints its one-line message and exits non-zero.

>>> e = RJUAFormatError("x.jsonl", 7, "question", "empty question")
>>> str(e)
'x.jsonl:7: field "question": empty question'
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Problem", "RJUAError", "RJUAFormatError"]


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
        return f"{loc}:{fld} {self.reason}"


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

    def report(self) -> str:
        """All problems, one ``FILE:LINE: reason`` line each."""
        return "\n".join(str(p) for p in self.problems)
