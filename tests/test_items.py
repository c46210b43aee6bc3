from hypothesis import given, strategies as st

from rjua.items import normalize_item, split_items


def test_separators_used_in_the_data():
    assert split_items("A病、B病，C病,D病；E病;F病\nG病") == [f"{c}病" for c in "ABCDEFG"]


def test_plus_and_slash_only_between_words():
    assert split_items("全膀胱切除术+回肠代膀胱") == ["全膀胱切除术", "回肠代膀胱"]
    assert split_items("a受体阻滞剂+M受体拮抗剂") == ["a受体阻滞剂", "M受体拮抗剂"]
    assert split_items("T1+T2期") == ["T1+T2期"]
    assert split_items("PET/CT、PSA/fPSA检查") == ["PET/CT", "PSA/fPSA检查"]
    assert split_items("膀胱镜/输尿管镜") == ["膀胱镜", "输尿管镜"]


def test_brackets_protect_separators_and_unbalanced_fall_back():
    assert split_items("止痛药（如布洛芬、对乙酰氨基酚）、热敷") == ["止痛药(如布洛芬、对乙酰氨基酚)", "热敷"]
    assert split_items("M受体拮抗剂（例如索利那新、膀胱镜检查") == ["M受体拮抗剂(例如索利那新", "膀胱镜检查"]


def test_normalisation_and_dedup():
    assert split_items(" 1. 肾结石。、肾结石\n\n ２．尿路感染 ") == ["肾结石", "尿路感染"]
    assert normalize_item("（PSA）检查；") == "(PSA)检查"
    assert split_items(None) == [] and split_items("、、") == []


@given(st.lists(st.text(alphabet="肾结石膀胱炎前列腺增生ABC12", min_size=1, max_size=6), max_size=6))
def test_split_of_joined_items_is_idempotent(items):
    joined = "、".join(items)
    once = split_items(joined)
    assert split_items("、".join(once)) == once
    assert all(x and x == normalize_item(x) for x in once)


def test_model_answer_joiners_split():
    assert split_items("1.肾结石 2.肾积水") == ["肾结石", "肾积水"]
    assert split_items("①肾结石②肾积水③尿路感染") == split_items("(1)肾结石(2)肾积水(3)尿路感染") == [
        "肾结石", "肾积水", "尿路感染"]
    assert split_items("1、肾结石 2、肾积水") == split_items("1.肾结石2.肾积水") == ["肾结石", "肾积水"]
    assert split_items("肾结石 2.肾积水") == ["肾结石2.肾积水"]  # numbers that do not count 1, 2… are not a list
    assert split_items("肾结石 肾积水｜膀胱炎") == ["肾结石", "肾积水", "膀胱炎"]
    assert split_items("直径1.5cm结石、第2、3腰椎") == ["直径1.5cm结石", "第2", "3腰椎"]
    assert split_items("前列腺癌(T2c N0 M0)") == ["前列腺癌(T2c N0 M0)"]


def test_english_spaces_quotes_and_zero_width():
    assert split_items("penile tumor, kidney  stone") == ["penile tumor", "kidney stone"]
    assert split_items("「肾结石」、《膀胱炎》、『尿道炎』") == ["肾结石", "膀胱炎", "尿道炎"]
    assert normalize_item("肾\u200b结石\ufeff") == "肾结石"
    assert normalize_item("PSA 检查") == "PSA检查"


def test_match_key_folds_ascii_case_only():
    from rjua.items import match_key

    assert match_key("psa检查") == match_key("PSA检查") == "psa检查"
    assert match_key("Penile Tumor") == match_key("penile tumor")
    assert match_key("Ⅰ期") == normalize_item("Ⅰ期").lower()
