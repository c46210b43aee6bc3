"""Faithfulness rules: one positive and one negative case each (self-written), guard and summary."""
import pytest

from rjua.faithfulness import (
    RULES,
    check,
    diagnosis_mentions,
    drop_fact_sentences,
    guard,
    named_in,
    negated_terms,
    summarise,
)

Q_STONE = "我是45岁男性，左侧腰痛2天，B超提示左肾积水，没有发热，否认糖尿病、高血压"
Q_FORESKIN = "我32岁，男，包皮过长，想问要不要做包皮环切"


def rules(flags):
    return {f.rule for f in flags}


# (rule, question, diseases, advices, reply that breaks it, reply that does not)
CASES = [
    ("reply_unlisted_diagnosis", Q_STONE, ["左输尿管结石"], [],
     "您好，考虑左输尿管结石，另外诊断为右肾错构瘤。", "您好，考虑左输尿管结石伴左肾积水。"),
    ("diagnoses_not_in_reply", Q_STONE, ["左输尿管结石"], [],
     "您好，请多饮水，注意休息。", "您好，初步考虑左输尿管结石。"),
    ("fact_history", Q_FORESKIN, ["包皮过长"], [],
     "您是包皮过长，结合您重症肌无力病史需谨慎麻醉。", "您是包皮过长，如果有糖尿病需先控制血糖。"),
    ("fact_measurement", Q_STONE, ["左输尿管结石"], [],
     "考虑左输尿管结石，结石大小约8mm。", "考虑左输尿管结石，一般小于6mm的结石可自行排出。"),
    ("fact_result", Q_FORESKIN, ["包皮过长"], [],
     "您是包皮过长，CT提示右肾占位。", "您是包皮过长，不需要做CT检查。"),
    ("fact_operation", Q_FORESKIN, ["包皮过长"], [],
     "您是包皮过长，您是腰椎术后，需卧床。", "您是包皮过长，包皮环切术后需保持清洁。"),
    ("fact_drug", Q_FORESKIN, ["包皮过长"], [],
     "您是包皮过长，您长期服用阿司匹林，需停药一周。", "您是包皮过长，如果在服用阿司匹林请告诉医生。"),
    ("negation_contradicted", "我50岁，尿频尿急，没有发热，也没有血尿", ["膀胱炎"], [],
     "考虑膀胱炎，目前伴有发热。", "考虑膀胱炎，如出现发热请及时就诊。"),
]


@pytest.mark.parametrize("rule,q,d,a,bad,good", CASES, ids=[c[0] for c in CASES])
def test_rule_positive_and_negative(rule, q, d, a, bad, good):
    assert rule in rules(check(q, d, a, bad))
    assert rule not in rules(check(q, d, a, good))


def test_site_unsupported_positive_and_negative():
    bad = check(Q_FORESKIN, ["包皮过长", "右肾错构瘤"], ["机器人右肾肿瘤剜除术"], "您是包皮过长。")
    assert {(f.field, f.item) for f in bad if f.rule == "site_unsupported"} == {
        ("disease", "右肾错构瘤"), ("advice", "机器人右肾肿瘤剜除术")}
    assert "site_unsupported" not in rules(check(Q_FORESKIN, ["包皮过长"], ["包皮环切术"], "您是包皮过长。"))
    assert "site_unsupported" not in rules(check(Q_STONE, ["左输尿管结石"], ["输尿管镜碎石术"], "考虑左输尿管结石。"))
    # the expert context supplies a site the question alone does not
    q = "体检发现血压高，血钾低"
    assert "site_unsupported" not in rules(check(q, ["左肾上腺腺瘤"], [], "考虑左肾上腺腺瘤。"))
    assert "site_unsupported" in rules(check("高血压10年", ["左肾上腺腺瘤"], [], "考虑左肾上腺腺瘤。"))
    assert "site_unsupported" in rules(check("尿频", ["左肾上腺腺瘤"], [], "考虑左肾上腺腺瘤。"))
    assert "site_unsupported" not in rules(check("尿频", ["左肾上腺腺瘤"], [], "考虑左肾上腺腺瘤。",
                                                  context=["肾上腺偶发瘤的处理…"]))


def test_every_rule_has_a_case():
    assert {r.name for r in RULES} == {c[0] for c in CASES} | {"site_unsupported"}


def test_flag_names_sentence_and_term():
    f = next(f for f in check(Q_FORESKIN, ["包皮过长"], [], "您好。结合您重症肌无力病史，需谨慎。")
             if f.rule == "fact_history")
    assert f.field == "answer" and "重症肌无力" in f.item and f.term == "重症肌无力" and f.group == "facts"


def test_denied_fact_is_not_a_supported_fact():
    flags = check("我没有糖尿病，右腰痛", ["右肾结石"], [], "考虑右肾结石。您合并的糖尿病需控制。")
    assert {"fact_history", "negation_contradicted"} <= rules(flags)


def test_negated_terms_stop_at_onset_words():
    assert negated_terms("无明显诱因出现血尿，无尿痛") == {"尿痛"}
    assert negated_terms("") == set() and negated_terms(None) == set()


def test_named_in_variants():
    assert named_in("泌尿道感染", "考虑尿路感染")
    assert named_in("右肾血管平滑肌脂肪瘤", "考虑右肾错构瘤")  # same organ, same class
    assert not named_in("右肾错构瘤", "考虑前列腺增生")


def test_guard_removes_planted_history_and_keeps_the_rest():
    d, a, reply, flags = guard(Q_FORESKIN, ["包皮过长"], ["包皮环切术"],
                               "您好，您是包皮过长。结合您重症肌无力病史，需谨慎麻醉。建议包皮环切术。")
    assert reply == "您好，您是包皮过长。建议包皮环切术。"
    assert d == ["包皮过长"] and a == ["包皮环切术"]
    assert [f.rule for f in flags] == ["fact_history"]


def test_drop_fact_sentences_without_flags_is_identity():
    text = "您好，您是包皮过长。建议包皮环切术。"
    assert drop_fact_sentences(Q_FORESKIN, text) == (text, [])


def test_summary_counts_records_and_items():
    fl = check(Q_FORESKIN, ["包皮过长"], [], "您是包皮过长。您重症肌无力病史。您糖尿病病史。")
    s = summarise([fl, []])
    assert s["rules"]["fact_history"] == {"records": 1, "record_rate": 0.5, "items": 2}
    assert s["any"]["records"] == 1 and set(s["rules"]) >= {r.name for r in RULES}


def test_missing_input_gives_no_flags():
    assert check(None, None, None, None) == [] and check("", [], [], "") == []


def _rec(i, q, d, a, ans):
    from rjua.data import Record
    return Record(i, q, "", ans, "、".join(d), "、".join(a), (), tuple(d), tuple(a))


def test_scorer_flags_a_planted_invented_history_and_reports_it():
    import json

    from rjua.report import to_html, to_markdown
    from rjua.scoring import PredRow, score_predictions

    gold = [_rec("1", Q_FORESKIN, ["包皮过长"], ["包皮环切术"], "您好，您是包皮过长，建议包皮环切术。"),
            _rec("2", Q_STONE, ["左输尿管结石"], ["输尿管镜碎石术"], "您好，考虑左输尿管结石，建议输尿管镜碎石术。")]
    honest = [PredRow(r.id, r.answer, list(r.diseases), list(r.advices)) for r in gold]
    clean = score_predictions(gold, honest, n_resamples=20)
    assert clean.summary["faithfulness"]["any"]["records"] == 0
    planted = score_predictions(gold, [PredRow("1", "您好，您是包皮过长。结合您重症肌无力病史，需谨慎麻醉。",
                                               ["包皮过长"], ["包皮环切术"]), honest[1]], n_resamples=20)
    f = planted.summary["faithfulness"]
    assert f["rules"]["fact_history"]["records"] == 1 and f["rules"]["fact_history"]["record_rate"] == 0.5
    assert f["rules"]["fact_history"]["reference_rate"] == 0.0 and f["reference"]["records"] == 0
    row = planted.records[0].to_dict()
    assert [x["term"] for x in row["faithfulness_flags"]] == ["重症肌无力"]
    assert planted.records[1].to_dict()["faithfulness_flags"] == []
    json.dumps(planted.summary)
    md = to_markdown(planted)
    assert "## Faithfulness" in md and "| fact_history | 1 | 50.0% | 1 | 0.0% |" in md
    assert "<h2>Faithfulness</h2>" in to_html(planted) and "⚠ fact_history" in to_html(planted)


def test_pipeline_guard_removes_planted_history():
    from rjua.backends.scripted import ScriptedBackend
    from rjua.pipeline import Pipeline

    text = "您好，您是包皮过长。结合您重症肌无力病史，需谨慎麻醉。建议包皮环切术。"
    pred = Pipeline(ScriptedBackend(lambda req: text), None, context="none").answer(Q_FORESKIN)
    assert "重症肌无力" not in pred.answer and "包皮过长" in pred.answer
    assert [g["rule"] for g in pred.guard_removed] == ["fact_history"]
    unguarded = Pipeline(ScriptedBackend(lambda req: text), None, context="none", guard=False).answer(Q_FORESKIN)
    assert "重症肌无力" in unguarded.answer and unguarded.guard_removed == []


def test_a_denial_limited_to_the_daytime_is_not_contradicted_by_the_night():
    q = "我76岁，白天没有尿频，夜间尿频增多，每晚3次"
    assert "negation_contradicted" not in rules(check(q, ["前列腺增生"], [], "您提到夜间尿频增多，考虑前列腺增生。"))
    assert "negation_contradicted" in rules(check(q, ["前列腺增生"], [], "您白天尿频明显，考虑前列腺增生。"))
    assert "negation_contradicted" in rules(check("没有尿频", ["前列腺增生"], [], "您夜间尿频，考虑前列腺增生。"))


def test_a_transurethral_operation_is_no_urethral_diagnosis():
    q = "体检B超发现膀胱肿物，想问怎么办"
    reply = "您好，考虑膀胱肿瘤，建议经尿道膀胱肿瘤电切术。"
    flags = check(q, ["膀胱肿瘤"], ["经尿道膀胱肿瘤电切术"], reply)
    assert not {"site_unsupported", "reply_unlisted_diagnosis"} & rules(flags)
    assert "site_unsupported" in rules(check(q, ["膀胱肿瘤"], [], "您好，考虑尿道肿瘤。"))
    assert diagnosis_mentions("经尿道膀胱肿瘤电切术") == [("膀胱肿瘤", ("bladder", "tumour"))]


def test_a_tract_infection_is_no_urethral_diagnosis():
    from rjua.faithfulness import check
    q = "体检发现左输尿管结石伴感染，左肾脓性占位"
    r = "您好，初步诊断为左输尿管结石和泌尿道感染。"
    assert not [f for f in check(q, ["左输尿管结石", "泌尿道感染"], [], r) if f.rule == "site_unsupported"]
    assert [f for f in check(q, ["左输尿管结石"], [], "您好，考虑尿道狭窄。") if f.rule == "site_unsupported"]


def test_a_stone_at_the_bladder_entrance_is_the_ureters():
    from rjua.faithfulness import diagnosis_keys
    assert ("bladder", "stone") not in diagnosis_keys("右侧输尿管下段靠近膀胱入口处有结石")
    assert ("bladder", "stone") in diagnosis_keys("膀胱内有一枚结石")


def test_two_diagnoses_joined_by_and_are_two_mentions_and_a_mass_is_a_tumour():
    from rjua.faithfulness import diagnosis_mentions
    assert [m for m, _ in diagnosis_mentions("您可能患有阴茎肿物和前列腺增生。")] == ["阴茎肿物", "前列腺增生"]
    q = "我发现自己的阴茎出现了肿大的情况，并且排尿也变得困难"
    assert check(q, ["阴茎肿物", "前列腺增生"], [], "您可能患有阴茎肿物和前列腺增生。") == []
    assert check(q, ["前列腺增生"], [], "您可能患有阴茎肿物和前列腺增生。")


def test_a_kidney_and_ureter_stone_joined_by_and_keeps_the_kidney():
    from rjua.faithfulness import diagnosis_keys
    assert ("kidney", "stone") in diagnosis_keys("左肾及输尿管结石")
    assert check("左肾及输尿管结石", ["左肾结石"], [], "您的初步诊断为左肾结石。") == []
