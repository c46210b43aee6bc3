"""Free text -> diagnoses and advice (extraction is separate from scoring).

Per kind (disease, advice) the first reader that yields items wins, and both the reader
(``rule``) and the named pattern (``pattern``) are reported:

1. ``field``: the prediction gave ``disease`` / ``advice`` itself (string or list);
2. ``json``: JSON in the answer, fenced or inline, with Chinese or English keys;
3. ``table``: a Markdown table with a disease / advice column or row;
4. ``section``: labelled sections found by :data:`SECTION_RULES` (one ordered table, each rule named:
   Markdown headings, 【】 brackets, bold, ordinals 一、, numbered 1., English headings, plain colons,
   a sentence introducing a list (``您可能患有以下疾病：``), bare heading lines); every section of a kind
   counts (进一步检查 + 治疗建议 are both advice);
5. ``vocabulary``: with a :class:`rjua.vocab.Vocabulary`, its labels (or their ontology variants) found in
   the text, longest first;
6. ``prose``: cue phrases (:data:`rjua.extract_formats.PROSE_CUES`: 诊断为…, 考虑为…, 建议您…);
7. ``none``: nothing found (scores 0, and reports count it).

``<think>…</think>`` reasoning is removed first. Section names and their synonyms: :data:`DISEASE_LABELS`,
:data:`ADVICE_LABELS`, :data:`OTHER_LABELS` (sections that end the one before and are never scored).

>>> e = extract("分析：尿频尿痛。\\n诊断：急性膀胱炎\\n建议：\\n1. 多饮水\\n2. 口服磷霉素")
>>> e.diseases, e.advices, e.disease_rule, e.advice_pattern
(['急性膀胱炎'], ['多饮水', '口服磷霉素'], 'section', 'colon')
>>> extract("### 诊断\\n- 肾结石\\n\\n### 建议\\n- 多饮水").disease_pattern
'markdown_heading'
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .extract_formats import is_cue_sentence, read_json, read_prose, read_table, strip_think
from .items import split_items
from .vocab import Vocabulary

__all__ = ["ADVICE_LABELS", "DISEASE_LABELS", "Extraction", "OTHER_LABELS", "SECTION_RULES", "Vocabulary",
           "extract", "label_kind", "sections"]

DISEASE_LABELS = ("最可能的诊断", "可能的诊断", "初步诊断", "临床诊断", "考虑诊断", "诊断考虑", "诊断结果", "诊断意见",
                  "主要诊断", "可能诊断", "初步判断", "诊断", "疾病", "病名", "diagnosis", "diagnoses", "disease",
                  "diseases",
                  "possible diagnoses", "possible diagnosis", "likely diagnosis", "impression")
ADVICE_LABELS = ("治疗建议", "处理建议", "诊疗建议", "治疗方案", "处理意见", "治疗意见", "进一步检查", "建议检查",
                 "检查建议", "进一步处理", "诊疗计划", "治疗措施", "处理措施", "下一步", "建议", "治疗", "处理",
                 "检查", "医嘱", "处置", "advice", "recommendations", "recommendation", "treatment", "plan",
                 "next steps",
                 "management", "suggestions", "advices")
OTHER_LABELS = ("诊断依据", "鉴别诊断", "病情分析", "分析", "理由", "推理", "依据", "解释", "说明", "注意事项", "注意",
                "提示", "回答", "答复", "思考", "总结", "温馨提示", "免责声明", "reasoning", "analysis", "answer",
                "note", "notes", "explanation", "summary", "disclaimer")
_KIND = {**{x: "other" for x in OTHER_LABELS}, **{x: "disease" for x in DISEASE_LABELS},
         **{x: "advice" for x in ADVICE_LABELS}}
_ZH = "|".join(map(re.escape, sorted((x for x in _KIND if not x.isascii()), key=len, reverse=True)))
_EN = "|".join(map(re.escape, sorted((x for x in _KIND if x.isascii()), key=len, reverse=True)))
_ANY = f"{_ZH}|{_EN}"
_BOL = r"(?:^|(?<=\n))[ \t>]*"  # beginning of a line (a Markdown quote allowed)
_MID = r"(?:^|(?<=[\s。；;，,!！?？]))[ \t>]*"  # beginning of a line, of a clause or after a space
_BUL = r"(?:[-*•·+][ \t]+)?"  # a bullet before the label
_NUM = r"(?:(?:\d{1,2}[.、)]|[(（]\d{1,2}[)）]|[(（]?[一二三四五六七八九十]{1,2}[)）、.])[ \t]*)?"
_SEP = r"[ \t]*(?:[:：]|[—–]{1,2}|-{1,2}(?=[ \t]))"  # what may follow a label: a colon or a dash
_END = _SEP + "?"

# (name, pattern): a section heading; the label is group "label". Order decides ties at one position.
SECTION_RULES: tuple[tuple[str, str], ...] = (
    ("markdown_heading", _BOL + r"#{1,6}[ \t]*" + _NUM + r"\**[ \t]*(?P<label>" + _ANY + r")[ \t]*\**" + _END
     + r"[ \t]*\**"),
    ("bracket", _MID + _BUL + _NUM + r"[【\[][ \t]*(?P<label>" + _ANY + r")[ \t]*[】\]]" + _END),
    ("bold", _MID + _BUL + _NUM + r"\*\*[ \t]*(?P<label>" + _ANY + r")[ \t]*(?:[:：][ \t]*\*\*|\*\*" + _END + ")"),
    ("ordinal", _BOL + r"[(（]?[一二三四五六七八九十]{1,2}[)）、.][ \t]*(?P<label>" + _ANY + r")(?:" + _SEP
     + r"|[ \t]*(?=\n|$))"),
    ("numbered", _BOL + _BUL + r"(?:\d{1,2}[.、)]|[(（]\d{1,2}[)）])[ \t]*(?P<label>" + _ANY + r")[ \t]*[:：]"),
    ("english", _MID + _BUL + r"(?P<label>" + _EN + r")[ \t]*[:：]"),
    ("colon", _MID + _BUL + r"(?P<label>" + _ZH + r")[ \t]*[:：]"),
    ("cue_heading", _BOL + _BUL + r"(?![^\n]*(?:结果|显示|提示|依据|分析|原因|鉴别))\**[^\n:：*]{0,16}?"
     r"(?P<label>诊断|疾病|建议|治疗|处理)[^\n:：*]{0,10}[:：][ \t]*\**[ \t]*(?=\n)"),
    ("bare_heading", _BOL + r"(?P<label>" + _ANY + r")[ \t]*(?=\n)"),
)
_RULES = [(name, re.compile(p, re.IGNORECASE)) for name, p in SECTION_RULES]
_LIST_LINE = re.compile(r"^\s*(?:[(（]?\d{1,2}[.、)）]|[①-⑳]|[-*•·+]\s|[(（]?[一二三四五六七八九十][、.)）])")
_HEADING_LINE = re.compile(r"^\s*(?:#{1,6}\s|【[^】]{1,12}】\s*$|\*\*[^*]{1,15}\*\*[:：]?\s*$|\|)")
_HEDGE = re.compile(r"^(?:初步考虑|考虑为|考虑是|考虑|可能为|可能是|疑似|诊断为|患有)")
_EXPLAIN = re.compile(r"[:：]|——|\s[-–—]\s")
_BOLD_ITEM = re.compile(r"^\s*(?:[(（]?\d{1,2}[.、)）]|[-*•·+])?\s*\*\*([^*]+?)\*\*")


def label_kind(label: str) -> str | None:
    """'disease', 'advice' or 'other' for a section name (or a JSON key / table header), else None.

    >>> label_kind("处理意见"), label_kind("Diagnosis"), label_kind("诊断依据"), label_kind("年龄")
    ('advice', 'disease', 'other', None)
    """
    key = re.sub(r"[\s*#【】\[\]:：_]+", " ", label or "").strip().lower()
    return _KIND.get(key) or _KIND.get(key.replace(" ", ""))


@dataclass
class Extraction:
    """Items extracted from one prediction, the reader (``rule``) and named pattern that produced each list."""

    diseases: list[str] = field(default_factory=list)
    advices: list[str] = field(default_factory=list)
    disease_rule: str = "none"
    advice_rule: str = "none"
    disease_pattern: str = ""
    advice_pattern: str = ""


def _marks(text: str) -> list[tuple[int, int, str, str]]:
    """Non-overlapping section headings (start, end, rule name, kind), in text order."""
    found = sorted(((m.start(), order, m.end(), name, label_kind(m.group("label")))
                    for order, (name, rx) in enumerate(_RULES) for m in rx.finditer(text)))
    out: list[tuple[int, int, str, str]] = []
    for start, _, end, name, kind in found:
        if out and start < out[-1][1]:
            continue
        out.append((start, end, name, kind))
    return out


def _list_item(line: str) -> str:
    """A list line's item: its bold part, else the text before an explanation (``：``, ``——``)."""
    m = _BOLD_ITEM.match(line)
    if m:
        return m.group(1)
    parts = _EXPLAIN.split(line.strip(), maxsplit=1)
    head = parts[0].strip()
    return head if len(parts) == 1 or len(re.sub(r"^[(（]?\d{1,2}[.、)）]|^[-*•·+]", "", head).strip()) >= 2 \
        else line.strip()


def _paragraph(line: str) -> str:
    """A heading's own-line content: the prose span when it is a sentence with a cue, else up to its sentence end."""
    prose = read_prose(line) if is_cue_sentence(line) else {}
    if prose.get("disease") or prose.get("advice"):
        return "、".join(prose.get("disease", []) + prose.get("advice", []))
    return re.split(r"[。！？!?](?!\s*(?:\d{1,2}[.、)]|[①-⑳]))", line, maxsplit=1)[0]


def _section_body(text: str) -> list[str]:
    """Item strings of one section: its same-line content, then list lines (or one paragraph) below it."""
    lines = text.split("\n")
    body = [_paragraph(lines[0].strip().strip("*").strip())] if lines[0].strip().strip("*").strip() else []
    listed = False
    for line in lines[1:]:
        s = line.strip()
        if not s:
            if body and not listed:
                break
            continue
        if _HEADING_LINE.match(line):
            break
        if _LIST_LINE.match(line):
            body.append(_list_item(line))
            listed = True
        elif body:
            break
        elif not s.endswith((":", "：")):  # "根据症状，考虑以下可能：" introduces the list below
            body.append(_paragraph(s))
    return [b for b in body if b.strip()]


def _section_items(text: str) -> dict[str, tuple[list[str], str]]:
    marks = _marks(text)
    out: dict[str, tuple[list[str], str]] = {}
    for i, (_, end, name, kind) in enumerate(marks):
        if kind not in ("disease", "advice"):
            continue
        stop = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        body = _section_body(text[end:stop])
        if body:
            prev, first = out.get(kind, ([], name))
            out[kind] = (prev + body, first)
    return out


def sections(text: str) -> dict[str, str]:
    """Labelled sections of a text: ``{'disease': ..., 'advice': ...}`` (every section of a kind, joined by 、).

    >>> sections("诊断: 肾结石；建议: 多饮水")
    {'disease': '肾结石', 'advice': '多饮水'}
    """
    secs = _section_items(strip_think((text or "").replace("\r\n", "\n")))
    return {k: "、".join(v[0]).strip().rstrip("；;。") for k, v in secs.items()}


def _readers(text: str, vocabulary: Vocabulary | None):
    """(rule, pattern, {kind: raw items}) of every reader, in precedence order, computed lazily."""
    yield "json", "json", read_json(text, label_kind) if "{" in text else {}
    yield "table", "markdown_table", read_table(text, label_kind) if "|" in text else {}
    yield "section", None, _section_items(text)
    if vocabulary is not None:
        yield "vocabulary", "vocabulary", {k: vocabulary.find(text, k) for k in ("disease", "advice")}
    yield "prose", "prose", read_prose(text)


def extract(answer: str, disease=None, advice=None, vocabulary: Vocabulary | None = None) -> Extraction:
    """Diagnoses and advice of one prediction, with the reader and pattern that fired for each.

    >>> extract("", disease=["肾结石"], advice="多饮水、复查B超").advices
    ['多饮水', '复查B超']
    >>> extract("考虑肾结石", vocabulary=Vocabulary.from_items(["肾结石"], [])).disease_rule
    'vocabulary'
    >>> e = extract("<think>诊断：膀胱炎</think>您好，考虑为肾结石。建议您多饮水。")
    >>> e.diseases, e.advices, e.disease_rule
    (['肾结石'], ['多饮水'], 'prose')
    """
    ex = Extraction()
    todo = []
    for kind, given in (("disease", disease), ("advice", advice)):
        items = split_items(given) if given is not None else []
        if items:
            setattr(ex, kind + "s", items)
            setattr(ex, kind + "_rule", "field")
            setattr(ex, kind + "_pattern", "field")
        else:
            todo.append(kind)
    if not todo:
        return ex
    text = strip_think((answer or "").replace("\r\n", "\n"))
    for rule, pattern, found in _readers(text, vocabulary):
        for kind in [k for k in todo if found.get(k)]:
            raw = found[kind]
            if rule == "section":
                raw, pattern_k = raw
            else:
                pattern_k = pattern
            items = split_items(raw)
            if kind == "disease" and rule not in ("vocabulary",):
                items = split_items([_HEDGE.sub("", x) for x in items])
            if items:
                setattr(ex, kind + "s", items)
                setattr(ex, kind + "_rule", rule)
                setattr(ex, kind + "_pattern", pattern_k)
                todo.remove(kind)
        if not todo:
            break
    return ex
