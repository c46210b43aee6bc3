"""Which of the patient's own organs the question tells removed: one table of the operations, each with what it
takes away, read clause by clause (not a relative's operation, not one declined, planned, weighed or never done).

>>> removed("两年前接受了膀胱根治性切除+回肠膀胱术", "bladder"), removed("准备做膀胱全切", "bladder")
(True, False)
>>> removed("前列腺癌根治术后2年", "prostate"), removed("前列腺癌根治术后2年", "bladder")
(True, False)
"""
from __future__ import annotations

import re

from .text import nfkc

__all__ = ["REMOVING", "removed"]

# an operation -> the organs it takes away: a radical cystectomy or a diversion in the bladder's place takes the
# bladder and the prostate; a radical prostatectomy the prostate; a diversion that leaves the bladder (a
# ureterocutaneostomy) leaves no urethral voiding, so no prostate to treat either
REMOVING: tuple[tuple[re.Pattern, frozenset[str]], ...] = (
    (re.compile(r"(?:根治性?|全)膀胱切除|膀胱(?:根治性?|全)切除|膀胱全切|膀胱[^，,。；;]{0,4}根治术|膀胱癌根治|回肠膀胱|"
                r"原位新膀胱|[Bb]ricker"), frozenset({"bladder", "prostate"})),
    (re.compile(r"(?:根治性)?前列腺(?:癌)?根治|根治性前列腺切除"), frozenset({"prostate"})),
    (re.compile(r"输尿管皮肤造口|尿流改道"), frozenset({"prostate"})),
)
# whose operation it is not, or an operation not done
_NOT_DONE = re.compile(r"父亲|母亲|爸爸|妈妈|家族|家人|亲属|哥哥|弟弟|不需要|不用|没有做|没做|未做|拒绝|不做|不想|"
                       r"考虑|建议|准备|计划|打算|拟|是否|能否|要不要|需不需要")
# an operation still to come, or only weighed (膀胱全切好还是电切好, 担心要膀胱全切, 全切的话)
_TO_DO = re.compile(r"下周|下个月|准备|计划|打算|拟|要做|建议|将要|需要做|等待|好还是|还是|如果|的话|担心|可能需要|"
                    r"要不要|是否|会不会")
_CLAUSE = re.compile(r"[，,。；;！？!?\n]")


def removed(question: str, organ: str) -> bool:
    """Whether the question tells the patient's own ``organ`` ("bladder" or "prostate") removed (:data:`REMOVING`)."""
    clauses = [c for c in _CLAUSE.split(nfkc(question or "")) if not _NOT_DONE.search(c) and not _TO_DO.search(c)]
    return any(organ in organs and pat.search(c) for pat, organs in REMOVING for c in clauses)
