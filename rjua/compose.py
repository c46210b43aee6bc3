"""A doctor-style reply written for *this* patient from the answer's own items.

Backends that choose diagnoses and advice without writing text (``case``, ``chooser``) reply with
:func:`compose_reply`: a greeting, an assessment naming the chosen diagnoses (on the question's sides and
for the person it is about), what to do next (the chosen advice, by kind: examinations, treatment, medicines,
daily life), the warning signs that call for care at once, and the guideline passages behind it (their ids).
A restatement of the question's own statements (``facts_limit``, first person turned into 您) is off by
default: doctors' replies do not restate, and on the 5-fold cross-validated valid split even a 12-character
restatement costs 0.005 ROUGE-L (``scripts/tune_reply.py``). Nothing comes from another patient: a
neighbour's reply may lend a sentence only when a chosen, supported diagnosis is its subject and it carries
no patient-specific fact (:func:`general_sentences`). Items about an organ, a condition or a malignancy the
question gives no reason for (:func:`rjua.sites.supported`, the one site model) stay in the answer's lists but out of
the reply.

Which of the answer's items the reply says and which operations it offers is :mod:`rjua.offer`; which of the
chosen operations and tests a urologist would offer, what comes first (a retention drained),
the usual course of treatment where no operation fits and the work-up a finding needs come from the tables of
:mod:`rjua.guidance`. The person addressed follows the question (您 / 您的孩子 / 您父亲…), and no side (左/右)
is written when the question names none. Every phrase lives in :data:`TEMPLATES`, :data:`ADVICE_KINDS`,
:data:`URGENT`, :mod:`rjua.guidance`, :mod:`rjua.sites`, so a wording or a rule can be read and changed in one
place (the
order and the stock phrases were chosen on 5-fold cross-validated ROUGE-L of the validation split,
``scripts/tune_reply.py``).

>>> print(compose_reply("我今年45岁，右侧腰痛两天，B超提示右肾结石，怎么办？", ["右肾结石"], ["多饮水", "泌尿系CT"]))
您好，根据您的病情描述和检查结果，初步诊断为右肾结石。\
针对您的情况，我建议您进行泌尿系CT等检查，以明确诊断。\
治疗方面，结石较小时可多饮水、药物排石并定期复查；结石较大或引起梗阻、感染时，需根据大小和位置选择体外冲击波碎石、\
输尿管镜或经皮肾镜等治疗。同时，建议您多饮水。\
如出现剧烈腰痛、发热寒战或无尿，请立即就医。如果您还有其他问题，请随时向我提问。
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from .faithfulness import negated_terms
from .guidance import ADRENAL_MASS, aftercare, before_nephrectomy, catheter_in, first_steps, second_course, workup
from .offer import (
    ADVICE_KINDS,
    GENERIC,
    INFERRED,
    advice_kind,
    alternatives,
    coherent,
    course,
    minor,
    named_by,
    reply_items,
    strip_sides,
)
from .patient import PatientFacts, patient_facts
from .removed_organs import removed
from .sites import affirmed, item_sites

__all__ = ["ADDRESS_OF", "ADVICE_KINDS", "GENERIC", "INFERRED", "TEMPLATES", "URGENT", "URGENT_CATHETER",
           "URGENT_DIVERSION", "address", "advice_groups", "advice_sentences", "alternatives", "cite_marks",
           "coherent", "compose_reply", "general_sentences", "join_zh", "named_by", "stated_facts", "strip_sides"]

# whom the reply speaks about, by rjua.patient's ``person``
ADDRESS_OF = {"self": "您", "mother": "您母亲", "father": "您父亲", "child": "您的孩子", "spouse": "您爱人",
              "grandparent": "您家老人", "sibling": "您的家人", "other": "您的朋友"}

TEMPLATES = {
    "greeting": "您好，",
    "basis_self": "根据您的{what}",
    "basis_other": "根据您对{person}{what}",
    "what_findings": "病情描述和检查结果",
    "what_symptoms": "症状描述",
    "subject_self": "",  # whom the assessment names when the patient asks about themself (您可能患有…)
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
    "urgent": "如出现{signs}，请{go}。",
    "cite": "{ids}",  # the evidence passages by number: [1][3]
    "go_self": "立即就医",
    "go_child": "立即带孩子就医",
    "go_other": "尽快陪同{person}就医",
    "closing": "如果您还有其他问题，请随时向我提问。",
}

# when to seek care urgently: with a catheter in place (rjua.guidance.catheter_in) its own signs; else a pattern
# over the leading diagnosis, then over the diagnoses, advice and question -> the warning signs (first match;
# ``young``: only for a patient under 35 or of unknown age, testicular torsion being a young man's)
URGENT_CATHETER = "尿管堵塞、引流不畅或发热"
URGENT: tuple[tuple[re.Pattern, str, bool], ...] = (
    (re.compile(r"阴茎折断|白膜(?:破裂|断裂)"), "阴茎肿胀加重、尿道口出血或排尿困难", False),
    (re.compile(r"肾(?:挫伤|裂伤|破裂|外伤)|(?<!性)肾损伤"),
     "血尿加重或头晕心慌（警惕出血）", False),
    (ADRENAL_MASS,
     "血压骤升伴头痛心悸或明显乏力", False),
    (re.compile(r"错构瘤|血管平滑肌脂肪瘤"), "突发腰痛、血尿或头晕（警惕出血）", False),
    (re.compile(r"睾丸|阴囊|附睾|精索"), "阴囊突发剧痛（警惕睾丸扭转）", True),
    (re.compile(r"睾丸|阴囊|附睾|精索"), "阴囊肿痛加重或发热", False),
    (re.compile(r"结石|积水|绞痛"), "剧烈腰痛、发热寒战或无尿", False),
    (re.compile(r"尿潴留|排尿困难|前列腺增生|尿道狭窄|排不出"), "完全排不出尿", False),
    (re.compile(r"前列腺(?:癌|恶性)"), "完全排不出尿、肉眼血尿或新发骨痛", False),
    (re.compile(r"(?:膀胱|肾盂|输尿管|脐尿管|尿路上皮|肾(?!上腺))[^，,。；;]{0,4}(?:癌|肿瘤|占位|恶性)|尿路上皮"),
     "血尿加重或血块堵塞排尿", False),
    (re.compile(r"感染|炎|发热|发烧"), "高热寒战或精神变差", False),
    (re.compile(r"不育|不孕|精液|精子"), "阴囊肿痛或发热", False),
)
URGENT_DEFAULT = "发热、血尿或排尿困难"
# after the bladder was removed (a conduit or a new bladder): no clot can block voiding; an obstructed upper tract
# or an infection shows otherwise
URGENT_DIVERSION = "发热寒战、腰痛或造口尿量明显减少"
# an infection led, with an obstruction the question tells: the obstruction's signs (a stone's, a retention's)
_OBSTRUCTED = re.compile(r"积水|梗阻|尿潴留|排尿困难|排不出|尿不出")
_OBSTRUCTION_SIGNS = frozenset(s for pat, s, _ in URGENT if pat.search("结石") or pat.search("尿潴留"))
_INFECTION_SIGNS = next(s for pat, s, _ in URGENT if pat.search("感染"))

_NEGATED = re.compile(r"没有|没|无(?!痛)|未|否认|正常|不明显")
_SENT = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
_ASKING = re.compile(r"请问|吗|呢|怎么|如何|是否|能否|可否|能不能|要不要|需不需要|该不该|哪些|什么|多久|？|\?")
_GREETING = re.compile(r"^(?:患者|病人)?[:：]?\s*(?:医生|大夫)?(?:您好|你好)?[，,！!]*")
_FINDING = re.compile(r"显示|提示|发现|检查|诊断|B超|CT|彩超|MRI|化验|查出|病史|症状|疼|痛|尿|肿|血|结石|积水|"
                      r"囊肿|增大|包块|硬结|发热|发烧")
_WHO_AM_I = re.compile(r"我是|^(?:我|本人)?(?:今年)?\d+岁$|^\d+岁|您好|你好|请教|想问|咨询|打扰|一个问题")
_EXAMINED = re.compile(r"检查|B超|CT|彩超|MRI|核磁|化验|显示|提示|造影|报告|指标|结果|白细胞|红细胞|肌酐|PSA|/HP|"
                       r"ng/ml",
                       re.IGNORECASE)
# what makes a neighbour's sentence about a patient rather than about the item itself
_PATIENT_SPECIFIC = re.compile(r"\d|PSA|您|你|患者|病人|孩子|他|她|我们|医院|病史|既往|曾|术后|合并|提示|显示|发现|"
                               r"结果|诊断为|考虑为|检查后|复查时|[左右]|厘米|毫米|年前|月前|天前|岁")


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


# how an advice item is said inside its sentence: what the sentence itself adds is cut (…等检查 adds 检查 and 等)
_SAID_AS: dict[str, re.Pattern] = {"exam": re.compile(r"^(?:监测|检测|复查|完善|进行|行|查)|"
                                                      r"(?:检查|检测)?(?:手术)?等?$"),
                                   **dict.fromkeys(("treat", "drug", "daily", "other"), re.compile(r"等$"))}
# what splitting a sentence into items leaves: a lead word (包括…) cut, a clause that names no item (可以通过…) dropped
_LEAD = re.compile(r"^(?:包括|以及|或者|或|并且|并|及)")
_FRAGMENT = re.compile(r"^(?:可以|可通过|通过|可)")
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
        kind = advice_kind(a)
        said = _SAID_AS[kind].sub("", a) or a
        if said not in groups.setdefault(kind, []):
            groups[kind].append(said)
    for kind, generic in GENERIC.items():
        if kind in groups and any(i not in generic for i in groups[kind]):
            groups[kind] = [i for i in groups[kind] if i not in generic]
    return groups


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
    return _unrepeated(out, work_up) or [t["advice_none"].format(who=who)]


def _unrepeated(out: list[str], work_up: Sequence[str]) -> list[str]:
    """``out`` less the work-up lines whose subject (上尿路占位需…) another sentence, the course, says already."""
    rest = "".join(x for x in out if x not in work_up)
    subject = {x: x.split("需", 1)[0] for x in work_up}
    return [x for x in out if x not in subject or len(subject[x]) < 4 or subject[x] not in rest]


# a warning sign the patient has now is no "if" (an anuric patient is not told "如出现无尿"): it is left out
_FEVER_NOW = re.compile(r"发热|发烧|高烧|高热|寒战|体温\s*3[89]")
HAS_NOW = {"无尿": re.compile(r"无尿|没有?尿|没有?小便|尿量[^，,。；;]{0,4}(?:极少|很少|为0)"),
           "完全排不出尿": re.compile(r"排不出尿|尿不出|尿潴留|尿储留|完全不能排尿"),
           "发热寒战": _FEVER_NOW, "高热寒战": _FEVER_NOW}


def _not_yet(signs: str, said: str) -> str:
    """``signs`` (``a、b或c``) less those :data:`HAS_NOW` finds in what the question affirms; as they are when
    none would be left.

    >>> _not_yet("剧烈腰痛、发热寒战或无尿", "2天前开始无尿"), _not_yet("完全排不出尿", "尿潴留")
    ('剧烈腰痛或发热寒战', '完全排不出尿')
    """
    parts = re.split(r"、|或", signs)
    kept = [p for p in parts if not (p in HAS_NOW and HAS_NOW[p].search(said))]
    if not kept or len(kept) == len(parts):
        return signs
    return "、".join(kept[:-1]) + "或" + kept[-1] if len(kept) > 1 else kept[0]


def _urgent(facts: PatientFacts, texts: Sequence[str], who: str, t: Mapping[str, str], question: str = "") -> str:
    """The warning line: the signs of the first of ``texts`` (the leading diagnosis, then the whole answer and
    question) that an :data:`URGENT` row names; a stone's or a retention's where an infection leads and the
    question tells an obstruction; a catheter's where one is in."""
    young = facts.age is None or facts.age < 35
    found = [next((s for pat, s, only_young in URGENT if pat.search(text) and (young or not only_young)), None)
             for text in texts]
    signs = next((s for s in found if s), URGENT_DEFAULT)
    if found[0] == _INFECTION_SIGNS and found[-1] in _OBSTRUCTION_SIGNS and _OBSTRUCTED.search(affirmed(question)):
        signs = found[-1]
    conduit = removed(question, "bladder") and "新膀胱" not in (question or "")  # a new bladder still voids
    signs = URGENT_DIVERSION if conduit and "排尿" in signs else signs
    signs = URGENT_CATHETER if catheter_in(question) else signs
    signs = _not_yet(signs, affirmed(question))
    kind = "self" if facts.person in (None, "self") else "child" if facts.person == "child" else "other"
    go = t["go_" + kind].format(person=who)
    return t["urgent"].format(signs=signs, go=go)


_BOTH_SIDES = re.compile(r"^(?:双侧|两侧|双)(?=输尿管|肾)")


def cite_marks(passages: Sequence, diseases: Sequence[str], most: int = 3) -> str:
    """The evidence passages that mention a chosen diagnosis, by their number in ``passages`` (the answer's
    evidence list, numbered from 1 as the CLI and the demo show it): ``[1][3]``.

    >>> class P: pass
    >>> a, b = P(), P(); a.text, b.text = "膀胱炎的治疗…", "肾结石是…"
    >>> cite_marks([a, b], ["左肾结石"]), cite_marks([a, b], ["前列腺增生"])
    ('[2]', '')
    """
    cores = [c for c in (_BOTH_SIDES.sub("", strip_sides(d)) for d in diseases) if len(c) >= 2]
    nums = [n for n, p in enumerate(passages, 1) if any(c in getattr(p, "text", str(p)) for c in cores)][:most]
    return "".join(f"[{n}]" for n in nums)


def _examined(question: str) -> bool:
    """Whether a clause of the question tells a test done (a normal one too), not one not done or not read yet
    (一直没去医院检查, 还没有看到PSA报告)."""
    clauses = re.split(r"[，,。；;！？!?\n]", question or "")
    return any(_EXAMINED.search(c) and not _NOT_EXAMINED.search(c) for c in clauses)


# a test not done, not read yet, or asked about (需要做什么检查)
_NOT_EXAMINED = re.compile(r"没(?:有)?(?:去|做|查|看到|拿到)|未(?:做|查|见到)|还没|尚未|不敢|什么|哪些|吗|需要做|要做|"
                           r"要不要|建议|准备|打算")


def _assessment(question: str, ds: list[str], sure: list[str], who: str, cite: str, max_diseases: int,
                t: Mapping[str, str]) -> str:
    what = t["what_findings" if _examined(question) else "what_symptoms"]
    if who == "您":
        basis, subject = t["basis_self"].format(what=what), t["subject_self"]
    else:
        person = who.removeprefix("您的").removeprefix("您")
        basis, subject = t["basis_other"].format(person=person, what=what), who
    if sure:
        main, rest = sure[:2], sure[2:max_diseases]
        return t["assess_many" if rest else "assess_one"].format(
            basis=basis, who=subject, main=join_zh(main), rest=join_zh(rest), cite=cite)
    if ds:  # the answer's own diagnoses, none of which the question gives a reason for: said with doubt
        unsure = "" if who == "您" else subject  # not "您目前还难以明确诊断"
        return t["assess_unsure"].format(basis=basis, who=unsure, main=join_zh(ds[:max_diseases]), cite=cite)
    return t["assess_none"].format(basis=basis)


def compose_reply(question: str, diseases: Sequence[str], advices: Sequence[str], passages: Sequence = (),
                  neighbour_replies: Iterable[str] = (), facts: PatientFacts | None = None,
                  max_diseases: int = 4, facts_limit: int = 0, templates: Mapping[str, str] | None = None) -> str:
    """The reply for this patient (see module docstring).

    ``passages``: the guideline evidence (objects with ``text``, or strings); those that mention a chosen
    diagnosis are cited by number (:func:`cite_marks`). ``neighbour_replies``: may lend one general sentence.
    ``templates``: wordings that replace some of :data:`TEMPLATES` (:mod:`rjua.wording`).

    >>> r = compose_reply("孩子5岁，阴囊肿大", ["鞘膜积液"], [])
    >>> "您的孩子初步诊断为鞘膜积液" in r, "立即带孩子就医" in r
    (True, True)
    >>> "左" in compose_reply("尿痛尿急一周，腰痛", ["左肾结石"], ["左氧氟沙星"])
    True
    >>> "左肾" in compose_reply("尿频尿急一周", ["左肾结石"], [])
    False
    """
    facts = facts if facts is not None else patient_facts(question)
    ds, sure, adv, later = reply_items(question, diseases, advices, facts)
    who = address(facts)
    said = stated_facts(question, facts_limit) if facts_limit > 0 else []
    t = {**TEMPLATES, **templates} if templates else TEMPLATES
    parts = [t["greeting"], _assessment(question, ds, sure, who, cite_marks(passages, ds), max_diseases, t)]
    parts += [t["facts"].format(facts="；".join(said))] if said else []
    parts += general_sentences(neighbour_replies, sure)
    parts += first_steps(question, who)
    adv, path, lead = course(sure, adv, question, later)
    parts += lead
    exams = [a for a in adv if advice_kind(a) == "exam"]
    parts += advice_sentences(adv, who, t, path, workup(sure, exams, question))
    treats = [a for a in adv if advice_kind(a) in ("treat", "drug") and a not in GENERIC["treat"] | GENERIC["drug"]]
    parts += before_nephrectomy(treats, sure, question)
    major = [d for d in sure if not minor(d, question)]
    if path.startswith("治疗方面，") and aftercare(question):  # the aftercare is the operated finding's course
        major = sorted(major, key=lambda d: not _AFTERCARED.search(d))
    if removed(question, "prostate"):  # a prostate cancer found in the removed gland gets no course of its own
        major = [d for d in major if "prostate" not in item_sites(d)]
    also = second_course(major, treats, question)
    parts += [also] if also and also.split("方面，", 1)[1] not in "".join(parts) else []
    named = sure or ds
    parts.append(_urgent(facts, [*named[:1], "".join(named + adv) + affirmed(question)], who, t, question))
    parts.append(t["closing"])
    return _lead_once("".join(parts))


# the findings an aftercare (:data:`rjua.guidance.AFTERCARE`) is about: a stone, a cystitis glandularis, a cancer
_AFTERCARED = re.compile(r"结石|腺性膀胱炎|癌|恶性|肿瘤")
_LEAD_PHRASE = re.compile(r"针对[^，,。]{1,8}的情况[，,]")


def _lead_once(text: str) -> str:
    """The reply with a lead phrase (针对您的情况，) said once: a later sentence goes without it.

    >>> _lead_once("针对您的情况，建议做B超。针对您的情况，我们建议您进行手术。")
    '针对您的情况，建议做B超。我们建议您进行手术。'
    """
    first = _LEAD_PHRASE.search(text)
    return text if not first else text[:first.end()] + text[first.end():].replace(first.group(), "")
