import pytest

from rjua.extract import Vocabulary, extract, sections

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
    t = MESSY[0][0]
    assert extract(t) == extract(t)
