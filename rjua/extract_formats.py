"""Readers for the non-section shapes of a model answer: think tags, JSON, Markdown tables, prose cues.

Each reader returns raw item strings per kind (``{'disease': [...], 'advice': [...]}``); the caller
(:func:`rjua.extract.extract`) splits and normalises them. Which label names a kind is decided by
:func:`rjua.extract.label_kind`, passed in, so the synonym table lives in one place.

>>> strip_think("<think>先想一想：诊断：膀胱炎</think>诊断：肾结石")
'诊断：肾结石'
>>> read_json('```json\\n{"diagnosis": ["肾结石"], "建议": "多饮水"}\\n```', lambda k: {"diagnosis": "disease",
...           "建议": "advice"}.get(k))
{'disease': ['肾结石'], 'advice': ['多饮水']}
>>> read_prose("您好，考虑为左输尿管结石。建议您进行输尿管镜碎石，并多饮水。")
{'disease': ['左输尿管结石'], 'advice': ['输尿管镜碎石', '多饮水']}
"""
from __future__ import annotations

import ast
import json
import re
from typing import Any, Callable

from .items import split_items

__all__ = ["PROSE_CUES", "is_cue_sentence", "read_json", "read_prose", "read_table", "strip_think"]

_THINK = re.compile(r"<(think|thinking|reasoning)>.*?</\1>", re.S | re.I)
_THINK_OPEN = re.compile(r"^\s*<(?:think|thinking|reasoning)>.*?(?=\n\s*\n)", re.S | re.I)
_FENCE = re.compile(r"```[ \t]*(?:json|JSON)?[ \t]*\n(.*?)```", re.S)
_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")


def strip_think(text: str) -> str:
    """The answer without its reasoning: ``<think>…</think>`` blocks removed (an unclosed one at the start
    is dropped up to its first blank line, when something follows).

    >>> strip_think("<think>\\n嗯\\n\\n</think>\\n\\n建议：多饮水"), strip_think("<think>想\\n\\n诊断：肾结石")
    ('建议：多饮水', '诊断：肾结石')
    """
    text = _THINK.sub("", text or "")
    if re.match(r"\s*<(?:think|thinking|reasoning)>", text, re.I) and "\n\n" in text:
        text = _THINK_OPEN.sub("", text, count=1)
    return text.strip()


def _json_objects(text: str) -> list[Any]:
    """JSON values found in fenced blocks, else the outermost ``{…}`` spans of the text."""
    chunks = _FENCE.findall(text)
    if not chunks:
        start = text.find("{")
        end = text.rfind("}")
        chunks = [text[start:end + 1]] if 0 <= start < end else []
    out = []
    for chunk in chunks:
        for parse in (json.loads, ast.literal_eval):
            try:
                out.append(parse(chunk.strip()))
                break
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                continue
    return out


def _strings(value: Any) -> list[str]:
    """Item strings of a JSON value: a string, a list of strings or of objects (their name-like field)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (int, float)) or value is None:
        return []
    if isinstance(value, dict):
        for key in ("name", "名称", "item", "项目", "diagnosis", "诊断", "advice", "建议", "label", "text"):
            if isinstance(value.get(key), str):
                return [value[key]]
        return [s for v in value.values() for s in _strings(v)]
    return [s for v in value for s in _strings(v)] if isinstance(value, (list, tuple)) else []


def read_json(text: str, label_kind: Callable[[str], str | None]) -> dict[str, list[str]]:
    """Items under disease / advice keys of JSON in the answer (fenced or inline; nested objects searched)."""
    out: dict[str, list[str]] = {}

    def walk(obj: Any, depth: int = 0) -> None:
        if depth > 4 or not isinstance(obj, (dict, list)):
            return
        for key, val in (obj.items() if isinstance(obj, dict) else enumerate(obj)):
            kind = label_kind(str(key)) if isinstance(key, str) else None
            if kind in ("disease", "advice"):
                out.setdefault(kind, []).extend(_strings(val))
            else:
                walk(val, depth + 1)

    for obj in _json_objects(text):
        walk(obj)
    return out


def _cells(line: str) -> list[str]:
    return [c.strip().strip("*").strip() for c in line.strip().strip("|").split("|")]


def _table_blocks(text: str) -> list[list[list[str]]]:
    """Markdown tables of a text as rows of cells (separator rows dropped)."""
    blocks, cur = [], []
    for ln in (text or "").split("\n") + [""]:
        if ln.strip().startswith("|"):
            if not _TABLE_RULE.match(ln.strip()):
                cur.append(_cells(ln))
        elif cur:
            blocks.append(cur)
            cur = []
    return blocks


def _read_block(rows: list[list[str]], label_kind: Callable[[str], str | None], out: dict[str, list[str]]) -> None:
    cols = [(i, k) for i, k in enumerate(label_kind(c) for c in rows[0]) if k in ("disease", "advice")]
    if cols:  # a column per kind: every data row's cell
        for row, (i, kind) in ((row, c) for row in rows[1:] for c in cols):
            if i < len(row) and row[i] not in ("", "-", "—", "无"):
                out.setdefault(kind, []).append(row[i])
        return
    for row in rows:  # a row per kind: its first cell names it
        kind = label_kind(row[0])
        if kind in ("disease", "advice"):
            out.setdefault(kind, []).extend(c for c in row[1:] if c)


def read_table(text: str, label_kind: Callable[[str], str | None]) -> dict[str, list[str]]:
    """Items of Markdown tables: a column headed by a disease / advice label, or a row whose first cell is one.

    >>> t = "| 项目 | 内容 |\\n| --- | --- |\\n| 诊断 | 肾结石 |\\n| 建议 | 多饮水；复查B超 |"
    >>> read_table(t, lambda k: {"诊断": "disease", "建议": "advice"}.get(k))
    {'disease': ['肾结石'], 'advice': ['多饮水；复查B超']}
    """
    out: dict[str, list[str]] = {}
    for rows in _table_blocks(text):
        _read_block(rows, label_kind, out)
    return out


# (kind, cue name, pattern): the phrase that introduces the span; the span runs to the sentence end.
PROSE_CUES: tuple[tuple[str, str, str], ...] = (
    ("disease", "诊断包括", r"(?:可能的|最可能的|初步的?|临床)?诊断(?:包括|主要有|有|为|是|考虑为?)"),
    ("disease", "考虑为", r"(?:初步|高度|首先|主要)?考虑(?:为|是|诊断为)?(?!到|与|一下)"),
    ("disease", "可能是", r"(?:很|最)?可能(?:为|是|患有|患了|存在)|应该是|多半是|疑似|患有|符合|提示为?"),
    ("disease", "您是", r"(?<=[，,。：:])\s*您(?:这)?(?:是|患的是|得的是|属于)(?![否不男女\d一个])"),
    ("advice", "建议", r"(?<!以上)(?<!上述)(?<![的此])(?:建议|推荐)(?:您|你)?|(?<!不)需要"),
    ("advice", "应尽早行", r"(?:应|可|可以)(?:尽早|尽快|及时|考虑)?(?:行|进行)"),
)
_CUE = re.compile("|".join(f"(?P<c{i}>{p})" for i, (_, _, p) in enumerate(PROSE_CUES)))
_SENTENCE_END = re.compile(r"[。！？!?\n]|[，,](?=\s*(?:但|因为|由于|这|所以|请|如果|若|以免|以便|以|目前|否则))")
_LEAD = {"disease": re.compile(r"^(?:[:：是为有]|考虑|可能|初步|一个|存在|得了|患有|的是)+"),
         "advice": re.compile(r"^(?:[:：是]|您|你|进行|行|做|去|尽快|尽早|及时|立即|即刻|先|可以|再|并且|并|同时"
                             r"|另外|积极|最好)+")}
_TAIL = re.compile(r"(?:等|等等|的可能性?(?:较|很)?大?|可能性(?:较|很)?大|的情况|即可|为宜|为主)$")
_NOT_ITEM = re.compile(r"^(?:如下|以下|这样|这些|这种|下面|一下|一些|仅供参考)"
                       r"|^(?:及时|尽快)?(?:到医院|去医院)?(?:就医|就诊)$")


def is_cue_sentence(line: str) -> bool:
    """Whether a line is a sentence carrying a cue (``根据描述，考虑为…。``) rather than a list of items that
    happens to contain one (``考虑留置导尿、复查B超``).

    >>> is_cue_sentence("根据您的描述，考虑为肾结石。"), is_cue_sentence("考虑留置导尿、复查B超")
    (True, False)
    """
    m = _CUE.search(line or "")
    return bool(m) and (bool(re.search(r"[。！？!?]", line)) or bool(re.search(r"[，,]", line[:m.start()])))


def _clean(item: str, kind: str) -> str:
    prev = None
    while prev != item:
        prev = item
        item = _TAIL.sub("", _LEAD[kind].sub("", item.strip()))
    return item


def read_prose(text: str) -> dict[str, list[str]]:
    """Items introduced by cue phrases (诊断为…, 考虑为…, 可能的诊断包括：…, 建议您…), each span cut at its
    sentence end, lead-ins (进行 / 行 / 考虑 / 可能 / 建议您 …) and tails (…等, …的可能) stripped."""
    out: dict[str, list[str]] = {}
    for m in _CUE.finditer(text or ""):
        i = int(next(k for k, v in m.groupdict().items() if v is not None)[1:])
        kind = PROSE_CUES[i][0]
        rest = text[m.end():]
        ends = [x.start() for x in (_SENTENCE_END.search(rest), _CUE.search(rest)) if x is not None]
        span = rest[:min(ends, default=len(rest))].replace("以及", "、")
        items = [_clean(x, kind) for x in split_items(span)]
        items = [x for x in items if len(x) >= 2 and not _NOT_ITEM.match(x)]
        out.setdefault(kind, []).extend(items)
    return out
