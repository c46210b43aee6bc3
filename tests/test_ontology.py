"""Label ontology and open-vocabulary candidates."""
from rjua.metrics import items_match, prf
from rjua.ontology import Ontology, canonical, mentions, variants


def test_canonical_merges_wordings_and_keeps_sides_apart():
    same = [("左侧输尿管结石", "左输尿管结石"), ("前列腺癌", "前列腺恶性肿瘤(T2cN0M0,ISUP1)"),
            ("右肾占位", "右肾肿瘤"),
            ("腹腔镜下右肾部分切除术", "右肾部分切除术"), ("经尿道前列腺电切术等", "经尿道前列腺电切术"),
            ("包括多饮水", "多饮水"), ("前列腺肥大", "前列腺增生"), ("右肾上极占位病变", "右肾上极肿瘤")]
    for a, b in same:
        assert canonical(a) == canonical(b), (a, b)
    for a, b in [("左肾结石", "右肾结石"), ("肾结石", "输尿管结石"), ("膀胱癌", "前列腺癌")]:
        assert canonical(a) != canonical(b), (a, b)


def test_fuzzy_match_uses_the_ontology_but_exact_does_not():
    assert items_match("右肾占位", "右肾肿瘤", "fuzzy") and not items_match("右肾占位", "右肾肿瘤", "exact")
    assert not items_match("左肾占位", "右肾肿瘤", "fuzzy")
    assert prf(["右肾占位"], ["右肾肿瘤"], "fuzzy").f1 == 1.0


def test_mentions_find_diseases_never_seen_in_a_pool():
    text = "我左侧腰痛，CT提示左肾有一个占位，右输尿管中下段结石，伴应力性尿失禁"
    assert mentions(text) == ["左肾占位", "右输尿管中下段结石", "应力性尿失禁"]
    assert mentions("") == [] and mentions("hello") == []


def test_variants_move_to_the_questions_side():
    assert "右输尿管结石" in variants("左输尿管结石", "右")
    assert "左侧肾囊肿" in variants("肾囊肿", "左")
    assert all("右" not in v for v in variants("肾囊肿", None))


def test_generate_from_question_passages_and_pool():
    onto = Ontology.build(["肾积水", "左肾结石"], ["输尿管狭窄可致肾积水"])
    cands = onto.generate("我右边腰痛，B超说右肾有一个囊肿，还有肾积水", ["输尿管狭窄可引起肾积水"], "右", ["肾积水"])
    assert cands["右肾囊肿"] == {"question"}            # never in the pool
    assert cands["输尿管狭窄"] == {"passage"}           # from a retrieved passage
    assert "右肾积水" in cands and cands["肾积水"] >= {"question"}
