"""Organ sites of the urinary and male genital tract: which a question gives a reason for, which an item is about.

One site model for the selector (:mod:`rjua.backends.case`), the reply (:mod:`rjua.compose`) and the
faithfulness checks (:mod:`rjua.faithfulness`). Readable tables, nothing else to edit:

* :data:`ORGANS` — the words that *name* a site (``输尿管`` → ureter). An item (a diagnosis, a procedure)
  is about the sites its words name (:func:`item_sites`); a site-less item (``泌尿道感染``, ``血尿``)
  is about none and is never judged against the question.
* :data:`POINTERS` — symptoms and findings that *point to* sites (``腰痛`` → kidney, ureter;
  ``排尿困难`` → prostate, urethra, bladder; ``不育`` → testis, seminal tract, prostate). A test named
  alone (CT, B超, 尿常规) or a blood pressure alone points nowhere.
* :data:`CONDITIONS` — what a diagnosis says is there (a stone, a cyst, an angiomyolipoma…) and what in the
  question points to it.
* :data:`EXPLAINED` — another cause the question tells of a site's signs (a urethral injury for a thin stream),
  after which an item of that site needs the site's own words.

Only what the question *affirms* counts (:func:`affirmed`): a negated clause (没有发热, B超说睾丸正常) or a past
operation (4年前做过结石手术) gives no reason for anything. A question supports every site it names and every
site its symptoms point to (:func:`question_sites`); the expert context (``--context gold``), when given, adds
the sites it names. The selector keeps an item when *some* of its sites is supported (:func:`unsupported_sites`);
the reply, stricter, only when *all* its sites and conditions are (:func:`supported`).

>>> sorted(question_sites("32岁男性，包皮过长，想做包皮环切"))
['penis']
>>> sorted(item_sites("右肾错构瘤")), sorted(item_sites("左肾上腺肿瘤")), item_sites("泌尿道感染")
(['kidney'], ['adrenal'], set())
>>> q = "我右边腰痛3天"
>>> supported("右输尿管结石", q), supported("左输尿管结石", q), supported("阴茎肿瘤", q)
(True, False, False)
>>> sorted(question_sites("高血压10年，CT检查")), sorted(question_sites("左侧腰痛，没有尿频，B超说睾丸正常"))
([], ['kidney', 'retroperitoneum', 'ureter'])
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from .site_tables import (
    BOTH_ADRENALS,
    CONDITIONS,
    EXPLAINED,
    HEALED,
    ORGANS,
    POINTERS,
    REGIONS,
    SITES,
    TREATED,
    TREATMENTS,
    UNSURE,
    Pointer,
)
from .text import nfkc

__all__ = ["CONDITIONS", "ORGANS", "POINTERS", "Pointer", "REGIONS", "SITES", "TREATED", "TREATMENTS", "TUMOUR_OF",
           "adrenal_side", "affirmed", "affirmed_sentences", "denied", "item_sites", "malignant", "named_sites",
           "outranked", "other_adrenal", "proven_tumours", "question_sites", "same_region", "sentences",
           "side_supported", "supported", "unsupported_sites"]

_TREATED_RE = {c: re.compile(p, re.IGNORECASE) for c, p in TREATED.items()}
_RECURRED = re.compile(r"复发|再次|又出现增生")
# a nephroureterectomy (半尿路, 全长, 肾-输尿管全程-膀胱袖套状切除) is a cancer operation
_MALIGNANT = re.compile(r"癌|恶性|肿瘤|根治|半尿路|全长切除|全程[^，,。；;]{0,4}切除|袖套")
_MALIGNANT_HINT_WORDS = r"癌|恶性|肿瘤|瘤|占位|肿物|新生物|肿块|结节|包块|PSA|转移|PI-?RAD[Ss]"
_MALIGNANT_HINT = re.compile(_MALIGNANT_HINT_WORDS)
_MASS = re.compile(r"占位|肿物|肿块|新生物|包块")  # a mass label, benign or not, and what tells one
_MASS_HINT = re.compile(_MALIGNANT_HINT_WORDS + r"|充盈缺损|菜花|肿大|增粗|硬结|溃烂|溃疡|强化|软组织|异常信号|团块|"
                        r"实性|回声|隆起|突起|疙瘩")

# what the question does not affirm: a negated span, a denied clause, a past operation
_CLAUSE = re.compile(r"[，,。；;！？!?\n]")
_SENTENCE_CUT = re.compile(r"[。；;！？!?\n]")
_NEG_CUE = re.compile(r"没有|没|无(?!痛|尿(?:[，,。；;、]|$))|未|否认|不伴|并无")  # 无尿 (anuria) is a sign
# 无明显诱因出现血尿 still affirms 血尿; 没有(再)出现血尿 does not (出现 right after the cue is negated with it)
_NEG_STOP = re.compile(r"诱因|出现|后|但|而")
_NEGATED_TOO = frozenset({"出现"})  # a stop word that, right after the cue (再/曾 between), is negated with it
_DENIED_CLAUSE = re.compile(r"正常|不明显|阴性")
_PAST_OPERATION = re.compile(r"做过|进行过|接受了?[^，,。；;]{0,15}术|手术的?历?史|术的历史")
_AFTER_OPERATION = re.compile(r"术后")  # what follows is now: 手术后一个月以来一直尿潴留
_FOLLOW_UP = re.compile(r"复发|再发|残留|术区|复查|随访")  # an operated organ under follow-up is a reason
_RECENT = re.compile(r"(?:\d+|[一两二三四五六七八九十几]+)(?:天|日|周|星期)(?:前|以前)|近日|这几天")

_ORGAN_RE = {s: re.compile(p, re.IGNORECASE) for s, p in ORGANS.items()}
_POINTER_RE = tuple((re.compile(p.pattern, re.IGNORECASE), p.sites, p.whole, p.shared) for p in POINTERS)
_COND_RE = {c: (re.compile(n), re.compile(h)) for c, (n, h) in CONDITIONS.items()}
_UNSURE, _HEALED = re.compile(UNSURE), re.compile(HEALED)
_KIN = re.compile(r"父亲|母亲|爸|妈|家人|亲属|亲戚|朋友|哥哥|弟弟|老伴")  # a relative's cause is theirs
_EXPLAINED_RE = {site: (re.compile(cause), re.compile(own)) for site, (cause, own) in EXPLAINED.items()}
# conditions told by what the question denies or tells as history as much as by what it affirms (没有怀孕 tells of
# infertility, 5年前做过肾移植 of a graft): their hint is read in the question as written
WRITTEN_HINT = frozenset({"infertility", "transplant", "solitary_kidney"})
_SIDE = re.compile(r"(?<![左右])[左右]侧?(?![左右氧旋美甲卡西炔乙氨])")


def _affirmed_clause(clause: str, follow_up: bool = False) -> str:
    past = not follow_up and not _RECENT.search(clause)  # an operation of days or weeks ago is being followed up
    if _DENIED_CLAUSE.search(clause) or past and _PAST_OPERATION.search(clause):
        return ""
    if past and (after := _AFTER_OPERATION.search(clause)):
        clause = clause[after.end():]
    out = ""
    while (m := _NEG_CUE.search(clause)):
        out += clause[:m.start()]
        stop = _NEG_STOP.search(clause, m.end())
        if stop and stop.group() in _NEGATED_TOO and clause[m.end():stop.start()] in ("", "再", "曾", "有"):
            stop = _NEG_STOP.search(clause, stop.end())  # 没有再出现血尿: the symptom is denied too
        clause = clause[stop.end():] if stop else ""
    return out + clause


@lru_cache(maxsize=4096)  # pure; the selector and the reply ask it about the same question many times
def affirmed(question: str) -> str:
    """What the question says is there now: without its negated spans (没有发热), denied clauses (B超正常)
    and past operations (4年前做过结石手术), unless the question follows the operated condition up (复发, 复查,
    术区…).

    >>> affirmed("左侧腰痛，没有发热，B超说睾丸正常，4年前做过输尿管结石手术")
    '左侧腰痛'
    >>> affirmed("无明显诱因出现肉眼血尿，尿频尿急无发热")
    '出现肉眼血尿，尿频尿急'
    >>> affirmed("髋关节手术后一直尿潴留，一周前接受了输尿管结石手术")
    '一直尿潴留，一周前接受了输尿管结石手术'
    """
    q = nfkc(question or "")
    follow_up = bool(_FOLLOW_UP.search(q))
    parts = (_affirmed_clause(c, follow_up) for c in _CLAUSE.split(q))
    return "，".join(p for p in parts if p)


def sentences(question: str) -> list[str]:
    """The question's sentences as written (NFKC), cut at 。；！？ and line breaks.

    >>> sentences("左肾结石。没有发热；右肾囊肿")
    ['左肾结石', '没有发热', '右肾囊肿']
    """
    return _SENTENCE_CUT.split(nfkc(question or ""))


@lru_cache(maxsize=4096)
def affirmed_sentences(question: str) -> tuple[str, ...]:
    """What each of :func:`sentences` affirms (:func:`affirmed`): the unit in which a side meets its condition, a
    biopsy its cancer, an operation its indication.

    >>> affirmed_sentences("左肾结石。没有发热；右肾囊肿")
    ('左肾结石', '', '右肾囊肿')
    """
    return tuple(affirmed(x) for x in sentences(question))


def item_sites(item: str) -> set[str]:
    """The sites an item's words name (empty for a site-less item).

    >>> sorted(item_sites("左肾盂输尿管移行处结石")), sorted(item_sites("前列腺增生")), item_sites("骨转移")
    (['kidney', 'ureter'], ['prostate'], set())
    """
    text = nfkc(item or "")
    return {s for s, pat in _ORGAN_RE.items() if pat.search(text)}


def question_sites(question: str, context: str | Iterable[str] | None = None) -> set[str]:
    """The sites a question names or points to in what it affirms (:func:`affirmed`); ``context`` (expert
    passages) adds the sites it names.

    >>> sorted(question_sites("我老公不育，精液检查少精"))
    ['penis', 'prostate', 'scrotum', 'seminal']
    >>> sorted(question_sites("尿频尿急", context="Context：膀胱过度活动症是…"))
    ['bladder', 'prostate', 'urethra']
    >>> sorted(question_sites("结婚两年一直没有怀孕")), question_sites("4年前做过输尿管结石手术，想咨询一下")
    (['penis', 'prostate', 'scrotum', 'seminal'], set())
    """
    ctx = context if isinstance(context, str) or context is None else "\n".join(context)
    return set(_question_sites(question or "", ctx or None))


@lru_cache(maxsize=4096)
def _question_sites(question: str, context: str | None) -> frozenset[str]:
    whole = nfkc(question)
    said = affirmed(whole)
    out = item_sites(said)
    for pat, sites, read_whole, _ in _POINTER_RE:
        if pat.search(whole if read_whole else said):
            out.update(sites)
    if context:
        out |= item_sites(context)
    return frozenset(out)


def named_sites(question: str, context: str | Iterable[str] | None = None) -> set[str]:
    """The sites the question *names* in what it affirms, or a specific sign of it points to (排尿困难 →
    prostate, urethra, bladder; not a sign of many organs such as 血尿), with those the ``context`` names.

    >>> sorted(named_sites("右输尿管结石，血尿两天")), named_sites("血尿两天")
    (['ureter'], set())
    >>> sorted(named_sites("膀胱结石，排尿困难"))
    ['bladder', 'prostate', 'urethra']
    """
    whole = nfkc(question or "")
    said = affirmed(whole)
    out = item_sites(said)
    if not out:
        return set()  # a question naming no organ: every site its signs point to stays
    for pat, sites, read_whole, shared in _POINTER_RE:
        if not shared and pat.search(whole if read_whole else said):
            out.update(sites)
    if context:
        out |= item_sites(context if isinstance(context, str) else "\n".join(context))
    return out


def outranked(item: str, named: set[str]) -> bool:
    """Whether ``item`` is about none of the organs a question names or specifically points to (``named``,
    :func:`named_sites`): only a sign of many organs points to it (前列腺增生 for 右输尿管结石伴血尿).

    >>> outranked("前列腺增生", {"ureter"}), outranked("输尿管镜碎石术", {"ureter"}), outranked("前列腺增生", set())
    (True, False, False)
    """
    mine = item_sites(item)
    return bool(named and mine and not mine & named)


def unsupported_sites(item: str, sites: set[str]) -> set[str]:
    """The sites ``item`` is about when none of them is among ``sites`` (empty when supported or site-less):
    the selector's test.

    >>> unsupported_sites("左肾错构瘤", {"penis"}), unsupported_sites("肾盂输尿管连接部狭窄", {"ureter"})
    ({'kidney'}, set())
    """
    mine = item_sites(item)
    return mine if mine and not (mine & sites) else set()


def same_region(item: str, others: Iterable[str]) -> bool:
    """Whether ``item`` (an operation) is about a region (:data:`REGIONS`) one of ``others`` (diagnoses) is
    about; True when either names no organ.

    >>> same_region("左侧经皮肾镜取石术", ["膀胱结石"]), same_region("左肾造瘘术", ["左输尿管结石"])
    (False, True)
    >>> same_region("手术治疗", ["膀胱结石"]), same_region("经尿道膀胱电切术", ["血尿"])
    (True, True)
    """
    mine = {REGIONS[s] for s in item_sites(item)}
    theirs = {REGIONS[s] for o in others for s in item_sites(o)}
    return not mine or not theirs or bool(mine & theirs)


_SIDED = {"kidney", "ureter", "adrenal", "scrotum", "seminal"}
_FLANK = re.compile(r"腰|肋腹|侧腹|肋脊角")
_SIDE_CUT = re.compile(r"[，,。；;！？!?、\n]")
_BOTH = re.compile(r"双[肾侧输睾附精]|两侧|双侧")
_BOTH_SAID = re.compile(r"双[肾侧输睾附精]|两侧|双侧|两肾|两个肾")


def side_supported(item: str, question: str) -> bool:
    """Whether the question affirms the side of a sided item for its organ: 右肾错构瘤 needs a right kidney (右肾,
    右侧肾…, a right flank pain for the kidney and ureter, or both sides: 双肾) in what the question affirms, in a
    sentence that also points to the item's condition (:data:`CONDITIONS`).

    >>> q = "CT示左肾结石伴积水，双侧输尿管扩张，右侧腰痛"
    >>> [side_supported(i, q) for i in ("左肾结石", "右肾结石", "右输尿管结石", "左侧睾丸鞘膜积液", "膀胱结石")]
    [True, True, True, False, True]
    >>> side_supported("右肾结石", "左肾结石，肝右叶囊肿"), side_supported("双肾结石", "右肾有小结石")
    (False, False)
    >>> q = "左肾下极团块，见脂肪信号。右肾也有一些微小囊性灶"
    >>> side_supported("左肾错构瘤", q), side_supported("右肾错构瘤", q), side_supported("右肾囊肿", q)
    (True, False, True)
    >>> side_supported("左肾错构瘤", "CT示右肾是错构瘤，而左肾则有结石和盂扩张")
    False
    """
    core = nfkc(item or "")
    question = _CLEAR_SIDE.sub("", nfkc(question or ""))
    side = _SIDE.search(core)
    sites = item_sites(core) & _SIDED
    hints = [hint for c, (names, hint) in _COND_RE.items() if c not in TREATMENTS and names.search(core)]
    if _BOTH.search(core) and sites:  # 双肾结石: both sides (双/两侧, or a left and a right) where its condition is
        clauses = [c for c in _CLAUSE.split(affirmed(question)) if all(h.search(c) for h in hints)]
        return any(_BOTH_SAID.search(c) for c in clauses) or {
            m.group()[0] for c in clauses for m in _SIDE.finditer(c)} == {"左", "右"}
    if side is None or not sites:
        return True
    if "adrenal" in sites and other_adrenal(affirmed(question), side.group()[0]):
        return False
    return any(_side_said(said, side.group()[0], sites, hints) for said in affirmed_sentences(question))


_BOTH_ADRENALS = re.compile(BOTH_ADRENALS)


_SAMPLED = re.compile(r"静脉(?:采|取)血|AVS|分侧|优势|有功能|功能性", re.IGNORECASE)
_SAMPLED_SIDE = re.compile(r"([左右])(?:侧|边)?(?:那个)?[^，,。；;左右]{0,4}(?:优势|有功能|功能性|分泌)")
# a side of an organ told clear in its own clause (左侧肾上腺未见异常): no lesion of that side
_CLEAR_SIDE = re.compile(r"[^，,。；;！？!?\n]*[左右双两][侧边]?的?(?:肾上腺|肾|输尿管|睾丸|附睾)[^，,。；;]{0,4}"
                         r"(?:(?:未见|无|没有)(?:明显)?(?:异常|占位|结节|肿物|病变)|(?:大小|形态)?正常)"
                         r"(?=[，,。；;！？!?\n]|$)")


def other_adrenal(said: str, want: str) -> bool:
    """Whether lesions of both adrenals are told with only the other side named (右肾上腺占位…双侧肾上腺低密度影，
    其中右侧较大): the operation is that side's, not ``want``'s.

    >>> other_adrenal("右肾上腺占位，双侧肾上腺低密度影，右侧较大", "左"), other_adrenal("双侧肾上腺增生", "左")
    (True, False)
    >>> other_adrenal("双侧肾上腺结节，右边的肾上腺较大", "左"), other_adrenal("右肾上腺占位", "左")
    (True, False)
    """
    if not _BOTH_ADRENALS.search(said):
        return False
    other = "右" if want == "左" else "左"
    if _SAMPLED.search(said):  # the side venous sampling found decides, not the larger; none found yet: no move
        return {m.group(1) for m in _SAMPLED_SIDE.finditer(said)} == {other}
    named = {s for s in (want, other)
             if re.search(rf"{s}(?:侧|边)?的?肾上腺|{s}(?:侧|边)的?(?:较大|更大|为大|为主|明显)", said)}
    return named == {other}


def adrenal_side(item: str, question: str) -> str:
    """An adrenal item on the side the question names where it tells lesions of both adrenals with only one side
    named (:func:`other_adrenal`): the operation is that side's. An item that also names another sided organ
    (左肾及左肾上腺切除术) stays as it is.

    >>> adrenal_side("腹腔镜下左肾上腺部分切除术", "右肾上腺占位。双侧肾上腺低密度影，右侧较大")
    '腹腔镜下右肾上腺部分切除术'
    >>> adrenal_side("左肾上腺肿瘤", "双侧肾上腺增生"), adrenal_side("左肾结石", "右肾上腺占位，左肾结石")
    ('左肾上腺肿瘤', '左肾结石')
    """
    m = re.search(r"([左右])侧?肾上腺", item)
    if not m or item_sites(item) - {"adrenal"} or not other_adrenal(affirmed(question), m.group(1)):
        return item
    return item[:m.start(1)] + ("右" if m.group(1) == "左" else "左") + item[m.end(1):]


def _side_said(said: str, want: str, sites: set[str], hints: list[re.Pattern]) -> bool:
    """Whether one affirmed sentence names side ``want`` (or both) of one of ``sites`` with the item's condition
    told after that side and before the other one (右肾是错构瘤，而左肾则有结石)."""
    other = "右" if want == "左" else "左"
    for m in re.finditer(rf"{want}|双|两", said):
        window = _SIDE_CUT.split(said[m.end():m.end() + 12])[0]
        if m.group() in "双两" and not re.match(r"侧|肾|输尿管|肾上腺|睾丸|附睾|精索", window):
            continue  # 两个月, 双J管… are not sides
        end = said.find(other, m.end()) if m.group() == want else -1
        if not all(h.search(said[m.start():end if end >= 0 else None]) for h in hints):
            continue
        if item_sites(window) & sites or sites & {"kidney", "ureter"} and _FLANK.match(window.lstrip("侧边")):
            return True
    return False


_PATHOLOGY = re.compile(r"穿刺|活检|病理|切片")
_CANCER_FOUND = re.compile(r"癌|恶性|Gleason|ISUP", re.IGNORECASE)
_PROSTATE_GRADE = re.compile(r"Gleason|ISUP|腺泡腺癌", re.IGNORECASE)


# the tumour of a site, named when a biopsy found one and no known label says it
TUMOUR_OF = {"kidney": "肾肿瘤", "ureter": "输尿管肿瘤", "bladder": "膀胱肿瘤", "prostate": "前列腺癌",
             "urethra": "尿道肿瘤",
             "penis": "阴茎肿瘤", "scrotum": "睾丸肿瘤", "seminal": "精囊肿瘤", "adrenal": "肾上腺肿瘤",
             "retroperitoneum": "腹膜后肿瘤"}


def proven_tumours(question: str) -> set[str]:
    """The sites of a malignancy a biopsy or pathology in the question found or suspects (one sentence names
    the biopsy and the cancer; a Gleason or ISUP grade is the prostate's).

    >>> proven_tumours("上个月进行了穿刺活检，结果为腺泡腺癌，ISUP分组为1级。")
    {'prostate'}
    >>> proven_tumours("做了龟头活检，医生怀疑我可能患有癌症"), proven_tumours("前列腺穿刺，病理示增生伴炎症")
    ({'penis'}, set())
    """
    out: set[str] = set()
    for said in affirmed_sentences(question):
        if _PATHOLOGY.search(said) and _CANCER_FOUND.search(said):
            out |= item_sites(said) or ({"prostate"} if _PROSTATE_GRADE.search(said) else set())
    return out


def malignant(item: str) -> bool:
    """Whether an item speaks of a malignancy (癌, 恶性, 肿瘤, a radical operation).

    >>> malignant("腹腔镜下右肾癌根治术"), malignant("右肾囊肿")
    (True, False)
    """
    return bool(_MALIGNANT.search(item or ""))


def denied(item: str, question: str) -> bool:
    """Whether the question names ``item`` (without its side) only where it denies it: 没有血尿 denies 血尿.

    >>> denied("血尿", "尿频，没有血尿"), denied("血尿", "肉眼血尿两天"), denied("左肾结石", "否认肾结石")
    (True, False, True)
    >>> denied("前列腺增生", "17年前做过前列腺增生的手术，最近排尿不适")  # history, not a denial
    False
    """
    core = _SIDE.sub("", nfkc(item or ""))
    q = nfkc(question or "")
    return len(core) >= 2 and core in q and core not in affirmed(question) and not _history(core, q)


_OPERATED = re.compile(r"(?:做过|进行过|接受了?)[^，,。；;]{0,15}(?:手术|术)|手术的?历?史|术的历史")
_RULED_OUT = re.compile(r"未见|没有|没|无|否认|排除|除外|不考虑|正常")


def _history(core: str, q: str) -> bool:
    """Whether a clause tells ``core`` as the reason of a past operation (17年前做过前列腺增生的手术): history,
    not a denial. A test done (做过CT未见肾结石) or a denial in the clause is no history."""
    return any(core in c and _OPERATED.search(c) and not _RULED_OUT.search(c) for c in _CLAUSE.split(q))


def _tumour_hinted(item: str, question: str, hint: re.Pattern = _MALIGNANT_HINT) -> bool:
    """A tumour hint in a sentence of what the question affirms that names the item's organ (any sentence for a
    site-less item): 淋巴瘤 beside a ureteral stricture is no reason for a urachal cancer."""
    sites = item_sites(item)
    said = affirmed_sentences(question)
    return any(hint.search(x) and (not sites or sites & item_sites(x)) for x in said)


def supported(item: str, question: str, context: str | Iterable[str] | None = None) -> bool:
    """Whether the question gives a reason for everything ``item`` names: *all* its sites are among
    :func:`question_sites`, each condition (:data:`CONDITIONS`) is pointed to by what the question affirms, a
    malignancy only where a sentence about its organ hints at a tumour, and nothing the question denies. The
    reply's test.

    >>> supported("腹腔镜下左输尿管癌根治术", "左肾结石伴积水"), supported("左输尿管结石", "左侧腰痛")
    (False, True)
    >>> supported("包皮环切术", "包皮过长，想做手术"), supported("前列腺增生", "包皮过长，想做手术")
    (True, False)
    >>> supported("血尿", "尿常规异常，也没有血尿"), supported("汽化术", "阴囊肿痛，排尿正常")
    (False, False)
    >>> supported("左肾结石", "体检发现左肾占位"), supported("左肾囊肿", "B超提示左肾囊性占位")
    (False, True)
    >>> supported("泌尿道感染", "腹股沟疼痛，没有尿频尿急尿痛"), supported("泌尿道感染", "排尿不适数日")
    (False, True)
    """
    q = affirmed(question)
    if denied(item, question):
        return False
    if malignant(item) and not _tumour_hinted(item, question):
        return False
    if _MASS.search(item) and not _tumour_hinted(item, question, _MASS_HINT):
        return False  # a mass needs a sign of one in a sentence about its organ
    if not _conditions_told(item, q, nfkc(question or "")):
        return False
    return (item_sites(item) <= question_sites(question, context) and side_supported(item, question)
            and not _stone_elsewhere(item, q))


def _conditions_told(item: str, said: str, written: str) -> bool:
    """Whether each condition ``item`` names is pointed to (:data:`CONDITIONS`), none was removed by an operation
    told (:data:`TREATED`), and no other cause the question tells explains its site's signs (:data:`EXPLAINED`)."""
    if any(names.search(item) and not hint.search(written if c in WRITTEN_HINT else said)
           for c, (names, hint) in _COND_RE.items()):
        return False
    if any(_COND_RE[c][0].search(item) and op.search(written) and not _RECURRED.search(written)
           for c, op in _TREATED_RE.items()):
        return False
    told = [c for c in _CLAUSE.split(said) if not _UNSURE.search(c) and not _HEALED.search(c) and not _KIN.search(c)]
    return not any(site in item_sites(item) and any(cause.search(c) for c in told) and not own.search(said)
                   for site, (cause, own) in _EXPLAINED_RE.items())


# the organ a stone label is in (the first named before 结石) -> its words
_STONE_ORGANS = {"kidney": r"肾(?!上腺)", "ureter": r"输尿管", "bladder": r"膀胱", "urethra": r"尿道"}
_STONE_ORGAN_RE = {o: re.compile(p) for o, p in _STONE_ORGANS.items()}
_STONE_LABEL = re.compile(rf"({'|'.join(_STONE_ORGANS.values())})[^，,。；;]{{0,8}}结石")


# a stone's own sign in an organ: colic or an obstruction for the ureter, an interrupted stream for the bladder
_STONE_SIGN = {"ureter": re.compile(r"积水|绞痛|扩张|梗阻"), "bladder": re.compile(r"尿流中断|排尿中断|尿线中断"),
               "urethra": re.compile(r"尿流中断|排尿中断|排尿困难")}
_NOT_NOW = re.compile(r"以前|之前|曾|既往|年前|父亲|母亲|爸爸|妈妈|家人|家族|亲属")


def _stone_elsewhere(item: str, said: str) -> bool:
    """Whether a stone label's organ is one the question never names while it places the patient's stones now
    in another (not a relative's, not an old one), and no sign of a stone in that organ is told: 右肾下盏有结石 is
    no reason for a ureteral stone."""
    label = _STONE_LABEL.search(nfkc(item or ""))
    if not label:
        return False
    organ = next(o for o, r in _STONE_ORGAN_RE.items() if r.fullmatch(label.group(1)))
    placed = {o for c in _CLAUSE.split(said) if "结石" in c and not _NOT_NOW.search(c)
              for o, r in _STONE_ORGAN_RE.items() if r.search(c)}
    sign = _STONE_SIGN.get(organ)
    return (bool(placed) and organ not in placed and not _STONE_ORGAN_RE[organ].search(said)
            and not (sign and sign.search(said)))
