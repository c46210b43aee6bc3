"""Which of the answer's items a composed reply says, and which of its operations it offers.

A reply (:mod:`rjua.compose`) tells only what the question gives a reason for: :func:`reply_items` keeps the
diagnoses the site model supports (:func:`rjua.sites.supported`; BPH for a man under 50 only when the question
names it), the main finding first (a small stone or a quiet cyst after the rest), no stage of another
patient's tumour, no side when the question names none; and the advice the question supports, an operation
only for a diagnosis the question names (:func:`named_by`) whose signs call for one (:mod:`rjua.guidance`)
and that fits it (:func:`coherent`: a cancer operation needs a tumour of its organ on its side, a
renal-cell operation no renal pelvis tumour, an infection none). An operation whose time has not come (BPH
before drugs) is kept for the usual course to name as its later step; a cancer that has spread gets no
curative operation (:func:`course`). Every advice item has a kind (:data:`ADVICE_KINDS`, :func:`advice_kind`),
the rows of a readable table.

>>> from rjua.patient import patient_facts
>>> ds, sure, adv, later = reply_items("我67岁，夜尿增多，有前列腺增生病史", ["前列腺增生"],
...                                    ["经尿道前列腺电切术", "尿常规"], patient_facts("我67岁"))
>>> sure, adv, later
(['前列腺增生'], ['尿常规'], ['经尿道前列腺电切术'])
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from .faithfulness import diagnosis_keys
from .guidance import (
    advanced,
    aftercare,
    aml_treated,
    biopsy_first,
    done,
    indicated,
    operable,
    own_course,
    path_for,
    syndromes,
)
from .patient import PatientFacts, clean_sides
from .pictures import SUSPECTED_PROSTATE_CANCER, upper_tract_first
from .removed_organs import removed
from .sites import (
    CONDITIONS,
    TREATMENTS,
    adrenal_side,
    affirmed,
    denied,
    item_sites,
    malignant,
    proven_tumours,
    same_region,
    side_supported,
    supported,
)
from .text import nfkc

__all__ = ["ADVICE_KINDS", "GENERIC", "INFERRED", "advice_kind", "alternatives", "coherent", "course",
           "minor", "named_by", "removed", "reply_items", "stage_only", "strip_sides"]

# advice kind -> the pattern that puts an item in it (first match wins; the rest are "other")
ADVICE_KINDS: tuple[tuple[str, re.Pattern], ...] = (
    ("treat", re.compile(r"根治术|切除术")),  # …根治术(术前输尿管镜检查) is the operation
    ("exam", re.compile(r"活检|穿刺检查|镜检查")),
    ("treat", re.compile(r"(?<!检查)术$|手术|造瘘|置管|置入|支架|碎石|取石|切除|根治")),
    ("drug", re.compile(r"卡尼汀|维生素|辅酶")),
    ("daily", re.compile(r"饮水|饮食|戒烟|戒酒|运动|锻炼|休息|避免|注意|随访|复查|观察|禁欲|减重|控制体重|憋尿|保护")),
    ("exam", re.compile(r"检查|检测|化验|CT|MRI|B超|超声|彩超|造影|常规|培养|尿流率|PSA|活检|穿刺|肾图|ECT|"
                        r"膀胱镜$|残余尿|"
                        r"细胞学|评估|测定|镜检|核磁|血检|指诊|尿动力|指标|监测|血气|功能")),
    ("treat", re.compile(r"术|切除|碎石|取石|置管|支架|引流|成形|吻合|结扎|电切|剜除|根治|造瘘|消融|放疗|化疗|"
                         r"灌注|导尿|复位|手术")),
    ("drug", re.compile(r"药|素|片|胶囊|抗生|抗感染|受体|抑制剂|阻滞剂|激素|补液|镇痛|止痛|解痉|中成药|罗辛|雄胺|那新|"
                        r"贝隆|沙星|头孢|枸橼酸|碳酸氢钠|他达拉非|西地那非|口服|输液")),
)



_TUMOUR = re.compile(r"癌|恶性|肿瘤|占位|新生物|肿物|肿块")
_CLAUSE = re.compile(r"[，,。；;！？!?\n]")
_INFECTION_ONLY = re.compile(r"感染|(?<!增生)炎")  # a diagnosis list of infections only: no operation
_OPERATION = re.compile(r"手术|术$|术等$|切除|电切|剜除|汽化")

_BPH = re.compile(CONDITIONS["bph"][0])
_PROSTATE_CANCER = re.compile(r"前列腺(?:癌|恶性)")
# an advice that names neither an organ nor how it is done (针对性切除, 保守扩张治疗, 激光切除术): no advice
_VAGUE = re.compile(r"^(?=.*(?:切除|扩张))(?!.*(?:肾|输尿管|膀胱|前列腺|尿道|阴茎|包皮|睾丸|附睾|精索|阴囊|肾上腺|"
                    r"尿路|腔镜|镜|囊肿|肿瘤|结石|癌))")
# a cancer operation; an enucleation of a tumour (肿瘤剜除) also fits a benign one
_RADICAL = re.compile(r"癌|恶性|根治|半尿路|全长切除|全程[^，,。；;]{0,4}切除|袖套")
_ANY_TUMOUR = re.compile(_TUMOUR.pattern + r"|瘤")
_UPPER_TRACT = re.compile(r"肾盂|输尿管|尿路上皮|半尿路|全长|集合系统")
_BPH_NAMED = re.compile(r"前列腺增生|前列腺肥大|前列腺增大|良性前列腺")
# what BPH is treated with (the site model's alpha-blockers and the 5α-reductase inhibitors): no prostate, none
# of its medicines either
_BPH_DRUG = re.compile(CONDITIONS["alpha_blocker"][0] + r"|非那雄胺|度他雄胺|5-?[αa]-?还原酶")


_SIDE = re.compile(r"(?<![左右])[左右]侧?(?![左右氧旋美甲卡西炔乙氨])")


def coherent(advice: str, diagnoses: Sequence[str], question: str) -> bool:
    """Whether a treatment's implied condition (a cancer operation, a stone or cyst procedure…)
    is one the reply's diagnoses or the question itself name: 前列腺癌根治术 needs a prostate tumour among them.

    >>> coherent("机器人前列腺癌根治术", ["前列腺增生"], "PSA升高"), coherent("输尿管镜取石术", ["输尿管结石"], "")
    (False, True)
    >>> op = "腹腔镜下右肾癌根治术"
    >>> coherent(op, [], "CT提示右肾占位"), coherent(op, [], "膀胱占位，右肾积水")
    (True, False)
    >>> coherent("手术治疗", ["泌尿道感染"], "排尿不适"), coherent("手术治疗", ["泌尿道感染", "膀胱结石"], "尿痛")
    (False, True)
    """
    if diagnoses and _OPERATION.search(advice) and all(_INFECTION_ONLY.search(d) for d in diagnoses):
        return False  # an infection is treated with medicines, not an operation
    if not _tumour_fits(advice, diagnoses, question):
        return False
    if not same_region(advice, diagnoses):  # 经皮肾镜取石术 does not treat a bladder stone
        return False
    sides = {m.group()[0] for d in diagnoses for m in [_SIDE.search(d)] if m}
    if sides and (mine := _SIDE.search(advice)) and mine.group()[0] not in sides and "双" not in "".join(diagnoses):
        return False  # a left operation for right-sided diagnoses
    # a condition the treatment names (a stone, a cyst…) is a diagnosis's, of the same region: no cyst unroofing
    # for an angiomyolipoma beside a small cyst, no cystoscopic stone removal for a kidney stone
    return all(any(re.search(names, d) and same_region(advice, [d]) for d in diagnoses)
               for cond, (names, _) in CONDITIONS.items() if cond not in TREATMENTS and re.search(names, advice))


_RENAL_OP = re.compile(r"肾癌根治|肾部分切除|肾[^，,。；;]{0,4}剜除|(?<!输尿管)肾切除")
_QUESTION_TUMOUR = re.compile(r"占位|肿瘤|癌|恶性|肿物|肿块|新生物")


def _tumour_fits(advice: str, diagnoses: Sequence[str], question: str) -> bool:
    """A cancer operation needs a tumour of its organ on its side; a renal-cell operation is not for a renal
    pelvis or ureter tumour; a BPH operation is not for a prostate with a cancer; a transurethral resection is not
    for a urachal cancer (its partial cystectomy is)."""
    if malignant(advice) and not _tumour_for(advice, diagnoses, question):
        return False
    if _TURBT.search(advice) and any(_URACHAL_CANCER.search(d) for d in diagnoses):
        return False
    if _BPH.search(advice) and any(_PROSTATE_CANCER.search(d) for d in diagnoses):
        return False  # no BPH operation beside a prostate cancer
    return not (_RENAL_OP.search(advice) and _upper_tract_only(question))


def _upper_tract_only(question: str) -> bool:
    """Whether every clause of the question telling of a tumour tells of the renal pelvis or the ureter (右肾盂输尿管
    有占位), none of the kidney itself."""
    clauses = [c for c in _CLAUSE.split(affirmed(question)) if _QUESTION_TUMOUR.search(c)]
    return bool(clauses) and all(_UPPER_TRACT.search(c) for c in clauses)


def _tumour_for(advice: str, diagnoses: Sequence[str], question: str) -> bool:
    """A tumour of the operation's site(s), on its side, in a diagnosis or in one clause of the question (a
    radical operation needs a cancer word; an enucleation any tumour)."""
    sites, tumour = item_sites(advice), _TUMOUR if _RADICAL.search(advice) else _ANY_TUMOUR
    side = m.group()[0] if (m := _SIDE.search(advice)) else None
    upper = bool(_UPPER_TRACT.search(advice))  # a nephroureterectomy is for a renal pelvis or ureter tumour
    clauses = list(diagnoses) + _CLAUSE.split(affirmed(question))
    # a nephroureterectomy (its organs named one by one or not) is for a tumour of the renal pelvis or the ureter
    return any(tumour.search(c) and (side is None or side in c or "双" in c)
               and (_UPPER_TRACT.search(c) if upper else sites <= item_sites(c)) for c in clauses)




def strip_sides(text: str) -> str:
    """``text`` without 左/右 (左侧/右侧) naming a side; drug names such as 左氧氟沙星 kept.

    >>> strip_sides("右肾结石、左侧输尿管结石、左氧氟沙星")
    '肾结石、输尿管结石、左氧氟沙星'
    """
    return _SIDE.sub("", text)




# an organ the question names on both sides with a condition: 双侧输尿管结石伴积水, 双肾积水
_BOTH = re.compile(r"(?:双侧?|两侧)(?P<organ>输尿管|肾(?!上腺))(?P<cond>[^，,。；;]{0,10})")
_ONE_SIDE = re.compile(r"^(?:左侧?|右侧?)(?=输尿管|肾(?!上腺))")
_DRAINS = re.compile(r"结石|积水|梗阻|扩张")
_BEFORE = re.compile(r"以前|之前|曾|既往|术后|年前|月前")
_DRAINAGE = re.compile(r"支架|造瘘|引流|置管|DJ|双J", re.IGNORECASE)  # an operation that drains, done on each side


def both_sides(item: str, question: str) -> str:
    """``item`` about both sides where it names one and the question tells its condition on both (the same
    organ and condition for a diagnosis; an obstructed organ for a drainage of it, no other operation).

    >>> q = "双肾结石，双侧输尿管结石伴积水，2天前开始无尿"
    >>> both_sides("左输尿管结石", q), both_sides("左侧输尿管支架置入", q), both_sides("左肾囊肿", q)
    ('双侧输尿管结石', '双侧输尿管支架置入', '左肾囊肿')
    >>> both_sides("左输尿管结石", "左输尿管结石，双肾囊肿"), both_sides("右肾结石", q), both_sides("左肾切除术", q)
    ('左输尿管结石', '双肾结石', '左肾切除术')
    """
    if not _ONE_SIDE.search(item):
        return item
    rest = _ONE_SIDE.sub("", item)
    keys = diagnosis_keys(rest)
    now = "，".join(c for c in affirmed(question).split("，") if not _BEFORE.search(c))
    for m in _BOTH.finditer(now):  # told now: not denied (双侧输尿管未见扩张), not past (以前双侧…, 双肾结石术后)
        if not rest.startswith(m.group("organ")):
            continue
        said = diagnosis_keys(m.group("organ") + m.group("cond"))
        if (keys & said) if keys else _DRAINAGE.search(rest) and _DRAINS.search(m.group("cond")):
            both = ("双" if m.group("organ") == "肾" else "双侧") + rest  # 双肾结石, 双侧输尿管结石
            return both if side_supported(both, question) else item
    return item


def advice_kind(item: str) -> str:
    return next((k for k, pat in ADVICE_KINDS if pat.search(item)), "other")




# an item that only names its kind, said only when nothing more specific of that kind is
GENERIC = {"treat": {"手术治疗", "手术"}, "drug": {"药物治疗", "药物"}}




_OP_CORE = re.compile(r"^(?:双侧|左侧|右侧|双|左|右)|(?:手术)?治疗$")


def alternatives(operations: Sequence[str], most: int = 3) -> list[str]:
    """The operations offered as alternatives: one per operation however its label words it (左侧经皮肾镜取石术 /
    左经皮肾镜取石术), at most ``most``, in the answer's order.

    >>> ops = ["左侧经皮肾镜取石术", "左经皮肾镜取石术", "左输尿管镜下取石术", "左侧输尿管软镜碎石取石术", "ESWL"]
    >>> alternatives(ops)
    ['左侧经皮肾镜取石术', '左输尿管镜下取石术', '左侧输尿管软镜碎石取石术']
    """
    out, seen = [], set()
    for op in operations:
        core = _OP_CORE.sub("", op)
        if core not in seen:
            seen.add(core)
            out.append(op)
    return out[:most]




def reply_items(question: str, diseases: Sequence[str], advices: Sequence[str], facts: PatientFacts
                 ) -> tuple[list[str], list[str], list[str], list[str]]:
    """(the answer's diagnoses, those the question supports, the advice the reply may give, the operations kept
    for later: they fit a named diagnosis whose signs do not call for one yet), sides dropped when the question
    names none."""
    sided = bool(facts.sides or facts.bilateral or re.search(r"[左右]", clean_sides(nfkc(question or ""))))
    fix = (lambda x: both_sides(adrenal_side(x, question), question)) if sided else strip_sides
    said = affirmed(question)
    q = nfkc(question or "")
    ds = _said_diagnoses(diseases, question, q, fix)
    no_bph = _no_bph(question, q, said, facts)

    gone = removed(q, "prostate")

    def fits(x: str) -> bool:
        return supported(x, question) and not (no_bph and _BPH.search(x)) and not (gone and _BPH_DRUG.search(x))

    sure = _ordered(_widest([d for d in ds if fits(d)]), question, q)
    adv = list(dict.fromkeys(aml_treated(fix(a), q) for a in advices if a and fits(a) and not done(a, question)))
    adv = [a for a in adv if a and not _VAGUE.search(a)]  # an angiomyolipoma treatment no side calls for: ""
    if not sure:  # no treatment without a diagnosis the question supports: examinations, daily life, a visit
        adv = [a for a in adv if advice_kind(a) in ("exam", "daily")]
    # an operation only for what the question itself names, and only where its signs call for one
    offered = _offered(adv, _operable_diagnoses(sure, question, said), question)
    return ds, sure, offered, _later(adv, offered, sure, question, said)


def _ordered(sure: list[str], question: str, q: str) -> list[str]:
    """The supported diagnoses in the order the reply says them: a growing or pressing cyst first
    (:func:`_cyst_leads`), minor findings (:func:`minor`) last."""
    cyst_leads = _cyst_leads(q, sure)
    return sorted(sure, key=lambda d: -1 if cyst_leads and "囊肿" in d else minor(d, question))


_BLADDER_TUMOUR = re.compile(r"膀胱[^，,。；;]{0,4}(?:癌|肿瘤|占位|恶性|新生物)")


def _no_bph(question: str, q: str, said: str, facts: PatientFacts) -> bool:
    """Whether BPH is out of the reply: a woman, no prostate left (:func:`rjua.removed_organs.removed`), or,
    unless the question names it, a patient not known to be a man, one under 50, or the frequency of a cystitis
    (an obstruction told makes it INFERRED)."""
    if facts.sex == "female" or removed(q, "prostate"):
        return True
    cystitis = "泌尿道感染" in syndromes(question) and not named_by("前列腺增生", said)
    young = facts.age is not None and facts.age < 50
    return not _BPH_NAMED.search(said) and (young or cystitis or facts.sex != "male")


def _said_diagnoses(diseases: Sequence[str], question: str, q: str, fix) -> list[str]:
    """The answer's diagnoses as a reply may say them: none the question denies or a stage alone, no bladder tumour
    after the bladder was removed, no stage or pole of another patient, no dangling conjunction (右肾结石伴), sides
    fixed by ``fix``, each once."""
    kept = (d for d in diseases if d and not denied(d, question) and not stage_only(d))
    if removed(q, "bladder"):  # the bladder removed: its tumour is history, not a diagnosis now
        kept = (d for d in kept if not _BLADDER_TUMOUR.search(d))
    return list(dict.fromkeys(fix(_unplaced(_unstaged(d, q), q)).rstrip("伴并及和、") for d in kept))


# a place within an organ: a kidney's pole or calyx, a ureter's segment
_WITHIN = re.compile(r"(?:中上|中下|上|中|下)(?:极|盏|段)")


def _unplaced(diagnosis: str, q: str) -> str:
    """A diagnosis without a place within its organ (右肾下极结节: 下极) that the question does not give: another
    patient's pole or segment is never told to this one.

    >>> _unplaced("右肾下极结节", "右肾占位3年"), _unplaced("左输尿管下段结石", "左输尿管下段结石伴积水")
    ('右肾结节', '左输尿管下段结石')
    """
    return _WITHIN.sub(lambda m: m.group() if m.group() in q else "", diagnosis)


def _later(adv: list[str], offered: list[str], sure: list[str], question: str, said: str) -> list[str]:
    """The operations that fit a named diagnosis whose signs do not call for one yet: the step after the usual
    course (drugs first for BPH), named in it."""
    fit = _offered(adv, _operable_diagnoses(sure, question, said, now=False), question)
    later = [a for a in fit if a not in offered and advice_kind(a) == "treat" and a not in GENERIC["treat"]]
    return [_OP_LEAD.sub("", a).removesuffix("等") or a for a in later]  # 手术治疗如…等 -> the operation


def minor(diagnosis: str, question: str) -> bool:
    """A finding rarely the patient's problem, said after the rest: a small stone, a cyst that neither is large
    nor presses (:data:`rjua.guidance.INDICATED` for its unroofing)."""
    return bool(_SMALL_STONE.search(diagnosis)) or "囊肿" in diagnosis and not indicated("囊肿去顶术", question)


# a cyst the question tells growing or pressing, in a clause of its own that is no worry (担心会增大); it leads the
# diagnoses unless a tumour or an obstruction is among them
_CYST_GROWS = re.compile(r"囊[^，,。；;未没无不]{0,12}(?<!会)(?:增大|变大|长大)|囊[^。；;]{0,30}(?:压迫|受压)")
_WORRY = re.compile(r"担心|害怕|怕|会不会|是否|吗")
_CYST_YIELDS = re.compile(r"癌|恶性|肿瘤|占位|积水|梗阻|输尿管[^，,。；;]{0,6}结石")


def _cyst_leads(q: str, diagnoses: Sequence[str]) -> bool:
    """Whether a cyst leads the reply's diagnoses (:data:`_CYST_GROWS`)."""
    grows = any(_CYST_GROWS.search(c) and not _WORRY.search(c) for c in re.split(r"[。；;！？!?\n]", q))
    return grows and not any(_CYST_YIELDS.search(d) for d in diagnoses if "囊肿" not in d)


_STAGE_ONLY = re.compile(r"^\W*(?:分期|分级)?\W*(?:[TNM][0-4xX][a-c]?\W*)+$")  # the whole label is a stage


def stage_only(label: str) -> bool:
    """Whether a label is only a stage and names no diagnosis.

    >>> stage_only("分期T1aN0M0"), stage_only("前列腺癌(T2c N0 M0)"), stage_only("TURP术后"), stage_only("T1期膀胱癌")
    (True, False, False, False)
    """
    return bool(_STAGE_ONLY.match(label or ""))


_OP_LEAD = re.compile(r"^(?:手术治疗|手术|包括)(?:如|例如|：|:)?")
_SMALL_STONE = re.compile(r"小结石|微小结石|细小结石")


def _operable_diagnoses(sure: list[str], question: str, said: str, now: bool = True) -> list[str]:
    """The supported diagnoses the question itself names (or a biopsy in it found) whose signs call for an
    operation: the only ones an operation is offered for."""
    proven = {(site, "tumour") for site in proven_tumours(question)}
    return [d for d in sure if (named_by(d, said) or diagnosis_keys(d) & proven)
            and (not now or operable(d, question))]


def _offered(adv: list[str], named: list[str], question: str) -> list[str]:
    """The advice the reply gives: an operation that fits ``named`` (:func:`coherent`,
    :func:`rjua.guidance.indicated`), a generic operation only beside a fitting one or where none was proposed,
    an aftercare item (术后…) only beside an operation; every other kind as it is."""
    ops = [a for a in adv if advice_kind(a) == "treat" and a not in GENERIC["treat"]]
    fit = [a for a in ops if named and coherent(a, named, question) and indicated(a, question)]
    generic = bool(named) and (bool(fit) or not ops)

    def said(a: str) -> bool:
        kept = a in fit or a in GENERIC["treat"] and generic or advice_kind(a) != "treat"
        return kept and (bool(fit) or not a.startswith("术后"))

    return [a for a in adv if said(a)]


_CANCER_OP = re.compile(_RADICAL.pattern + r"|肾部分切除|肿瘤[^，,。；;]{0,4}(?:切除|剜除)|全膀胱|膀胱全切|"
                        r"膀胱[^，,。；;]{0,4}部分切除|经尿道膀胱(?:肿瘤)?(?:电切|切除)")
# a transurethral resection is also how a bladder tumour gets its pathology: kept until the question tells one
_TURBT = re.compile(r"经尿道膀胱(?:肿瘤)?(?:电切|切除)|TURBT?", re.IGNORECASE)
_URACHAL_CANCER = re.compile(r"脐尿管[^，,。；;]{0,4}(?:癌|恶性|肿瘤)")
_PATHOLOGY = re.compile(r"病理|活检|电切|TURBT?", re.IGNORECASE)


def course(sure: list[str], adv: list[str], question: str, later: Sequence[str] = ()
            ) -> tuple[list[str], str, list[str]]:
    """(the advice said, the treatment path said where no treatment is named, a sentence said before the advice).
    A malignancy that has spread, recurred or is under systemic treatment (:func:`rjua.guidance.advanced`) gets
    no curative operation: its course is said instead, before the advice when other treatments remain."""
    if own := own_course(sure) or aftercare(question):  # the course is the treatment (or the aftercare): no other
        return [a for a in adv if advice_kind(a) in ("exam", "daily")], own, []  # patient's treatments or medicines
    first = biopsy_first(question)
    adv, later = _before_pathology(adv, later, question, first)
    late = advanced(sure, question)
    if not late:
        path = path_for(sure, alternatives(later), question)
        return adv, _after_biopsy(path, sure, question) if first else path, []
    staged = bool(_PATHOLOGY.search(question or ""))
    adv = [a for a in adv if not (advice_kind(a) == "treat" and (a in GENERIC["treat"] or _CANCER_OP.search(a)
                                                                  and (staged or not _TURBT.search(a))))]
    treats = any(advice_kind(a) in ("treat", "drug") and a not in GENERIC["treat"] | GENERIC["drug"] for a in adv)
    return adv, late, [late] if treats else []


def _before_pathology(adv: list[str], later: Sequence[str], question: str, first: bool
                      ) -> tuple[list[str], Sequence[str]]:
    """The advice and the later operations while a pathology is still to come: no prostate operation before the
    biopsy a suspicion calls for (another organ's stays), no radical operation before an upper-tract mass's
    work-up (its course says it)."""
    if first:
        adv, later = [a for a in adv if not _prostate_op(a)], ()
    if upper_tract_first(question):
        adv, later = [a for a in adv if not (_RADICAL.search(a) and advice_kind(a) == "treat")], ()
    return adv, later


def _after_biopsy(path: str, sure: list[str], question: str) -> str:
    """A benign prostate's course (not another organ's, not a suspected cancer's own) said as one that waits for
    the biopsy."""
    own = path_for(sure[:1], question=question) if sure and "prostate" in item_sites(sure[0]) else ""
    if own and path.startswith(own[:12]) and sure[0] != SUSPECTED_PROSTATE_CANCER:
        return path.replace("治疗方面，", "治疗方面，穿刺排除前列腺癌后，", 1)
    return path


def _prostate_op(advice: str) -> bool:
    """Whether an operation is on the prostate, or on no organ it names (手术治疗): none before a biopsy."""
    sites = item_sites(advice)
    return advice_kind(advice) == "treat" and (not sites or "prostate" in sites)


def _widest(diagnoses: list[str]) -> list[str]:
    """The diagnoses without one another names inside a longer one (鞘膜积液 beside 睾丸鞘膜积液; a side kept:
    右肾囊肿 is not inside 左肾囊肿(Bosniak I级)), nor one an earlier one names in other words (:func:`_same`)."""
    wide = [d for d in diagnoses if not any(d != o and d in o for o in diagnoses)]
    return [d for i, d in enumerate(wide) if not any(_same(d, o) for o in wide[:i])]


def _same(a: str, b: str) -> bool:
    """Whether two labels name one mass in other words (前列腺恶性肿瘤 and 前列腺癌: one organ and a tumour, stone
    or cyst, the same sides); the first is said.

    >>> _same("前列腺恶性肿瘤", "前列腺癌"), _same("左肾结石", "右肾结石"), _same("左输尿管扩张", "左输尿管狭窄")
    (True, False, False)
    >>> _same("右肾错构瘤", "右肾癌"), _same("左肾上腺占位", "左肾上腺肿瘤")  # benign and malignant: two
    (False, True)
    """
    keys = diagnosis_keys(a)
    masses = bool(keys) and all(cls in ("tumour", "stone", "cyst") for _, cls in keys)  # 扩张 is no 狭窄
    sides = [set(re.findall("[左右双]", clean_sides(x))) for x in (a, b)]
    kinds = [bool(_CANCER.search(x)) - bool(_BENIGN_MASS.search(x)) for x in (a, b)]  # 1 cancer, -1 benign, 0 either
    return masses and keys == diagnosis_keys(b) and kinds[0] * kinds[1] != -1 and sides[0] == sides[1]


_CANCER = re.compile(r"癌|恶性|肉瘤")
_BENIGN_MASS = re.compile(r"错构瘤|血管平滑肌脂肪瘤|腺瘤|结节|良性|囊肿")


_STAGING = re.compile(r"\s*[（({][^（(）)}]*[）)}]?\s*$")


def _unstaged(diagnosis: str, question: str) -> str:
    """A diagnosis without a trailing stage or grade (…(T2c N0 M0 ISUP 1)) the question does not give: the
    grade of another patient's tumour is never told to this one.

    >>> _unstaged("前列腺癌(T2c N0 M0 ISUP 1)", "Gleason 3+5=8"), _unstaged("右肾囊肿(Bosniak I级)", "Bosniak I级")
    ('前列腺癌', '右肾囊肿(Bosniak I级)')
    """
    m = _STAGING.search(diagnosis)
    if not m or m.start() == 0:
        return diagnosis
    inner = re.sub(r"[（(）){}\s]", "", m.group())
    return diagnosis if inner and inner in re.sub(r"\s", "", question) else diagnosis[:m.start()]


# a diagnosis the question may not name but a sign specific enough for its operations tells: BPH by obstruction
INFERRED: tuple[tuple[re.Pattern, re.Pattern], ...] = (
    (re.compile(r"前列腺增生|前列腺肥大"),
     re.compile(r"排尿困难|排尿不畅|排尿费力|尿线|尿流|尿等待|尿不尽|尿不出|排不出|尿潴留|尿储留|残余尿|滴沥|"
                r"(?:罗辛|多辛|坦洛新|多沙唑嗪|特拉唑嗪|雄胺|哈乐|保列治)[^。；;]{0,12}(?:效果|无效|不明显|不佳|不理想)")),
)


def named_by(diagnosis: str, said: str) -> bool:
    """Whether what the question affirms (``said``) names ``diagnosis``, word for word or as the same organ and
    condition (膀胱也有结石 names 膀胱结石); a diagnosis only inferred from symptoms is not named.

    >>> named_by("膀胱结石", "B超显示膀胱也有结石"), named_by("前列腺增生", "尿频尿急，夜尿3次")
    (True, False)
    >>> named_by("前列腺增生", "排尿困难，夜尿3次")  # told by obstruction (INFERRED)
    True
    """
    core = strip_sides(nfkc(diagnosis))
    if any(p.search(core) and sign.search(said) for p, sign in INFERRED):
        return True
    return core in strip_sides(said) or bool(diagnosis_keys(core) & diagnosis_keys(said))


