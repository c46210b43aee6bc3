"""Chinese clinical prompt templates and token-budgeted context packing.

The model is asked for a parseable answer::

    诊断：<疾病1>、<疾病2>
    建议：<建议1>、<建议2>
    分析：<简短推理>
    回答：<给患者的回复>

Context passages are added in rank order until the **token budget** is spent
(counted with the model's tokenizer when there is one, else with
:func:`approx_tokens`); the passage that crosses the budget is cut at a token
boundary, later ones are dropped.

>>> msgs = build_messages("尿频尿急怎么办？", ["膀胱炎表现为尿频尿急。"])
>>> msgs[0]["role"], "诊断：" in msgs[0]["content"], "[1] 膀胱炎" in msgs[1]["content"]
('system', True, True)
"""
from __future__ import annotations

import re
from typing import Callable, Sequence

__all__ = ["DEFAULT_CONTEXT_TOKENS", "NOT_MEDICAL_ADVICE", "PROMPT_VERSION", "SYSTEM_PROMPT", "USER_TEMPLATE",
           "USER_TEMPLATE_NO_CONTEXT", "approx_tokens", "build_messages", "format_answer", "pack_context"]

NOT_MEDICAL_ADVICE = "本回答由研究系统自动生成，仅供研究参考，不构成医疗建议；如有不适请及时就医。"

PROMPT_VERSION = 2
SYSTEM_PROMPT = (
    "你是一名经验丰富的泌尿外科医生。请根据患者的描述和提供的临床指南资料进行临床推理，"
    "给出最可能的诊断和处理建议。严格按以下四行格式作答，把尖括号中的说明换成你的内容（不要输出尖括号）：\n"
    "诊断：<患者最可能患的具体疾病名称，多个用“、”分隔>\n"
    "建议：<具体的检查和治疗措施，多个用“、”分隔>\n"
    "分析：<一两句简短的推理>\n"
    "回答：<以医生口吻给患者的完整回复>"
)

USER_TEMPLATE = "【临床指南资料】\n{context}\n\n【患者问题】\n{question}"
USER_TEMPLATE_NO_CONTEXT = "【患者问题】\n{question}"
DEFAULT_CONTEXT_TOKENS = 1024

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_WORD = re.compile(r"[A-Za-z0-9]+")


def approx_tokens(text: str) -> int:
    """Token estimate without a tokenizer: one per CJK character, one per ASCII word, one per other symbol.

    >>> approx_tokens("尿频 PSA 4.5")
    6
    """
    n_cjk = len(_CJK.findall(text))
    rest = _CJK.sub(" ", text)
    n_words = len(_WORD.findall(rest))
    n_other = len([c for c in _WORD.sub(" ", rest) if not c.isspace()])
    return n_cjk + n_words + n_other


def _cut(text: str, budget: int, count: Callable[[str], int]) -> str:
    lo, hi = 0, len(text)
    while lo < hi:  # longest prefix within budget (binary search over characters)
        mid = (lo + hi + 1) // 2
        if count(text[:mid]) <= budget:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip()


def pack_context(passages: Sequence[str], budget: int = DEFAULT_CONTEXT_TOKENS,
                 count: Callable[[str], int] = approx_tokens) -> list[str]:
    """Passages (in order) that fit ``budget`` tokens; the last one may be cut.

    >>> pack_context(["甲乙丙", "丁戊己"], budget=4)
    ['甲乙丙', '丁']
    """
    out, used = [], 0
    for p in passages:
        n = count(p)
        if used + n <= budget:
            out.append(p)
            used += n
            continue
        rest = budget - used
        if rest > 0:
            cut = _cut(p, rest, count)
            if cut:
                out.append(cut)
        break
    return out


def build_messages(question: str, passages: Sequence[str] = (), budget: int = DEFAULT_CONTEXT_TOKENS,
                   count: Callable[[str], int] = approx_tokens) -> list[dict[str, str]]:
    """Chat messages for one question with its evidence packed into ``budget`` tokens."""
    packed = pack_context(passages, budget, count)
    if packed:
        ctx = "\n".join(f"[{i}] {p}" for i, p in enumerate(packed, 1))
        user = USER_TEMPLATE.format(context=ctx, question=question.strip())
    else:
        user = USER_TEMPLATE_NO_CONTEXT.format(question=question.strip())
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def format_answer(diseases: Sequence[str], advices: Sequence[str], reasoning: str = "", reply: str = "") -> str:
    """The target format (used for SFT targets and by the case backend).

    >>> format_answer(["肾结石"], ["多饮水"]).splitlines()[:2]
    ['诊断：肾结石', '建议：多饮水']
    """
    lines = [f"诊断：{'、'.join(diseases)}", f"建议：{'、'.join(advices)}"]
    if reasoning:
        lines.append(f"分析：{reasoning}")
    if reply:
        lines.append(f"回答：{reply}")
    return "\n".join(lines)
