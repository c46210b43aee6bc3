"""Which of the patient's own organs the question tells removed (rjua.removed_organs)."""
from rjua.removed_organs import REMOVING, removed


def test_each_operation_takes_its_organs_and_only_the_patients_own_done():
    assert removed("膀胱癌根治术后2年，回肠膀胱", "bladder") and removed("膀胱癌根治术后2年", "prostate")
    assert removed("前列腺癌根治术后", "prostate") and not removed("前列腺癌根治术后", "bladder")
    assert removed("输尿管皮肤造口术后", "prostate") and not removed("输尿管皮肤造口术后", "bladder")
    for q in ("我父亲膀胱全切术后", "医生建议做膀胱全切", "膀胱全切好还是电切好", "担心要膀胱全切"):
        assert not removed(q, "bladder"), q
    assert all(organs <= {"bladder", "prostate"} for _, organs in REMOVING)
