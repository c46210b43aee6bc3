"""Clinical consistency rules: each rule fires on a planted conflict and stays quiet on a consistent answer;
the scorer reports them."""
import json

import pytest

from rjua.consistency import RULES, check, summarise
from rjua.data import Record
from rjua.report import to_html, to_markdown
from rjua.scoring import PredRow, score_predictions
from rjua.train.config import RewardConfig
from rjua.train.rewards import make_reward_fn

# rule -> (question, diseases, advices, answer) violating it, and a consistent counterpart
CASES = {
    "sex_male_organ_in_female": (("我是一名60岁的女性，尿频尿急", ["前列腺增生"], ["多饮水"], ""),
                                 ("我是一名60岁的男性，尿频尿急", ["前列腺增生"], ["多饮水"], "")),
    "sex_female_organ_in_male": (("我是45岁男性，下腹痛", ["卵巢囊肿"], ["妇科B超"], ""),
                                 ("我是45岁女性，下腹痛", ["卵巢囊肿"], ["妇科B超"], "")),
    "age_bph_under_40": (("我是一名28岁的男性，尿频", ["前列腺增生"], ["口服非那雄胺"], ""),
                         ("我是一名68岁的男性，尿频", ["前列腺增生"], ["口服非那雄胺"], "")),
    "age_paediatric_in_adult": (("我今年45岁，男，血尿", ["肾母细胞瘤"], ["小儿外科就诊"], ""),
                                ("孩子3岁，男孩，腹部包块", ["肾母细胞瘤"], ["小儿外科就诊"], "")),
    "age_adult_in_child": (("我儿子8岁，晚上尿床", ["前列腺增生"], ["多饮水"], ""),
                           ("我儿子8岁，晚上尿床", ["遗尿症"], ["睡前限水"], "")),
    "pregnancy_contraindicated": (("我今年28岁，怀孕20周，右腰痛", ["右输尿管结石"], ["体外冲击波碎石"], ""),
                                  ("我今年28岁，怀孕20周，右腰痛", ["右输尿管结石"], ["B超复查"], "")),
    "laterality_opposite_side": (("我是50岁男性，右侧腰痛，CT示右输尿管结石", ["左输尿管结石"], ["左侧输尿管镜"], ""),
                                 ("我是50岁男性，右侧腰痛，CT示右输尿管结石", ["右输尿管结石"], ["右侧输尿管镜"], "")),
    "laterality_side_unstated": (("我是50岁男性，体检B超发现肾结石", ["左肾结石"], ["多饮水"], ""),
                                 ("我是50岁男性，体检B超发现肾结石", ["肾结石"], ["多饮水"], "")),
    "person_wrong_relative": (("我是一名56岁男性，左腰痛", ["左肾结石"], ["多饮水"], "您好，您母亲的情况考虑肾结石"),
                              ("我母亲56岁，左腰痛", ["左肾结石"], ["多饮水"], "您好，您母亲的情况考虑肾结石")),
}


def test_every_rule_has_cases():
    assert set(CASES) == {r.name for r in RULES}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_positive(rule):
    flags = check(*CASES[rule][0])
    assert rule in {f.rule for f in flags}, flags
    f = next(f for f in flags if f.rule == rule)
    assert f.item and f.field in ("disease", "advice", "answer")
    assert f.group == next(r.group for r in RULES if r.name == rule)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_negative(rule):
    assert check(*CASES[rule][1]) == []


def test_unknown_facts_never_flag():
    assert check("请问尿频怎么办？", ["前列腺增生", "卵巢囊肿", "肾结石"], ["PSA"], "您母亲需要复查") == []
    # an unknown side is the one exception: a side the question never names is not stated
    assert {f.rule for f in check("请问尿频怎么办？", ["左肾结石"])} == {"laterality_side_unstated"}


def test_age_rules_read_the_reply_too():
    flags = check("我是一名28岁的男性，尿频", ["慢性前列腺炎"], ["多饮水"], "您好，考虑前列腺增生，可口服非那雄胺。")
    assert [(f.rule, f.field) for f in flags] == [("age_bph_under_40", "answer")]
    flags = check("我儿子6个月大，男孩，脐部有包块", ["脐尿管囊肿"], [], "您的孩子考虑膀胱癌可能。")
    assert [(f.rule, f.field) for f in flags] == [("age_adult_in_child", "answer")]


@pytest.mark.parametrize("drug", ["5a还原酶抑制剂", "5α-还原酶抑制剂", "5-α还原酶抑制剂", "5 A 还原酶抑制剂", "保列治",
                                  "安福达", "爱普列特"])
def test_prostate_drug_variants_and_brand_names(drug):
    rules = {f.rule for f in check("我是一名32岁的女性，尿频", [], [drug])}
    assert {"sex_male_organ_in_female", "age_bph_under_40"} <= rules


def test_prostate_surgery_fragments_but_not_kidney_or_bladder_ones():
    woman = "我是一名52岁的女性，排尿困难"
    assert {f.rule for f in check(woman, [], ["等离子汽化术"])} == {"sex_male_organ_in_female"}
    assert {f.rule for f in check(woman, [], ["钬激光剜除术"])} == {"sex_male_organ_in_female"}
    assert check(woman, [], ["经尿道膀胱肿瘤汽化术", "腹腔镜下肾肿瘤剜除术", "微波辅助剜除术"]) == []
    assert check(woman, [], ["剜除术切除肾囊肿"]) == []
    assert check("", ["前列腺增生"]) == [] and check("x" * 50_000, ["子宫肌瘤"]) == []


def test_side_words_that_are_not_sides():
    q = "我是50岁男性，右侧腰痛，CT示右输尿管结石"
    assert check(q, ["右输尿管结石"], ["口服左氧氟沙星", "结石1厘米左右"], "") == []
    assert check(q, ["双肾结石"], [], "") == []


def _rec(i, q, d, a, ans="您好"):
    return Record(i, q, "", ans, "、".join(d), "、".join(a), (), tuple(d), tuple(a))


def test_scorer_flags_a_planted_conflict():
    gold = [_rec("1", "我是一名60岁的女性，尿频尿急", ["膀胱炎"], ["多饮水"]),
            _rec("2", "我是一名60岁的男性，排尿困难", ["前列腺增生"], ["坦索罗辛"])]
    clean = score_predictions(gold, [PredRow("1", "考虑膀胱炎", ["膀胱炎"], ["多饮水"]),
                                     PredRow("2", "考虑前列腺增生", ["前列腺增生"], ["坦索罗辛"])], n_resamples=20)
    assert clean.summary["consistency"]["any"]["records"] == 0
    planted = score_predictions(gold, [PredRow("1", "考虑前列腺增生", ["前列腺增生"], ["PSA"]),
                                       PredRow("2", "考虑前列腺增生", ["前列腺增生"], ["坦索罗辛"])], n_resamples=20)
    c = planted.summary["consistency"]
    assert c["rules"]["sex_male_organ_in_female"] == {"records": 1, "record_rate": 0.5, "items": 3}
    assert [f["item"] for f in planted.records[0].to_dict()["consistency_flags"]] == ["前列腺增生", "PSA", "前列腺"]
    assert planted.records[1].flags == []
    json.dumps(planted.summary)  # serialisable
    assert "sex_male_organ_in_female | 1 | 50.0%" in to_markdown(planted)
    assert "Clinical consistency" in to_html(planted) and "⚠ sex_male_organ_in_female" in to_html(planted)


def test_summarise_rates():
    s = summarise([check(*CASES["age_bph_under_40"][0]), []])
    assert s["groups"]["age"]["records"] == 1 and s["groups"]["age"]["record_rate"] == 0.5
    assert s["rules"]["age_bph_under_40"]["items"] == 2


def test_reward_penalty_is_off_by_default_and_costs_when_on():
    comp = ["诊断：前列腺增生\n建议：多饮水"]
    kw = {"diseases": [["前列腺增生"]], "advices": [["多饮水"]], "question": ["我是一名32岁的女性，尿频"]}
    assert make_reward_fn(RewardConfig())(["p"], comp, **kw) == [1.0]
    assert make_reward_fn(RewardConfig(consistency_penalty=0.2))(["p"], comp, **kw)[0] < 1.0


def test_demo_payload_carries_patient_facts_and_flags():
    from rjua.service import DemoService, consistency_note, patient_check

    out = DemoService.from_data().answer("我是一名52岁的女性，右侧腰痛，B超提示右肾结石")
    assert out["patient"]["sex"] == "female" and out["consistency"] == []
    assert "no conflicts" in consistency_note(out)
    planted = {**out, **patient_check("我是一名52岁的女性", ["前列腺增生"], [], "")}
    assert "⚠ sex_male_organ_in_female: 前列腺增生" in consistency_note(planted)


@pytest.mark.slow
def test_real_valid_gold_rarely_flagged_and_case_cv_is_consistent(real_dir):
    from rjua.crossval import cross_validate
    from rjua.data import load_split

    gold = load_split("valid", real_dir)
    gold_flags = [check(r.question, r.diseases, r.advices, r.answer) for r in gold]
    assert sum(bool(f) for f in gold_flags) <= 0.01 * len(gold)
    preds, _ = cross_validate(gold, "valid", 5, real_dir)
    res = score_predictions(gold, [PredRow(p.id, p.answer, p.diseases, p.advices) for p in preds], n_resamples=50)
    c = res.summary["consistency"]
    assert c["groups"]["sex"]["records"] == 0 and c["groups"]["age"]["records"] == 0
    assert c["groups"]["person"]["records"] == 0
    assert c["groups"]["laterality"]["records"] <= sum(any(f.group == "laterality" for f in fl) for fl in gold_flags)
    # honest 5-fold CV, lexical. The reply is composed for the patient (no borrowed narrative), which costs
    # ROUGE-L against the doctors' replies: 0.39 with neighbour replies, 0.299 composed (drugs first for BPH,
    # no curative operation for a spread cancer; docs/results.md); measured 0.400 exact F1
    assert res.summary["f1"] >= 0.375 and res.summary["rouge_l"] >= 0.29


def test_pipeline_guard_removes_what_contradicts_the_patient_for_any_backend():
    from rjua.backends.scripted import ScriptedBackend
    from rjua.pipeline import Pipeline

    raw = ("诊断：前列腺增生、膀胱炎\n建议：前列腺特异抗原(PSA)、多饮水\n"
           "回答：您好，您母亲可能是膀胱炎。也要排除前列腺增生。请多饮水。")
    question = "我是一名28岁的女性，尿频尿急尿痛两天，请问是什么病？"
    on = Pipeline(ScriptedBackend(lambda req: raw), None, context="none").answer(question)
    assert on.diseases == ["膀胱炎"] and on.advices == ["多饮水"]
    assert "前列腺" not in on.answer and "母亲" not in on.answer and "请多饮水" in on.answer
    assert on.answer == "请多饮水。"  # the sentences naming the prostate or another person are removed, not rewritten
    assert sorted({(f["rule"], f["field"]) for f in on.guard_removed}) == [
        ("age_bph_under_40", "answer"), ("age_bph_under_40", "disease"), ("person_wrong_relative", "answer"),
        ("sex_male_organ_in_female", "advice"),
        ("sex_male_organ_in_female", "answer"), ("sex_male_organ_in_female", "disease")]
    assert check(question, on.diseases, on.advices, on.answer) == []  # the scorer finds nothing left
    off = Pipeline(ScriptedBackend(lambda req: raw), None, context="none", guard=False).answer(question)
    assert "前列腺增生" in off.diseases and off.guard_removed == [] and check(question, off.diseases, off.advices,
                                                                               off.answer)
    # a consistent answer passes untouched
    ok = Pipeline(ScriptedBackend(lambda req: "诊断：膀胱炎\n建议：多饮水\n回答：您好，考虑膀胱炎。"), None,
                  context="none").answer(question)
    assert ok.diseases == ["膀胱炎"] and ok.answer == "您好，考虑膀胱炎。" and ok.guard_removed == []


def test_guard_leaves_nothing_for_the_scorer_to_read_back():
    """Found on the real run: a reply without a 回答 section keeps its 诊断 line, from which extraction reads
    the removed diagnosis back unless the guard removes that line too."""
    from rjua.consistency import guard
    from rjua.extract import extract

    q = "医生你好，我今年26岁，我们夫妻一直没有避孕，但是没有怀孕，请问我是什么病呢？"
    raw = "诊断：前列腺增生\n建议：泌尿系统B超检查、经尿道前列腺电切术、精液常规"
    d, a, reply, flags = guard(q, ["前列腺增生"], ["泌尿系统B超检查", "经尿道前列腺电切术", "精液常规"], raw)
    assert d == [] and a == ["泌尿系统B超检查", "精液常规"] and {f.rule for f in flags} == {"age_bph_under_40"}
    ex = extract(reply, d, a)
    assert "前列腺增生" not in ex.diseases and check(q, ex.diseases, ex.advices, reply) == []
