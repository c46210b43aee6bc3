"""The DoctorRAG protocol for RJUA-QA, recomputed on any predictions.

As DoctorRAG scores RJUA-QA (a closed vocabulary, per-record verdicts, word-level text metrics):

- **closed vocabulary**: the model picks labels from a list (their ``disease.txt`` / ``advice.txt``),
  at most :data:`MAX_PICKS` of each. Here a prediction's extracted items are mapped onto the list
  (an item equal to a label, else the labels it contains, longest first) and, when nothing was
  extracted, the labels found in the answer text; the first five are kept.
- **strict diagnosis**: correct when *every* gold disease has a matching pick;
- **balanced advice**: with 1–2 gold advice items all must match, with more at least 2;
- a match is their rule-based fallback: equal, or one contains the other (their primary verdict is an
  LLM agent applying the same rule; the rule is what is computed here, without a model);
- an empty pick list counts as a failed call and is **excluded** from the accuracy, as they do; the
  number excluded is reported, and ``*_acc_all`` counts those records as wrong;
- **ROUGE-L** over jieba tokens (LCS F1 of the token sequences of reply and reference answer) and
  **BLEU-4** (sentence BLEU over jieba tokens, uniform weights, add-ε smoothing of zero n-gram counts
  with ε = 0.1, brevity penalty), averaged over records.

>>> strict_diagnosis(["肾结石", "肾积水"], ["左肾结石", "肾积水"])
True
>>> balanced_advice(["多饮水"], ["多饮水", "复查B超", "碎石"])
False
>>> token_rouge_l(["肾", "结石"], ["肾", "结石", "复查"])
0.8
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

from rapidfuzz.distance import LCSseq

from ..extract import Vocabulary
from ..items import normalize_item

__all__ = ["MAX_PICKS", "balanced_advice", "bleu4", "closed_picks", "doctorrag_protocol", "strict_diagnosis",
           "token_rouge_l", "tokens"]

MAX_PICKS = 5
EPSILON = 0.1  # add-ε smoothing of an n-gram order with no match (NLTK's SmoothingFunction.method1)


def closed_picks(items: Sequence[str], answer: str, vocab: Vocabulary, kind: str, k: int = MAX_PICKS) -> list[str]:
    """At most ``k`` labels of the closed vocabulary for one prediction (see the module docstring).

    >>> v = Vocabulary.from_items(["肾结石", "肾积水", "膀胱炎"], [])
    >>> closed_picks(["左侧肾结石伴肾积水", "膀胱炎"], "", v, "disease")
    ['肾结石', '肾积水', '膀胱炎']
    >>> closed_picks([], "考虑膀胱炎可能", v, "disease")
    ['膀胱炎']
    """
    labels = vocab.diseases if kind == "disease" else vocab.advices
    picks: list[str] = []
    for item in items:
        n = normalize_item(item)
        for lab in ([n] if n in labels else vocab.find(item, kind)):
            if lab not in picks:
                picks.append(lab)
    if not items:
        picks = vocab.find(answer or "", kind)
    return picks[:k]


def _matches(gold: str, picks: Sequence[str]) -> bool:
    g = normalize_item(gold)
    return any(g == p or g in p or p in g for p in (normalize_item(x) for x in picks) if p)


def strict_diagnosis(picks: Sequence[str], gold: Sequence[str]) -> bool:
    """Every gold disease has a pick that equals, contains or is contained in it."""
    return bool(gold) and all(_matches(g, picks) for g in gold)


def balanced_advice(picks: Sequence[str], gold: Sequence[str]) -> bool:
    """1–2 gold items: all matched; more: at least 2 matched."""
    hit = sum(_matches(g, picks) for g in gold)
    return bool(gold) and (hit == len(gold) if len(gold) <= 2 else hit >= 2)


def tokens(text: str) -> list[str]:
    """jieba's default (accurate-mode) tokens of the stripped text.

    >>> tokens(" 肾结石 ")
    ['肾结石']
    """
    import jieba

    jieba.setLogLevel(60)
    return list(jieba.cut((text or "").strip()))


def token_rouge_l(pred: Sequence[str], ref: Sequence[str]) -> float:
    """ROUGE-L F1 of two token sequences (P = LCS/|pred|, R = LCS/|ref|, 0 when either is empty)."""
    if not pred or not ref:
        return 0.0
    lcs = LCSseq.similarity(list(pred), list(ref))
    p, r = lcs / len(pred), lcs / len(ref)
    return 2 * p * r / (p + r) if p + r else 0.0


def bleu4(pred: Sequence[str], ref: Sequence[str]) -> float:
    """Sentence BLEU-4 with one reference (uniform weights, ε-smoothed zero counts, brevity penalty).

    >>> round(bleu4(list("肾结石复查B超"), list("肾结石复查B超")), 6)
    1.0
    >>> bleu4(["甲"], ["乙", "丙"])
    0.0
    """
    if not pred or not ref:
        return 0.0
    logs = []
    for n in range(1, 5):
        p_ng = Counter(tuple(pred[i:i + n]) for i in range(len(pred) - n + 1))
        r_ng = Counter(tuple(ref[i:i + n]) for i in range(len(ref) - n + 1))
        hit = sum(min(c, r_ng[g]) for g, c in p_ng.items())
        total = max(1, sum(p_ng.values()))
        if n == 1 and hit == 0:
            return 0.0
        logs.append(math.log((hit if hit else EPSILON) / total))
    bp = 1.0 if len(pred) > len(ref) else math.exp(1 - len(ref) / len(pred))
    return bp * math.exp(sum(logs) / 4)


def _acc(flags: list[bool | None]) -> tuple[float | None, float | None, int]:
    judged = [f for f in flags if f is not None]
    acc = sum(judged) / len(judged) if judged else None
    return acc, (sum(judged) / len(flags) if flags else None), len(flags) - len(judged)


def doctorrag_protocol(records: Sequence, vocab: Vocabulary) -> dict[str, Any]:
    """The protocol over scored records (:class:`rjua.scoring.RecordScore`: extraction, gold, answer)."""
    dx, adv, rouge, bleu, empty = [], [], [], [], {"disease": [], "advice": []}
    for r in records:
        pd = closed_picks(r.extraction.diseases, r.answer, vocab, "disease")
        pa = closed_picks(r.extraction.advices, r.answer, vocab, "advice")
        dx.append(strict_diagnosis(pd, r.gold.diseases) if pd else None)
        adv.append(balanced_advice(pa, r.gold.advices) if pa else None)
        for kind, picks in (("disease", pd), ("advice", pa)):
            if not picks:
                empty[kind].append(r.id)
        tp, tr = tokens(r.answer), tokens(r.gold.answer)
        rouge.append(token_rouge_l(tp, tr))
        bleu.append(bleu4(tp, tr))
    d_acc, d_all, _ = _acc(dx)
    a_acc, a_all, _ = _acc(adv)
    n = len(records)
    return {"protocol": "doctorrag", "n": n,
            "diagnosis_acc": d_acc, "advice_acc": a_acc, "diagnosis_acc_all": d_all, "advice_acc_all": a_all,
            "n_diagnosis": n - len(empty["disease"]), "n_advice": n - len(empty["advice"]),
            "excluded_empty": {k: {"n": len(v), "ids": v} for k, v in empty.items()},
            "rouge_l_jieba": sum(rouge) / n if n else None, "bleu4_jieba": sum(bleu) / n if n else None,
            "vocabulary": {"diseases": len(vocab.diseases), "advices": len(vocab.advices)}, "max_picks": MAX_PICKS,
            "verdict": "rule-based (equal or containment); strict diagnosis, balanced advice"}
