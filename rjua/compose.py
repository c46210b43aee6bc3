"""A doctor-style reply written for *this* patient from the answer's own items.

Backends that choose diagnoses and advice without writing text (``case``, ``chooser``) reply with
:func:`compose_reply`: a greeting, an assessment naming the chosen diagnoses, the patient's own facts
as the question states them (first person turned into 您), what to do next (the chosen advice, by kind:
examinations, treatment, medicines, daily life), when to seek care urgently, and the guideline passages
behind it (their ids). Nothing comes from another patient: a neighbour's reply may lend a sentence only
when a chosen, supported diagnosis is its subject and it carries no patient-specific fact
(:func:`general_sentences`). Items
about an organ, a condition or a malignancy the question gives no reason for (:func:`rjua.sites.supported`,
the one site model) stay in the answer's lists but out of the reply.

Which of the chosen operations and tests a urologist would offer, what comes first (a retention drained),
the usual course of treatment where no operation fits and the work-up a finding needs come from the tables of
:mod:`rjua.guidance`. The person addressed follows the question (您 / 您的孩子 / 您父亲…), and no side (左/右)
is written when the question names none. Every phrase lives in :data:`TEMPLATES`, :data:`ADVICE_KINDS`,
:data:`URGENT`, :mod:`rjua.guidance`, :mod:`rjua.sites`, so a wording or a rule can be read and changed in one
place (the
order and the stock phrases were chosen on 5-fold cross-validated ROUGE-L of the validation split,
``scripts/tune_reply.py``).

>>> print(compose_reply("我今年45岁，右侧腰痛两天，B超提示右肾结石，怎么办？", ["右肾结石"], ["多饮水", "泌尿系CT"]))
您好，根据您的病情描述和检查结果，初步诊断为右肾结石。您提到右侧腰痛两天，B超提示右肾结石。\
针对您的情况，我建议您进行泌尿系CT等检查，以明确诊断。\
治疗方面，结石较小时可多饮水、药物排石并定期复查；结石较大或引起梗阻、感染时，需根据大小和位置选择体外冲击波碎石、\
输尿管镜或经皮肾镜等治疗。同时，建议您多饮水。\
如果出现腰腹部剧烈疼痛、发热寒战、尿量明显减少或无尿，请立即到医院急诊就诊。如果您还有其他问题，请随时向我提问。
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from .faithfulness import diagnosis_keys, negated_terms
from .guidance import advanced, done, first_steps, indicated, operable, path_for, workup
from .patient import PatientFacts, clean_sides, patient_facts
from .sites import (
    CONDITIONS,
    TREATMENTS,
    affirmed,
    denied,
    item_sites,
    malignant,
    proven_tumours,
    same_region,
    supported,
)
from .text import nfkc

__all__ = ["ADDRESS_OF", "ADVICE_KINDS", "GENERIC", "INFERRED", "TEMPLATES", "URGENT", "address", "advice_groups",
           "advice_sentences", "alternatives", "cite_marks", "coherent", "compose_reply", "general_sentences",
           "join_zh", "named_by", "stated_facts", "strip_sides"]

# whom the reply speaks about, by rjua.patient's ``person``
ADDRESS_OF = {"self": "您", "mother": "您母亲", "father": "您父亲", "child": "您的孩子", "spouse": "您爱人",
              "grandparent": "您家老人", "sibling": "您的家人", "other": "您的朋友"}

TEMPLATES = {
    "greeting": "您好，",
    "basis_self": "根据您的{what}",
    "basis_other": "根据您对{person}{what}",
    "what_findings": "病情描述和检查结果",
    "what_symptoms": "症状描述",
    "facts": "您提到{facts}。",
    "assess_one": "{basis}，{who}初步诊断为{main}{cite}。",
    "assess_many": "{basis}，{who}初步诊断为{main}，同时可能存在{rest}{cite}。",
    "assess_unsure": "{basis}，{who}目前还难以明确诊断，需考虑{main}等可能，但与描述的情况不完全相符，"
                     "建议到泌尿外科面诊进一步明确{cite}。",
    "assess_none": "{basis}，目前还难以明确诊断，需要到泌尿外科面诊进一步评估。",
    "exam": "针对{who}的情况，我建议{who}进行{items}等检查，以明确诊断。",
    "treat": "治疗方面，我们可以考虑{items}，具体的治疗方案需要根据{who}的具体情况来确定。",
    "drug": "药物治疗方面，可以在医生指导下使用{items}。",
    "daily": "同时，建议{who}{items}。",
    "other": "此外，我建议{who}{items}。",
    "advice_none": "建议{who}到泌尿外科门诊面诊，结合检查结果制定治疗方案。",
    "treat_none": "治疗方面，建议{who}到泌尿外科门诊面诊，结合检查结果制定治疗方案。",
    "urgent": "如果出现{signs}，请{go}。",
    "cite": "{ids}",  # the evidence passages by number: [1][3]
    "go_self": "立即到医院急诊就诊",
    "go_child": "立即带孩子到医院急诊就诊",
    "go_other": "尽快陪同{person}到医院急诊就诊",
    "closing": "如果您还有其他问题，请随时向我提问。",
}

# advice kind -> the pattern that puts an item in it (first match wins; the rest are "other")
ADVICE_KINDS: tuple[tuple[str, re.Pattern], ...] = (
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

# when to seek care urgently: a pattern over the diagnoses, advice and question -> the warning signs (first
# match; ``young``: only for a patient under 35 or of unknown age, testicular torsion being a young man's; a
# catheter in place is told by 带着/插着/目前留置, an advice item 留置导尿管 being no catheter in place)
URGENT: tuple[tuple[re.Pattern, str, bool], ...] = (
    (re.compile(r"(?:带着?|插着|目前留置|现在留置|一直留置)导尿管|(?:正在|目前|现在)[^，。；]{0,6}使用(?:导)?尿管"),
     "导尿管堵塞、引流不畅，或尿液浑浊伴发热", False),
    (re.compile(r"肾上腺|醛固酮|嗜铬"), "血压突然明显升高伴剧烈头痛、心悸、大汗，或明显乏力、肌无力", False),
    (re.compile(r"错构瘤|血管平滑肌脂肪瘤"), "突发腰腹部剧烈疼痛、肉眼血尿或头晕心慌（需警惕肿瘤破裂出血）", False),
    (re.compile(r"睾丸|阴囊|附睾|精索"), "阴囊突然剧烈疼痛或明显肿胀（需尽早排除睾丸扭转）", True),
    (re.compile(r"睾丸|阴囊|附睾|精索"), "阴囊红肿疼痛明显加重或伴发热", False),
    (re.compile(r"结石|积水|绞痛"), "腰腹部剧烈疼痛、发热寒战、尿量明显减少或无尿", False),
    (re.compile(r"尿潴留|排尿困难|前列腺增生|尿道狭窄|排不出"), "完全排不出尿、下腹部胀痛", False),
    (re.compile(r"癌|肿瘤|占位|恶性"), "肉眼血尿加重、血块堵塞排尿或明显消瘦", False),
    (re.compile(r"感染|炎|发热|发烧"), "高热寒战、腰痛加重或精神状态变差", False),
    (re.compile(r"不育|不孕|精液|精子"), "阴囊肿痛、发热或精液带血", False),
)
URGENT_DEFAULT = "发热、肉眼血尿、剧烈疼痛或排尿困难"

_TUMOUR = re.compile(r"癌|恶性|肿瘤|占位|新生物|肿物|肿块")
_CLAUSE = re.compile(r"[，,。；;！？!?\n]")
_INFECTION_ONLY = re.compile(r"感染|(?<!增生)炎")  # a diagnosis list of infections only: no operation
_OPERATION = re.compile(r"手术|术$|术等$|切除|电切|剜除|汽化")
_NEGATED = re.compile(r"没有|没|无(?!痛)|未|否认|正常|不明显")

_BPH = re.compile(CONDITIONS["bph"][0])
# a cancer operation; an enucleation of a tumour (肿瘤剜除) also fits a benign one
_RADICAL = re.compile(r"癌|恶性|根治|半尿路|全长切除")
_ANY_TUMOUR = re.compile(_TUMOUR.pattern + r"|瘤")
_UPPER_TRACT = re.compile(r"肾盂|输尿管|尿路上皮|半尿路|全长|集合系统")
_BPH_NAMED = re.compile(r"前列腺增生|前列腺肥大|前列腺增大|良性前列腺")
_SENT = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
_ASKING = re.compile(r"请问|吗|呢|怎么|如何|是否|能否|可否|能不能|要不要|需不需要|该不该|哪些|什么|多久|？|\?")
_GREETING = re.compile(r"^(?:患者|病人)?[:：]?\s*(?:医生|大夫)?(?:您好|你好)?[，,！!]*")
_FINDING = re.compile(r"显示|提示|发现|检查|诊断|B超|CT|彩超|MRI|化验|查出|病史|症状|疼|痛|尿|肿|血|结石|积水|"
                      r"囊肿|增大|包块|硬结|发热|发烧")
_WHO_AM_I = re.compile(r"我是|^(?:我|本人)?(?:今年)?\d+岁$|^\d+岁|您好|你好|请教|想问|咨询|打扰|一个问题")
_EXAMINED = re.compile(r"检查|B超|CT|彩超|MRI|核磁|化验|显示|提示|造影|报告|指标|结果")
_SIDE = re.compile(r"(?<![左右])[左右]侧?(?![左右氧旋美甲卡西炔乙氨])")
# what makes a neighbour's sentence about a patient rather than about the item itself
_PATIENT_SPECIFIC = re.compile(r"\d|PSA|您|你|患者|病人|孩子|他|她|我们|医院|病史|既往|曾|术后|合并|提示|显示|发现|"
                               r"结果|诊断为|考虑为|检查后|复查时|[左右]|厘米|毫米|年前|月前|天前|岁")


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


_RENAL_OP = re.compile(r"肾癌根治|肾部分切除|肾[^，。；]{0,4}剜除|(?<!输尿管)肾切除")
_QUESTION_TUMOUR = re.compile(r"占位|肿瘤|癌|恶性|肿物|肿块|新生物")


def _tumour_fits(advice: str, diagnoses: Sequence[str], question: str) -> bool:
    """A cancer operation needs a tumour of its organ on its side; a renal-cell operation is not for a renal
    pelvis or ureter tumour."""
    if malignant(advice) and not _tumour_for(advice, diagnoses, question):
        return False
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
    return any(tumour.search(c) and sites <= item_sites(c) and (side is None or side in c or "双" in c)
               and (not upper or _UPPER_TRACT.search(c)) for c in clauses)


def address(facts: PatientFacts) -> str:
    """How the reply names the patient: 您 for the writer, else the relative (您父亲, 您的孩子…).

    >>> [address(patient_facts(q)) for q in ("我爸爸70岁，尿不出来", "尿频", "儿子3岁")]
    ['您父亲', '您', '您的孩子']
    """
    return ADDRESS_OF.get(facts.person or "self", "您")


def join_zh(items: Sequence[str], last: str = "和") -> str:
    """Items as a Chinese phrase: 甲、乙和丙 (``last="或"``: alternatives, 甲、乙或丙).

    >>> join_zh(["甲"]), join_zh(["甲", "乙", "丙"]), join_zh(["甲", "乙"], "或")
    ('甲', '甲、乙和丙', '甲或乙')
    """
    items = list(items)
    return items[0] if len(items) == 1 else "、".join(items[:-1]) + last + items[-1] if items else ""


def strip_sides(text: str) -> str:
    """``text`` without 左/右 (左侧/右侧) naming a side; drug names such as 左氧氟沙星 kept.

    >>> strip_sides("右肾结石、左侧输尿管结石、左氧氟沙星")
    '肾结石、输尿管结石、左氧氟沙星'
    """
    return _SIDE.sub("", text)


def stated_facts(question: str, limit: int = 2, max_chars: int = 80) -> list[str]:
    """Up to ``limit`` statements of the question about the patient's complaint or findings, first person
    turned into 您 (questions, greetings and self-introductions left out).

    >>> stated_facts("医生您好，我是一名30岁男性。我左侧阴囊疼痛3天，B超提示附睾炎。请问怎么治疗？")
    ['您左侧阴囊疼痛3天，B超提示附睾炎']
    """
    out: list[str] = []
    denied = negated_terms(question, limited=False)
    for m in _SENT.finditer(question or ""):
        s = _GREETING.sub("", m.group().strip()).rstrip("。！？!?；;，, ")
        clauses = [c for c in re.split(r"[，,]", s) if c and not _ASKING.search(c) and not _WHO_AM_I.search(c)]
        s = "，".join(clauses)
        if not s or not _FINDING.search(s) or any(t in s for t in denied) and not _NEGATED.search(s):
            continue  # nothing found, or a term the question denies elsewhere (没有血尿 … 血尿)
        while len(s) > max_chars and "，" in s:
            s = s.rsplit("，", 1)[0]
        if len(s) <= max_chars:
            out.append(re.sub(r"我(?:的)?", lambda x: "您" + x.group()[1:], s).replace("本人", "您"))
        if len(out) >= limit:
            break
    return out


def general_sentences(replies: Iterable[str], items: Sequence[str], limit: int = 1) -> list[str]:
    """Sentences of other replies that are about a chosen item (it is their subject: they begin with it) and
    carry no patient-specific fact (no numbers, sides, persons, history, results or findings).

    >>> general_sentences(["您好，您被诊断为左肾结石。肾结石是泌尿系统的常见病，多饮水有助于排石。"], ["肾结石"])
    ['肾结石是泌尿系统的常见病，多饮水有助于排石。']
    """
    cores = [strip_sides(i) for i in items if len(strip_sides(i)) >= 2]
    out: list[str] = []
    for reply in replies:
        for m in _SENT.finditer(reply or ""):
            s = m.group().strip()
            if (8 <= len(s) <= 80 and any(s.startswith(c) for c in cores) and not _PATIENT_SPECIFIC.search(s)
                    and "：" not in s and ":" not in s and s not in out):
                out.append(s if s[-1] in "。！？!?" else s.rstrip("；;") + "。")
                if len(out) >= limit:
                    return out
    return out


def _advice_kind(item: str) -> str:
    return next((k for k, pat in ADVICE_KINDS if pat.search(item)), "other")


# how an advice item is said inside its sentence: what the sentence itself adds is cut (…等检查 adds 检查 and 等)
_SAID_AS: dict[str, re.Pattern] = {"exam": re.compile(r"^(?:监测|检测|复查|完善|进行|行|查)|(?:检查|检测)?等?$"),
                                   **dict.fromkeys(("treat", "drug", "daily", "other"), re.compile(r"等$"))}
# what splitting a sentence into items leaves: a lead word (包括…) cut, a clause that names no item (可以通过…) dropped
_LEAD = re.compile(r"^(?:包括|以及|或者|或|并且|并|及)")
_FRAGMENT = re.compile(r"^(?:可以|可通过|通过|可)")
# an item that only names its kind, said only when nothing more specific of that kind is
GENERIC = {"treat": {"手术治疗", "手术"}, "drug": {"药物治疗", "药物"}}


def advice_groups(advices: Sequence[str]) -> dict[str, list[str]]:
    """The advice items by kind (:data:`ADVICE_KINDS`) as the reply says them: an item said twice in other
    words once (尿常规检查 / 尿常规), a kind's generic item (手术治疗) only when it is the kind's only item.

    >>> advice_groups(["尿常规检查", "手术治疗", "尿常规", "经尿道前列腺电切术等", "药物治疗", "监测肌酐"])
    {'exam': ['尿常规', '肌酐'], 'treat': ['经尿道前列腺电切术'], 'drug': ['药物治疗']}
    >>> advice_groups(["包括经尿道前列腺激光剜除术", "可以通过腹腔镜技术进行"])  # a label's fragments
    {'treat': ['经尿道前列腺激光剜除术']}
    """
    groups: dict[str, list[str]] = {}
    for a in (_LEAD.sub("", a) for a in advices if not _FRAGMENT.match(a)):
        kind = _advice_kind(a)
        said = _SAID_AS[kind].sub("", a) or a
        if said not in groups.setdefault(kind, []):
            groups[kind].append(said)
    for kind, generic in GENERIC.items():
        if kind in groups and any(i not in generic for i in groups[kind]):
            groups[kind] = [i for i in groups[kind] if i not in generic]
    return groups


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


def advice_sentences(advices: Sequence[str], who: str, t: Mapping[str, str] = TEMPLATES, path: str = "",
                     work_up: Sequence[str] = ()) -> list[str]:
    """The advice items grouped by kind (:func:`advice_groups`), one sentence per kind; ``work_up``
    (:func:`rjua.guidance.workup`) follows the examinations, and ``path`` (:func:`rjua.guidance.path_for`)
    says the course of treatment where no treatment or medicine is named.

    >>> for s in advice_sentences(["多饮水", "尿常规", "输尿管镜碎石术"], "您"): print(s)
    针对您的情况，我建议您进行尿常规等检查，以明确诊断。
    治疗方面，我们可以考虑输尿管镜碎石术，具体的治疗方案需要根据您的具体情况来确定。
    同时，建议您多饮水。
    >>> advice_sentences(["药物治疗"], "您")  # no medicine named: no drug sentence
    ['建议您到泌尿外科门诊面诊，结合检查结果制定治疗方案。']
    """
    groups = advice_groups(advices)
    if set(groups.get("drug", ())) <= GENERIC["drug"]:
        groups.pop("drug", None)  # 药物治疗 alone names no medicine: said, it is filler (规范用药)
    order = ("exam", "treat", "drug", "daily", "other")
    if (groups or path) and "treat" not in groups and "drug" not in groups:
        groups["treat"] = []  # no treatment named: where it would be, the usual course or the way to one
    out: list[str] = []
    for k in (k for k in order if k in groups):
        joined = join_zh(alternatives(groups[k]), "或") if k == "treat" else join_zh(groups[k])  # operations: one of
        out.append(t[k].format(who=who, items=joined) if groups[k] else path or
                   t["treat_none"].format(who=who))
        out += list(work_up) if k == "exam" else []
    if work_up and "exam" not in groups:
        out = list(work_up) + out
    return out or [t["advice_none"].format(who=who)]


def _urgent(facts: PatientFacts, text: str, who: str, t: Mapping[str, str]) -> str:
    young = facts.age is None or facts.age < 35
    signs = next((s for pat, s, only_young in URGENT if pat.search(text) and (young or not only_young)),
                 URGENT_DEFAULT)
    kind = "self" if facts.person in (None, "self") else "child" if facts.person == "child" else "other"
    go = t["go_" + kind].format(person=who)
    return t["urgent"].format(signs=signs, go=go)


def _reply_items(question: str, diseases: Sequence[str], advices: Sequence[str], facts: PatientFacts
                 ) -> tuple[list[str], list[str], list[str], list[str]]:
    """(the answer's diagnoses, those the question supports, the advice the reply may give, the operations kept
    for later: they fit a named diagnosis whose signs do not call for one yet), sides dropped when the question
    names none."""
    sided = bool(facts.sides or facts.bilateral or re.search(r"[左右]", clean_sides(nfkc(question or ""))))
    fix = (lambda x: x) if sided else strip_sides
    said = affirmed(question)
    q = nfkc(question or "")
    ds = list(dict.fromkeys(fix(_unstaged(d, q)).rstrip("伴并及和、") for d in diseases
                            if d and not denied(d, question)))
    young = facts.age is not None and facts.age < 50 and not _BPH_NAMED.search(said)

    def fits(x: str) -> bool:  # supported, and BPH only for a man of 50 or more unless the question names it
        return supported(x, question) and not (young and _BPH.search(x))

    sure = sorted(_widest([d for d in ds if fits(d)]), key=lambda d: _minor(d, question))
    adv = list(dict.fromkeys(fix(a) for a in advices if a and fits(a) and not done(a, said)))
    if not sure:  # no treatment without a diagnosis the question supports: examinations and a visit only
        adv = [a for a in adv if _advice_kind(a) not in ("treat", "drug")]
    # an operation only for what the question itself names, and only where its signs call for one
    offered = _offered(adv, _operable_diagnoses(sure, question, said), question)
    return ds, sure, offered, _later(adv, offered, sure, question, said)


def _later(adv: list[str], offered: list[str], sure: list[str], question: str, said: str) -> list[str]:
    """The operations that fit a named diagnosis whose signs do not call for one yet: the step after the usual
    course (drugs first for BPH), named in it."""
    fit = _offered(adv, _operable_diagnoses(sure, question, said, now=False), question)
    return [a for a in fit if a not in offered and _advice_kind(a) == "treat" and a not in GENERIC["treat"]]


def _minor(diagnosis: str, question: str) -> bool:
    """A finding rarely the patient's problem, said after the rest: a small stone, a cyst that neither is large
    nor presses (:data:`rjua.guidance.INDICATED` for its unroofing)."""
    return bool(_SMALL_STONE.search(diagnosis)) or "囊肿" in diagnosis and not indicated("囊肿去顶术", question)


_SMALL_STONE = re.compile(r"小结石|微小结石|细小结石")


def _operable_diagnoses(sure: list[str], question: str, said: str, now: bool = True) -> list[str]:
    """The supported diagnoses the question itself names (or a biopsy in it found) whose signs call for an
    operation: the only ones an operation is offered for."""
    proven = {(site, "tumour") for site in proven_tumours(question)}
    return [d for d in sure if (named_by(d, said) or diagnosis_keys(d) & proven) and (not now or operable(d, said))]


def _offered(adv: list[str], named: list[str], question: str) -> list[str]:
    """The advice the reply gives: an operation that fits ``named`` (:func:`coherent`,
    :func:`rjua.guidance.indicated`), a generic operation only beside a fitting one or where none was proposed,
    an aftercare item (术后…) only beside an operation; every other kind as it is."""
    ops = [a for a in adv if _advice_kind(a) == "treat" and a not in GENERIC["treat"]]
    fit = [a for a in ops if named and coherent(a, named, question) and indicated(a, question)]
    generic = bool(named) and (bool(fit) or not ops)

    def said(a: str) -> bool:
        kept = a in fit or a in GENERIC["treat"] and generic or _advice_kind(a) != "treat"
        return kept and (bool(fit) or not a.startswith("术后"))

    return [a for a in adv if said(a)]


_CANCER_OP = re.compile(_RADICAL.pattern + r"|肾部分切除|肿瘤[^，。；]{0,4}(?:切除|剜除)")


def _course(sure: list[str], adv: list[str], question: str, later: Sequence[str] = ()
            ) -> tuple[list[str], str, list[str]]:
    """(the advice said, the treatment path said where no treatment is named, a sentence said before the advice).
    A malignancy that has spread, recurred or is under systemic treatment (:func:`rjua.guidance.advanced`) gets
    no curative operation: its course is said instead, before the advice when other treatments remain."""
    late = advanced(sure, question)
    if not late:
        return adv, path_for(sure, alternatives(later)), []
    adv = [a for a in adv if not (_advice_kind(a) == "treat" and (_CANCER_OP.search(a) or a in GENERIC["treat"]))]
    treats = any(_advice_kind(a) in ("treat", "drug") and a not in GENERIC["treat"] | GENERIC["drug"] for a in adv)
    return adv, late, [late] if treats else []


def _widest(diagnoses: list[str]) -> list[str]:
    """The diagnoses without one another names inside a longer one (鞘膜积液 beside 睾丸鞘膜积液; a side kept:
    右肾囊肿 is not inside 左肾囊肿(Bosniak I级))."""
    return [d for d in diagnoses if not any(d != o and d in o for o in diagnoses)]


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
                r"(?:罗辛|多辛|坦洛新|多沙唑嗪|特拉唑嗪|雄胺|哈乐|保列治)[^。；]{0,12}(?:效果|无效|不明显|不佳|不理想)")),
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


def cite_marks(passages: Sequence, diseases: Sequence[str], most: int = 3) -> str:
    """The evidence passages that mention a chosen diagnosis, by their number in ``passages`` (the answer's
    evidence list, numbered from 1 as the CLI and the demo show it): ``[1][3]``.

    >>> class P: pass
    >>> a, b = P(), P(); a.text, b.text = "膀胱炎的治疗…", "肾结石是…"
    >>> cite_marks([a, b], ["左肾结石"]), cite_marks([a, b], ["前列腺增生"])
    ('[2]', '')
    """
    cores = [c for c in (strip_sides(d) for d in diseases) if len(c) >= 2]
    nums = [n for n, p in enumerate(passages, 1) if any(c in getattr(p, "text", str(p)) for c in cores)][:most]
    return "".join(f"[{n}]" for n in nums)


def _assessment(question: str, ds: list[str], sure: list[str], who: str, cite: str, max_diseases: int,
                t: Mapping[str, str]) -> str:
    what = t["what_findings" if _EXAMINED.search(question or "") else "what_symptoms"]
    if who == "您":
        basis, subject = t["basis_self"].format(what=what), ""
    else:
        person = who.removeprefix("您的").removeprefix("您")
        basis, subject = t["basis_other"].format(person=person, what=what), who
    if sure:
        main, rest = sure[:2], sure[2:max_diseases]
        return t["assess_many" if rest else "assess_one"].format(
            basis=basis, who=subject, main=join_zh(main), rest=join_zh(rest), cite=cite)
    if ds:  # the answer's own diagnoses, none of which the question gives a reason for: said with doubt
        return t["assess_unsure"].format(basis=basis, who=subject, main=join_zh(ds[:max_diseases]), cite=cite)
    return t["assess_none"].format(basis=basis)


def compose_reply(question: str, diseases: Sequence[str], advices: Sequence[str], passages: Sequence = (),
                  neighbour_replies: Iterable[str] = (), facts: PatientFacts | None = None,
                  max_diseases: int = 4, facts_limit: int = 1, templates: Mapping[str, str] | None = None) -> str:
    """The reply for this patient (see module docstring).

    ``passages``: the guideline evidence (objects with ``text``, or strings); those that mention a chosen
    diagnosis are cited by number (:func:`cite_marks`). ``neighbour_replies``: may lend one general sentence.
    ``templates``: wordings that replace some of :data:`TEMPLATES` (:mod:`rjua.wording`).

    >>> r = compose_reply("孩子5岁，阴囊肿大", ["鞘膜积液"], [])
    >>> "您的孩子初步诊断为鞘膜积液" in r, "立即带孩子到医院急诊就诊" in r
    (True, True)
    >>> "左" in compose_reply("尿痛尿急一周，腰痛", ["左肾结石"], ["左氧氟沙星"])
    True
    >>> "左肾" in compose_reply("尿频尿急一周", ["左肾结石"], [])
    False
    """
    facts = facts if facts is not None else patient_facts(question)
    ds, sure, adv, later = _reply_items(question, diseases, advices, facts)
    who = address(facts)
    said = stated_facts(question, facts_limit) if facts_limit > 0 else []
    t = {**TEMPLATES, **templates} if templates else TEMPLATES
    parts = [t["greeting"], _assessment(question, ds, sure, who, cite_marks(passages, ds), max_diseases, t)]
    parts += [t["facts"].format(facts="；".join(said))] if said else []
    parts += general_sentences(neighbour_replies, sure)
    parts += first_steps(question, who)
    adv, path, lead = _course(sure, adv, question, later)
    parts += lead
    exams = [a for a in adv if _advice_kind(a) == "exam"]
    parts += advice_sentences(adv, who, t, path, workup(sure or ds, exams, question))
    parts.append(_urgent(facts, "".join((sure or ds) + adv) + affirmed(question), who, t))
    parts.append(t["closing"])
    return "".join(parts)
