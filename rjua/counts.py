"""What a score stands on: unread answers and errored rows, counted with their ids.

A score never hides a failure. Every summary of :func:`rjua.scoring.score_predictions` carries

- ``errors``: rows that carry an ``error`` (a failed request, a crashed backend), with ids and the most
  frequent messages; they are excluded from the score (``excluded: true``) unless counted as 0;
- ``unread``: scored answers from which nothing was extracted, per field (``disease``, ``advice``) and
  for either (``any``), with ids.

:func:`count_lines` writes them as the lines every report shows next to its headline numbers, and
:func:`strict_problem` is the one-line reason ``--strict`` fails.

>>> s = count_summary([("1", "section", "none"), ("2", "none", "none")], {"3": "HTTP 401"}, excluded=True)
>>> s["unread"]["disease"], s["unread"]["advice"]["n"], s["errors"]["ids"]
({'n': 1, 'ids': ['2']}, 2, ['3'])
>>> for line in count_lines({**s, "n": 2}):
...     print(line)  # doctest: +NORMALIZE_WHITESPACE
errored rows: 1 (excluded from the score; --errors-as-zero counts them as 0): '3' — HTTP 401 (1×)
unread answers (nothing extracted): disease 1 of 2: '2'; advice 2 of 2: '1', '2'
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["FIELDS", "SHOW_IDS", "count_lines", "count_summary", "no_score_line", "strict_problem"]

FIELDS = ("disease", "advice")
SHOW_IDS = 10          # ids shown in a report line (the JSON keeps them all)
MAX_MESSAGE = 160      # an error message shown in a report line


def _ids(ids: list[str], k: int = SHOW_IDS) -> str:
    return ", ".join(map(repr, ids[:k])) + (f" … (+{len(ids) - k} more)" if len(ids) > k else "")


def count_summary(rules: Iterable[tuple[str, str, str]], errors: Mapping[str, str], excluded: bool) -> dict[str, Any]:
    """``{"errors": …, "unread": …}`` of a scoring run.

    ``rules``: ``(id, disease_rule, advice_rule)`` of every scored record that had a readable prediction
    (rule ``none`` = nothing extracted); ``errors``: id → error message of the errored rows.

    >>> count_summary([], {}, True)["errors"]
    {'n': 0, 'ids': [], 'excluded': True, 'messages': {}}
    """
    rules = list(rules)
    unread: dict[str, Any] = {}
    for i, name in enumerate(FIELDS, 1):
        ids = [r[0] for r in rules if r[i] == "none"]
        unread[name] = {"n": len(ids), "ids": ids}
    any_ids = [r[0] for r in rules if "none" in r[1:]]
    unread["any"] = {"n": len(any_ids), "ids": any_ids}
    messages = Counter(str(m)[:MAX_MESSAGE] for m in errors.values())
    return {"errors": {"n": len(errors), "ids": list(errors), "excluded": excluded,
                       "messages": dict(messages.most_common(3))},
            "unread": unread}


def no_score_line(summary: Mapping[str, Any]) -> str:
    """The headline when nothing could be scored ('' when there is a score).

    >>> no_score_line({"n": 0, "errors": {"n": 3}})
    'no score: 0 records could be scored (3 errored rows excluded)'
    """
    if summary.get("n", 0):
        return ""
    n_err = summary.get("errors", {}).get("n", 0)
    return "no score: 0 records could be scored" + (f" ({n_err} errored rows excluded)" if n_err else "")


def count_lines(summary: Mapping[str, Any]) -> list[str]:
    """The lines every report shows near its headline: errored rows, then unread answers per field.

    Both lines are always there (with 0), so a reader sees that they were counted.

    >>> count_lines({"n": 5, "errors": {"n": 0, "ids": [], "excluded": True, "messages": {}},
    ...              "unread": {"disease": {"n": 0, "ids": []}, "advice": {"n": 0, "ids": []}}})
    ['errored rows: 0', 'unread answers (nothing extracted): disease 0 of 5; advice 0 of 5']
    """
    lines = []
    err = summary.get("errors")
    if err is not None:
        if err["n"]:
            how = ("excluded from the score; --errors-as-zero counts them as 0" if err["excluded"]
                   else "scored as 0 (--errors-as-zero)")
            msgs = "; ".join(f"{m} ({c}×)" for m, c in err["messages"].items())
            lines.append(f"errored rows: {err['n']} ({how}): {_ids(err['ids'])}" + (f" — {msgs}" if msgs else ""))
        else:
            lines.append("errored rows: 0")
    un = summary.get("unread")
    if un is not None:
        n = summary.get("n", 0)
        parts = [f"{f} {un[f]['n']} of {n}" + (f": {_ids(un[f]['ids'])}" if un[f]["n"] else "") for f in FIELDS]
        lines.append("unread answers (nothing extracted): " + "; ".join(parts))
    return lines


def strict_problem(summary: Mapping[str, Any]) -> str | None:
    """Why ``--strict`` fails (None when every answer was read and no row errored).

    >>> strict_problem({"errors": {"n": 2}, "unread": {"any": {"n": 1}}})
    '--strict: 2 errored row(s) and 1 unread answer(s)'
    >>> strict_problem({"errors": {"n": 0}, "unread": {"any": {"n": 0}}}) is None
    True
    """
    n_err = summary.get("errors", {}).get("n", 0)
    n_un = summary.get("unread", {}).get("any", {}).get("n", 0)
    if not (n_err or n_un):
        return None
    return f"--strict: {n_err} errored row(s) and {n_un} unread answer(s)"
