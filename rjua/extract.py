"""Free text -> diagnoses and advice (extraction is separate from scoring).

Order of rules, first that yields items wins, and the rule is reported:

1. ``field``: the prediction gave ``disease`` / ``advice`` itself (string or list);
2. ``section``: labelled sections such as ``诊断：`` / ``初步诊断:`` / ``**建议**：`` /
   ``治疗:`` with Chinese or ASCII colons, content on the same line or as a
   numbered / bulleted list below; a blank line followed by prose ends a section;
3. ``vocabulary``: known labels (from a labelled pool) found verbatim in the text,
   longest first, non-overlapping;
4. ``none``: nothing found (scores 0).

>>> e = extract("分析：尿频尿痛。\\n诊断：急性膀胱炎\\n建议：\\n1. 多饮水\\n2. 口服磷霉素")
>>> e.diseases, e.advices, e.disease_rule
(['急性膀胱炎'], ['多饮水', '口服磷霉素'], 'section')
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from .items import normalize_item, split_items

__all__ = ["ADVICE_LABELS", "DISEASE_LABELS", "Extraction", "OTHER_LABELS", "Vocabulary", "extract", "sections"]

DISEASE_LABELS = ("初步诊断", "临床诊断", "考虑诊断", "可能的诊断", "诊断结果", "诊断", "疾病", "病名",
                  "diagnosis", "diagnoses")
ADVICE_LABELS = ("治疗建议", "处理建议", "诊疗建议", "治疗方案", "处理意见", "进一步检查", "建议检查",
                 "建议", "治疗", "处理", "检查", "医嘱", "advice", "recommendations", "recommendation",
                 "treatment")
OTHER_LABELS = ("诊断依据", "分析", "理由", "推理", "依据", "解释", "说明", "注意事项", "注意", "提示",
                "回答", "答复", "思考", "总结", "reasoning", "analysis", "answer", "note")
_ALL = sorted({*DISEASE_LABELS, *ADVICE_LABELS, *OTHER_LABELS}, key=len, reverse=True)
_HEADING = re.compile(
    r"(?:^|(?<=[\n。；;，,]))[ \t>#*\-•·]*(?:\d{1,2}[.、)]\s*|[一二三四五六七八九十][、.]\s*)?[【\[*]*\s*("
    + "|".join(map(re.escape, _ALL)) + r")\s*[】\]*]*\s*[:：]", re.IGNORECASE)
_LIST_LINE = re.compile(r"^\s*(?:[(（]?\d{1,2}[.、)）:]|[①-⑳]|[-*•·]|[一二三四五六七八九十][、.])")
_HEDGE = re.compile(r"^(?:初步考虑|考虑为|考虑是|考虑|可能为|可能是|疑似|诊断为|患有)")


@dataclass
class Extraction:
    """Items extracted from one prediction and the rule that produced each list."""

    diseases: list[str] = field(default_factory=list)
    advices: list[str] = field(default_factory=list)
    disease_rule: str = "none"
    advice_rule: str = "none"


@dataclass(frozen=True)
class Vocabulary:
    """Known disease and advice labels (normalised), e.g. from a labelled pool.

    >>> v = Vocabulary.from_items(["膀胱炎", "肾结石"], ["多饮水"])
    >>> v.find("考虑肾结石，建议多饮水", "disease")
    ['肾结石']
    """

    diseases: frozenset[str]
    advices: frozenset[str]

    @classmethod
    def from_items(cls, diseases: Iterable[str], advices: Iterable[str]) -> "Vocabulary":
        def norm(xs):
            return frozenset(n for n in (normalize_item(x) for x in xs) if len(n) >= 2)

        return cls(norm(diseases), norm(advices))

    @classmethod
    def from_other_splits(cls, split: str, data_dir=None) -> "Vocabulary":
        """Labels of every split in the directory except ``split`` (never the gold being scored)."""
        from .data import load_all

        return cls.from_records([r for s, recs in load_all(data_dir).items() if s != split for r in recs])

    @classmethod
    def from_records(cls, records) -> "Vocabulary":
        """All labels of a labelled pool of :class:`rjua.data.Record`."""
        return cls.from_items([d for r in records for d in r.diseases], [a for r in records for a in r.advices])

    def find(self, text: str, kind: str) -> list[str]:
        """Labels of ``kind`` ('disease' or 'advice') occurring in ``text``, longest first, no overlaps."""
        labels = self.diseases if kind == "disease" else self.advices
        norm = normalize_item(text) if text else ""
        taken = [False] * len(norm)
        hits = []
        for lab in sorted(labels, key=lambda x: (-len(x), x)):
            start = norm.find(lab)
            while start >= 0:
                if not any(taken[start:start + len(lab)]):
                    taken[start:start + len(lab)] = [True] * len(lab)
                    hits.append((start, lab))
                    break
                start = norm.find(lab, start + 1)
        return [lab for _, lab in sorted(hits)]


def _section_body(text: str) -> str:
    lines = text.split("\n")
    body, blank = [], False
    for i, line in enumerate(lines):
        if not line.strip():
            blank = bool(body) or i > 0
            continue
        if blank and not _LIST_LINE.match(line):
            break
        if i > 0 and body and not _LIST_LINE.match(line) and _LIST_LINE.match(body[-1]) is None and i > 1:
            break
        body.append(line)
        blank = False
    return "\n".join(body)


def sections(text: str) -> dict[str, str]:
    """Labelled sections of a text: ``{'disease': ..., 'advice': ...}`` (first of each kind).

    >>> sections("诊断: 肾结石；建议: 多饮水")
    {'disease': '肾结石', 'advice': '多饮水'}
    """
    text = (text or "").replace("\r\n", "\n")
    marks = list(_HEADING.finditer(text))
    out: dict[str, str] = {}
    for i, m in enumerate(marks):
        label = m.group(1).lower()
        kind = "disease" if label in DISEASE_LABELS else "advice" if label in ADVICE_LABELS else None
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        if kind and kind not in out:
            body = _section_body(text[m.end():end]).strip().rstrip("；;。")
            if body:
                out[kind] = body
    return out


def _clean_diseases(items: list[str]) -> list[str]:
    return split_items([_HEDGE.sub("", x) for x in items])


def extract(answer: str, disease=None, advice=None, vocabulary: Vocabulary | None = None) -> Extraction:
    """Diagnoses and advice of one prediction, with the rule that fired for each.

    >>> extract("", disease=["肾结石"], advice="多饮水、复查B超").advices
    ['多饮水', '复查B超']
    >>> extract("考虑肾结石", vocabulary=Vocabulary.from_items(["肾结石"], [])).disease_rule
    'vocabulary'
    """
    ex = Extraction()
    secs = None
    for kind, given in (("disease", disease), ("advice", advice)):
        items, rule = [], "none"
        if given is not None and split_items(given):
            items, rule = split_items(given), "field"
        else:
            secs = sections(answer) if secs is None else secs
            if kind in secs:
                items, rule = split_items(secs[kind]), "section"
            elif vocabulary is not None:
                items = vocabulary.find(answer, kind)
                rule = "vocabulary" if items else "none"
        if kind == "disease":
            ex.diseases, ex.disease_rule = (_clean_diseases(items) if rule == "section" else items), rule
        else:
            ex.advices, ex.advice_rule = items, rule
    return ex
