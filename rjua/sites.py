"""Organ sites of the urinary and male genital tract: which a question gives a reason for, which an item is about.

Two readable tables, nothing else to edit:

* :data:`ORGANS` — the words that *name* a site (``输尿管`` → ureter). An item (a diagnosis, a procedure)
  is about the sites its words name (:func:`item_sites`); a site-less item (``泌尿道感染``, ``血尿``)
  is about none and is never judged against the question.
* :data:`POINTERS` — symptoms, tests and findings that *point to* sites (``腰痛`` → kidney, ureter;
  ``排尿困难`` → prostate, urethra, bladder; ``不育`` → testis, seminal tract, prostate).

A question supports every site it names and every site its symptoms point to
(:func:`question_sites`); the expert context (``--context gold``), when given, adds the sites it names.

>>> sorted(question_sites("32岁男性，包皮过长，想做包皮环切"))
['penis']
>>> sorted(item_sites("右肾错构瘤")), sorted(item_sites("左肾上腺肿瘤")), item_sites("泌尿道感染")
(['kidney'], ['adrenal'], set())
>>> supported("左输尿管结石", "我右边腰痛3天"), supported("阴茎肿瘤", "我右边腰痛3天")
(True, False)
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from .text import nfkc

__all__ = ["ORGANS", "POINTERS", "SITES", "item_sites", "question_sites", "supported", "unsupported_sites"]

# site -> words that name it (a regex); 肾 is the kidney except in 肾上腺 (adrenal)
ORGANS: dict[str, str] = {
    "kidney": r"肾(?!上腺)|肾盂|肾盏|肾脏|肾实质|肾小球|肾功能|肾衰|肾积水|肾绞痛|输尿管肾盂|PCNL|肾镜|肾切除",
    "ureter": r"输尿管|肾盂输尿管|UPJ|D-?J管|双J管",
    "bladder": r"膀胱|脐尿管|逼尿肌|尿失禁|尿潴留|TURBT",
    "prostate": r"前列腺|PSA|TURP|HoLEP|非那雄胺|度他雄胺|5[αa]-?还原酶|坦索罗辛|特拉唑嗪",
    "urethra": r"(?<!经)尿道(?!感染|镜)|淋病|淋球菌",
    "penis": r"阴茎|包皮|包茎|龟头|勃起|阳痿|早泄|西地那非|他达拉非",
    "scrotum": r"阴囊|睾丸|附睾|精索|鞘膜|隐睾",
    "seminal": r"精囊|射精管|血精|精液|精子|不育|输精管",
    "adrenal": r"肾上腺(?!素)|醛固酮|库欣|皮质醇|嗜铬细胞瘤|儿茶酚胺",
    "retroperitoneum": r"腹膜后",
}
SITES: tuple[str, ...] = tuple(ORGANS)

# words of a question -> the sites they point to (symptoms, tests, findings)
_LOWER = ("bladder", "prostate", "urethra")
_TRACT = ("kidney", "ureter", "bladder", "prostate", "urethra")
POINTERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"腰痛|腰疼|腰酸|腰部|腰背|肋腹|侧腹|肋脊角|叩击痛", ("kidney", "ureter", "retroperitoneum")),
    (r"腹痛|肚子痛|下腹|小腹|结石|积水|梗阻|泌尿系|尿路|CT|B超|彩超|超声|造影|MRI|核磁",
     ("kidney", "ureter", "bladder")),
    (r"血尿|尿血|尿中带血|尿色发?红|洗肉水|尿潜血|隐血|红细胞", _TRACT),
    (r"尿频|尿急|尿痛|排尿|小便|夜尿|起夜|尿等待|尿线|尿不尽|尿不出|憋不住|漏尿|尿失禁|尿潴留|尿流|残余尿|尿常规|白细胞|尿路感染|泌尿道感染",
     _LOWER),
    (r"会阴|耻骨上|肛门|直肠指检|指诊", ("bladder", "prostate")),
    (r"肌酐|尿素|肾小球滤过|eGFR|少尿|无尿|浮肿|水肿|蛋白尿|泡沫尿|透析", ("kidney", "ureter")),
    (r"高血压|低血钾|低钾|血钾|乏力|满月脸|向心性肥胖|多毛|心悸|阵发性|肾素", ("adrenal", "kidney")),
    (r"不育|不孕|备孕|要孩子|要小孩|生育|精子|精液|性生活|同房|射精", ("scrotum", "seminal", "prostate", "penis")),
    (r"勃起|阳痿|早泄|硬度", ("penis", "prostate")),
    (r"尿道口|分泌物|流脓|滴白|冶游|不洁性", ("urethra", "prostate")),
    (r"阴囊|蛋蛋|睾丸|腹股沟|坠胀", ("scrotum", "seminal")),
    (r"包块|肿块|占位|肿瘤|癌|转移|体检", ("kidney", "adrenal", "retroperitoneum")),
    (r"发热|发烧|寒战", ("kidney", "prostate", "scrotum")),
)

_ORGAN_RE = {s: re.compile(p, re.IGNORECASE) for s, p in ORGANS.items()}
_POINTER_RE = tuple((re.compile(p, re.IGNORECASE), sites) for p, sites in POINTERS)


def item_sites(item: str) -> set[str]:
    """The sites an item's words name (empty for a site-less item).

    >>> sorted(item_sites("左肾盂输尿管移行处结石")), sorted(item_sites("前列腺增生")), item_sites("骨转移")
    (['kidney', 'ureter'], ['prostate'], set())
    """
    text = nfkc(item or "")
    return {s for s, pat in _ORGAN_RE.items() if pat.search(text)}


def question_sites(question: str, context: str | Iterable[str] | None = None) -> set[str]:
    """The sites a question names or points to; ``context`` (expert passages) adds the sites it names.

    >>> sorted(question_sites("我老公不育，精液检查少精"))
    ['penis', 'prostate', 'scrotum', 'seminal']
    >>> sorted(question_sites("尿频尿急", context="Context：膀胱过度活动症是…"))
    ['bladder', 'prostate', 'urethra']
    """
    text = nfkc(question or "")
    out = item_sites(text)
    for pat, sites in _POINTER_RE:
        if pat.search(text):
            out.update(sites)
    if context:
        ctx = context if isinstance(context, str) else "\n".join(context)
        out |= item_sites(ctx)
    return out


def unsupported_sites(item: str, sites: set[str]) -> set[str]:
    """The sites ``item`` is about when none of them is among ``sites`` (empty when supported or site-less).

    >>> unsupported_sites("左肾错构瘤", {"penis"}), unsupported_sites("肾盂输尿管连接部狭窄", {"ureter"})
    ({'kidney'}, set())
    """
    mine = item_sites(item)
    return mine if mine and not (mine & sites) else set()


def supported(item: str, question: str, context: str | Iterable[str] | None = None) -> bool:
    """Whether the question (or context) gives a reason for the item's site (site-less items always are)."""
    return not unsupported_sites(item, question_sites(question, context))
