"""The official RJUA-QA metrics as small pure functions (no I/O).

Per record: precision / recall / F1 of the predicted item set against the gold
set (diseases, advice), the combined score ``(2·F1_disease + F1_advice) / 3`` and
character-level ROUGE-L of the answer text.

Conventions (documented and tested):

* an empty prediction scores 0 (also when the gold set is empty);
* F1 is 0 when nothing overlaps;
* items are compared by :func:`rjua.items.match_key` (NFKC, whitespace, list markers, edge
  punctuation, quote marks, ASCII case: ``psa检查`` = ``PSA检查``) — callers pass already-split items;
* ``exact`` matching compares keys; ``fuzzy`` matching counts a pair of items of at least
  ``FUZZY_MIN_CHARS`` (2) characters each when their shared part — the shorter item when one
  contains the other, else their longest common substring, which must also cover ``FUZZY_RATIO``
  (0.6) of the shorter item — covers at least ``FUZZY_COVER`` (0.5) of the longer one, or the
  longer item is the shorter one followed by an example clause (``药物治疗`` / ``药物治疗如α1受体阻滞剂``,
  ``左卡尼汀`` / ``左卡尼汀等药物治疗``), or both have the same key in the label ontology
  (:func:`rjua.ontology.canonical`: 右肾占位 = 右肾肿瘤); pairs are matched one-to-one (maximum
  bipartite matching). A fragment (``肾``, ``结石`` against ``左输尿管下段结石``) is not a match, so
  constant fragments cannot collect fuzzy credit.

>>> prf(["睾丸炎", "睾丸扭转"], ["睾丸炎", "睾丸扭转", "脓毒血症"]).f1
0.8
>>> rouge_l("前列腺增生", "前列腺增生")
1.0
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np
from rapidfuzz.distance import LCSseq
from scipy import stats

from .items import match_key
from .ontology import canonical
from .text import no_space

__all__ = ["FUZZY_COVER", "FUZZY_MIN_CHARS", "FUZZY_RATIO", "MATCH_MODES", "METRICS", "PRF", "Metric", "RougeL",
           "Sample",
           "aggregate", "bootstrap_ci", "bootstrap_stat", "chars", "cohen_kappa", "combined_f1", "evaluate",
           "f1_from_counts", "items_match", "lcs_length", "macro_mean", "metric_names", "micro_f1", "prf",
           "register", "rouge_l", "rouge_l_counts"]

MATCH_MODES = ("exact", "fuzzy")
FUZZY_RATIO = 0.6
FUZZY_MIN_CHARS = 2
FUZZY_COVER = 0.5
_EXAMPLE = ("如", "等", "(如", "(例如", "例如", "比如", "包括", "(包括")  # an example clause after an item


class _Overlap:
    """Precision, recall and F (the per-record ``score``) of a dataclass whose three fields are
    (overlap, predicted, reference); shared by :class:`PRF` and :class:`RougeL` so aggregation treats both alike."""

    @property
    def counts(self) -> tuple[int, int, int]:
        """(overlap, predicted, reference): the columns micro aggregation pools (the three fields in order;
        ``dataclasses.astuple`` deep-copies and cost 0.13 s of a 211-record score)."""
        return tuple(getattr(self, f) for f in self.__dataclass_fields__)

    @property
    def precision(self) -> float:
        o, p, _ = self.counts
        return o / p if p else 0.0

    @property
    def recall(self) -> float:
        o, _, r = self.counts
        return o / r if r else 0.0

    @property
    def score(self) -> float:
        return f1_from_counts(*self.counts)


@dataclass(frozen=True)
class PRF(_Overlap):
    """Counts and scores of one set comparison.

    >>> PRF(tp=1, n_pred=2, n_gold=1).precision
    0.5
    """

    tp: int
    n_pred: int
    n_gold: int

    f1 = _Overlap.score  # the set comparison's name for its score


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
    """Whether two items count as the same (compared by :func:`rjua.items.match_key`).

    >>> items_match("左输尿管结石", "左侧输尿管结石", "fuzzy"), items_match("左输尿管结石", "左侧输尿管结石")
    (True, False)
    >>> items_match("右肾占位", "右肾肿瘤", "fuzzy"), items_match("psa检查", "PSA检查")
    (True, True)
    >>> items_match("肾", "肾结石", "fuzzy"), items_match("结石", "左输尿管下段结石", "fuzzy")
    (False, False)
    >>> items_match("手术治疗", "手术治疗如经尿道前列腺激光剜除术", "fuzzy")
    True
    """
    if mode not in MATCH_MODES:
        raise ValueError(f"unknown match mode {mode!r}; choose one of {MATCH_MODES}")
    a, b = match_key(a), match_key(b)
    if not a or not b:
        return False
    if a == b or mode == "exact":
        return a == b
    short, long = sorted((a, b), key=len)
    if len(short) < FUZZY_MIN_CHARS:
        return False
    if long.startswith(short) and long[len(short):].startswith(_EXAMPLE):  # 手术治疗 / 手术治疗如经尿道…
        return True
    shared = len(short) if short in long else _longest_common_substring(a, b)
    if shared >= max(FUZZY_MIN_CHARS, math.ceil(FUZZY_RATIO * len(short))) and shared >= FUZZY_COVER * len(long):
        return True

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

    Items are de-duplicated by :func:`rjua.items.match_key`; matching is one-to-one.

    >>> r = prf(["左输尿管结石", "肾积水"], ["左侧输尿管结石"], mode="fuzzy")
    >>> (r.tp, r.precision, r.recall)
    (1, 0.5, 1.0)
    """
    p = list(dict.fromkeys(x for x in (match_key(i) for i in pred) if x))
    g = list(dict.fromkeys(x for x in (match_key(i) for i in gold) if x))
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
    return no_space(text)


def lcs_length(a: str, b: str) -> int:
    """Length of the longest common subsequence (compiled, bit-parallel).

    >>> lcs_length("ABCBDAB", "BDCABA")
    4
    """
    return int(LCSseq.similarity(a, b))


@dataclass(frozen=True)
class RougeL(_Overlap):
    """LCS counts of one ROUGE-L comparison; P = LCS/len(pred), R = LCS/len(ref)."""

    lcs: int
    n_pred: int
    n_ref: int

    f = _Overlap.score  # ROUGE-L's F-measure


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
    tp, n_pred, n_gold = (sum(col) for col in zip(*(c.counts for c in counts))) if counts else (0, 0, 0)
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
    """Percentile bootstrap of ``stat(column_sums / n)`` over resampled records (:func:`scipy.stats.bootstrap`,
    the columns resampled together as paired samples).

    ``columns`` is an (n_records, k) array; ``stat`` maps an (..., k) array of
    column means to a value, so ratios of sums (micro scores) work too. Fewer than two records: the point value.

    >>> bootstrap_stat(np.array([[1.0, 2.0]] * 4), lambda m: m[..., 0] / m[..., 1])
    (0.5, 0.5)
    """
    columns = np.asarray(columns, dtype=float)
    n = len(columns)
    if n == 0:
        return (0.0, 0.0)
    if n < 2:
        v = float(stat(columns.mean(axis=0)))
        return (v, v)

    def of_means(*cols, axis):
        return stat(np.stack([c.mean(axis=axis) for c in cols], axis=-1))

    with np.errstate(invalid="ignore", divide="ignore"):
        res = stats.bootstrap(tuple(columns.T), of_means, paired=True, vectorized=True, n_resamples=n_resamples,
                              method="percentile", confidence_level=level, random_state=seed)
    lo, hi = res.confidence_interval
    return (float(lo), float(hi))


def cohen_kappa(a: Sequence[bool], b: Sequence[bool]) -> float:
    """Cohen's kappa of two binary ratings of the same items (1.0 when both are constant and equal).

    Written here because scipy has none and scikit-learn is not a core dependency; a test checks it against
    ``sklearn.metrics.cohen_kappa_score`` where scikit-learn is installed.

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


# ---------------------------------------------------------------- registry
@dataclass(frozen=True)
class Sample:
    """What a per-record metric sees: predicted and gold items, answer and reference text, match mode.

    >>> Sample(["肾结石"], ["肾结石"], [], ["多饮水"], "考虑肾结石", "肾结石").match
    'exact'
    """

    pred_diseases: Sequence[str]
    gold_diseases: Sequence[str]
    pred_advices: Sequence[str]
    gold_advices: Sequence[str]
    answer: str = ""
    reference: str = ""
    match: str = "exact"


@dataclass(frozen=True)
class Metric:
    """A named metric: how one record is scored and how records aggregate.

    ``fn(sample)`` returns counts (:class:`PRF` / :class:`RougeL`, anything with ``.score`` and
    ``.counts`` = (overlap, predicted, gold)): macro = mean of ``score``, micro = F1 of the pooled
    counts; or a plain number: macro only. A derived metric gives ``needs`` (names of metrics
    registered before it) and ``combine(*their values)``, applied per record and to their micro values.
    """

    name: str
    fn: Callable[[Sample], Any] | None = None
    needs: tuple[str, ...] = ()
    combine: Callable[..., Any] | None = None
    doc: str = ""


METRICS: dict[str, Metric] = {}


def register(metric: Metric) -> Metric:
    """Add ``metric`` to :data:`METRICS` (score JSON, reports and :func:`rjua.train.rewards.metric_reward_fn`).

    >>> m = register(Metric("answer_chars", lambda s: len(chars(s.answer)), doc="answer length"))
    >>> "answer_chars" in metric_names(); del METRICS["answer_chars"]
    True
    """
    if (metric.fn is None) == (metric.combine is None):
        raise ValueError(f"metric {metric.name!r}: give fn, or needs + combine")
    unknown = [n for n in metric.needs if n not in METRICS]
    if unknown:
        raise ValueError(f"metric {metric.name!r} needs unregistered metric(s) {unknown}")
    METRICS[metric.name] = metric
    return metric


def metric_names() -> tuple[str, ...]:
    """Registered metric names in registration order.

    >>> metric_names()[:4]
    ('disease_f1', 'advice_f1', 'f1', 'rouge_l')
    """
    return tuple(METRICS)


def _value(v: Any) -> float:
    return v.score if hasattr(v, "counts") else v


def evaluate(sample: Sample, names: Sequence[str] | None = None) -> dict[str, Any]:
    """Per-record results of the named (default: all registered) metrics, derived ones included.

    >>> r = evaluate(Sample(["肾结石"], ["肾结石"], [], ["多饮水"], "肾结石", "肾结石"))
    >>> r["disease_f1"].f1, r["advice_f1"].f1, r["f1"]
    (1.0, 0.0, 0.6666666666666666)
    """
    out: dict[str, Any] = {}

    def get(name: str) -> Any:
        if name not in out:
            m = METRICS[name]
            out[name] = m.fn(sample) if m.fn else m.combine(*(_value(get(n)) for n in m.needs))
        return out[name]

    for name in names or METRICS:
        get(name)
    return out if names is None else {n: out[n] for n in names}


def _f1_cols(tp: np.ndarray, n_pred: np.ndarray, n_gold: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((n_pred > 0) & (tp > 0), 2 * tp / (n_pred + n_gold), 0.0)


def _micro_cols(name: str, per_record: Sequence[Mapping[str, Any]]) -> tuple[np.ndarray, Callable] | None:
    """Count columns of ``name`` (and of what it needs) and the statistic mapping their means to its micro value."""
    m = METRICS[name]
    if m.combine:
        parts = [_micro_cols(n, per_record) for n in m.needs]
        if any(p is None for p in parts):
            return None
        widths = np.cumsum([0] + [p[0].shape[1] for p in parts])
        cols = np.concatenate([p[0] for p in parts], axis=1)
        return cols, lambda x: m.combine(*(p[1](x[..., a:b]) for p, a, b in zip(parts, widths, widths[1:])))
    if not per_record or not hasattr(per_record[0][name], "counts"):
        return None
    cols = np.array([r[name].counts for r in per_record], dtype=float).reshape(-1, 3)
    return cols, lambda x: _f1_cols(x[..., 0], x[..., 1], x[..., 2])


def aggregate(per_record: Sequence[Mapping[str, Any]], names: Sequence[str] | None = None,
              n_resamples: int = 1000, seed: int = 0, level: float = 0.95) -> dict[str, dict[str, Any]]:
    """Macro and micro aggregates of per-record results (from :func:`evaluate`) with bootstrap intervals.

    Returns ``{"macro": {name: v}, "ci": {name: [lo, hi]}, "micro": {...}, "micro_ci": {...}}``;
    metrics without counts have no micro entry.

    >>> rows = [evaluate(Sample(["肾结石"], ["肾结石"], [], [], "a", "a")),
    ...         evaluate(Sample([], ["膀胱炎"], [], [], "", "b"))]
    >>> agg = aggregate(rows, ["disease_f1", "rouge_l"], n_resamples=20)
    >>> agg["macro"], agg["micro"]
    ({'disease_f1': 0.5, 'rouge_l': 0.5}, {'disease_f1': 0.6666666666666666, 'rouge_l': 0.6666666666666666})
    """
    names = tuple(names or METRICS)
    out: dict[str, dict[str, Any]] = {"macro": {}, "ci": {}, "micro": {}, "micro_ci": {}}
    for name in names:
        col = np.array([_value(r[name]) for r in per_record], dtype=float)
        out["macro"][name] = macro_mean(col)
        out["ci"][name] = list(bootstrap_stat(col[:, None], lambda x: x[..., 0], n_resamples, seed, level))
        micro = _micro_cols(name, per_record)
        if micro is not None or not per_record:
            cols, stat = micro if micro is not None else (np.zeros((0, 3)), None)
            out["micro"][name] = float(stat(cols.mean(axis=0))) if len(cols) else 0.0
            out["micro_ci"][name] = list(bootstrap_stat(cols, stat, n_resamples, seed, level))
    return out


register(Metric("disease_f1", lambda s: prf(s.pred_diseases, s.gold_diseases, s.match), doc="set F1 of diagnoses"))
register(Metric("advice_f1", lambda s: prf(s.pred_advices, s.gold_advices, s.match), doc="set F1 of advice"))
register(Metric("f1", needs=("disease_f1", "advice_f1"), combine=combined_f1, doc="(2·F1_disease + F1_advice) / 3"))
register(Metric("rouge_l", lambda s: rouge_l_counts(s.answer, s.reference), doc="character ROUGE-L F"))
