"""What a question tells of a bladder cancer's pathology, read clause by clause in the question as written: a
resection done, a cancer proven by its pathology, a muscle invasion, a recurrence after instillations, a
cystoscopic biopsy. A clause counts only where it states the fact: not asked (是否有肌层浸润？), feared (怕是…),
doubted (可能, 待排, 不排除), denied (未见尿路上皮癌), awaited (病理还没出), planned (准备做电切), of a relative
(父亲膀胱癌…) or read from an image (MRI提示肌层浸润可能). A question that tells an upper-tract cancer (肾盂,
输尿管, 上尿路) tells no bladder pathology: its course is the upper tract's.

Each reading is a :class:`Told` whose ``search`` answers like a pattern's, so that :data:`rjua.guidance_paths.AS_TOLD`
holds it in place of a regular expression.

>>> TOLD["invaded"].search("膀胱电切术后病理：高级别尿路上皮癌，侵犯固有肌层") is not None
True
>>> TOLD["invaded"].search("膀胱电切术后病理：尿路上皮癌，是否有肌层浸润？") is None
True
>>> TOLD["resected"].search("活检病理尿路上皮癌，下周准备做膀胱电切") is None
True
>>> TOLD["resected"].search("膀胱电切术后1个月，病理尿路上皮癌")
'膀胱电切术后1个月'
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .pictures import own_written
from .site_tables import FEARED

__all__ = ["TOLD", "Told", "clauses"]

_CUT = re.compile(r"(?<=[？?])|[，,。；;！!\n]")
# a clause that does not state a fact of this patient's pathology (a relative's clauses are left out before:
# :func:`rjua.pictures.own_written`)
_NOT_STATED = re.compile(rf"{FEARED}|[?？吗]|是否|是不是|有没有|有无|了没|要不要|待排|待除外|除外|不排除|排除|可能|"
                         r"可疑|疑似|怀疑|还没|尚未|未出|没出|等待|什么时候|还是|几天|多久|能不能|可不可以")
# a doubt told before the fact (不知道侵犯肌层没有; not 侵犯肌层不知道怎么办)
_DOUBT_BEFORE = re.compile(r"不确定|不知道|不清楚|不明白")
_IMAGE = re.compile(r"MRI|CT|B超|超声|彩超|影像|增强|核磁|磁共振", re.IGNORECASE)
_PLANNED = re.compile(r"准备|计划|拟|打算|下周|明天|预约|将要|要做|需要|建议|排队")
_DENIED = r"(?:未见|未发现|无|没有|非(?!肌层)|不是|未|没)"
# a denial or doubt written after the fact (肌层浸润：无, 侵犯肌层不明确, 肌层浸润(-))
_DENIED_AFTER = re.compile(r"^[:：\s]*(?:无|未见|未|阴性|[(（][-−－][)）]|-)(?:[，,。；;]|$)|"
                           r"^[^，,。；;]{0,6}(?:不明确|不详|无法评估|不能确定|与否|待定)")
# an upper-tract cancer told (not denied): its pathology is the upper tract's, where no bladder tumour is told too
_UPPER_TRACT = (r"(?:肾盂|输尿管(?!口|开口|间嵴)|上尿路)[^，,。；;]{0,10}(?:癌|肿瘤|占位|新生物|尿路上皮)|"
                r"(?:输尿管软?镜|肾盂镜)[^，,。；;]{0,4}活检")
_BLADDER_TOLD = r"膀胱[^，,。；;镜]{0,4}(?:占位|肿瘤|癌|新生物|肿物|复发|电切)"
_CANCER = r"尿路上皮(?:细胞)?癌|移行(?:上皮)?(?:细胞)?癌|膀胱癌"
_OTHER_ORGAN = re.compile(r"肾盂|输尿管(?!口|开口)|上尿路|前列腺|脐尿管|肾(?!上腺)")
_INVASION = (r"(?:侵犯|侵及|累及|浸润)(?:至|到|了)?[^，,。；;]{0,6}(?<!黏膜)(?<!粘膜)(?:平滑肌|肌层|固有肌|逼尿肌)|"
             r"(?<!非)(?<!黏膜)(?<!粘膜)肌层(?:浸润|受侵|受累|[(（]\+[)）]|见[^，,。；;]{0,4}(?:癌|肿瘤)[^，,。；;]{0,4}浸润)|"
             r"到了?肌层|(?<![A-Za-z])p?T[2-4][ab]?(?=期|N|M|$|[，,。；;\s])")
# a transurethral resection of the bladder (电切 alone in a clause of no other organ: the question tells a bladder
# tumour)
_RESECTION = (r"(?:膀胱|TURBT?)[^，,。；;]{0,12}(?:电切|电灼|TURBT?)|TURBT?|"
              r"(?:做了|做过|行了?|已行|接受了?|已经做了?)[^，,。；;]{0,6}(?:经尿道[^，,。；;]{0,8}(?:电切|切除)|电切)|"
              r"(?:经尿道[^，,。；;]{0,8})?电切(?:术|手术)?(?:后|以后)")
# a new tumour found after the instillations (not the tumour's hospital, markers, control or its disappearance)
_RECURRENCE = (r"复发|又长|再长|新发|占位|新生物|(?<![A-Za-z])MT(?![A-Za-z])|"
               r"(?:发现|见|示|提示|又|再次?|新|出现)[^，,。；;]{0,6}(?:肿瘤|肿物)")
# (not the tumour's hospital, markers, control or disappearance, a clean look, or the instillations' side effects)
_NOT_RECURRENCE = re.compile(r"预防|防止|降低|减少|避免|肿瘤医院|肿瘤科|肿瘤标志物|消失|没有了|控制|未见|未发现|没有|"
                             r"阴性|正常|血尿|尿频|尿急|尿痛|发热|发烧|感染")


def clauses(question: str) -> list[str]:
    """The question's clauses, cut at commas and sentence ends (a question mark stays in its clause).

    >>> clauses("病理：尿路上皮癌，是否有肌层浸润？还要化疗吗")
    ['病理：尿路上皮癌', '是否有肌层浸润？', '还要化疗吗']
    """
    return [c for c in _CUT.split(question or "") if c]


def _stated(clause: str, fact: str, *, image_ok: bool = False) -> bool:
    """Whether ``clause`` states ``fact`` (a pattern) of this patient, no mention of it denied right before it."""
    if _NOT_STATED.search(clause) or (not image_ok and _IMAGE.search(clause)):
        return False
    found = list(re.finditer(fact, clause))
    return bool(found) and not any(re.search(rf"{_DENIED}[^，,。；;]{{0,6}}$", clause[:m.start()])
                                   or _DOUBT_BEFORE.search(clause[:m.start()])
                                   or _DENIED_AFTER.search(clause[m.end():]) for m in found)


def _proven(clause: str) -> bool:
    """A clause telling a bladder cancer proven by pathology or biopsy (病理：高级别尿路上皮癌)."""
    return bool(re.search(r"病理|活检", clause)) and not _OTHER_ORGAN.search(clause) and _stated(clause, _CANCER)


def _resected(clause: str) -> bool:
    """A clause telling a transurethral resection of the bladder done (not planned, not a cystectomy)."""
    m = re.search(_RESECTION, clause)
    return bool(m) and not _PLANNED.search(clause[:m.start()]) and not _OTHER_ORGAN.search(clause) \
        and _stated(clause, _RESECTION, image_ok=True)


def _instilled(clause: str) -> bool:
    """A clause telling instillations given (not asked about, planned or advised)."""
    return "灌注" in clause and not _PLANNED.search(clause) and not _NOT_STATED.search(clause)


def _recurred(clause: str) -> bool:
    """A clause telling a new bladder tumour found (not its prevention, fear or absence)."""
    return not _NOT_RECURRENCE.search(clause) and _stated(clause, _RECURRENCE, image_ok=True)


def _first(cs: list[str], fits) -> str | None:
    return next((c for c in cs if fits(c)), None)


def _invaded(cs: list[str]) -> str | None:
    # (a pathologist's 考虑 is no invasion stated: 考虑侵犯肌层)
    return _first(cs, lambda c: not _OTHER_ORGAN.search(c) and "考虑" not in c and _stated(c, _INVASION))


def _recurrence(cs: list[str]) -> str | None:
    first = next((i for i, c in enumerate(cs) if _instilled(c)), None)
    if first is None or _first(cs, _resected) is None:
        return None
    after = cs[first].split("灌注", 1)[1]  # the instillation's own clause after it (灌注半年后又复发了)
    return _first([after, *cs[first + 1:]], _recurred)


def _biopsied(cs: list[str]) -> str | None:
    return None if _first(cs, _resected) else _first(cs, lambda c: "膀胱镜" in c and not _PLANNED.search(c))


# each reading: the clauses of a question telling a proven bladder cancer -> the clause that tells it, or None
_READINGS = {"invaded": _invaded, "recurred": _recurrence, "resected": lambda cs: _first(cs, _resected),
             "biopsied": _biopsied}


@dataclass(frozen=True)
class Told:
    """A reading of the question's clauses; ``search`` returns the first clause it fits, or None."""

    kind: str

    def search(self, question: str) -> str | None:
        """The clause that tells this kind of pathology (:data:`TOLD`), or None where the question tells none."""
        cs = clauses(own_written(question))
        upper = any(_stated(c, _UPPER_TRACT, image_ok=True) for c in cs)
        if upper and not any(_stated(c, _BLADDER_TOLD, image_ok=True) for c in cs) or not any(map(_proven, cs)):
            return None
        return _READINGS[self.kind](cs)


# the readings, by the course they call for (:data:`rjua.guidance_paths.AS_TOLD`)
TOLD = {kind: Told(kind) for kind in _READINGS}
