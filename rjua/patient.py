"""Patient facts from a Chinese question: sex, age, side, pregnancy, child/adult, who is asked about.

Pure functions, no model. Every field is ``None`` when the question does not say
(unknown stays unknown); any input — empty, very long, not Chinese, not even a
string — gives facts, never an exception.

* ``person``: whom the question is about — ``self`` (本人), ``mother``, ``father``,
  ``child``, ``spouse``, ``grandparent``, ``sibling``, ``other`` (a friend, a relative);
  the earliest mention wins (``我和女友…`` is about the writer);
* ``sex``: ``male`` / ``female``: the relative named (母亲 → female), an explicit
  statement (男性, 女，65岁, 我男54岁), else sex-specific anatomy (前列腺 / 子宫…);
* ``age``: years as a float; 岁 / 周岁 / 个月 / 月龄 / 周 / 天 (of a baby), 半岁,
  一岁半, Chinese numerals (六十五岁); a duration (3个月前, 10岁时) is not an age;
* ``sides``: the sides named (``左`` / ``右``; ``左右`` = "about" and drug names such as
  左氧氟沙星 are ignored), ``bilateral``: 双侧 / 两侧 / 双肾…; ``laterality``:
  ``left`` / ``right`` / ``bilateral`` (both sides named, or 双侧);
* ``pregnant``: True when pregnancy is stated, False when denied or the patient is male;
* ``stage``: ``child`` (age < 18 or a baby/child word for the patient) / ``adult``.

>>> f = patient_facts("医生您好，我母亲六十五岁，左边腰痛3天，B超提示左肾积水")
>>> f.person, f.sex, f.age, f.laterality, f.stage
('mother', 'female', 65.0, 'left', 'adult')
>>> patient_facts("宝宝8个月大，男孩，右侧阴囊肿大").age
0.67
>>> patient_facts("").sex is None
True
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from .text import nfkc

__all__ = ["MAX_CHARS", "RELATIVES", "PatientFacts", "clean_sides", "cn_number", "patient_facts"]

MAX_CHARS = 4000

# relative word -> (person, sex or None); longest words are matched first
RELATIVES: dict[str, tuple[str, str | None]] = {
    **{w: ("mother", "female") for w in ("母亲", "妈妈", "老妈", "我妈", "家母", "婆婆", "岳母", "丈母娘")},
    **{w: ("father", "male") for w in ("父亲", "爸爸", "老爸", "我爸", "家父", "公公", "岳父", "老父亲")},
    **{w: ("child", "male") for w in ("儿子", "男孩", "男宝", "男婴", "小儿子", "大儿子")},
    **{w: ("child", "female") for w in ("女儿", "闺女", "女孩", "女宝", "女婴", "小女儿", "大女儿")},
    **{w: ("child", None) for w in ("孩子", "宝宝", "小孩", "婴儿", "新生儿", "小朋友", "患儿", "外孙", "孙子")},
    **{w: ("spouse", "female") for w in ("老婆", "妻子", "媳妇", "太太")},
    **{w: ("spouse", "male") for w in ("老公", "丈夫")},
    **{w: ("spouse", None) for w in ("爱人", "伴侣", "配偶")},
    **{w: ("grandparent", "male") for w in ("爷爷", "外公", "姥爷", "祖父")},
    **{w: ("grandparent", "female") for w in ("奶奶", "外婆", "姥姥", "祖母")},
    **{w: ("sibling", "male") for w in ("哥哥", "弟弟")},
    **{w: ("sibling", "female") for w in ("姐姐", "妹妹")},
    **{w: ("other", None) for w in ("朋友", "同事", "亲戚", "邻居")},
}
_REL_RE = re.compile("|".join(sorted(map(re.escape, RELATIVES), key=len, reverse=True)))
# the writer speaking about themself: 我 not followed by a possessive and a relative; or 本人
_MOD = r"(?:今年|家)?(?:[\d一二两三四五六七八九十半]+(?:周岁|岁半|岁|个多月|个月)大?)?"
_SELF_RE = re.compile(r"本人|(?:我|俺)(?!" + _MOD + r"(?:的|家|们家|们的|家的)?(?:妈|爸|" + _REL_RE.pattern + "))")
_NOT_REL = re.compile(r"女友|女朋友|男友|男朋友|子女|儿女|孩子们|生孩子|要孩子|要个孩子|怀孩子|备孕")
# the writer naming their own role towards the patient (我是宝妈, 作为孩子的父亲): the writer, not the patient
_WRITER = re.compile(r"(?:我是|我作为|作为|本人是)(?:孩子|宝宝|患儿|他|她)?的?"
                     r"(?:妈妈|母亲|爸爸|父亲|家长|宝妈|宝爸|女儿|儿子|妻子|老婆|丈夫|老公|家属)"
                     r"|宝妈|宝爸|孩子(?:他|她)?(?:妈妈|爸爸|妈|爸)")
# a relative with an age right after it (我儿子3岁, 宝宝8个月大): that relative is the patient
_REL_AGED = re.compile("(?:" + _REL_RE.pattern + r")(?:今年|现在|才|刚)?[\d一二两三四五六七八九十半]+"
                       r"(?:周岁|岁|个月|天|周)")
# the writer's own pregnancy (我怀孕了…) says nothing about the patient when the patient is someone else
_WRITER_PREG = re.compile(r"我(?:现在|目前|已经|刚)?(?:怀孕|怀了|妊娠|孕)")

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_NUM = r"(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百]+)"


def cn_number(s: str) -> float | None:
    """Arabic or Chinese numeral (up to 999) as a number; None when it is neither.

    >>> cn_number("六十五"), cn_number("十二"), cn_number("一百零二"), cn_number("两"), cn_number("7.5")
    (65.0, 12.0, 102.0, 2.0, 7.5)
    """
    if not s:
        return None
    try:
        return float(s)
    except ValueError:
        pass
    total, cur = 0, None
    for ch in s:
        if ch in _CN_DIGITS:
            cur = _CN_DIGITS[ch]
        elif ch == "十":
            total += (1 if cur is None else cur) * 10
            cur = None
        elif ch == "百":
            total += (1 if cur is None else cur) * 100
            cur = None
        else:
            return None
    return float(total + (cur or 0))


# age patterns, in order; a match followed by a duration / time word is skipped
_YEARS = re.compile(_NUM + r"\s*(?:周岁|岁)(半)?(?!时|那年|的时候|左右时|以前|之前|前|起|开始|后)")
_THIS_YEAR = re.compile(r"今年(?:已经|已|刚|才)?(?:满)?" + _NUM + r"(?=了|[，,。；;、\s]|$)")
_HALF_YEAR = re.compile(r"(?<![\d一二两三四五六七八九十])半岁")
_BABY = r"(?:宝宝|孩子|婴儿|小孩|儿子|女儿|闺女|男孩|女孩|男宝|女宝|男婴|女婴|新生儿|患儿)"
_MONTHS = [re.compile(_NUM + r"\s*(?:个)?月(?:大|龄)"),
           re.compile(r"出生(?:后)?(?:才|刚)?" + _NUM + r"\s*个?月"),
           re.compile(_NUM + r"\s*个?月的" + _BABY),
           re.compile(_BABY + r"(?:今年|现在|刚|才|刚刚)?(?:满)?" + _NUM + r"\s*个?月(?!前|来|以来|后|内|余)")]
_WEEKS = [re.compile(r"出生(?:后)?(?:才|刚)?" + _NUM + r"\s*(?:周|星期)"), re.compile(_NUM + r"\s*(?:周|星期)大"),
          re.compile(_NUM + r"\s*周的" + _BABY)]
_DAYS = [re.compile(r"出生(?:后)?(?:才|刚)?" + _NUM + r"\s*天"), re.compile(_NUM + r"\s*天大"),
         re.compile(_NUM + r"\s*天的" + _BABY), re.compile(r"新生儿" + _NUM + r"\s*天")]

_SEX_EXPLICIT = [
    (re.compile(r"性别\s*[:：]?\s*([男女])"), 1),
    (re.compile(r"([男女])(?:性|士|患者|病人|同志|子|生|童|孩|宝|婴)"), 1),
    (re.compile(r"(?:^|[，,、。；;：:\s（(])([男女])(?=[，,、。；;）)\s\d]|$)"), 1),
    (re.compile(r"我\s*([男女])\s*[\d一二三四五六七八九十]"), 1),
    (re.compile(r"岁\s*(?:的)?\s*([男女])(?!友|朋友|儿)"), 1),
    (re.compile(r"是(?:一个|一名|一位|个)?([男女])的"), 1),
]
_SELF = r"我是(?:一个|一名|一位|个)?[\d一二三四五六七八九十多岁的]*"
_SEX_WORDS = {"female": re.compile(_SELF + r"(?:老太太|老太|老奶奶|阿姨|大妈|妇女)"),
              "male": re.compile(_SELF + r"(?:老大爷|大爷|老爷子|老头|老汉)")}
# plain word lists (no regex syntax): any one of them found says the thing named
_CUE_WORDS = {
    "male_body": "前列腺 睾丸 阴囊 阴茎 龟头 包皮 包茎 精索 附睾 精囊 血精 精液 遗精 勃起 早泄 射精 阳痿",
    "female_body": "子宫 卵巢 阴道 宫颈 月经 绝经 经期 产妇 剖腹产 剖宫产 产后 顺产 输卵管 乳房 白带 妇科",
    "child": "宝宝 婴儿 婴幼儿 新生儿 幼儿 小孩 孩子 男孩 女孩 小朋友 患儿 男童 女童 幼儿园 小学",
    "adult": "已婚 已育 退休 性生活 夫妻 老伴 产妇 绝经 上班 工作",
}
_CUES = {name: re.compile("|".join(words.split())) for name, words in _CUE_WORDS.items()}
_PREG_NEG = re.compile(r"(?:没有|没|未|并未|不是|排除|无)(?:有)?(?:怀孕|妊娠|孕)|不孕|备孕|想要孩子|要孩子|避孕")
_PREG_POS = re.compile(r"怀孕|妊娠|孕\s*\d+\s*(?:周|个月)|孕[早中晚]期|孕妇|孕期|怀了|有喜|怀胎")
_ABOUT = re.compile(r"左右(?!两侧|双侧|侧|肾|输尿管|睾丸|腰)")
_DRUG_SIDE = re.compile(r"左氧氟沙星|左旋|右旋|左甲状腺素|左卡尼汀|左西替利嗪|左炔诺孕酮|左乙拉西坦|"
                        r"右美沙芬|左氨氯地平")
_NON_URO_SIDE = re.compile(r"[左右](?:侧)?[上中下]?(?:股骨|坐骨|髂骨|骶|肋|肩胛|肺|乳|眼|耳|手|脚|足|腿|下肢|上肢|"
                           r"膝|髋|肩|臂|锁骨|胸|颈|额|颞|顶|枕|心|束支|冠状)"
                           r"|(?:肝|肺|甲状腺)[左右](?:内|外|前|后)?叶|[左右]心|[左右]肝")
_BILATERAL = re.compile(r"双侧|两侧|双肾|双输尿管|双睾|双侧睾丸|左右两侧|左右双侧|两个肾|双下肢?")


@dataclass(frozen=True)
class PatientFacts:
    """What a question says about its patient (None = not said)."""

    sex: str | None = None
    age: float | None = None
    laterality: str | None = None
    pregnant: bool | None = None
    stage: str | None = None
    person: str | None = None
    sides: frozenset = field(default_factory=frozenset)
    bilateral: bool = False

    def to_dict(self) -> dict:
        d = asdict(self)
        d["sides"] = sorted(self.sides)
        return d


def clean_sides(text: str) -> str:
    """Text with the 左/右 that do not name a urological side removed (左右 = about, drug names, lungs, liver…).

    >>> clean_sides("3厘米左右，口服左氧氟沙星"), clean_sides("左右两侧"), clean_sides("左肺结节，肝右叶囊肿")
    ('3厘米，口服', '左右两侧', '肺结节，肝叶囊肿')
    """
    return _NON_URO_SIDE.sub(lambda m: m.group().replace("左", "").replace("右", ""),
                             _DRUG_SIDE.sub("", _ABOUT.sub("", text)))


def _person(text: str) -> tuple[str | None, str | None, int]:
    """(person, sex of that person, position) of the earliest mention; a relative whose age is given
    is the patient, and the writer's own role (我是宝妈) is not a mention.

    >>> _person("我是宝妈，我儿子8个月大，阴囊肿大")[:2], _person("我怀孕5个月了，想问我儿子3岁包茎")[:2]
    (('child', 'male'), ('child', 'male'))
    """
    masked = _WRITER.sub(lambda m: "□" * len(m.group()), _NOT_REL.sub(lambda m: "□" * len(m.group()), text))
    rel = _REL_RE.search(masked)
    me = _SELF_RE.search(masked)
    aged = _REL_AGED.search(masked)
    if aged and (rel := _REL_RE.match(masked, aged.start())):
        person, sex = RELATIVES[rel.group()]
        return person, sex, rel.start()
    if rel and (me is None or rel.start() < me.start()):
        person, sex = RELATIVES[rel.group()]
        return person, sex, rel.start()
    if me:
        return "self", None, me.start()
    return None, None, -1


def _age(text: str) -> float | None:
    for pats, div in ((_MONTHS, 12.0), (_WEEKS, 52.0), (_DAYS, 365.0)):
        for pat in pats:
            m = pat.search(text)
            if m and (n := cn_number(m.group(1))) is not None:
                return round(n / div, 2)
    m = _YEARS.search(text) or _THIS_YEAR.search(text)
    if m and (n := cn_number(m.group(1))) is not None and n < 130:
        return n + (0.5 if m.lastindex and m.lastindex > 1 and m.group(2) else 0.0)
    if _HALF_YEAR.search(text):
        return 0.5
    return None


def _explicit_sex(text: str) -> str | None:
    found = set()
    for pat, g in _SEX_EXPLICIT:
        for m in pat.finditer(text):
            tail = text[m.end(): m.end() + 2]
            if tail.startswith(("友", "朋友", "儿")):
                continue
            found.add("male" if m.group(g) == "男" else "female")
    found |= {sex for sex, pat in _SEX_WORDS.items() if pat.search(text)}
    return found.pop() if len(found) == 1 else None


def _sex(text: str, person: str | None, sex: str | None) -> str | None:
    """The patient's sex: the relative's, an explicit statement, a pronoun for a relative, else anatomy."""
    if sex is None:
        sex = _explicit_sex(text)
    if sex is None and person not in (None, "self"):
        he, she = "他" in text, "她" in text
        sex = "male" if he and not she else "female" if she and not he else None
    if sex is None:
        male, female = bool(_CUES["male_body"].search(text)), bool(_CUES["female_body"].search(text))
        female = female or bool(_PREG_POS.search(_PREG_NEG.sub("", text)))
        sex = "male" if male and not female else "female" if female and not male else None
    return sex


def _pregnant(text: str, sex: str | None, person: str | None, age: float | None) -> bool | None:
    """True when the patient's pregnancy is stated, False when denied or the patient is male; the writer's
    own pregnancy or a child patient says nothing."""
    if sex == "male":
        return False
    if (age is not None and age < 12) or (person not in (None, "self") and _WRITER_PREG.search(text)):
        return None
    affirmed = _PREG_POS.search(_PREG_NEG.sub("", text))
    if _PREG_NEG.search(text) and not affirmed:
        return False if re.search(r"(?:没有|没|未|并未|不是|排除|无)(?:有)?(?:怀孕|妊娠)", text) else None
    return True if affirmed else None


def _stage(text: str, age: float | None, person: str | None, pregnant: bool | None) -> str | None:
    if age is not None:
        return "child" if age < 18 else "adult"
    if person == "child" and _CUES["child"].search(text):
        return "child"
    if person in ("mother", "father", "grandparent", "spouse") or pregnant or _CUES["adult"].search(text):
        return "adult"
    return None


def _sides(text: str) -> tuple[frozenset, bool, str | None]:
    """(sides named, bilateral mention, laterality)."""
    sides_text = clean_sides(text)
    sides = frozenset(s for s in "左右" if s in sides_text)
    bilateral = bool(_BILATERAL.search(sides_text))
    laterality = ("bilateral" if len(sides) == 2 or (bilateral and not sides) else
                  "left" if sides == {"左"} else "right" if sides == {"右"} else None)
    return sides, bilateral, laterality


def patient_facts(question) -> PatientFacts:
    """Facts about the patient of ``question`` (see module docstring); never raises.

    >>> patient_facts("我今年17岁，男，右侧睾丸疼").to_dict()["sides"], patient_facts("我今年17岁，男").stage
    (['右'], 'child')
    >>> f = patient_facts("我是宝妈，我儿子8个月大，阴囊肿大")  # the mother writes; her son is the patient
    >>> f.person, f.sex, f.pregnant, f.stage
    ('child', 'male', False, 'child')
    >>> patient_facts(None), patient_facts("hello doctor").person  # doctest: +NORMALIZE_WHITESPACE
    (PatientFacts(sex=None, age=None, laterality=None, pregnant=None, stage=None, person=None,
     sides=frozenset(), bilateral=False), None)
    """
    if not isinstance(question, str):
        return PatientFacts()
    text = nfkc(question[:MAX_CHARS])
    person, sex, _ = _person(text)
    sex = _sex(text, person, sex)
    age = _age(text)
    pregnant = _pregnant(text, sex, person, age)
    sides, bilateral, laterality = _sides(text)
    return PatientFacts(sex, age, laterality, pregnant, _stage(text, age, person, pregnant), person, sides, bilateral)
