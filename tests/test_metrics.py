import random

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from rjua.metrics import (
    PRF,
    bootstrap_ci,
    bootstrap_stat,
    chars,
    cohen_kappa,
    combined_f1,
    items_match,
    lcs_length,
    micro_f1,
    prf,
    rouge_l,
    rouge_l_counts,
)

CJK = st.text(alphabet="肾输尿管结石膀胱前列腺炎增生建议复查", max_size=30)


def ref_lcs(a, b):
    dp = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            dp[i][j] = dp[i - 1][j - 1] + 1 if a[i - 1] == b[j - 1] else max(dp[i - 1][j], dp[i][j - 1])
    return dp[-1][-1]


def test_hand_checked_disease_f1():
    r = prf(["睾丸炎", "睾丸扭转"], ["睾丸炎", "睾丸扭转", "脓毒血症"])
    assert (r.tp, r.precision, r.recall) == (2, 1.0, pytest.approx(2 / 3))
    assert r.f1 == pytest.approx(0.8)


def test_rouge_l_chinese_equal_and_disjoint():
    s = "考虑左侧输尿管结石伴肾积水，建议输尿管镜碎石。"
    assert rouge_l(s, s) == 1.0
    assert rouge_l("膀胱炎", "肾结石") == 0.0


def test_stock_rouge_score_drops_chinese_but_ours_does_not():
    from rouge_score import rouge_scorer

    s = "前列腺增生"
    stock = rouge_scorer.RougeScorer(["rougeL"]).score(s, s)["rougeL"].fmeasure
    assert stock == 0.0  # the default tokenizer deletes every Chinese character
    assert rouge_l(s, s) == 1.0


def test_known_lcs_by_hand():
    # pred 我尿频尿痛 (5), ref 尿频尿急伴尿痛 (7): LCS 尿频尿痛 = 4
    c = rouge_l_counts("我尿频 尿痛", "尿频尿急伴尿痛")
    assert (c.lcs, c.n_pred, c.n_ref) == (4, 5, 7)
    assert c.f == pytest.approx(2 * (4 / 5) * (4 / 7) / (4 / 5 + 4 / 7))


def test_conventions():
    assert prf([], ["肾结石"]).f1 == 0.0
    assert prf([], []).f1 == 0.0
    assert prf(["A病"], ["B病"]).f1 == 0.0
    assert rouge_l("", "参考") == 0.0 and rouge_l("  ", "") == 0.0
    assert prf(["肾结石。", " 肾 结石"], ["肾结石"]).f1 == 1.0  # NFKC/whitespace/punct + dedup
    assert chars("Ａ Ｂ\n") == "AB"


def test_fuzzy_matching():
    assert items_match("左输尿管结石", "左侧输尿管结石", "fuzzy")
    assert items_match("前列腺增生", "良性前列腺增生症", "fuzzy")
    assert not items_match("肾结石", "膀胱炎", "fuzzy")
    assert not items_match("左肾结石", "右肾囊肿", "fuzzy")
    r = prf(["前列腺增生", "前列腺炎"], ["良性前列腺增生"], "fuzzy")
    assert r.tp == 1  # one-to-one: a gold item is matched once
    with pytest.raises(ValueError):
        items_match("a", "b", "loose")


def test_fuzzy_needs_two_characters_and_coverage_of_the_longer_item():
    assert not items_match("肾", "肾结石", "fuzzy")  # one character never matches by containment
    assert not items_match("结石", "左输尿管下段结石", "fuzzy")  # 2 of 8 characters: a fragment
    assert items_match("输尿管结石", "左输尿管结石", "fuzzy")  # 5 of 6
    assert not items_match("前列", "前列腺增生", "fuzzy")
    assert items_match("PSA检查", "psa检查") and items_match("血PSA", "psa", "fuzzy")
    assert prf(["腺", "肾"], ["前列腺增生", "肾结石"], "fuzzy").tp == 0
    assert items_match("药物治疗", "药物治疗如α1受体阻滞剂", "fuzzy")
    assert items_match("左卡尼汀", "左卡尼汀等药物治疗", "fuzzy") and not items_match("治疗", "治疗方案如下", "fuzzy")


@pytest.mark.real_data
def test_constant_fragments_score_nothing_on_real_valid(real_dir):
    """No constant fragment prediction (any single character, the most frequent characters or character
    pairs of the gold items) earns more than 0.05 fuzzy F1 on the real valid split."""
    from collections import Counter

    from rjua.data import load_split
    from rjua.scoring import score_predictions

    gold = load_split("valid", real_dir)
    items = [x for r in gold for x in (*r.diseases, *r.advices)]
    chars = [c for c, _ in Counter(c for x in items for c in x).most_common(40)]
    pairs = [p for p, _ in Counter(x[i:i + 2] for x in items for i in range(len(x) - 1)).most_common(10)]

    def fuzzy_f1(d, a):
        preds = [{"id": r.id, "answer": "", "disease": d, "advice": a} for r in gold]
        return score_predictions(gold, preds, match="fuzzy", n_resamples=1).summary["f1"]

    constants = [(["腺", "肾"], ["术", "治"]), (chars[:10], chars[:10]), (pairs, pairs)]
    constants += [([c], [c]) for c in chars]
    scores = {str(c): fuzzy_f1(*c) for c in constants}
    assert max(scores.values()) <= 0.05, {k: v for k, v in scores.items() if v > 0.05}


def test_combined_and_micro():
    assert combined_f1(1.0, 0.0) == pytest.approx(2 / 3)
    assert micro_f1([PRF(1, 1, 2), PRF(1, 3, 1)]) == pytest.approx(2 * 2 / (4 + 3))


def test_lcs_matches_reference_on_random_strings():
    rng = random.Random(0)
    for _ in range(300):
        a = "".join(rng.choice("肾结石膀胱炎ab") for _ in range(rng.randint(0, 80)))
        b = "".join(rng.choice("肾结石膀胱炎ab") for _ in range(rng.randint(0, 80)))
        assert lcs_length(a, b) == ref_lcs(a, b)


def test_bootstrap_is_seeded_and_brackets_mean():
    x = np.random.default_rng(1).random(200)
    assert bootstrap_ci(x, 500, seed=3) == bootstrap_ci(x, 500, seed=3)
    lo, hi = bootstrap_ci(x, 500)
    assert lo < x.mean() < hi


@settings(max_examples=200, deadline=None)
@given(st.lists(CJK, max_size=5), st.lists(CJK, max_size=5), st.sampled_from(["exact", "fuzzy"]))
def test_prf_properties(pred, gold, mode):
    r = prf(pred, gold, mode)
    assert 0.0 <= r.f1 <= 1.0 and 0.0 <= r.precision <= 1.0 and 0.0 <= r.recall <= 1.0
    assert r.tp <= min(r.n_pred, r.n_gold)
    assert prf(gold, pred, mode).f1 == pytest.approx(r.f1)  # symmetric
    if mode == "exact":
        assert r.f1 <= prf(pred, gold, "fuzzy").f1 + 1e-12  # fuzzy never scores lower
    if r.n_pred and r.n_pred == r.n_gold == r.tp:
        assert r.f1 == 1.0


@settings(max_examples=200, deadline=None)
@given(CJK, CJK)
def test_rouge_properties(a, b):
    f = rouge_l(a, b)
    assert 0.0 <= f <= 1.0
    assert f == pytest.approx(rouge_l(b, a))
    assert lcs_length(chars(a), chars(b)) == ref_lcs(chars(a), chars(b))
    if chars(a):
        assert rouge_l(a, a) == 1.0


def test_cohen_kappa_agrees_with_scikit_learn():
    skm = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(3)
    for _ in range(20):
        a, b = rng.integers(0, 2, 30), rng.integers(0, 2, 30)
        b[:10] = a[:10]
        assert cohen_kappa(a, b) == pytest.approx(skm.cohen_kappa_score(a, b))


def test_bootstrap_stat_is_scipys_paired_percentile_interval():
    from scipy import stats

    rng = np.random.default_rng(1)
    cols = rng.random((50, 2))
    ratio = lambda m: m[..., 0] / m[..., 1]  # noqa: E731
    lo, hi = bootstrap_stat(cols, ratio, 500, seed=4)
    ref = stats.bootstrap(tuple(cols.T), lambda x, y, axis: x.mean(axis) / y.mean(axis), paired=True,
                          vectorized=True, n_resamples=500, method="percentile", random_state=4).confidence_interval
    assert (lo, hi) == pytest.approx((ref.low, ref.high))
    assert lo < ratio(cols.mean(axis=0)) < hi
