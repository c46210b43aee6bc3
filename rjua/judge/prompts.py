"""Versioned Chinese judge prompts and the verdict parser.

Two verdicts per record, as in DoctorRAG's protocol:

* **diagnosis, strict**: correct only when *every* gold disease appears in the answer
  (synonyms and more specific names allowed); a missing disease makes it wrong;
* **advice, balanced**: correct when the key advice is covered and nothing harmful is said.

The judge answers in three short lines (``诊断：正确/错误``, ``建议：正确/错误``,
``理由：…``); anything else is a malformed verdict (a per-record error).

>>> v = parse_verdict("诊断：正确\\n建议：错误\\n理由：漏了手术建议。")
>>> v.diagnosis, v.advice, v.reason
(True, False, '漏了手术建议。')
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "JUDGE_PROMPT_VERSION",
    "JUDGE_SYSTEM",
    "JUDGE_TEMPLATE",
    "MAX_ANSWER_CHARS",
    "MalformedVerdict",
    "Verdict",
    "judge_messages",
    "parse_verdict",
    "show_prompt",
]

JUDGE_PROMPT_VERSION = "judge-zh-2"  # 2: the doctor's reference answer is shown too
MAX_ANSWER_CHARS = 300

JUDGE_SYSTEM = "你是严谨的泌尿外科评审专家，只按要求的格式简短作答。"
JUDGE_TEMPLATE = (
    "请评判模型回答。\n"
    "【标准诊断】{gold_diseases}\n"
    "【标准建议】{gold_advices}\n"
    "【模型诊断】{pred_diseases}\n"
    "【模型建议】{pred_advices}\n"
    "【医生参考回答】{reference}\n"
    "【模型回答】{answer}\n"
    "规则：诊断严格评判，标准诊断中每个疾病都被模型提到（同义词可）才算正确，漏一个即错误；"
    "建议平衡评判，覆盖主要建议且无有害建议即算正确。\n"
    "按格式输出三行：\n理由：<标准诊断中模型漏掉的疾病，没有漏掉写“无遗漏”>\n诊断：正确/错误（有漏掉即错误）\n建议：正确/错误"
)

_YES = {"正确", "是", "对", "correct", "yes"}
_NO = {"错误", "否", "错", "不正确", "incorrect", "wrong", "no"}
_WORD = "不正确|正确|错误|是|否|对|错|incorrect|correct|wrong|yes|no"
_DIAG = re.compile(rf"(?:诊断|diagnosis)\**\s*[:：]\s*\**\s*({_WORD})", re.IGNORECASE)
_ADV = re.compile(rf"(?:建议|advice)\**\s*[:：]\s*\**\s*({_WORD})", re.IGNORECASE)
_REASON = re.compile(r"(?:理由|reason)\**\s*[:：]\s*\**\s*(.+)", re.IGNORECASE)


class MalformedVerdict(ValueError):
    """The judge's text does not hold both verdicts (a per-record error, never a crash)."""


@dataclass(frozen=True)
class Verdict:
    diagnosis: bool
    advice: bool
    reason: str


def _join(items: Sequence[str]) -> str:
    return "、".join(items) if items else "（无）"


def _cut(text: str | None) -> str:
    t = " ".join((text or "").split())
    return t[:MAX_ANSWER_CHARS] + ("…" if len(t) > MAX_ANSWER_CHARS else "") or "（空）"


def judge_messages(gold_diseases: Sequence[str], gold_advices: Sequence[str], pred_diseases: Sequence[str],
                   pred_advices: Sequence[str], answer: str, reference: str | None = None) -> list[dict[str, str]]:
    """Chat messages asking for both verdicts: the reference labels, the doctor's reference answer and the model's
    items and reply (each text cut to ``MAX_ANSWER_CHARS``).

    >>> m = judge_messages(["肾结石"], ["多饮水"], ["肾结石"], [], "考虑肾结石", "您好，考虑肾结石，建议多饮水。")
    >>> "【标准诊断】肾结石" in m[1]["content"], "【模型建议】（无）" in m[1]["content"], "多饮水。" in m[1]["content"]
    (True, True, True)
    """
    user = JUDGE_TEMPLATE.format(gold_diseases=_join(gold_diseases), gold_advices=_join(gold_advices),
                                 pred_diseases=_join(pred_diseases), pred_advices=_join(pred_advices),
                                 reference=_cut(reference), answer=_cut(answer))
    return [{"role": "system", "content": JUDGE_SYSTEM}, {"role": "user", "content": user}]


def _word(m: re.Match | None, what: str, text: str) -> bool:
    if m is None:
        raise MalformedVerdict(f"no {what} verdict in {text[:80]!r}")
    w = m.group(1).lower()
    return w in _YES if w in _YES | _NO else False


def parse_verdict(text: str) -> Verdict:
    """Both verdicts and the reason; :class:`MalformedVerdict` when a verdict is missing or ambiguous.

    >>> parse_verdict("诊断: 错误\\n建议: 正确").reason
    ''
    >>> parse_verdict("诊断：正确或错误\\n建议：正确或错误")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    MalformedVerdict: ambiguous diagnosis verdict in '诊断：正确或错误\\n建议：正确或错误'
    """
    text = (text or "").strip()
    out = []
    for what, rx in (("diagnosis", _DIAG), ("advice", _ADV)):
        ms = rx.findall(text)
        if len({m.lower() in _YES for m in ms}) > 1 or re.search(rf"{rx.pattern}\s*(?:或|/|\|)", text, re.IGNORECASE):
            raise MalformedVerdict(f"ambiguous {what} verdict in {text[:80]!r}")
        out.append(_word(rx.search(text), what, text))
    m = _REASON.search(text)
    return Verdict(out[0], out[1], m.group(1).strip()[:200] if m else "")


def show_prompt() -> str:
    """The prompt with placeholders, for ``rjua judge --show-prompt``.

    >>> show_prompt().splitlines()[0]
    '# judge prompt judge-zh-2'
    """
    return (f"# judge prompt {JUDGE_PROMPT_VERSION}\n## system\n{JUDGE_SYSTEM}\n## user\n{JUDGE_TEMPLATE}\n"
            f"(answer cut to {MAX_ANSWER_CHARS} characters)")
