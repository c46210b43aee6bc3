"""Which of several equally faithful wordings a composed reply uses: the one doctors use for similar cases.

A reply composed from the answer's own items (:func:`rjua.compose.compose_reply`) can say the same thing in
several stock ways (初步诊断为… / 可能患有…; 治疗方面，我们可以考虑… / 建议您进行…). :data:`SLOTS` lists them, one
readable table: each slot is a part of the reply and its variants are overrides of
:data:`rjua.compose.TEMPLATES` (the first variant of each slot is today's wording). :func:`choose_reply`
picks, slot by slot, the variant whose whole reply agrees best (mean character ROUGE-L) with the doctors'
replies to the most similar labelled cases: minimum-Bayes-risk selection with the neighbours' replies as
pseudo-references. Every candidate states the same items and the same patient facts, so the choice
changes phrasing only; no neighbour's words enter the reply through it. Without neighbour replies the
first variants are used.

Slot by slot (coordinate ascent, 1 + Σ(variants − 1) = 13 candidate replies) rather than every combination
(360): on the 5-fold cross-validated predictions of the valid split the two score 0.3364 and 0.3363 ROUGE-L
against the doctors' replies (fixed default wording 0.3143; the variants before the doctors' stock phrases
您的初步诊断为…, 针对您的情况，我们建议您进行… and …到医院就诊 were added 0.3243), the first in 22 s for 211
records, the second in 554 s (``scripts/tune_reply.py --mbr``, 2026-12-07, 2 shared cores; that script also
chooses between the two variant sets fold by fold on the other folds: today's on every fold, 0.3364).

>>> q, d, a = "我右侧腰痛两天，B超提示右肾结石", ["右肾结石"], ["输尿管镜碎石术"]
>>> doctors = ["您好，根据您的描述，您可能患有肾结石。建议您进行输尿管镜碎石术。"]
>>> "可能患有右肾结石" in choose_reply(q, d, a, neighbour_replies=doctors)
True
>>> "初步诊断为右肾结石" in choose_reply(q, d, a)
True
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .compose import compose_reply
from .metrics import rouge_l

__all__ = ["SLOTS", "agreement", "choose_reply"]

# slot -> its variants (overrides of rjua.compose.TEMPLATES); the first is the default wording
SLOTS: dict[str, tuple[dict[str, str], ...]] = {
    "assess": (
        {},
        {"assess_one": "{basis}，{who}可能患有{main}{cite}。",
         "assess_many": "{basis}，{who}可能患有{main}，同时可能存在{rest}{cite}。"},
        {"assess_one": "{basis}，考虑{who}为{main}{cite}。",
         "assess_many": "{basis}，考虑{who}为{main}，同时可能存在{rest}{cite}。"},
        {"subject_self": "您", "assess_one": "{basis}，{who}可能患有{main}{cite}。",
         "assess_many": "{basis}，{who}可能患有{main}，同时可能存在{rest}{cite}。"},
        {"subject_self": "您", "assess_one": "{basis}，{who}的初步诊断为{main}{cite}。",
         "assess_many": "{basis}，{who}的初步诊断为{main}，同时可能存在{rest}{cite}。"},
    ),
    "treat": (
        {},
        {"treat": "建议{who}进行{items}，具体的治疗方案需要根据{who}的具体情况来确定。"},
        {"treat": "{who}可以考虑{items}，具体的治疗方案需要根据{who}的具体情况来确定。"},
        {"treat": "针对{who}的情况，我们建议{who}进行{items}。"},
    ),
    "exam": (
        {},
        {"exam": "建议{who}进一步完善{items}等检查。"},
        {"exam": "针对{who}的情况，我建议{who}进行{items}等检查。"},
    ),
    "urgent": (
        {},
        {"go_self": "立即到医院就诊", "go_child": "立即带孩子到医院就诊", "go_other": "尽快陪同{person}到医院就诊"},
    ),
    "closing": (
        {},
        {"closing": "如果您还有其他问题，可以随时向我提问。"},
        {"closing": ""},
    ),
}


def agreement(text: str, replies: Sequence[str]) -> float:
    """Mean character ROUGE-L of ``text`` against ``replies`` (0.0 for none).

    >>> agreement("建议多饮水", ["建议多饮水", "多喝水"]) > agreement("建议手术", ["建议多饮水", "多喝水"])
    True
    """
    return sum(rouge_l(text, r) for r in replies) / len(replies) if replies else 0.0


def choose_reply(question: str, diseases: Sequence[str], advices: Sequence[str], passages: Sequence = (),
                 neighbour_replies: Iterable[str] = (), most: int = 5, slots: Mapping = SLOTS, **kwargs) -> str:
    """The composed reply in the wording (one variant per slot of ``slots``) that agrees best with the first
    ``most`` neighbour replies; ties keep the earlier variant. ``kwargs`` go to
    :func:`rjua.compose.compose_reply`."""
    replies = [r for r in neighbour_replies if r]
    refs = replies[:most]

    def render(chosen: dict[str, str]) -> str:
        return compose_reply(question, diseases, advices, passages, replies, templates=chosen, **kwargs)

    chosen: dict[str, str] = {}
    best = render(chosen)
    if not refs:
        return best
    best_score = agreement(best, refs)
    for variants in slots.values():
        base = dict(chosen)
        for variant in variants[1:]:
            text = render({**base, **variant})
            if (score := agreement(text, refs)) > best_score:
                best, best_score, chosen = text, score, {**base, **variant}
    return best
