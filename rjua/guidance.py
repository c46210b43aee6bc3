"""What a composed reply says a patient should do: the clinical steps, each rule a row of a readable table.

:mod:`rjua.compose` writes the reply from the answer's own items; this module decides, from what the question
affirms (:func:`rjua.sites.affirmed`), which of those items a urologist would offer and what must be said
however the items read:

* :data:`FIRST_STEPS` — a sign that calls for a step before anything else (a retention drained, a clot washed
  out, an infected obstructed kidney drained), said first; a sentence telling of the past is no sign.
* :data:`OPERATE_WHEN` — the signs that make an operation for a diagnosis worth offering (BPH: symptoms, a
  complication or failed drugs; hematospermia: an obstruction).
* :data:`INDICATED` — what one sentence of the question must tell for an operation (a percutaneous stone
  removal: a stone of 2 cm or more; a cyst unroofing: a cyst of 4 cm or more, or one that presses).
* :data:`DONE` — an examination the question's results make moot (a biopsy of a proven cancer).
* :data:`PATHS` — for a diagnosis with no fitting operation, the usual course of treatment, in general terms.
* :data:`WORKUP` — an examination a finding needs before any treatment (an adrenal mass: its hormones), said
  when the answer's own examinations do not already name it.
* :data:`OWN_COURSE` — diagnoses whose course is the treatment itself (a penile fracture: its repair).

The tables are data modules of their own: :mod:`rjua.guidance_tables` (first steps, operations, examinations) and
:mod:`rjua.guidance_paths` (courses of treatment); this module reads them and re-exports them.

The pictures a question paints (:data:`~rjua.pictures.SYNDROMES`, :data:`~rjua.pictures.AFTERCARE`,
:data:`~rjua.pictures.BIOPSY_FIRST`) are :mod:`rjua.pictures`; their functions are re-exported here.

Every sentence is general: it carries no size, result or history of a patient, so the faithfulness rules
(:mod:`rjua.faithfulness`) find nothing in it to check against the question.

>>> first_steps("超声显示残余尿量为767ml，双肾积水", "您")
['您目前存在尿潴留，应先留置导尿管引流尿液（导尿困难时可行耻骨上膀胱穿刺造瘘），保护膀胱和肾功能，再考虑后续治疗。']
>>> path_for(["左肾错构瘤"])[:11]
'治疗方面，肾错构瘤直径'
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from .guidance_paths import ADVANCED, AS_TOLD, DUE, OWN_COURSE, PATHS
from .guidance_tables import (
    ADRENAL_MASS,
    AML,
    AML_INDICATED,
    AML_TREATMENT,
    BENIGN_BIOPSY,
    DONE,
    FIRST_STEPS,
    INDICATED,
    OPERATE_WHEN,
    WORKUP,
)
from .patient import RELATIVES, clean_sides, patient_facts
from .pictures import (
    AFTERCARE,
    BIOPSY_FIRST,
    SUSPECTED_PROSTATE_CANCER,
    SYNDROMES,
    aftercare,
    biopsy_first,
    own_written,
    syndromes,
)
from .site_tables import FEARED, REGIONS
from .sites import affirmed, affirmed_sentences, item_sites, proven_tumours, same_region, sentences
from .text import nfkc

__all__ = ["ADRENAL_MASS", "ADVANCED", "AFTERCARE", "BENIGN_BIOPSY", "BIOPSY_FIRST", "DONE", "FIRST_STEPS",
           "INDICATED", "OPERATE_WHEN", "OWN_COURSE", "PATHS", "SYNDROMES", "WORKUP", "advanced", "aftercare",
           "before_nephrectomy", "biopsy_first", "catheter_in", "done", "first_steps", "indicated", "operable",
           "own_course", "path_for", "second_course", "syndromes", "workup", "aml_treated"]

_PAST = re.compile(r"(?:\d+|[一两二三四五六七八九十几半]+)个?(?:天|日|周|星期|月|年)(?:前|以前)|"
                   r"之前|以前|曾|既往|病史|上个?月|上周|去年|当时|担心|会不会|害怕|"
                   r"(?<!无法)(?<!不能)(?<!没法)(?<!未能)拔除|已拔")
# a catheter in place: told in what the question affirms (带着尿管, 目前留置导尿管), or, its 无 being no negation, as
# one that cannot come out (无法拔除导尿管) or is in (导尿管置入中); an advice item 留置导尿管 is no catheter in place
_CATHETER_IN = re.compile(r"(?:正在|目前|现在|一直)[^，,。；;]{0,6}(?:尿管|导尿管)|"
                          r"(?:带着?|插着|留置着)[^，,。；;]{0,2}(?:尿管|导尿管)")
_CATHETER_KEPT = re.compile(r"(?:无法|不能|没法|未能)拔除?[^，,。；;]{0,2}(?:尿管|导尿管)|"
                            r"(?:尿管|导尿管)(?:置入|留置)中")

# a relative's own story (父亲肺癌骨转移), unless the question is about that relative, tells nothing of the patient's
_RELATIVE = re.compile("家族|家人|亲属|" + "|".join(sorted(RELATIVES, key=len, reverse=True)))



def catheter_in(question: str) -> bool:
    """Whether the question tells a urinary catheter in place now.

    >>> catheter_in("目前留置导尿管一周"), catheter_in("因为尿潴留无法拔除导尿管"), catheter_in("建议留置导尿管")
    (True, True, False)
    >>> catheter_in("没有插着尿管")
    False
    """
    q = nfkc(question or "")
    return bool(_CATHETER_IN.search(affirmed(q)) or _CATHETER_KEPT.search(q))


def first_steps(question: str, who: str) -> list[str]:
    """The one first step (:data:`FIRST_STEPS`) a sign the question tells of now calls for.

    >>> first_steps("两周前出现急性尿潴留，留置导尿两次。目前导尿已经拔除，但有尿失禁", "您")
    []
    >>> first_steps("排尿不畅伴尿潴留，目前我正在使用尿管排尿", "您")  # drained already
    []
    >>> first_steps("左输尿管结石伴左肾积水。体温38.8°C", "您")[0][:13]
    '您目前存在尿路梗阻合并发热'
    """
    q = nfkc(question or "")
    drained = catheter_in(q)
    for sign, read, text in FIRST_STEPS:
        if drained and "留置导尿管" in text:
            continue  # a catheter is in already
        if read == "question" and sign.search(affirmed(q)):
            return [text.format(who=who)]
        for sentence, said in zip(sentences(q), affirmed_sentences(q)) if read != "question" else ():
            if (m := sign.search(sentence if read == "written" else said)) and not _PAST.search(_clause_at(m)):
                return [text.format(who=who)]
    return []


def _clause_at(m: re.Match) -> str:
    """The clause of the searched text around a match: where a sign is told of the past (之前…, 3天前…) or now."""
    text = m.string
    start = max(text.rfind(c, 0, m.start()) for c in ",，;；") + 1
    ends = [i for i in (text.find(c, m.end()) for c in ",，;；") if i >= 0]
    return text[start:min(ends) if ends else len(text)]


def indicated(advice: str, question: str) -> bool:
    """Whether one sentence of the question tells what an operation is for (:data:`INDICATED`).

    >>> indicated("左PNL术", "CT示左肾有细小的结石"), indicated("左侧经皮肾镜取石术", "左肾铸型结石，约3.5cm")
    (False, True)
    >>> op = "腹腔镜下左肾囊肿去顶术"
    >>> indicated(op, "左肾微小囊肿。"), indicated(op, "左肾囊肿直径约9cm"), indicated(op, "左肾囊肿9cm，逐渐增大")
    (False, False, True)
    """
    said = affirmed_sentences(question)
    rows = [(sign, also) for pat, sign, also in INDICATED if pat.search(advice)]
    return all(any(sign.search(x) for x in said) and (also is None or any(also.search(x) for x in said))
               for sign, also in rows)


_OTHER_LESION = re.compile(r"囊肿|结石|积水|癌|结节")
_FEARED = re.compile(rf"{FEARED}|风险")  # a bleed feared is none
# a trouble feared calls for no operation (not UNSURE's questions: 是否, 吗 leave the clause's finding told)
_FEARED_OP = re.compile(rf"{FEARED}|是否会|以后会|会引起|会导致")
_CLAUSE_CUT = re.compile(r"[，,。；;！？!?\n]")


def aml_treated(advice: str, question: str) -> str:
    """``advice`` on the sides whose angiomyolipoma calls for it (:data:`~rjua.guidance_tables.AML_INDICATED`),
    "" when only the other side's does; ``advice`` as it is when no clause tells a side that calls for it, when it
    is no angiomyolipoma treatment, or when the question tells no angiomyolipoma, or a cancer. The side of a clause
    is the last one named before it in its sentence.

    >>> q = "双肾多发错构瘤，右侧较大约3*6mm，左侧较大约7*3mm。右肾下极直径约5*6cm的区域见脂肪密度"
    >>> aml_treated("双肾微波辅助肿瘤剜除术", q), aml_treated("左肾微波辅助肿瘤剜除术", q)
    ('右肾微波辅助肿瘤剜除术', '')
    >>> op = "左肾部分切除术"
    >>> aml_treated(op, "左肾错构瘤约1.5cm，右肾错构瘤约5cm"), aml_treated(op, "左肾错构瘤约3cm")
    ('', '左肾部分切除术')
    """
    q = nfkc(question or "")
    if not AML_TREATMENT.search(advice) or not AML.search(q) or re.search(r"癌|恶性", q):
        return advice
    sides: set[str] = set()
    for sentence in affirmed_sentences(q):
        side, other = "左右", False  # a sentence that names no side: either
        for clause in re.split(r"[，,；;、及和与\s]", clean_sides(sentence)):
            named = re.findall(r"双[肾侧]|两侧|[左右]", clause)
            side = ("左右" if named[-1][0] in "双两" else named[-1]) if named else side
            # a cyst's size is no AML's, in its clause or the clauses after it until a lesion is named again
            other = not AML.search(clause) and (bool(_OTHER_LESION.search(clause)) or other)
            sides |= set(side) if AML_INDICATED.search(clause) and not other and not _FEARED.search(clause) else set()
    own = re.search(r"双[肾侧]|两侧|[左右]", advice)
    want = set("左右") if not own or own.group()[0] in "双两" else {own.group()}
    keep = sides & want
    if not sides or keep == want or not own:
        return advice  # no clause tells which side calls for it: the operation as proposed
    if not keep:
        return ""
    return advice.replace(own.group(), next(iter(keep)) + own.group()[1:], 1)  # 双肾 -> 右肾, 双侧 -> 右侧


def operable(diagnosis: str, question: str) -> bool:
    """Whether the question calls for an operation for ``diagnosis`` (:data:`OPERATE_WHEN`).

    >>> operable("前列腺增生", "体检发现前列腺肥大，PSA正常"), operable("前列腺增生", "排尿费力，服药效果不理想")
    (False, True)
    >>> operable("前列腺增生", "夜尿4次，请问用什么药"), operable("前列腺增生", "吃坦洛新半年效果不明显")
    (False, True)
    >>> operable("血精", "血精1个月"), operable("左肾结石", "左侧腰痛")
    (False, True)
    """
    said = "，".join(c for c in _CLAUSE_CUT.split(affirmed(question)) if not _FEARED_OP.search(c))  # not feared
    written = nfkc(question or "")
    return all(bool(now and now.search(said) or failed and failed.search(written))
               for pat, now, failed in OPERATE_WHEN if pat.search(diagnosis))


def done(advice: str, question: str) -> bool:
    """Whether the question's results already answer what an examination would (:data:`DONE`).

    >>> done("前列腺穿刺活检", "穿刺活检结果为腺泡腺癌，ISUP 1级"), done("前列腺穿刺活检", "PSA 16ng/ml")
    (True, False)
    >>> done("前列腺特异抗原(PSA)", "3天前PSA检查结果为0.43ng/ml"), done("复查PSA", "PSA 0.43ng/ml")
    (True, False)
    >>> done("游离PSA/总PSA比值", "PSA 6.5ng/ml"), done("PSA", "没有查过PSA，今年62岁")
    (False, False)
    """
    said, written = affirmed(question), nfkc(question or "")
    return any(pat.search(advice) and found.search(written if whole else said) for pat, found, whole in DONE)


def path_for(diagnoses: Sequence[str], later: Sequence[str] = (), question: str = "") -> str:
    """The usual course of treatment (:data:`PATHS`) of the first diagnosis that has one, as a sentence of the
    reply's treatment part; "" when none has. ``later``: the operations the answer proposes for when that course
    calls for one (…再考虑手术 names them). Where ``question`` affirms the drugs taken for it, the course then
    (:data:`~rjua.guidance_paths.AS_TOLD`).

    >>> path_for(["感冒"])
    ''
    >>> path_for(["前列腺增生"], ["经尿道前列腺电切术"])[-16:]
    '再考虑经尿道前列腺电切术等手术。'
    >>> path_for(["前列腺增生"], question="一直在服用坦索罗辛和非那雄胺")[5:16]
    '前列腺增生已在药物治疗'
    """
    said, written = (affirmed(question), nfkc(question)) if question else ("", "")
    told = [(pat, text) for pat, when, text, whole in AS_TOLD if said and when.search(written if whole else said)]
    for d in diagnoses:
        due = [(pat, text) for pat, text in DUE if question and pat.search(d) and operable(d, question)]
        for pat, text in [*due, *told, *PATHS]:
            if pat.search(d):
                ops = "、".join(op.removesuffix("等") for op in later)
                named = f"再考虑{ops}等手术" if later else "再考虑手术"
                return "治疗方面，" + text.replace("再考虑手术", named)
    return ""


def second_course(diagnoses: Sequence[str], treats: Sequence[str], question: str = "") -> str:
    """The course (:data:`PATHS`) of the first diagnosis after the leading one that is about another region or
    side, whose course is not the leading one's, and that none of ``treats`` (the operations and medicines said,
    none generic) is about, as a sentence of its own; "" when none: a second problem the reply would otherwise
    leave without a word.

    >>> second_course(["前列腺增生", "左肾结石"], ["经尿道前列腺激光剜除术"])[:12]
    '另外，左肾结石方面，结石'
    >>> second_course(["前列腺增生", "左肾结石"], ["左输尿管镜碎石术"]), second_course(["左肾结石", "右肾结石"], [])
    ('', '')
    >>> second_course(["右肾错构瘤", "左肾结石"], ["机器人右肾部分切除术"])[:12]
    '另外，左肾结石方面，结石'
    >>> second_course(["左肾囊肿", "肾盂输尿管连接部狭窄"], [])[:18]
    '另外，肾盂输尿管连接部狭窄方面，肾盂'
    """
    lead = diagnoses[0] if diagnoses else ""
    for d in diagnoses[1:]:
        text = path_for([d], question=question).removeprefix("治疗方面，")
        narrowing = bool(_NARROWING.search(d) and not _NARROWING.search(lead))  # treated only by its own operation
        treated = any(same_region(t, [d]) and not _apart(d, t) and not (narrowing and not _ends(t, d)) for t in treats)
        apart = _apart(d, lead) or narrowing
        if text and text not in path_for([lead]) and apart and not treated:
            return f"另外，{d}方面，{text}"
    return ""


# a narrowing is a problem of its own beside a lesion of the same organ (a pelvi-ureteric stenosis beside a cyst)
_NARROWING = re.compile(r"狭窄")
# (an operation that ends it: one for the narrowing, a reimplantation, or the kidney's removal)
_NARROWING_OP = re.compile(r"成形|狭窄|扩张|内切开|松解|离断|肠代|肾(?:根治性)?切除|全长切除|肾输尿管切除")
# (a reimplantation or a bladder flap ends a lower ureter's narrowing, not a pelvi-ureteric one)
_LOWER_NARROWING_OP = re.compile(r"再植|吻合|膀胱瓣")
_PUJ = re.compile(r"肾盂输尿管|连接部|UPJ|PUJ", re.IGNORECASE)


def _ends(operation: str, narrowing: str) -> bool:
    """Whether ``operation`` ends ``narrowing`` (:data:`_NARROWING_OP`; a reimplantation only a lower one's)."""
    lower = _LOWER_NARROWING_OP.search(operation) and not _PUJ.search(narrowing)
    return bool(_NARROWING_OP.search(operation) or lower)


def _apart(a: str, b: str) -> bool:
    """Whether two items are about different regions (:data:`~rjua.site_tables.REGIONS`), or both about one side
    and not the same one."""
    ra, rb = ({REGIONS[s] for s in item_sites(x)} for x in (a, b))
    sides = [set("左右") if re.search("双|两侧", s) else set(re.findall("[左右]", s))
             for s in map(clean_sides, (a, b))]
    return bool(ra and rb and not ra & rb) or bool(all(sides) and not sides[0] & sides[1])


def own_course(diagnoses: Sequence[str]) -> str:
    """The course (:func:`path_for`) of the leading diagnosis when it is one of :data:`OWN_COURSE`, else "".

    >>> own_course(["阴茎折断", "男性不育"])[:9], own_course(["男性不育", "阴茎折断"])
    ('治疗方面，阴茎折断', '')
    """
    return path_for(diagnoses[:1]) if diagnoses and OWN_COURSE.search(diagnoses[0]) else ""


def advanced(diagnoses: Sequence[str], question: str) -> str:
    """What a malignancy that has spread, recurred or is under systemic treatment calls for (:data:`ADVANCED`),
    as a sentence of the reply's treatment part; "" when no diagnosis has such signs in the question.

    >>> advanced(["前列腺癌"], "骨扫描提示腰椎多发骨转移")[:10]
    '治疗方面，前列腺癌已'
    >>> advanced(["前列腺癌"], "穿刺病理为前列腺腺癌，骨扫描未见转移"), advanced(["左肾囊肿"], "肝转移")
    ('', '')
    >>> advanced(["膀胱癌"], "请问会不会转移"), advanced(["前列腺癌"], "服用比卡鲁胺，准备做根治手术")
    ('', '')
    """
    person = patient_facts(question).person or "self"
    said = "。".join(s for s in affirmed_sentences(question)
                    if all(RELATIVES.get(m.group(), ("",))[0] == person for m in _RELATIVE.finditer(s)))
    for d in diagnoses:
        for pat, sign, unless, text in ADVANCED:
            if pat.search(d) and sign.search(said) and not (unless and unless.search(said)):
                return "治疗方面，" + text
    return ""


# a whole kidney removed (not a partial nephrectomy, not a nephroureterectomy); a split renal function told
_NEPHRECTOMY = re.compile(r"(?<!输尿管)(?<!半)肾(?:切除|全切)")
_SPLIT_FUNCTION = re.compile(r"肾图|肾动态|(?<!e)GFR|肾小球滤过率|分肾功能|ECT", re.IGNORECASE)


def before_nephrectomy(treats: Sequence[str], diagnoses: Sequence[str], question: str) -> list[str]:
    """What a nephrectomy among ``treats`` needs said: the split renal function, unless the question tells it,
    and the other kidney's stones, which stay when one kidney is removed.

    >>> before_nephrectomy(["腹腔镜下左肾切除术"], ["双肾结石"], "左肾萎缩")[1][:6]
    '右肾结石也需'
    >>> before_nephrectomy(["腹腔镜下左肾切除术"], ["左肾结石"], "肾图示左肾功能10%")
    []
    >>> before_nephrectomy(["左肾部分切除术"], ["双肾结石"], "")
    []
    """
    op = next((t for t in treats if _NEPHRECTOMY.search(t) and "部分" not in t), None)
    if op is None:
        return []
    lines = [] if _SPLIT_FUNCTION.search(nfkc(question or "")) else [
        "切除一侧肾脏前需行肾动态显像（GFR）评估分肾功能，确认对侧肾功能足够。"]
    side = re.search("[左右]", op)
    other = {"左": "右", "右": "左"}.get(side.group()) if side else None
    if other and any(re.search(rf"(?:双|{other})肾[^，,。；;]{{0,6}}结石", d) for d in diagnoses):
        lines.append(f"{other}肾结石也需根据大小和位置评估处理；{side.group()}肾切除后{other}肾将成为孤立肾，需格外注意保护。")
    return lines


# a clause that tells a result, or a test done (已做过肾上腺静脉取血)
_RESULT = re.compile(r"显示|提示|示|结果|见|病理|阴性|阳性|正常|异常|升高|增高|偏高|降低|偏低|↑|↓|\d|[(（]\s*[-+±]|"
                     r"做过|做了|已行|已做")


def workup(diagnoses: Sequence[str], exams: Sequence[str], question: str) -> list[str]:
    """The examinations a finding needs (:data:`WORKUP`) that the answer's own ``exams`` do not name.

    >>> workup(["左肾上腺肿瘤"], ["CT"], "体检发现左肾上腺占位")[0][:7]
    '肾上腺肿瘤术前'
    >>> workup(["左肾上腺肿瘤"], ["血醛固酮/肾素"], ""), workup(["男性不育"], [], "")[0][:6]
    ([], '男性生育问题')
    """
    found = "。".join([*diagnoses, affirmed(question)])
    written = "。".join([*diagnoses, own_written(question)])  # a relative's PSA is no finding of the patient's
    # what is known already: the answer's own examinations and diagnoses, a malignancy a biopsy proved, results
    # the question reports (a clause naming the test with its result: 醛固酮/肾素活性975↑, 膀胱镜未见异常)
    # (each item its own sentence: 穿刺活检 and 可疑前列腺癌 make no biopsy that found a cancer; a suspicion is no
    # cancer known)
    known = [d for d in diagnoses if d != SUSPECTED_PROSTATE_CANCER]
    said = "。".join([*exams, *known, "前列腺癌" if "prostate" in proven_tumours(question) else ""]) + "。"
    said += "转移" if advanced(diagnoses, question) else ""  # spread told: its course says the assessment
    said += "，".join(c for c in re.split(r"[，,。；;\n]", nfkc(question or "")) if _RESULT.search(c))
    # a child's hematuria is worked up otherwise; a young patient's with painful voiding is an infection's first
    # (urinalysis and culture; the work-up if it stays after treatment)
    age = patient_facts(question).age
    young_uti = age is not None and age < 40 and _PAINFUL_VOIDING.search(affirmed(question))
    no_hematuria_line = age is not None and age < 18 or young_uti
    return [line for finding, covered, line, whole in WORKUP
            if finding.search(written if whole else found) and not covered.search(said)
            and not (no_hematuria_line and line.startswith("血尿"))]


_PAINFUL_VOIDING = re.compile(r"尿痛|排尿[^，,。；;]{0,4}(?:疼|痛|灼)")
