"""Organ-site model: what a question supports, what an item is about (self-written cases)."""
from rjua.sites import ORGANS, POINTERS, item_sites, question_sites, supported, unsupported_sites


def test_pointers_name_known_sites():
    assert {s for _, sites in POINTERS for s in sites} <= set(ORGANS)


def test_item_sites():
    assert item_sites("右输尿管上段结石") == {"ureter"}
    assert item_sites("左肾上腺腺瘤") == {"adrenal"}
    assert item_sites("α1-肾上腺素受体阻滞剂") == set()  # a drug class, not the adrenal gland
    assert item_sites("经尿道前列腺电切术") == {"prostate"}  # the access route is not a urethral site
    assert item_sites("睾丸鞘膜积液") == {"scrotum"}
    assert item_sites("多饮水") == set() and item_sites("") == set() and item_sites(None) == set()


def test_question_sites_from_symptoms():
    assert {"kidney", "ureter"} <= question_sites("我左边腰疼了两天")
    assert question_sites("小便费力，夜尿多") == {"bladder", "prostate", "urethra"}
    assert "scrotum" in question_sites("孩子说蛋蛋疼")
    assert "adrenal" in question_sites("体检发现血压高，血钾低")
    assert question_sites("") == set()


def test_context_adds_named_sites_only():
    assert "adrenal" not in question_sites("尿频")
    assert "adrenal" in question_sites("尿频", context=["Context：肾上腺偶发瘤…"])


def test_supported_and_unsupported():
    q = "我32岁，包皮过长，想咨询环切"
    assert supported("包皮过长", q) and supported("泌尿道感染", q)  # site-less items are never judged
    assert not supported("右肾错构瘤", q) and not supported("前列腺癌", q)
    assert unsupported_sites("左输尿管占位", question_sites("无精子症，想要孩子")) == {"ureter"}
    assert unsupported_sites("精索静脉曲张", question_sites("无精子症，想要孩子")) == set()
