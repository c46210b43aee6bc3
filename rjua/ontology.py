"""A normalised label ontology and an open-vocabulary candidate generator.

Labels are written many ways: ``左侧输尿管结石`` / ``左输尿管结石``, ``前列腺癌`` /
``前列腺恶性肿瘤``, ``右肾占位`` / ``右肾肿瘤``, ``膀胱恶性肿瘤(T3aN0M0)``,
``腹腔镜下右肾部分切除术`` / ``右肾部分切除术``, ``经尿道前列腺电切术等``. The ontology:

* :func:`canonical` — one key per meaning: side written one way (左侧 → 左), stage and
  grading brackets dropped, synonyms mapped to one head (占位/肿物/新生物 → 肿瘤,
  恶性肿瘤 → 癌, 肥大 → 增生, 炎症 → 炎), procedure approach prefixes and list fragments
  (包括…, …等) removed. ``--match fuzzy`` counts two items with the same key as a match;
* :func:`mentions` — disease mentions in free text (a side, an organ, modifiers, a head
  such as 结石 / 积水 / 囊肿 / 占位 …), so labels never seen in a pool can be produced from
  the question itself and from retrieved guideline passages;
* :class:`Ontology` — the labels of a pool plus the terms of the passages, and
  :meth:`Ontology.generate`: candidate diagnoses for a question, each with its sources
  (``question``, ``passage``, ``variant`` = a pool label moved to the question's side,
  ``synonym`` = a pool label under another wording the question uses).

>>> canonical("左侧输尿管结石") == canonical("左输尿管结石"), canonical("前列腺恶性肿瘤(T2cN0M0)")
(True, '前列腺癌')
>>> mentions("CT提示：右肾积水伴右肾萎缩，左输尿管上段结石，左肾有一个占位")
['右肾积水', '右肾萎缩', '左输尿管上段结石', '左肾占位']
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .items import normalize_item

__all__ = ["Ontology", "canonical", "mentions", "side_forms", "split_side", "variants"]

_SIDE = re.compile(r"^(左侧|右侧|双侧|左|右|双)")
_STAGE = re.compile(r"[(（{【\[][^)）}】\]]*[)）}】\]]?$|分期.*$|[，,]?(?:ISUP|Gleason|Bosniak).*$", re.IGNORECASE)
_FRAG = re.compile(r"^(?:包括|例如|如|比如|及|以及|和|或)|(?:等等|等)$")
_APPROACH = re.compile(r"^(?:机器人辅助|腹腔镜下|腹腔镜|后腹腔镜下|后腹腔镜|经皮|经尿道|开放|微创|择期|急诊|"
                       r"行|进行|予以|予)")
# synonym -> canonical head, longest first
SYNONYMS = {"占位性病变": "肿瘤", "占位病变": "肿瘤", "占位": "肿瘤", "肿物": "肿瘤", "新生物": "肿瘤",
            "恶性肿瘤": "癌",
            "肥大": "增生", "炎症": "炎", "增大": "增生", "手术治疗": "术", "手术": "术", "治疗": ""}
_SYN = re.compile("|".join(sorted(map(re.escape, SYNONYMS), key=len, reverse=True)))

_ORGAN = (r"肾上腺|肾盂输尿管连接部|肾盂输尿管|肾盂|肾盏|肾实质|肾|输尿管|膀胱颈|膀胱|尿道|前列腺|"
          r"睾丸鞘膜|睾丸|附睾|精索|"
          r"阴囊|阴茎|包皮|精囊|尿路|泌尿系|脐尿管|腹膜后|肾周|髂血管|盆腔")
_MOD = (r"[上中下]段|[上中下]极|[上中下]盏|[上中下]份|中下段|中上段|多发|单发|小|巨大|铸型|鹿角形|复杂性|急性|慢性|"
        r"囊性|实性|乳头状|[前后侧顶底]壁|[左右]侧壁|内|外|部分")
_HEAD = (r"结石|积水|囊肿|占位性病变|占位|恶性肿瘤|肿瘤|癌|错构瘤|血管平滑肌脂肪瘤|腺瘤|嗜铬细胞瘤|"
         r"增生|炎|狭窄|梗阻|萎缩|"
         r"扩张|感染|损伤|破裂|扭转|鞘膜积液|积液|静脉曲张|结核|畸形|憩室|瘘|出血|脓肿|肿物|新生物|结节|功能不全|衰竭|"
         r"发育不良|外伤|血肿|钙化灶|钙化|填塞|挛缩|异物|重复畸形|纤维化|白斑")
_CONDITION = (r"(?:应力性|压力性|急迫性|混合性|充溢性|男性|女性|原发性|继发性|急性|慢性|复杂性|非复杂性|反复|神经源性|"
              r"梗阻性|化脓性|细菌性|非细菌性|真菌性|尿路真菌)?"
              r"(?:尿失禁|尿潴留|肉眼血尿|镜下血尿|血尿|包茎|包皮过长|不育症|不育|勃起功能障碍|勃起障碍|早泄|遗尿症|遗尿|"
              r"尿路感染|尿脓毒血症|脓毒血症|膀胱过度活动症|膀胱过度活动|间质性膀胱炎|肾功能不全|肾衰竭|肾绞痛|附睾炎|睾丸炎|"
              r"前列腺炎|淋病|尿道炎|醛固酮增多症|醛固酮过多症|库欣综合征|精索静脉曲张|鞘膜积液|隐睾|尿道下裂|弱精子症|"
              r"少精子症|无精子症|血精|精囊炎|膀胱炎|肾盂肾炎|腺性膀胱炎|膀胱逼尿肌无力|逼尿肌无力|骨转移|淋巴结转移|"
              r"尿路上皮癌|肾细胞癌|透明细胞癌|膀胱填塞|尿瘘|肾挫伤|肾破裂|睾丸扭转|阴茎折断|阴茎硬结症|尿道狭窄|尿道外伤)")
_FILLER = r"(?:有(?:一个|个|一|多个|多发的?|一些)?|的|内|出现了?(?:一个)?|发现(?:一个)?)?"
_MENTION = re.compile(rf"(?P<side>[左右双]侧?)?(?P<organ>{_ORGAN}){_FILLER}(?P<mod>(?:{_MOD}){{0,3}})(?P<head>{_HEAD})"
                      rf"|(?P<cond>{_CONDITION})")


def split_side(label: str) -> tuple[str, str]:
    """(side prefix, rest) of a label.

    >>> split_side("左侧输尿管结石"), split_side("肾积水")
    (('左侧', '输尿管结石'), ('', '肾积水'))
    """
    m = _SIDE.match(label)
    return (m.group(), label[m.end():]) if m else ("", label)


def canonical(label: str) -> str:
    """The ontology key of a label (see module docstring).

    >>> canonical("腹腔镜下右肾部分切除术"), canonical("经尿道前列腺电切术等"), canonical("右肾占位")
    ('右肾部分切除术', '前列腺电切术', '右肾肿瘤')
    """
    s = normalize_item(label or "")
    s = _STAGE.sub("", s) or s
    prev = None
    while prev != s:
        prev = s
        s = _FRAG.sub("", s)
    side, rest = split_side(s)
    rest = _APPROACH.sub("", rest) or rest
    rest = _SYN.sub(lambda m: SYNONYMS[m.group()], rest)
    side = {"左侧": "左", "右侧": "右", "双侧": "双"}.get(side, side)
    return side + rest


def side_forms(side: str, core: str) -> list[str]:
    """A core with a side written both ways (左 / 左侧).

    >>> side_forms("左", "输尿管结石")
    ['左输尿管结石', '左侧输尿管结石']
    """
    if not side:
        return [core]
    s = side[0]
    return [s + core, s + "侧" + core]


_SWAPS = ((re.compile("占位性病变|占位病变|占位"), ("肿瘤", "恶性肿瘤")),
          (re.compile("(?<!恶性)肿瘤"), ("占位", "恶性肿瘤")),
          (re.compile("恶性肿瘤"), ("癌", "肿瘤", "占位")), (re.compile("(?<![尿皮])癌$"), ("恶性肿瘤",)),
          (re.compile("肥大"), ("增生",)), (re.compile("增生"), ("肥大",)))


def variants(label: str, side: str | None = None) -> set[str]:
    """Other writings of a label: side written both ways (左 / 左侧), moved to ``side`` when the label names the
    other one or none, stage dropped, synonyms of its head (占位 / 肿瘤 / 恶性肿瘤 / 癌, 增生 / 肥大).

    >>> sorted(variants("右肾占位"))
    ['右侧肾占位', '右侧肾恶性肿瘤', '右侧肾肿瘤', '右肾占位', '右肾恶性肿瘤', '右肾肿瘤']
    >>> sorted(variants("输尿管上段结石", "左"))
    ['左侧输尿管上段结石', '左输尿管上段结石', '输尿管上段结石']
    """
    base = normalize_item(label)
    bases = {base, _STAGE.sub("", base) or base}
    out = set(bases)
    for lab in bases:
        lside, core = split_side(lab)
        cores = {core}
        for pat, subs in _SWAPS:
            if pat.search(core):
                cores.update(pat.sub(x, core) for x in subs)
        sides = {lside}
        if side in ("左", "右") and lside[:1] in ("", "左", "右"):
            sides.add(side)
        for c in cores:
            for sd in sides:
                out.update(side_forms(sd, c))
    return {x for x in out if len(x) >= 2}


def mentions(text: str) -> list[str]:
    """Disease mentions in free text, in order, de-duplicated (see module docstring)."""
    seen: dict[str, None] = {}
    for m in _MENTION.finditer(normalize_item(text or "")):
        term = m.group("cond") or "".join(m.group(k) or "" for k in ("side", "organ", "mod", "head"))
        seen.setdefault(term, None)
    return list(seen)


@dataclass
class Ontology:
    """Pool labels by canonical key, and the disease terms of the guideline passages."""

    labels: dict[str, set[str]] = field(default_factory=dict)   # canonical key -> pool labels
    passage_terms: set[str] = field(default_factory=set)

    @classmethod
    def build(cls, labels: Iterable[str], passages: Iterable[str] = ()) -> Ontology:
        """From the disease labels of a pool and guideline passages (never the records being answered).

        >>> o = Ontology.build(["左输尿管结石", "肾积水"], ["肾积水常伴腰痛"])
        >>> sorted(o.labels), sorted(o.passage_terms)
        (['左输尿管结石', '肾积水'], ['肾积水'])
        """
        onto = cls()
        for lab in labels:
            onto.labels.setdefault(canonical(lab), set()).add(normalize_item(lab))
        for p in passages:
            onto.passage_terms.update(mentions(p))
        onto.labels = {k: v for k, v in onto.labels.items() if k}
        return onto

    def generate(self, question: str, passages: Iterable[str] = (), side: str | None = None,
                 labels: Iterable[str] = ()) -> dict[str, set[str]]:
        """Open-vocabulary disease candidates for a question, each with the set of its sources.

        ``labels``: pool labels already proposed (e.g. by similar cases); their variants are added.
        ``side``: the one side the question names, if any.

        >>> o = Ontology.build(["输尿管结石", "左肾肿瘤"])
        >>> c = o.generate("我右侧腰痛，CT提示右肾占位、输尿管结石", side="右")
        >>> sorted(c["右肾占位"]), sorted(c["右肾肿瘤"]), sorted(c["右输尿管结石"])
        (['question'], ['synonym'], ['variant'])
        """
        out: dict[str, set[str]] = {}
        qn = normalize_item(question or "")

        def add(item: str, src: str, expand: bool = True) -> None:
            out.setdefault(item, set()).add(src)
            if expand:
                for v in variants(item, side) - {item}:
                    out.setdefault(v, set()).add("variant" if split_side(v)[1] == split_side(item)[1] else "synonym")

        for m in mentions(question):
            add(m, "question")
        for p in passages:
            for m in mentions(p):
                if len(m) >= 3:
                    add(m, "passage", expand=False)
        for lab in labels:
            add(normalize_item(lab), "pool")
        for key, labs in self.labels.items():  # pool labels whose core the question names
            core = split_side(key)[1]
            if len(core) >= 3 and core in qn:
                for lab in labs:
                    add(lab, "pool")
        for item, srcs in out.items():
            primary = srcs & {"question", "passage", "pool"}
            if primary:
                out[item] = primary
        return out
