"""Patient facts: a self-written labelled set (per-field accuracy) and bad input."""
from pathlib import Path

import pytest

from rjua.patient import PatientFacts, patient_facts

FIELDS = ("sex", "age", "laterality", "pregnant", "stage", "person")
LABELLED = Path(__file__).parent / "data" / "patient_facts_labelled.tsv"


def _parse(field, v):
    if v == "-":
        return None
    if field == "age":
        return float(v)
    if field == "pregnant":
        return v == "True"
    return v


def load_labelled():
    rows = []
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        q, *vals = line.split("\t")
        assert len(vals) == len(FIELDS), line
        rows.append((q, {f: _parse(f, v) for f, v in zip(FIELDS, vals)}))
    return rows


def _same(field, got, want):
    if field == "age" and got is not None and want is not None:
        return abs(got - want) <= 0.05
    return got == want


def test_labelled_set_is_large_and_varied():
    rows = load_labelled()
    assert len(rows) >= 80
    for f in FIELDS:  # every field has known and unknown cases
        assert any(lab[f] is None for _, lab in rows) and any(lab[f] is not None for _, lab in rows), f


@pytest.mark.parametrize("field", FIELDS)
def test_per_field_accuracy_at_least_95_percent(field):
    rows = load_labelled()
    wrong = [(q, lab[field], getattr(patient_facts(q), field)) for q, lab in rows
             if not _same(field, getattr(patient_facts(q), field), lab[field])]
    acc = 1 - len(wrong) / len(rows)
    assert acc >= 0.95, f"{field}: accuracy {acc:.3f}; wrong: {wrong}"


@pytest.mark.parametrize("bad", ["", "   ", "x" * 100_000, "咳" * 50_000, "Hello, I am a 40 year old man.",
                                 "😀😀😀", "\x00\x01", None, 123, ["我是男性"], "岁岁岁个月月", "左右左右"])
def test_bad_input_gives_unknown_facts_never_raises(bad):
    f = patient_facts(bad)
    assert isinstance(f, PatientFacts)
    if not isinstance(bad, str) or not any("\u4e00" <= ch <= "\u9fff" for ch in bad):
        assert f == PatientFacts()


def test_durations_are_not_ages():
    assert patient_facts("我3个月前开始尿频，10岁时做过手术").age is None
    assert patient_facts("孩子3个月前开始尿频").age is None


def test_partner_is_not_the_patient():
    f = patient_facts("我今年17岁，和女友发生性接触后尿道流脓")
    assert f.person == "self" and f.sex != "female"


def test_the_writer_is_not_the_patient():
    # a mother (pregnant, even) writing about her baby son: the son is the patient, and he is not pregnant
    f = patient_facts("我是宝妈，现在又怀孕了，我儿子8个月大，阴囊肿大")
    assert (f.person, f.sex, f.pregnant, f.stage) == ("child", "male", False, "child")
    f = patient_facts("我怀孕30周，我女儿2岁，小便哭闹")
    assert (f.person, f.sex, f.pregnant) == ("child", "female", None)
    # the writer asking about herself stays the patient
    assert patient_facts("我怀孕24周，右侧腰痛").pregnant is True
    assert patient_facts("我怀孕24周，右侧腰痛").person == "self"


def test_a_mothers_question_about_her_son_gets_no_pregnancy_conflict():
    from rjua.consistency import check
    q = "我是宝妈，我儿子8个月大，右侧阴囊肿大"
    assert [f.rule for f in check(q, ["右侧睾丸鞘膜积液"], ["阴囊B超"], "")] == []
