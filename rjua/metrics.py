"""The official RJUA-QA metrics as small pure functions (no I/O).

Per record: precision / recall / F1 of the predicted item set against the gold
set (diseases, advice), the combined score ``(2·F1_disease + F1_advice) / 3`` and
character-level ROUGE-L of the answer text.

Conventions (documented and tested):

* an empty prediction scores 0 (also when the gold set is empty);
* F1 is 0 when nothing overlaps;
* items are compared after :func:`rjua.items.normalize_item` (NFKC, whitespace,
  list markers, edge punctuation) — callers pass already-split items;
* ``exact`` matching compares normalised strings; ``fuzzy`` matching counts a pair
  when one item contains the other or their longest common substring covers at
  least ``FUZZY_RATIO`` (0.6) of the shorter item and at least ``FUZZY_MIN_CHARS`` (2)
  characters, or both have the same key in the label ontology
  (:func:`rjua.ontology.canonical`: 右肾占位 = 右肾肿瘤); pairs are matched one-to-one
  (maximum bipartite matching).

>>> prf(["睾丸炎", "睾丸扭转"], ["睾丸炎", "睾丸扭转", "脓毒血症"]).f1
0.8
>>> rouge_l("前列腺增生", "前列腺增生")
1.0
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
from rapidfuzz.distance import LCSseq

from .items import normalize_item

MATCH_MODES = ("exact", "fuzzy")
FUZZY_RATIO = 0.6
FUZZY_MIN_CHARS = 2


@dataclass(frozen=True)
class PRF:
    """Counts and scores of one set comparison.

    >>> PRF(tp=1, n_pred=2, n_gold=1).precision
    0.5
    """

    tp: int
    n_pred: int
    n_gold: int

    @property
    def precision(self) -> float:
        return self.tp / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        return f1_from_counts(self.tp, self.n_pred, self.n_gold)


def f1_from_counts(tp: float, n_pred: float, n_gold: float) -> float:
    """F1 = 2·TP / (|pred| + |gold|); 0 when there is no prediction or no overlap.

    >>> f1_from_counts(2, 2, 3)
    0.8
    """
    if n_pred <= 0 or tp <= 0:
        return 0.0
    return 2.0 * tp / (n_pred + n_gold)


def _longest_common_substring(a: str, b: str) -> int:
    best, prev = 0, [0] * (len(b) + 1)
    for ca in a:
        cur = [0] * (len(b) + 1)
        for j, cb in enumerate(b, 1):
            if ca == cb:
                cur[j] = prev[j - 1] + 1
                if cur[j] > best:
                    best = cur[j]
        prev = cur
    return best


def items_match(a: str, b: str, mode: str = "exact") -> bool:
    """Whether two normalised items count as the same.

    >>> items_match("左输尿管结石", "左侧输尿管结石", "fuzzy"), items_match("左输尿管结石", "左侧输尿管结石")
    (True, False)
    >>> items_match("右肾占位", "右肾肿瘤", "fuzzy")
    True
    """
    if mode == "exact":
        return a == b
    if mode != "fuzzy":
        raise ValueError(f"unknown match mode {mode!r}; choose one of {MATCH_MODES}")
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    need = max(FUZZY_MIN_CHARS, math.ceil(FUZZY_RATIO * min(len(a), len(b))))
    if _longest_common_substring(a, b) >= need:
        return True
    from .ontology import canonical  # same meaning, other wording (占位 / 肿瘤, 腹腔镜下X术 / X术, 左侧 / 左)

    return canonical(a) == canonical(b)


def _max_matching(pred: Sequence[str], gold: Sequence[str], mode: str) -> int:
    adj = [[j for j, g in enumerate(gold) if items_match(p, g, mode)] for p in pred]
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in adj[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    return sum(augment(i, set()) for i in range(len(pred)))


def prf(pred: Iterable[str], gold: Iterable[str], mode: str = "exact") -> PRF:
    """Precision, recall and F1 of predicted items against gold items.

    Items are de-duplicated after normalisation; matching is one-to-one.

    >>> r = prf(["左输尿管结石", "肾积水"], ["左侧输尿管结石"], mode="fuzzy")
    >>> (r.tp, r.precision, r.recall)
    (1, 0.5, 1.0)
    """
    p = list(dict.fromkeys(x for x in (normalize_item(i) for i in pred) if x))
    g = list(dict.fromkeys(x for x in (normalize_item(i) for i in gold) if x))
    if mode == "exact":
        tp = len(set(p) & set(g))
    else:
        tp = _max_matching(p, g, mode)
    return PRF(tp, len(p), len(g))


def combined_f1(disease_f1: float, advice_f1: float) -> float:
    """The dataset's combined score (2·F1_disease + F1_advice) / 3.

    >>> combined_f1(0.6, 0.3)
    0.5
    """
    return (2.0 * disease_f1 + advice_f1) / 3.0


def chars(text: str) -> str:
    """Character-level tokenisation for ROUGE-L: NFKC, whitespace removed.

    >>> chars("前列腺 增生\\n")
    '前列腺增生'
    """
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", text or "").split())


def lcs_length(a: str, b: str) -> int:
    """Length of the longest common subsequence (compiled, bit-parallel).

    >>> lcs_length("ABCBDAB", "BDCABA")
    4
    """
    return int(LCSseq.similarity(a, b))


@dataclass(frozen=True)
class RougeL:
    """LCS counts of one ROUGE-L comparison; P = LCS/len(pred), R = LCS/len(ref)."""

    lcs: int
    n_pred: int
    n_ref: int

    @property
    def precision(self) -> float:
        return self.lcs / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.lcs / self.n_ref if self.n_ref else 0.0

    @property
    def f(self) -> float:
        return f1_from_counts(self.lcs, self.n_pred, self.n_ref)


def rouge_l_counts(prediction: str, reference: str) -> RougeL:
    """Character ROUGE-L counts after :func:`chars`.

    >>> rouge_l_counts("我尿频", "尿频尿急")
    RougeL(lcs=2, n_pred=3, n_ref=4)
    """
    a, b = chars(prediction), chars(reference)
    return RougeL(lcs_length(a, b), len(a), len(b))


def rouge_l(prediction: str, reference: str) -> float:
    """Character-level ROUGE-L F (F = 2PR/(P+R)); 0 for an empty prediction.

    >>> rouge_l("膀胱炎", "肾结石")
    0.0
    """
    return rouge_l_counts(prediction, reference).f


# ------------------------------------------------------------- aggregation
def macro_mean(values: Sequence[float]) -> float:
    """Mean over records (0.0 for none).

    >>> macro_mean([1.0, 0.0, 0.5])
    0.5
    """
    return float(np.mean(values)) if len(values) else 0.0


def micro_f1(counts: Sequence[PRF | RougeL]) -> float:
    """Pooled F1 over all items: sums TP / predicted / gold before dividing.

    >>> micro_f1([PRF(1, 1, 2), PRF(1, 3, 1)])
    0.5714285714285714
    """
    tp = sum(c.tp if isinstance(c, PRF) else c.lcs for c in counts)
    n_pred = sum(c.n_pred for c in counts)
    n_gold = sum(c.n_gold if isinstance(c, PRF) else c.n_ref for c in counts)
    return f1_from_counts(tp, n_pred, n_gold)


def bootstrap_ci(per_record: np.ndarray, n_resamples: int = 1000, seed: int = 0,
                 level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of ``per_record``.

    >>> lo, hi = bootstrap_ci(np.array([0.0, 1.0] * 50), n_resamples=200)
    >>> 0.35 < lo < 0.5 < hi < 0.65
    True
    """
    return bootstrap_stat(per_record[:, None], lambda s: s[..., 0], n_resamples, seed, level)


def bootstrap_stat(columns: np.ndarray, stat, n_resamples: int = 1000, seed: int = 0,
                   level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap of ``stat(column_sums / n)`` over resampled records.

    ``columns`` is an (n_records, k) array; ``stat`` maps an (..., k) array of
    column means to a value, so ratios of sums (micro scores) work too.
    """
    n = len(columns)
    if n == 0:
        return (0.0, 0.0)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_resamples, n))
    means = np.stack([columns[:, j][idx].mean(axis=1) for j in range(columns.shape[1])], axis=-1)
    vals = stat(means)
    alpha = (1.0 - level) / 2.0
    return (float(np.quantile(vals, alpha)), float(np.quantile(vals, 1.0 - alpha)))


def cohen_kappa(a: Sequence[bool], b: Sequence[bool]) -> float:
    """Cohen's kappa of two binary ratings of the same items (1.0 when both are constant and equal).

    >>> cohen_kappa([1, 1, 0, 0], [1, 1, 0, 0]), cohen_kappa([1, 0, 1, 0], [1, 1, 0, 0])
    (1.0, 0.0)
    """
    n = len(a)
    if n != len(b):
        raise ValueError("ratings of different lengths")
    if n == 0:
        return 0.0
    po = sum(bool(x) == bool(y) for x, y in zip(a, b)) / n
    pa, pb = sum(map(bool, a)) / n, sum(map(bool, b)) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    if pe >= 1.0:
        return 1.0 if po == 1.0 else 0.0
    return (po - pe) / (1 - pe)
