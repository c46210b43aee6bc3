import re

from rjua import guidance
from rjua.guidance_paths import ADVANCED, OWN_COURSE, PATHS
from rjua.guidance_tables import DONE, FIRST_STEPS, INDICATED, OPERATE_WHEN, WORKUP


def test_the_rows_have_their_shapes_and_read_modes():
    assert {read for _, read, _ in FIRST_STEPS} <= {"question", "sentence", "written"}
    assert all("{who}" in text for _, _, text in FIRST_STEPS)
    assert all(isinstance(p, re.Pattern) and isinstance(whole, bool) for p, _, whole in DONE)
    assert all(isinstance(p, re.Pattern) and (a is None or isinstance(a, re.Pattern)) for p, _, a in INDICATED)
    assert all(line.endswith("。") and isinstance(whole, bool) for _, _, line, whole in WORKUP)
    assert all(text.endswith("。") for _, text in PATHS) and all(text.endswith("。") for *_, text in ADVANCED)
    assert all(now is None or isinstance(now, re.Pattern) for _, now, _ in OPERATE_WHEN)


def test_every_own_course_diagnosis_has_a_path():
    for label in ("前列腺术后下尿路症状", "阴茎折断", "肾挫伤", "淋病"):
        assert OWN_COURSE.search(label) and guidance.path_for([label]), label


def test_guidance_reads_the_same_tables():
    assert guidance.PATHS is PATHS and guidance.WORKUP is WORKUP and guidance.DONE is DONE
    assert guidance.FIRST_STEPS is FIRST_STEPS and guidance.ADVANCED is ADVANCED


def test_a_reported_ultrasound_of_the_prostate_answers_the_urinary_ultrasound():
    from rjua.guidance import done
    assert done("泌尿系统B超检查", "我最近做了一次B超检查，结果显示前列腺大小为28*34*20mm")
    assert not done("泌尿系统B超检查", "医生让我做B超，结果还没出")


def _table_lines():
    """Every sentence of the course tables that a reply may say (not the patterns)."""
    from rjua import guidance_paths, guidance_tables, pictures

    def walk(x):
        if isinstance(x, str):
            if len(x) > 15 and re.search(r"[\u4e00-\u9fff]", x) and not re.search(r"[|\\(]", x):
                yield x.replace("{who}", "您")
        elif isinstance(x, (tuple, list)):
            for y in x:
                yield from walk(y)
        elif isinstance(x, dict):
            for y in x.values():
                yield from walk(y)

    return sorted({line for mod in (guidance_tables, guidance_paths, pictures)
                   for name in dir(mod) if name.isupper() for line in walk(getattr(mod, name))})


def test_no_course_sentence_asserts_a_patient_fact_the_guard_would_remove():
    # a course line says what is done, never what the patient has, takes or had (the reply's guard removes such
    # a sentence where the question lacks the fact: the line would never reach the patient)
    from rjua.faithfulness import check

    lines = _table_lines()
    assert len(lines) > 60
    assert [(line[:30], f.rule) for line in lines for f in check("", [], [], line) if f.group == "facts"] == []
