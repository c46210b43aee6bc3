"""Clinical consistency of an answer with its patient: one readable rule table, pure checks.

Each rule in :data:`RULES` says *when* it applies (a condition on the patient facts of
:mod:`rjua.patient`), *what* it looks for (a term pattern, the side opposite to the
question's, or a relative other than the one asked about) and *where* (diagnoses,
advice, reply text). A flag names the rule, the field and the offending item.

>>> flags = check("我是一名52岁的女性，尿频尿急", ["前列腺增生"], ["多饮水"], "考虑前列腺增生")
>>> [(f.rule, f.field, f.item) for f in flags]
[('sex_male_organ_in_female', 'disease', '前列腺增生'), ('sex_male_organ_in_female', 'answer', '前列腺')]
>>> check("我是一名52岁的男性，左侧腰痛，CT示左输尿管结石", ["左输尿管结石"], ["多饮水"], "您好")
[]
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from .patient import RELATIVES, PatientFacts, clean_sides, patient_facts

__all__ = ["ADDRESS_RE", "RULES", "Flag", "Rule", "check", "check_facts", "drop_flagged_sentences", "guard",
           "person_addressed", "summarise", "violates"]

# drugs of the prostate: 5α / 5a / 5-α reductase inhibitors and their brand names
_5ARI = r"5\s*-?\s*[αaA]\s*-?\s*还原酶|非那雄胺|度他雄胺|爱普列特|保列治|安福达"
# a label fragment of prostate surgery (汽化术, 剜除术) unless a kidney, bladder or tumour is named just before it
_PROSTATE_FRAGMENT = ("".join(f"(?<![肾胱瘤囊]{'.' * i})" for i in range(8)) + r"(?<!微波辅助)(?:汽化|剜除)术"
                      r"(?![^。；;]{0,8}(?:肿瘤|瘤|肾|膀胱|囊肿))")
_MALE = (r"前列腺|睾丸|附睾|精索|阴茎|阴囊|精液|精囊|包皮|包茎|龟头|血精|勃起|早泄|射精|遗精|隐睾|鞘膜积液|"
         r"PSA|TURP|去势|雄激素剥夺|男性不育|输精管|" + _5ARI + "|" + _PROSTATE_FRAGMENT)
_FEMALE = r"子宫|卵巢|阴道|宫颈|输卵管|妊娠|怀孕|孕妇|产后|产褥|月经|绝经|盆腔器官脱垂|外阴|妇科|前庭大腺"
_BPH = (r"前列腺增生|前列腺肥大|良性前列腺|BPH|经尿道前列腺|前列腺电切|前列腺剜除|TURP|HoLEP|"
        + _5ARI + "|" + _PROSTATE_FRAGMENT)
_PAED = r"小儿|儿童|新生儿|婴儿|婴幼儿|患儿|肾母细胞瘤|Wilms|后尿道瓣膜|先天性巨输尿管|儿科"
_ADULT = (r"前列腺增生|前列腺癌|前列腺恶性肿瘤|绝经|更年期|老年|勃起功能障碍|性功能障碍|男性不育|"
          r"膀胱癌|尿路上皮癌|肾癌|肾细胞癌")
_PREG_CONTRA = r"CT|X线|KUB|IVP|静脉肾盂造影|体外冲击波碎石|ESWL|放射性|核素|PET|氟喹诺酮|左氧氟沙星|四环素|非那雄胺"


@dataclass(frozen=True)
class Rule:
    """One row of the rule table (see :data:`RULES`)."""

    name: str
    group: str                 # sex | age | pregnancy | laterality | person
    when: tuple                # (fact, op, value): op in ==, <, >=, is (fact must equal value), one/none (sides),
    #                            known (person)
    look: str                  # a regex of terms, or "opposite_side", "any_side", or "other_person"
    fields: tuple = ("disease", "advice", "answer")
    why: str = ""


# The whole rule set: edit here, nowhere else.
RULES: tuple[Rule, ...] = (
    Rule("sex_male_organ_in_female", "sex", ("sex", "==", "female"), _MALE,
         why="male-only organ, test, drug or condition for a female patient"),
    Rule("sex_female_organ_in_male", "sex", ("sex", "==", "male"), _FEMALE,
         why="female-only organ or condition (pregnancy, menses) for a male patient"),
    Rule("age_bph_under_40", "age", ("age", "<", 40), _BPH,
         why="benign prostatic hyperplasia and its drugs/surgery under 40"),
    Rule("age_paediatric_in_adult", "age", ("age", ">=", 18), _PAED,
         why="paediatric-only condition or service for an adult"),
    Rule("age_adult_in_child", "age", ("age", "<", 14), _ADULT,
         why="condition of older adults (prostate, menopause, urothelial cancer…) for a child"),
    Rule("pregnancy_contraindicated", "pregnancy", ("pregnant", "is", True), _PREG_CONTRA, ("advice",),
         why="ionising imaging, ESWL or a drug contraindicated in pregnancy"),
    Rule("laterality_opposite_side", "laterality", ("sides", "one", None), "opposite_side",
         why="names only the side opposite to the one the question names"),
    Rule("laterality_side_unstated", "laterality", ("sides", "none", None), "any_side",
         why="names a side (左/右) although the question names none"),
    Rule("person_wrong_relative", "person", ("person", "known", None), "other_person", ("answer",),
         why="reply addresses a relative other than the person asked about"),
)


@dataclass(frozen=True)
class Flag:
    """One rule violation: which rule, in which field, on which item (and the matched term)."""

    rule: str
    group: str
    field: str
    item: str
    term: str

    def to_dict(self) -> dict:
        return asdict(self)


_COMPILED = {r.name: re.compile(r.look, re.IGNORECASE) for r in RULES
             if r.look not in ("opposite_side", "other_person", "any_side")}
ADDRESS_RE = re.compile(r"(?:您|你)(?:的|家)?(" + "|".join(sorted(map(re.escape, RELATIVES), key=len, reverse=True))
                      + r")|令尊|令堂|令郎|令爱|千金")
_HONORIFIC = {"令尊": "father", "令堂": "mother", "令郎": "child", "令爱": "child", "千金": "child"}


def _applies(rule: Rule, f: PatientFacts) -> bool:
    fact, op, value = rule.when
    v = getattr(f, fact)
    if op == "one":  # exactly one side named and no bilateral mention
        return len(v) == 1 and not f.bilateral
    if op == "none":  # no side named and no bilateral mention
        return not v and not f.bilateral
    if op == "known":
        return v is not None
    if v is None:
        return False
    return {"==": v == value, "is": v is value, "<": v < value, ">=": v >= value}[op]


def person_addressed(text: str) -> set[str]:
    """Relatives a reply addresses (``您母亲`` → mother).

    >>> sorted(person_addressed("建议您母亲尽快就诊，令尊也可检查"))
    ['father', 'mother']
    """
    out = set()
    for m in ADDRESS_RE.finditer(text or ""):
        out.add(RELATIVES[m.group(1)][0] if m.group(1) else _HONORIFIC[m.group()])
    return out


def violates(rule: Rule, facts: PatientFacts, item: str) -> str | None:
    """The offending term of ``item`` under ``rule`` for this patient, or None.

    >>> f = patient_facts("我右侧腰痛")
    >>> violates(RULES[6], f, "左输尿管结石"), violates(RULES[6], f, "右输尿管结石")
    ('左', None)
    """
    if not item or not _applies(rule, facts):
        return None
    if rule.look == "opposite_side":
        other = "右" if "左" in facts.sides else "左"
        s = clean_sides(item)
        return other if other in s and not (set(facts.sides) & set(s)) and not re.search("双|两侧", s) else None
    if rule.look == "any_side":
        m = re.search("[左右]", clean_sides(item).replace("左右", ""))
        return m.group() if m else None
    if rule.look == "other_person":
        wrong = person_addressed(item) - {facts.person}
        return min(wrong) if wrong else None
    m = _COMPILED[rule.name].search(item)
    return m.group() if m else None


def check_facts(facts: PatientFacts, diseases: Sequence[str] = (), advices: Sequence[str] = (), answer: str = "",
                rules: Iterable[Rule] = RULES) -> list[Flag]:
    """Every flag of an answer (items and reply text) for a patient with ``facts``."""
    flags = []
    for rule in rules:
        if not _applies(rule, facts):
            continue
        for field, items in (("disease", diseases), ("advice", advices), ("answer", [answer] if answer else [])):
            if field not in rule.fields:
                continue
            for it in items or ():
                term = violates(rule, facts, it)
                if term is not None:
                    flags.append(Flag(rule.name, rule.group, field, term if field == "answer" else it, term))
    return flags


def check(question: str, diseases: Sequence[str] = (), advices: Sequence[str] = (), answer: str = "",
          rules: Iterable[Rule] = RULES) -> list[Flag]:
    """Every flag of an answer to ``question`` (see :func:`check_facts`)."""
    return check_facts(patient_facts(question), diseases, advices, answer, rules)


_SENT = re.compile(r"[^。！？!?；;\n]*[。！？!?；;\n]?")


def drop_flagged_sentences(text: str, facts: PatientFacts, terms: Iterable[str] = ()) -> str:
    """``text`` without the sentences (or lines) that break a rule for a patient with ``facts``, or that
    name any of ``terms`` (items already removed from the answer's lists).

    >>> drop_flagged_sentences("考虑肾结石。建议复查前列腺。", patient_facts("我是50岁女性"))
    '考虑肾结石。'
    >>> drop_flagged_sentences("诊断：前列腺增生\\n建议：多饮水", patient_facts("我26岁"), ["前列腺增生"])
    '建议：多饮水'
    """
    terms = [t for t in terms if t]
    return "".join(s for s in _SENT.findall(text or "")
                   if s and not any(t in s for t in terms) and not check_facts(facts, (), (), s)).strip()


def guard(question: str, diseases: Sequence[str], advices: Sequence[str], reply: str
          ) -> tuple[list[str], list[str], str, list[Flag]]:
    """An answer with whatever contradicts the patient removed, and the flags that were removed.

    Diagnoses and advice items that break a rule are dropped, and so is every sentence of the reply that
    does (an organ of the other sex, an adult-only or paediatric condition, something contraindicated in
    pregnancy, the other side, another person addressed). Nothing is rewritten: a model that wrote the
    wrong side or person is not second-guessed, its statement is removed. The pipeline applies this to
    every backend's answer (``RunSpec.guard``, on by default).

    >>> q = "我是32岁女性，尿频"
    >>> d, a, r, flags = guard(q, ["前列腺增生", "膀胱炎"], ["查PSA", "多饮水"], "考虑膀胱炎。可查PSA。")
    >>> d, a, r, sorted({f.rule for f in flags})
    (['膀胱炎'], ['多饮水'], '考虑膀胱炎。', ['age_bph_under_40', 'sex_male_organ_in_female'])
    """
    facts = patient_facts(question)
    flags = check_facts(facts, diseases, advices, reply)
    if not flags:
        return list(diseases), list(advices), reply, []
    bad = {(f.field, f.item) for f in flags}
    kept_d = [x for x in diseases if ("disease", x) not in bad]
    kept_a = [x for x in advices if ("advice", x) not in bad]
    # the reply loses its flagged sentences and any line naming a removed item (a reply without a 回答
    # section still holds the 诊断/建议 lines, from which a scorer would read the removed items back)
    reply = drop_flagged_sentences(reply, facts, {f.item for f in flags if f.field != "answer"})
    return kept_d, kept_a, reply, flags


def summarise(flags_per_record: Sequence[Sequence[Flag]], rules: Sequence = RULES) -> dict:
    """Per rule and per group (of ``rules``, any table whose rows have ``name`` and ``group``): records and items
    flagged, as counts and rates.

    >>> s = summarise([[Flag("r", "g", "disease", "x", "x")], []])
    >>> s["rules"]["r"]["records"], s["rules"]["r"]["record_rate"], s["any"]["record_rate"]
    (1, 0.5, 0.5)
    """
    n = len(flags_per_record)

    def rate(k):
        return k / n if n else 0.0

    out: dict = {"n": n, "rules": {}, "groups": {}}
    seen_rules = [f.rule for fl in flags_per_record for f in fl]
    seen_groups = [f.group for fl in flags_per_record for f in fl]
    for key, names in (("rules", [r.name for r in rules] + seen_rules),
                       ("groups", sorted({r.group for r in rules}) + seen_groups)):
        attr = "rule" if key == "rules" else "group"
        for name in dict.fromkeys(names):
            recs = sum(any(getattr(f, attr) == name for f in fl) for fl in flags_per_record)
            items = sum(getattr(f, attr) == name for fl in flags_per_record for f in fl)
            out[key][name] = {"records": recs, "record_rate": rate(recs), "items": items}
    anyn = sum(bool(fl) for fl in flags_per_record)
    out["any"] = {"records": anyn, "record_rate": rate(anyn),
                  "items": sum(len(fl) for fl in flags_per_record)}
    out["by_field"] = dict(Counter(f.field for fl in flags_per_record for f in fl))
    return out
