"""A metric added through the registry reaches the score JSON, every report format, per-sample rows and rewards."""
import json

import pytest

from rjua import metrics
from rjua.cli.score import _format_score
from rjua.data import load_split
from rjua.errors import RJUAError
from rjua.metrics import PRF, Metric, Sample, aggregate, evaluate, macro_mean, micro_f1, register
from rjua.report import to_html, to_markdown
from rjua.scoring import KEYS, gold_as_predictions, score_predictions
from rjua.train.config import RewardConfig
from rjua.train.rewards import make_reward_fn


def answer_char_f1(s: Sample) -> PRF:
    """Set F1 of the answer's characters (a toy counts metric: it has macro and micro)."""
    p, g = set(metrics.chars(s.answer)), set(metrics.chars(s.reference))
    return PRF(len(p & g), len(p), len(g))


def answer_len_ratio(s: Sample) -> float:
    """Answer length over reference length (a plain number: macro only)."""
    return len(s.answer) / max(1, len(s.reference))


@pytest.fixture
def registered():
    before = dict(metrics.METRICS)
    register(Metric("answer_char_f1", answer_char_f1))
    register(Metric("answer_len_ratio", answer_len_ratio))
    yield
    metrics.METRICS.clear()
    metrics.METRICS.update(before)


def _preds(gold):
    return [{"id": r.id, "answer": r.answer[: len(r.answer) // 2], "disease": list(r.diseases)[:1]} for r in gold]


def test_builtin_order():
    assert metrics.metric_names()[:4] == KEYS


def test_new_metric_in_score_json_reports_and_rows(registered):
    gold = load_split("test")
    res = score_predictions(gold, _preds(gold), n_resamples=50)
    s = json.loads(_format_score(res, "json"))
    per = [answer_char_f1(Sample([], [], [], [], r.answer[: len(r.answer) // 2], r.answer)) for r in gold]
    assert s["answer_char_f1"] == pytest.approx(macro_mean([c.f1 for c in per]))
    assert s["micro"]["answer_char_f1"] == pytest.approx(micro_f1(per))
    lo, hi = s["ci95"]["answer_char_f1"]
    assert lo <= s["answer_char_f1"] <= hi and s["micro"]["ci95"]["answer_char_f1"][0] <= s["micro"]["answer_char_f1"]
    assert 0 < s["answer_len_ratio"] < 1 and "answer_len_ratio" not in s["micro"]
    assert "| answer_char_f1 |" in to_markdown(res) and "| answer_len_ratio |" in to_markdown(res)
    assert "<td>answer_char_f1</td>" in to_html(res) and "<td>answer_len_ratio</td>" in to_html(res)
    assert "answer_char_f1" in _format_score(res, "text")
    row = res.records[0].to_dict()
    assert row["answer_char_f1"] == pytest.approx(per[0].f1) and "answer_len_ratio" in row


def test_new_metric_leaves_builtin_scores_alone(registered):
    gold = load_split("test")
    with_new = score_predictions(gold, _preds(gold), n_resamples=50).summary
    saved = dict(metrics.METRICS)
    for k in ("answer_char_f1", "answer_len_ratio"):
        del metrics.METRICS[k]
    try:
        without = score_predictions(gold, _preds(gold), n_resamples=50).summary
    finally:
        metrics.METRICS.update(saved)
    for k in KEYS:
        assert with_new[k] == without[k] and with_new["micro"][k] == without["micro"][k]
        assert with_new["ci95"][k] == without["ci95"][k]


def test_new_metric_as_reward(registered):
    gold = load_split("test")[:3]
    reward = make_reward_fn(RewardConfig(metric="answer_char_f1", format_gate=False))
    answers = [r.answer[: len(r.answer) // 2] for r in gold]
    got = reward(["p"] * 3, answers, diseases=[list(r.diseases) for r in gold],
                 advices=[list(r.advices) for r in gold], answer=[r.answer for r in gold])
    assert got == [answer_char_f1(Sample([], [], [], [], a, r.answer)).f1 for a, r in zip(answers, gold)]
    assert 0 < min(got) and max(got) < 1


def test_unknown_reward_metric_is_refused():
    with pytest.raises(RJUAError, match="unknown reward metric 'nope'"):
        make_reward_fn(RewardConfig(metric="nope"))


def test_register_refuses_bad_definitions():
    with pytest.raises(ValueError, match="needs unregistered"):
        register(Metric("x", needs=("missing",), combine=lambda a: a))
    with pytest.raises(ValueError, match="give fn"):
        register(Metric("y"))


def test_aggregate_matches_pooled_counts():
    rows = [evaluate(Sample(["肾结石", "肾积水"], ["肾结石"], [], ["多饮水"], "肾结石", "肾结石伴积水")),
            evaluate(Sample([], ["膀胱炎"], ["多饮水"], ["多饮水"], "", "膀胱炎"))]
    agg = aggregate(rows, n_resamples=20)
    d = [r["disease_f1"] for r in rows]
    assert agg["macro"]["disease_f1"] == pytest.approx(macro_mean([c.f1 for c in d]))
    assert agg["micro"]["disease_f1"] == pytest.approx(micro_f1(d))
    a = [r["advice_f1"] for r in rows]
    assert agg["micro"]["f1"] == pytest.approx((2 * micro_f1(d) + micro_f1(a)) / 3)
    assert agg["macro"]["f1"] == pytest.approx(macro_mean([(2 * x.f1 + y.f1) / 3 for x, y in zip(d, a)]))


def test_gold_scores_one_with_registry():
    gold = load_split("test")
    s = score_predictions(gold, gold_as_predictions(gold), n_resamples=20).summary
    assert all(s[k] == 1.0 and s["micro"][k] == 1.0 for k in KEYS)


def test_config_refuses_unknown_reward_metric():
    from rjua.train.config import RLConfig, load_config, validate

    validate(load_config(RLConfig, "rl_c3po_tiny", ["reward.metric=rouge_l"]))
    with pytest.raises(RJUAError, match="reward.metric must be a registered metric"):
        validate(load_config(RLConfig, "rl_c3po_tiny", ["reward.metric=nope"]))


def test_rl_rows_carry_the_reference_for_answer_metrics():
    from rjua.train.config import DataConfig
    from rjua.train.data import rl_rows

    gold = load_split("test")[:2]
    rows = rl_rows(gold, DataConfig(), count=len)
    reward = make_reward_fn(RewardConfig(metric="rouge_l", format_gate=False))
    cols = {k: [r[k] for r in rows] for k in ("diseases", "advices", "question", "answer")}
    assert reward([r["prompt"] for r in rows], [g.answer for g in gold], **cols) == [1.0, 1.0]
