"""Faithfulness of an answer to itself and to its question: one readable rule table, pure checks.

Where :mod:`rjua.consistency` asks whether an answer *contradicts* the patient (sex, age, side, person),
these rules ask whether the reply *says what the answer says and invents nothing*:

* ``reply_unlisted_diagnosis`` — the reply states a urological diagnosis (an organ + a condition) that is
  neither in the answer's own diagnosis list nor in the question;
* ``diagnoses_not_in_reply`` — none of the answer's diagnoses is named in its reply;
* ``fact_history`` / ``fact_measurement`` / ``fact_result`` / ``fact_operation`` / ``fact_drug`` — the reply
  asserts a patient fact the question does not contain (a history or comorbidity, a size or lab value with
  its unit, an imaging or lab result, a previous operation, a drug being taken);
* ``site_unsupported`` — a diagnosis or procedure about an organ the question gives no reason for
  (:mod:`rjua.sites`);
* ``negation_contradicted`` — the question denies something (没有发热, 无糖尿病, 否认…) that the reply asserts.

Conditional, hedged or general sentences (如果…, 需排除…, 以免…, thresholds such as 大于1cm) assert nothing
about the patient and are never flagged. A flag names the rule, the field (``answer`` for the reply, or
``disease`` / ``advice``), the item (the reply's sentence, or the list item) and the offending term.

>>> q = "我是45岁男性，没有糖尿病，左侧腰痛2天，B超提示左肾积水"
>>> flags = check(q, ["左输尿管结石"], ["输尿管镜碎石术"], "您好，考虑左输尿管结石。您合并的糖尿病需控制血糖。")
>>> sorted({(f.rule, f.term) for f in flags})
[('fact_history', '糖尿病'), ('negation_contradicted', '糖尿病')]
>>> check(q, ["左输尿管结石"], ["输尿管镜碎石术"], "您好，考虑左输尿管结石伴积水，建议输尿管镜碎石。")
[]
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .consistency import Flag, guard as consistency_guard, summarise as consistency_summarise
from .sites import ORGANS, item_sites, question_sites
from .text import nfkc

__all__ = ["FACT_RULES", "RULES", "FRule", "check", "diagnosis_keys", "diagnosis_mentions", "drop_fact_sentences",
           "fact_flags",
           "affirmed", "denials", "guard", "named_in", "negated_terms", "sentences", "summarise"]

# ------------------------------------------------------------------ vocabulary (data)
# (经尿道 is a route, 泌尿道 the whole tract: neither is the urethra; 膀胱入口 is the ureter's end)
_SITE_WORD = (r"肾上腺|肾盂|肾盏|肾(?!上腺)|输尿管|膀胱(?!入口|开口|壁段)|前列腺|(?<!经)(?<!泌)尿道|阴茎|包皮|龟头|"
              r"睾丸|附睾|精索|阴囊|精囊|腹膜后|脐尿管")
# condition word -> class; a reply's mention and a list item match when their site and class match
_CONDITIONS: dict[str, str] = {
    **dict.fromkeys(("结石",), "stone"),
    **dict.fromkeys(("癌", "肿瘤", "错构瘤", "血管平滑肌脂肪瘤", "占位", "腺瘤", "恶性", "肉瘤", "新生物", "结节",
                      "嗜铬细胞瘤", "肿物", "肿块", "包块"),
                    "tumour"),
    **dict.fromkeys(("囊肿",), "cyst"),
    **dict.fromkeys(("炎", "感染", "脓肿", "结核"), "inflammation"),
    **dict.fromkeys(("积水", "梗阻", "狭窄", "扩张"), "obstruction"),
    **dict.fromkeys(("增生", "肥大", "增大"), "enlargement"),
    **dict.fromkeys(("鞘膜积液", "扭转", "曲张", "损伤", "破裂", "外伤", "萎缩", "过长", "功能不全", "衰竭"), "other"),
}
_COND_RE = "|".join(sorted(map(re.escape, _CONDITIONS), key=len, reverse=True))
_MENTION = re.compile(rf"(?P<site>{_SITE_WORD})[^,，。；;、\s]{{0,6}}?(?P<cond>{_COND_RE})")
_STANDALONE = {"包茎": "penis", "隐睾": "scrotum", "血精": "seminal", "男性不育": "seminal", "尿失禁": "bladder",
               "尿路上皮癌": "urothelial", "醛固酮增多": "adrenal", "库欣": "adrenal"}
_STANDALONE_RE = re.compile("|".join(_STANDALONE))
_SITE_OF_WORD = [(re.compile(p), s) for s, p in ORGANS.items()]

# a sentence that asserts nothing about this patient: conditional, hedged, preventive, general
_HEDGE = re.compile(r"如果|若|假如|如有|如出现|一旦|万一|是否|有无|排除|鉴别|除外|预防|避免|以免|防止|警惕|风险|"
                    r"可能会|容易|导致|引起|会出现|一般|通常|常见|多见|大多|部分患者|有些|对于|患者在|这类|此类|"
                    r"需要|需|应当|应该|建议|注意|定期|复查|检查(?!提示|示|结果)|进一步|明确")
_NEG_BEFORE = re.compile(r"(?:没有|没|无|未|否认|不伴|并无|排除|不是|并非)[^,，。；;]*$|不[^,，。；;]{0,2}$")
_DIAG_CUE = re.compile(r"诊断|考虑|您是|患有|得了|初步|可能是|怀疑|属于|提示|目前是|现在是|为")

# patient-fact patterns: the named group ``t`` is the fact; it is unsupported when absent from the question
_COMORBID = (r"糖尿病|高血压|冠心病|心脏病|心衰|心功能不全|房颤|脑梗死?|脑卒中|中风|脑出血|重症肌无力|哮喘|慢阻肺|"
             r"COPD|乙肝|肝炎|肝硬化|痛风|甲亢|甲减|肺结核|帕金森|癫痫|抑郁症|艾滋病|HIV|梅毒|红斑狼疮|类风湿|"
             r"贫血|肾移植")
_UNIT = r"(?:mm|cm|毫米|厘米|ml|mL|毫升|ng/ml|ng/mL|μmol/L|umol/L|mmol/L|g/L|U/L|/ul|/μl|/HP|个/HP)"
_TEST = r"CT|B超|彩超|超声|MRI|核磁|磁共振|尿常规|血常规|尿培养|PSA|病理|活检|穿刺|造影|膀胱镜|精液|肾图|ECT|PET"
_SYNONYMS = {"糖尿病": "血糖|糖尿", "高血压": "血压", "冠心病": "冠心|心脏|支架", "心脏病": "心脏|冠心",
             "心功能不全": "心功能|心衰|心脏", "心衰": "心功能|心脏", "脑梗": "脑梗|卒中|中风",
             "脑梗死": "脑梗|卒中|中风", "中风": "脑梗|卒中", "脑卒中": "脑梗|中风", "乙肝": "乙肝|肝炎|HBV",
             "肝炎": "乙肝|肝炎", "B超": "超声|彩超|B超", "彩超": "超声|B超", "超声": "B超|彩超",
             "磁共振": "MRI|核磁", "核磁": "MRI|磁共振", "MRI": "磁共振|核磁", "穿刺": "活检|穿刺",
             "活检": "穿刺|病理"}


@dataclass(frozen=True)
class FRule:
    """One row of the faithfulness table (see :data:`RULES`)."""

    name: str
    group: str                   # reply | facts | site | negation
    kind: str                    # unlisted | absent | fact | site | negation
    pattern: str = ""            # for facts: a regex whose group ``t`` is the fact asserted
    why: str = ""


# the fact rules' patterns: group ``t`` (or ``t2``, ``t3``) is the fact asserted
_HISTORY = (rf"(?:合并|伴有|伴|患有|有|并发)(?:的|了)?(?P<t>{_COMORBID})|(?P<t2>{_COMORBID})(?:病)?史"
            rf"|既往(?:有)?(?P<t3>{_COMORBID})")
_MEASUREMENT = (rf"(?<![<>≤≥~\-大小于过超低高到达])(?P<t>\d+(?:\.\d+)?)\s*(?:[x×*]\s*\d+(?:\.\d+)?\s*)?{_UNIT}"
                r"(?!以上|以下|以内|左右|之间|的结石|\s*[~\-])")
_RESULT = (rf"(?P<t>{_TEST})(?:检查)?(?:结果)?(?:示|提示|显示|发现|报告)"
           rf"|您的(?P<t2>{_TEST}|肌酐|血糖|尿酸)值?(?:在正常范围|正常|升高|偏高|偏低|增高|降低)")
_OPERATION = (r"(?:曾|既往|之前|以前|做过|接受过|已行)[^,，。；;]{0,3}?(?P<t>[^,，。；;]{2,10}?(?:术|手术))"
              r"|(?:您|患者|孩子|母亲|父亲)(?:是|为|属于)?(?P<t2>(?:(?!需|注意|应|要|可以|会|进行|行)[^,，。；;\s]){2,10}?)术后")
_DRUG = (r"(?:一直|长期|正在|目前在?|现在|已经|曾经?)(?:在)?(?:服用|口服|使用|吃)(?:了|过|着|的)?"
         r"(?P<t>[^,，。；;]{2,8})")

# The whole rule set: edit here, nowhere else.
RULES: tuple[FRule, ...] = (
    FRule("reply_unlisted_diagnosis", "reply", "unlisted",
          why="the reply states a diagnosis that is neither in the answer's list nor in the question"),
    FRule("diagnoses_not_in_reply", "reply", "absent", why="none of the answer's diagnoses is named in its reply"),
    FRule("fact_history", "facts", "fact", _HISTORY, "a history or comorbidity the question does not mention"),
    FRule("fact_measurement", "facts", "fact", _MEASUREMENT,
          "a size or lab value (with its unit) the question does not give"),
    FRule("fact_result", "facts", "fact", _RESULT,
          "an imaging or lab result for a test the question does not mention"),
    FRule("fact_operation", "facts", "fact", _OPERATION, "a previous operation the question does not mention"),
    FRule("fact_drug", "facts", "fact", _DRUG, "a drug being taken that the question does not mention"),
    FRule("site_unsupported", "site", "site",
          why="a diagnosis or procedure about an organ the question gives no reason for"),
    FRule("negation_contradicted", "negation", "negation", why="the reply asserts what the question denies"),
)
FACT_RULES = tuple(r for r in RULES if r.kind == "fact")
_FACT_RE = {r.name: re.compile(r.pattern, re.IGNORECASE) for r in FACT_RULES}

_NEG_CUE = re.compile(r"(?:没有|没|无|否认|未见|未|不伴|并无)(?P<span>[^,，。；;!！?？]{1,16})")
_NEG_STOP = re.compile(r"诱因|出现|性|后|但|而|之前|以前|明显改善|好转")
_NEG_TERMS = re.compile(r"发热|发烧|寒战|" + _COMORBID + r"|血尿|尿痛|腰痛|腹痛|疼痛|尿频|尿急|排尿困难|结石|外伤|"
                        r"手术史|家族史|过敏史|恶心|呕吐|肿块|包块|积水")
_RELIEF = re.compile(r"减轻|缓解|改善|减少|控制|治疗|消除")
_QUALIFIERS = {"day": re.compile(r"白天|日间|白日|日常"),
               "night": re.compile(r"夜间|夜里|晚上|夜晚|夜尿|睡觉|睡前|起夜")}
_CLAUSE_CUT = re.compile(r"[,，。；;!！?？]")
_SENT = re.compile(r"[^。！？!?；;\n]+[。！？!?；;\n]?")


def sentences(text: str) -> list[str]:
    """The sentences (or lines) of a reply, punctuation kept.

    >>> sentences("您好。考虑肾结石；多饮水")
    ['您好。', '考虑肾结石；', '多饮水']
    """
    return [s for s in _SENT.findall(text or "") if s.strip()]


def _key(site_word: str, cond: str) -> tuple[str, str]:
    site = next((s for pat, s in _SITE_OF_WORD if pat.search(site_word)), site_word)
    return site, _CONDITIONS.get(cond, cond)


def diagnosis_mentions(text: str) -> list[tuple[str, tuple[str, str]]]:
    """The urological diagnoses a text names: ``(mention, (site, condition class))``.

    >>> diagnosis_mentions("考虑右肾错构瘤，前列腺增生")
    [('肾错构瘤', ('kidney', 'tumour')), ('前列腺增生', ('prostate', 'enlargement'))]
    """
    t = nfkc(text or "")
    out = [(m.group(), _key(m.group("site"), m.group("cond"))) for m in _MENTION.finditer(t)]
    out += [(m.group(), (_STANDALONE[m.group()], "syndrome")) for m in _STANDALONE_RE.finditer(t)]
    return out


@lru_cache(maxsize=8192)
def diagnosis_keys(text: str) -> frozenset[tuple[str, str]]:
    """The (organ, condition class) keys of the diagnoses ``text`` names: what the selector, the reply and these
    rules compare, so 膀胱也有结石 and 膀胱结石 match.

    >>> diagnosis_keys("膀胱也有结石") == diagnosis_keys("膀胱结石")
    True
    """
    return frozenset(k for _, k in diagnosis_mentions(text))


def _keys(texts: Iterable[str]) -> set[tuple[str, str]]:
    return {k for t in texts for k in diagnosis_keys(t)}


_SOFT = {"inflammation", "obstruction", "other"}  # a state an organ named or pointed to by the question may be in
_UROTHELIAL = {"kidney", "ureter", "bladder"}


def _covered(key: tuple[str, str], listed: set, sites: set[str], infection: bool) -> bool:
    """Whether a reply's mention (site, class) is covered by the listed/asked keys or the question's sites."""
    site, cls = key
    if key in listed or (site, "syndrome") in listed:
        return True
    if cls == "syndrome":
        return any(s == site or (site == "urothelial" and s in _UROTHELIAL and c == "tumour") for s, c in listed)
    if cls == "tumour" and site == "bladder" and any(s in _UROTHELIAL and c == "tumour" for s, c in listed):
        return True  # 尿路上皮癌 of a listed upper-tract tumour
    return cls in _SOFT and (site in sites or (cls == "inflammation" and infection))


_TRACT_RE = re.compile(r"泌尿系统|泌尿系|泌尿道|尿路")


def named_in(item: str, text: str) -> bool:
    """Whether ``text`` names ``item``: verbatim (side and brackets aside), by organ + condition, or by
    most of its characters in one run.

    >>> named_in("左输尿管结石伴积水感染", "考虑左侧输尿管结石"), named_in("泌尿道感染", "尿路感染可能")
    (True, True)
    >>> named_in("包茎", "多饮水")
    False
    """
    core = _TRACT_RE.sub("尿路", re.sub(r"\(.*?\)|[左右双]侧?|两侧", "", nfkc(item or "")))
    t = _TRACT_RE.sub("尿路", nfkc(text or ""))
    if not core or not t:
        return False
    if core in t or (_keys([core]) & _keys([t])):
        return True
    n = max(2, min(4, len(core) - 1))
    return any(core[i:i + n] in t for i in range(len(core) - n + 1)) and len(core) <= 6 and \
        sum(ch in t for ch in core) >= 0.75 * len(core)


def _asserts(sentence: str, start: int) -> bool:
    """A sentence asserts what starts at ``start`` unless a hedge or a negation comes before it."""
    return not _HEDGE.search(sentence[:start]) and not _NEG_BEFORE.search(sentence[:start])


def _in_question(term: str, question: str) -> bool:
    term = term.strip()
    if term.endswith(("术", "术后")):  # an operation: its organ, and 术
        return "术" in question and (not item_sites(term) or bool(item_sites(term) & item_sites(question)))
    alts = [term, *(_SYNONYMS.get(term, "").split("|"))]
    if any(a and a in question for a in alts):
        return True
    core = re.sub(r"[了过着的\s]|手术|术后?$|治疗|药物?", "", term)
    if len(core) < 3 or core.isascii():  # short or Latin terms (MRI, PSA): verbatim or a synonym only
        return False
    return any(core[i:i + 2] in question for i in range(len(core) - 1)) and \
        sum(ch in question for ch in core) >= 0.6 * len(core)


def affirmed(question: str) -> str:
    """The question without what it denies (``没有糖尿病`` supports no diabetes).

    >>> affirmed("没有糖尿病，腰痛")
    '没有,腰痛'
    """
    q = nfkc(question or "")
    return _NEG_CUE.sub(lambda m: m.group()[: len(m.group()) - len(m.group("span"))] + _cut_span(m.group("span")), q)


def _cut_span(span: str) -> str:
    """The part of a negated span after its stop word (kept: 无明显诱因出现血尿 still affirms 血尿)."""
    stop = _NEG_STOP.search(span)
    return span[stop.start():] if stop else ""


def fact_flags(question: str, reply: str) -> list[Flag]:
    """Reply sentences asserting a patient fact that the question does not contain (or denies)."""
    q = affirmed(question)
    out = []
    for s in sentences(nfkc(reply or "")):
        for rule in FACT_RULES:
            for m in _FACT_RE[rule.name].finditer(s):
                term = m.group() if rule.name == "fact_measurement" else next((g for g in m.groups() if g), None)
                if rule.name == "fact_operation" and m.group("t2"):
                    term += "术后"
                num = m.group("t") if rule.name == "fact_measurement" else None
                if not term or not _asserts(s, m.start()) and rule.name != "fact_result":
                    continue
                if rule.name == "fact_result" and re.search(r"如果|若|如|一旦", s[:m.start()]):
                    continue
                if not (_in_question(num, q) if num else _in_question(term, q)):
                    out.append(Flag(rule.name, rule.group, "answer", s.strip(), term))
    return out


def denials(question: str) -> dict[str, set[str | None]]:
    """What the question denies, each term with the times of day its denials are limited to (``None``: not
    limited). 白天没有尿频 denies daytime frequency only, not 夜间尿频.

    >>> denials("白天没有尿频，没有发热")
    {'尿频': {'day'}, '发热': {None}}
    """
    q = nfkc(question or "")
    out: dict[str, set[str | None]] = {}
    for m in _NEG_CUE.finditer(q):
        span = m.group("span")
        stop = _NEG_STOP.search(span)
        span = span[: stop.start()] if stop else span
        before = q[max(0, m.start() - 4): m.start()]
        for t in _NEG_TERMS.finditer(span):
            out.setdefault(t.group(), set()).add(_qualifier(before[-4:] + span[: t.start()]))
    return out


def _qualifier(text: str) -> str | None:
    """The time of day the end of ``text`` limits what follows to (``day``, ``night``), or None."""
    text = _CLAUSE_CUT.split(text)[-1]
    return next((k for k, pat in _QUALIFIERS.items() if pat.search(text)), None)


def negated_terms(question: str, limited: bool = True) -> set[str]:
    """What the question denies (没有发热, 无糖尿病, 否认高血压、冠心病…); ``limited=False`` leaves out what it
    denies only at some time of day (白天没有尿频).

    >>> sorted(negated_terms("否认高血压、糖尿病，无明显诱因出现血尿，没有发热"))
    ['发热', '糖尿病', '高血压']
    >>> negated_terms("白天没有尿频"), negated_terms("白天没有尿频", limited=False)
    ({'尿频'}, set())
    """
    return {t for t, quals in denials(question).items() if limited or None in quals}


def _negation_flags(question: str, reply: str) -> list[Flag]:
    denied = denials(question)
    out = []
    for s in sentences(nfkc(reply or "")) if denied else ():
        for term, quals in denied.items():
            i = s.find(term)
            if i < 0 or not _asserts(s, i) or _RELIEF.search(s[:i]):
                continue
            # 夜间尿频 after 白天没有尿频 is no contradiction
            if None in quals or _qualifier(s[max(0, i - 4):i]) in quals:
                out.append(Flag("negation_contradicted", "negation", "answer", s.strip(), term))
    return out


def _reply_flags(question: str, diseases: Sequence[str], reply: str) -> list[Flag]:
    out = []
    q = nfkc(question or "")
    listed, sites = _keys([*diseases, q]), question_sites(q)
    infection = bool(re.search("感染|炎", q + "".join(diseases)))
    for s in sentences(nfkc(reply or "")):
        for mention, key in diagnosis_mentions(s):
            if not _covered(key, listed, sites, infection) and mention not in q and _asserts(s, s.find(mention)) \
                    and _DIAG_CUE.search(s):
                out.append(Flag("reply_unlisted_diagnosis", "reply", "answer", s.strip(), mention))
    if diseases and reply and not any(named_in(d, reply) for d in diseases):
        out += [Flag("diagnoses_not_in_reply", "reply", "disease", d, d) for d in diseases]
    return out


def _site_flags(question: str, diseases: Sequence[str], advices: Sequence[str], reply: str,
                context=None) -> list[Flag]:
    sites = question_sites(question, context)
    out = []
    for field, items in (("disease", diseases), ("advice", [a for a in advices if "术" in a])):
        for it in items:
            bad = item_sites(it) - sites if item_sites(it) and not (item_sites(it) & sites) else set()
            if bad:
                out.append(Flag("site_unsupported", "site", field, it, min(bad)))
    for s in sentences(nfkc(reply or "")):
        for mention, (site, _) in diagnosis_mentions(s):
            if site in ORGANS and site not in sites and _DIAG_CUE.search(s) and _asserts(s, s.find(mention)):
                out.append(Flag("site_unsupported", "site", "answer", s.strip(), mention))
    return out


def check(question: str, diseases: Sequence[str] = (), advices: Sequence[str] = (), reply: str = "",
          context: str | Iterable[str] | None = None) -> list[Flag]:
    """Every faithfulness flag of an answer (lists and reply) to ``question`` (``context``: expert passages,
    which add the organ sites they name)."""
    diseases, advices = [d for d in diseases or () if d], [a for a in advices or () if a]
    return (_reply_flags(question, diseases, reply) + fact_flags(question, reply)
            + _site_flags(question, diseases, advices, reply, context) + _negation_flags(question, reply))


def drop_fact_sentences(question: str, reply: str) -> tuple[str, list[Flag]]:
    """The reply without its sentences that assert unsupported patient facts or what the question denies.

    >>> reply, flags = drop_fact_sentences("我右侧腰痛", "考虑右肾结石。结合您重症肌无力病史，需谨慎用药。")
    >>> reply, [(f.rule, f.term) for f in flags]
    ('考虑右肾结石。', [('fact_history', '重症肌无力')])
    >>> drop_fact_sentences("没有血尿", "可加用α受体阻滞剂；出现反复血尿时再考虑手术。")[0]
    '可加用α受体阻滞剂。'
    """
    flags = fact_flags(question, reply) + _negation_flags(question, reply)
    if not flags:
        return reply, []
    parts = sentences(reply)
    keep = [not fact_flags(question, s) and not _negation_flags(question, s) for s in parts]
    # a clause whose sequel (after ；) is dropped ends its sentence
    kept = [s[:-1] + "。" if s[-1:] in "；;" and not (i + 1 < len(parts) and keep[i + 1]) else s
            for i, s in enumerate(parts) if keep[i]]
    return "".join(kept).strip(), flags


def guard(question: str, diseases: Sequence[str], advices: Sequence[str], reply: str
          ) -> tuple[list[str], list[str], str, list[Flag]]:
    """:func:`rjua.consistency.guard`, then the reply's sentences asserting unsupported patient facts removed;
    every removal is returned as a flag. A reply left with nothing says the answer's own lists instead.

    >>> d, a, r, fl = guard("我是32岁女性，尿频", ["膀胱炎"], ["多饮水"], "考虑膀胱炎。您既往糖尿病史。")
    >>> r, [f.rule for f in fl]
    ('考虑膀胱炎。', ['fact_history'])
    >>> guard("我是32岁女性，尿频", ["膀胱炎"], ["多饮水"], "您既往糖尿病史。")[2]
    '初步考虑：膀胱炎。建议：多饮水。'
    """
    diseases, advices, reply, flags = consistency_guard(question, diseases, advices, reply)
    reply, more = drop_fact_sentences(question, reply)
    if (flags or more) and not reply.strip() and (diseases or advices):
        reply = "".join(f"{head}：{'、'.join(items)}。" for head, items in (("初步考虑", diseases), ("建议", advices))
                        if items)
    return diseases, advices, reply, flags + more


def summarise(flags_per_record: Sequence[Sequence[Flag]]) -> dict:
    """Per rule: records and items flagged, as counts and rates (the shape of :func:`rjua.consistency.summarise`).

    >>> s = summarise([[Flag("fact_history", "facts", "answer", "…", "糖尿病")], []])
    >>> s["rules"]["fact_history"]["record_rate"], s["groups"]["facts"]["records"], s["any"]["records"]
    (0.5, 1, 1)
    """
    return consistency_summarise(flags_per_record, RULES)
