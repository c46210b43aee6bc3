"""A bladder cancer's pathology as the question states it (:mod:`rjua.pathology`)."""
import pytest

from rjua.pathology import TOLD

_PROVEN = "膀胱电切术后，病理：高级别尿路上皮癌"


@pytest.mark.parametrize("q", [
    f"{_PROVEN}，侵犯固有肌层",
    "膀胱肿瘤电切术后病理为浸润性尿路上皮癌，侵犯到平滑肌组织",
    f"{_PROVEN}，pT2",
    f"{_PROVEN}，T2N0M0", f"{_PROVEN}，分期T2a", "膀胱电切术后病理：移行细胞癌Ⅲ级，肌层受侵", f"{_PROVEN}，肌层(+)",
    "做了膀胱电切，病理说是膀胱癌，已经到肌层了", "膀胱电切术后病理：移行上皮细胞癌，侵犯肌层",
    "我妈膀胱电切术后病理高级别尿路上皮癌，侵犯肌层",  # the mother is the patient
    "CTU：双侧肾盂输尿管未见占位。膀胱电切术后病理：尿路上皮癌，侵犯肌层",  # an upper tract told clear
    "5年前右肾盂癌根治术，今年膀胱复发，电切病理：尿路上皮癌，侵犯肌层",  # a bladder recurrence after it
    f"{_PROVEN}，侵犯肌层无淋巴结转移", f"{_PROVEN}，浸润至固有肌层未见脉管侵犯", f"{_PROVEN}，侵犯肌层不知道怎么办",
    f"{_PROVEN}，T2期不清楚是什么意思",
])
def test_a_stated_muscle_invasion_is_read(q):
    assert TOLD["invaded"].search(q)


@pytest.mark.parametrize("q", [
    f"{_PROVEN}，是否有肌层浸润？",
    f"{_PROVEN}，怕是肌层浸润",
    f"{_PROVEN}，肌层浸润待排",
    f"{_PROVEN}。MRI提示肌层浸润可能",
    "我膀胱电切术后病理尿路上皮癌，父亲膀胱癌侵犯肌层",
    f"{_PROVEN}，侵犯黏膜肌层",
    f"{_PROVEN}，未侵犯肌层",
    "膀胱电切术后病理：非肌层浸润性尿路上皮癌",
    "右肾盂癌术后，病理pT2，膀胱镜活检尿路上皮癌",
    "左输尿管下段尿路上皮癌，病理：高级别尿路上皮癌，侵犯肌层",
    "上尿路尿路上皮癌术后，病理尿路上皮癌侵犯肌层",
    "膀胱肿瘤侵犯肌层",  # no pathology told
    f"{_PROVEN}，肌层浸润：无", f"{_PROVEN}，肌层浸润：未见", f"{_PROVEN}，侵犯肌层不明确", f"{_PROVEN}，肌层浸润(-)",
    f"{_PROVEN}，肌层浸润情况不详", f"{_PROVEN}，怀疑侵犯肌层", f"{_PROVEN}，肌层浸润不能除外",
    f"{_PROVEN}，不知道侵犯肌层没有", f"{_PROVEN}，侵犯肌层了没", f"{_PROVEN}，考虑侵犯肌层",
    f"{_PROVEN}。CT提示侵犯肌层",  # an image's reading, no hedge word
    "右输尿管镜活检，病理：高级别尿路上皮癌，侵犯肌层",  # the ureter's
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
    f"{_PROVEN}，灌注了6次，现在在肿瘤医院复查", f"{_PROVEN}，灌注了6次，医生说肿瘤控制得很好",
    f"{_PROVEN}，灌注了6次，复查CT肿瘤消失", f"{_PROVEN}，灌注了6次，肿瘤标志物正常",
    f"{_PROVEN}，灌注了6次，复查膀胱镜肿瘤已经没有了",
    f"{_PROVEN}，准备灌注，又发现新生物",  # no instillation given
    f"{_PROVEN}，灌注了8次，以预防复发",
    f"{_PROVEN}，灌注后复查膀胱镜示未见肿瘤", f"{_PROVEN}，灌注了6次，复查CT示未见明显肿瘤",
    f"{_PROVEN}，灌注后又出现血尿", f"{_PROVEN}，灌注后又出现尿频尿痛",
])
def test_no_recurrence_is_read_from_its_prevention_absence_or_fear(q):
    assert TOLD["recurred"].search(q) is None


def test_a_recurrence_after_instillations_is_read():
    assert TOLD["recurred"].search(f"{_PROVEN}，灌注了8次，上个月复查膀胱镜又发现新生物")
    assert TOLD["recurred"].search(f"{_PROVEN}，灌注半年后又复发了")  # in the instillation's clause
    assert TOLD["recurred"].search("家父膀胱电切术后病理：尿路上皮癌，灌注了半年，又复发了")
    assert TOLD["recurred"].search(f"{_PROVEN}，灌注了半年，复查膀胱镜见肿瘤")
    assert TOLD["recurred"].search("膀胱电切术后，病理尿路上皮癌，灌注了半年") is None  # no recurrence told


@pytest.mark.parametrize("q", [
    "膀胱镜活检未见尿路上皮癌",
    "膀胱镜活检，病理不排除尿路上皮癌",
    "膀胱镜活检了，病理还没出，医生说可能是尿路上皮癌",
    "膀胱镜活检了，病理还没出来，是尿路上皮癌",
    "膀胱镜活检，等待病理尿路上皮癌结果",
])
def test_a_pathology_denied_doubted_or_awaited_proves_no_cancer(q):
    assert all(t.search(q) is None for t in TOLD.values())


def test_a_cystoscopic_biopsy_is_read_where_no_resection_is_told():
    q = "膀胱镜检查+活检，病理：尿路上皮癌"
    assert TOLD["biopsied"].search(q) and TOLD["biopsied"].search(f"{_PROVEN}，膀胱镜复查") is None
    assert TOLD["biopsied"].search("活检病理尿路上皮癌，准备做膀胱镜") is None  # planned


def test_a_resection_told_without_the_bladder_in_its_clause_is_read():
    for q in ("膀胱肿瘤，上个月做了电切手术，病理：高级别尿路上皮癌",
              "膀胱长了肿瘤，做了经尿道电切术，病理尿路上皮癌"):
        assert TOLD["resected"].search(q), q
        assert TOLD["biopsied"].search(q) is None, q
    assert TOLD["resected"].search("前列腺电切术后，膀胱镜活检病理尿路上皮癌") is None
    # a resection asked about, weighed or planned is none done: the staging resection is still to come
    for tail in ("电切手术什么时候做", "电切还是全切好", "电切要住院几天", "十年前做过前列腺电切"):
        assert TOLD["biopsied"].search(f"膀胱镜活检病理：尿路上皮癌，{tail}"), tail


def test_a_tumour_told_after_instillations_is_a_recurrence_unless_denied():
    assert TOLD["recurred"].search(f"{_PROVEN}。术后膀胱灌注4次。CT示膀胱右侧壁占位")
    assert TOLD["recurred"].search(f"{_PROVEN}。术后膀胱灌注4次，肿瘤没有复发") is None
