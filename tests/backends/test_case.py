"""The case backend's vote handling."""
from rjua.backends.case import _dominant_adrenal


def test_adrenal_votes_move_to_the_named_side_and_keep_the_larger():
    q = "体检发现右肾上腺占位。CT示双侧肾上腺类圆形低密度影，其中右侧较大"
    feats = {"左肾上腺肿瘤": [0.9, 2.0], "右肾上腺肿瘤": [0.5, 3.0], "左肾结石": [0.2, 1.0]}
    assert _dominant_adrenal(feats, q) == {"右肾上腺肿瘤": [0.9, 3.0], "左肾结石": [0.2, 1.0]}


def test_adrenal_votes_stay_where_one_adrenal_is_told():
    feats = {"左肾上腺肿瘤": [0.9, 2.0], "右肾上腺肿瘤": [0.5, 3.0]}
    assert _dominant_adrenal(feats, "右肾上腺占位，约2cm") == feats


def test_the_advice_keeps_only_what_the_question_and_the_diagnoses_give_a_reason_for():
    from rjua.backends.case import CaseBackend

    q = "CT示双肾结石，右肾鹿角形结石伴肾盏扩张，左输尿管上段结石"
    chosen = ["右经皮肾镜取石术", "腹腔镜下左输尿管癌根治术", "腹腔镜下左肾切除术", "膀胱镜检查", "多饮水"]
    kept = CaseBackend().grounded_advices(chosen, ["左肾结石", "输尿管结石"], q)
    # the right kidney's operation stays (the stones are both kidneys'), an examination and a daily measure stay;
    # a cancer operation with no tumour and a nephrectomy with no reason go
    assert kept == ["右经皮肾镜取石术", "膀胱镜检查", "多饮水"]
    assert CaseBackend(grounded=False).grounded_advices(chosen, ["左肾结石"], q) == chosen


def test_a_drug_needs_a_reason_in_the_question_not_a_diagnosis_of_its_own():
    from rjua.backends.case import CaseBackend

    q = "左输尿管结石伴积水，体温38.9℃，降钙素原2.1"
    kept = CaseBackend().grounded_advices(["抗感染治疗", "左输尿管镜碎石术"], ["左输尿管结石"], q)
    assert kept == ["抗感染治疗", "左输尿管镜碎石术"]
    assert CaseBackend().grounded_advices(["抗感染治疗"], ["左输尿管结石"], "左输尿管结石伴积水，体温36.8") == []
