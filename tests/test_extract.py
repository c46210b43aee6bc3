import json
from pathlib import Path

import pytest

from rjua.extract import SECTION_RULES, Vocabulary, extract, label_kind, sections
from rjua.extract_formats import read_prose, strip_think
from rjua.items import match_key, split_items

MESSY = [
    ("**诊断**：\n1. 左输尿管结石\n2. 左肾积水\n\n**建议**：\n- 输尿管镜碎石\n- 多饮水\n\n以上仅供参考，请及时就医。",
     ["左输尿管结石", "左肾积水"], ["输尿管镜碎石", "多饮水"]),
    ("诊断：前列腺增生。治疗建议：口服坦索罗辛、复查B超。", ["前列腺增生"], ["口服坦索罗辛", "复查B超"]),
    ("初步诊断: 考虑为急性膀胱炎\n诊断依据：尿频尿急，尿常规白细胞高\n处理：多饮水", ["急性膀胱炎"], ["多饮水"]),
    ("根据描述，诊断：\n（1）肾结石\n（2）尿路感染\n建议：多喝水\n注意：避免憋尿", ["肾结石", "尿路感染"], ["多喝水"]),
    ("Diagnosis: 膀胱肿瘤\nAdvice: 膀胱镜检查; 经尿道膀胱肿瘤电切术", ["膀胱肿瘤"],
     ["膀胱镜检查", "经尿道膀胱肿瘤电切术"]),
    ("【诊断】：睾丸扭转\r\n【建议】：急诊手术探查，睾丸复位固定术", ["睾丸扭转"], ["急诊手术探查", "睾丸复位固定术"]),
    ("思考：患者高热腰痛。\n一、诊断：急性肾盂肾炎\n二、治疗：静脉抗生素治疗、尿培养", ["急性肾盂肾炎"],
     ["静脉抗生素治疗", "尿培养"]),
]


@pytest.mark.parametrize("text,dis,adv", MESSY)
def test_sections_on_messy_outputs(text, dis, adv):
    e = extract(text)
    assert (e.diseases, e.advices) == (dis, adv)
    assert e.disease_rule == e.advice_rule == "section"
    assert e.disease_pattern in dict(SECTION_RULES)


def test_fields_win_over_text():
    e = extract("诊断：肾结石", disease=["膀胱炎"], advice="多饮水")
    assert (e.diseases, e.disease_rule, e.advices, e.advice_rule) == (["膀胱炎"], "field", ["多饮水"], "field")
    e = extract("诊断：肾结石", disease="", advice=[])  # empty fields fall back to the text
    assert e.diseases == ["肾结石"] and e.disease_rule == "section"


def test_vocabulary_fallback_longest_first_and_none():
    v = Vocabulary.from_items(["前列腺增生", "良性前列腺增生", "肾结石"], ["多饮水", "饮水"])
    e = extract("您好，考虑良性前列腺增生，另有肾结石，平时多饮水。", vocabulary=v)
    assert e.diseases == ["良性前列腺增生", "肾结石"] and e.disease_rule == "vocabulary"
    assert e.advices == ["多饮水"]
    e = extract("您好，请到医院就诊。", vocabulary=v)
    assert (e.diseases, e.disease_rule) == ([], "none")
    assert extract("随便说说").disease_rule == "none"


def test_no_colon_no_section_and_deterministic():
    assert sections("我建议您多喝水") == {}
    assert extract("我建议您多喝水").advices == ["多喝水"]  # the prose reader still finds it
    t = MESSY[0][0]
    assert extract(t) == extract(t)


LABELLED = Path(__file__).parent / "data" / "extraction_labelled.jsonl"


def test_labelled_free_text_set_precision_and_recall():
    """Item-level precision and recall over the self-written labelled set (scripts/make_extraction_set.py)."""
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 200 and len({r["style"] for r in rows}) >= 25
    tp = n_pred = n_gold = 0
    for r in rows:
        e = extract(r["answer"])
        for pred, gold in ((e.diseases, r["disease"]), (e.advices, r["advice"])):
            p, g = {match_key(x) for x in pred}, {match_key(x) for x in split_items(gold)}
            tp, n_pred, n_gold = tp + len(p & g), n_pred + len(p), n_gold + len(g)
    assert tp / n_pred >= 0.95 and tp / n_gold >= 0.95, (tp / n_pred, tp / n_gold)


def test_labelled_set_is_the_generators_output():
    import subprocess
    import sys

    gen = Path(__file__).parent.parent / "scripts" / "make_extraction_set.py"
    res = subprocess.run([sys.executable, str(gen), "--check"], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr


@pytest.mark.parametrize("text,dis,adv,pattern", [
    ("### 诊断\n1. 肾结石\n2. 肾积水\n\n### 建议\n- 多饮水", ["肾结石", "肾积水"], ["多饮水"], "markdown_heading"),
    ("一、诊断——膀胱肿瘤\n二、建议——膀胱镜检查", ["膀胱肿瘤"], ["膀胱镜检查"], "ordinal"),
    ("【诊断】\n（1）睾丸扭转\n【建议】\n（1）急诊手术探查", ["睾丸扭转"], ["急诊手术探查"], "bracket"),
    ("Diagnosis: 膀胱炎\nRecommendations:\n- 多饮水", ["膀胱炎"], ["多饮水"], "english"),
    ("**您可能患有以下疾病：**\n1. 肾囊肿\n\n**我的建议：**\n1. 定期复查", ["肾囊肿"], ["定期复查"], "cue_heading"),
    ("诊断\n- 包茎\n\n处理\n- 包皮环切术", ["包茎"], ["包皮环切术"], "bare_heading"),
])
def test_section_patterns_are_named(text, dis, adv, pattern):
    e = extract(text)
    assert (e.diseases, e.advices, e.disease_pattern) == (dis, adv, pattern)


def test_json_table_think_and_prose_readers():
    e = extract('```json\n{"diagnosis": ["肾结石"], "recommendations": ["多饮水"]}\n```')
    assert (e.diseases, e.advices, e.disease_rule) == (["肾结石"], ["多饮水"], "json")
    e = extract("| 诊断 | 建议 |\n|---|---|\n| 肾结石 | 多饮水 |\n| 肾积水 | - |")
    assert (e.diseases, e.advices, e.advice_rule) == (["肾结石", "肾积水"], ["多饮水"], "table")
    assert strip_think("<think>诊断：膀胱炎</think>诊断：肾结石") == "诊断：肾结石"
    assert extract("<think>诊断：膀胱炎</think>").diseases == []
    p = read_prose("您好，考虑为急性附睾炎，建议行抗感染治疗。以上建议仅供参考。")
    assert p == {"disease": ["急性附睾炎"], "advice": ["抗感染治疗"]}
    assert read_prose("可能的诊断包括：肾结石、肾积水。建议您尽快就医，完善泌尿系CT检查。") == {
        "disease": ["肾结石", "肾积水"], "advice": ["完善泌尿系CT检查"]}
    assert read_prose("考虑到您的年龄，可以观察。") == {}
    assert read_prose("根据描述，您是左输尿管结石。应尽早行输尿管支架置入，即刻抗感染治疗。") == {
        "disease": ["左输尿管结石"], "advice": ["输尿管支架置入", "抗感染治疗"]}
    assert read_prose("您好，您是男性，可以观察。") == {}


def test_synonyms_and_every_advice_section_counts():
    assert label_kind("诊断意见") == label_kind("初步诊断") == "disease"
    assert {label_kind(x) for x in ("处理建议", "治疗建议", "进一步检查", "处理意见")} == {"advice"}
    e = extract("诊断结果：肾结石\n进一步检查：泌尿系CT\n治疗建议：多饮水\n诊断依据：腰痛")
    assert e.diseases == ["肾结石"] and e.advices == ["泌尿系CT", "多饮水"]


@pytest.mark.real_data
def test_markdown_heading_and_prose_answers_score_their_true_value_on_real_valid(real_dir):
    """Answers carrying exactly the gold items as Markdown headings with lists (or as cue-phrase prose) score what
    they carry: 1.0 exact F1 for headings, every record read."""
    from rjua.data import load_split
    from rjua.scoring import score_predictions

    gold = load_split("valid", real_dir)
    md = [{"id": r.id, "answer": "### 诊断\n" + "".join(f"{i}. {x}\n" for i, x in enumerate(r.diseases, 1))
           + "\n### 建议\n" + "".join(f"- {x}\n" for x in r.advices)} for r in gold]
    s = score_predictions(gold, md, n_resamples=10).summary
    assert s["f1"] == 1.0 and s["extraction_rules"]["disease"] == {"section": len(gold)}
    prose = [{"id": r.id, "answer": f"您好，结合症状，诊断为{'、'.join(r.diseases)}。建议您{'，'.join(r.advices)}。"}
             for r in gold]
    s = score_predictions(gold, prose, n_resamples=10).summary
    assert s["disease_f1"] >= 0.95 and s["advice_f1"] >= 0.9, (s["disease_f1"], s["advice_f1"])
    assert s["extraction_rules"]["disease"].get("none", 0) == 0
