"""A bladder cancer's pathology as the question states it (:mod:`rjua.pathology`)."""
import pytest

from rjua.pathology import TOLD

_PROVEN = "膀胱电切术后，病理：高级别尿路上皮癌"


@pytest.mark.parametrize("q", [
    f"{_PROVEN}，侵犯固有肌层",
    "膀胱肿瘤电切术后病理为浸润性尿路上皮癌，侵犯到平滑肌组织",
    f"{_PROVEN}，pT2",
])
def test_a_stated_muscle_invasion_is_read(q):
    assert TOLD["invaded"].search(q)


@pytest.mark.parametrize("q", [
    f"{_PROVEN}，是否有肌层浸润？",
    f"{_PROVEN}，怕是肌层浸润",
    f"{_PROVEN}，肌层浸润待排",
    f"{_PROVEN}。MRI提示肌层浸润可能",
    "父亲膀胱癌侵犯肌层，我膀胱电切术后病理尿路上皮癌",
    f"{_PROVEN}，侵犯黏膜肌层",
    f"{_PROVEN}，未侵犯肌层",
    "膀胱电切术后病理：非肌层浸润性尿路上皮癌",
    "右肾盂癌术后，病理pT2，膀胱镜活检尿路上皮癌",
    "左输尿管下段尿路上皮癌，病理：高级别尿路上皮癌，侵犯肌层",
    "上尿路尿路上皮癌术后，病理尿路上皮癌侵犯肌层",
    "膀胱肿瘤侵犯肌层",  # no pathology told
])
def test_no_muscle_invasion_is_read_from_a_question_fear_image_relative_or_other_organ(q):
    assert TOLD["invaded"].search(q) is None


def test_a_resection_is_one_done_not_planned_nor_a_cystectomy():
    assert TOLD["resected"].search(_PROVEN)
    assert TOLD["resected"].search("膀胱镜活检病理尿路上皮癌，下周准备做膀胱电切") is None
    assert TOLD["resected"].search("膀胱部分切除术后病理尿路上皮癌") is None
    assert TOLD["resected"].search("根治性膀胱切除术后，病理尿路上皮癌") is None


@pytest.mark.parametrize("q", [
    "膀胱电切术后，病理：尿路上皮癌，术后需要灌注预防复发吗",
    f"{_PROVEN}，灌注了8次，复查膀胱镜未见复发",
    f"{_PROVEN}，灌注了8次，无复发",
    f"{_PROVEN}，灌注了8次，担心复发",
])
def test_no_recurrence_is_read_from_its_prevention_absence_or_fear(q):
    assert TOLD["recurred"].search(q) is None


def test_a_recurrence_after_instillations_is_read():
    assert TOLD["recurred"].search(f"{_PROVEN}，灌注了8次，上个月复查膀胱镜又发现新生物")


@pytest.mark.parametrize("q", [
    "膀胱镜活检未见尿路上皮癌",
    "膀胱镜活检，病理不排除尿路上皮癌",
    "膀胱镜活检了，病理还没出，医生说可能是尿路上皮癌",
])
def test_a_pathology_denied_doubted_or_awaited_proves_no_cancer(q):
    assert all(t.search(q) is None for t in TOLD.values())


def test_a_cystoscopic_biopsy_is_read_where_no_resection_is_told():
    q = "膀胱镜检查+活检，病理：尿路上皮癌"
    assert TOLD["biopsied"].search(q) and TOLD["biopsied"].search(f"{_PROVEN}，膀胱镜复查") is None


def test_a_tumour_told_after_instillations_is_a_recurrence_unless_denied():
    assert TOLD["recurred"].search(f"{_PROVEN}。术后膀胱灌注4次。CT示膀胱右侧壁占位")
    assert TOLD["recurred"].search(f"{_PROVEN}。术后膀胱灌注4次，肿瘤没有复发") is None
