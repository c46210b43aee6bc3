"""Splitting and normalising disease / advice items: the one place that does it.

The loader uses :func:`split_items` to build ``Record.diseases`` / ``Record.advices``
and the scorer uses the very same function on predictions, so gold and predicted
items are always cut and cleaned alike.

Separators actually used in RJUA-QA: ``、`` ``，`` ``,`` ``；`` ``;`` and newlines;
``+`` and ``/`` separate items unless both neighbours are ASCII letters or digits
(``TURP+膀胱造瘘`` is two items, ``PSA/fPSA`` and ``PET/CT`` stay one). Separators inside balanced
brackets do not split (``止痛药（如布洛芬、对乙酰氨基酚）`` is one item). Model answers also join items
with ``|``, with a space between two Chinese items (``肾结石 肾积水``) and with inline numbering
(``1.肾结石 2.肾积水``): each of these splits too.

Normalisation (:func:`normalize_item`): NFKC, zero-width characters and Chinese quote marks
(``「」『』《》〈〉“”‘’``) removed, whitespace removed except one space between two ASCII words
(``penile tumor``), list markers and edge punctuation stripped. Matching compares
:func:`match_key` (the item with ASCII case folded and spaces dropped: ``psa检查`` = ``PSA检查``).

>>> split_items("左输尿管结石、肾积水，尿路感染\\n")
['左输尿管结石', '肾积水', '尿路感染']
>>> split_items("PSA/fPSA检查、全膀胱切除术+回肠代膀胱")
['PSA/fPSA检查', '全膀胱切除术', '回肠代膀胱']
>>> normalize_item(" 1. 前列腺增生。")
'前列腺增生'
>>> split_items("1.肾结石 2.肾积水|「尿路感染」"), normalize_item("Penile  tumor\u200b")
(['肾结石', '肾积水', '尿路感染'], 'Penile tumor')
"""
from __future__ import annotations

import re

from .text import nfkc

__all__ = ["match_key", "normalize_item", "split_items"]

# After NFKC, full-width ，；：（） become , ; : ( ).
_HARD_SEPS = set("、,;\n|")
_SOFT_SEPS = set("+/")
_OPEN, _CLOSE = "([【", ")]】"
_BULLET = re.compile(r"^(?:[(\[]?\d{1,2}[.、):\]]|[①-⑳]|[-*•·]|[一二三四五六七八九十][、.])\s*")
_EDGE_PUNCT = "。.,，、;；:：!！?？\"'“”‘’ \t"
_DROP = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad「」『』《》〈〉“”‘’"))
_WS = re.compile(r"\s+")
_INNER_WS = re.compile(r"(?<=[A-Za-z0-9]) (?=[A-Za-z0-9])")
# where an item boundary hides without a separator: a space between two non-ASCII (Chinese) characters,
# or an inline list number ("1.肾结石 2.肾积水", "①肾结石②肾积水") after a space or a Chinese character
_CIRCLED = re.compile("[\u2460-\u2473\u2776-\u277f]")
_CJK_SPACE = re.compile(r"(?<=[^\x00-\x7f\s])[ \t\u3000]+(?=[^\x00-\x7f\s])")
_INLINE_NUM = re.compile(r"(?:(?<=\s)(?=[(\[]?(\d{1,2})[.、)\]]\s*[^\d\s.])"
                         r"|(?<=[^\x00-\x7f\s(\[【])(?=[(\[]?(\d{1,2})[.)\]]\s*[^\d\s.]))")
_LEAD_NUM = re.compile(r"^\s*[(\[]?(\d{1,2})[.、)\]]")


def normalize_item(item: str) -> str:
    """Canonical form of one item: NFKC, no whitespace, no list marker, no edge punctuation.

    >>> normalize_item("（PSA）检查；"), normalize_item("《肾结石》"), normalize_item("前列腺 增生")
    ('(PSA)检查', '肾结石', '前列腺增生')
    """
    s = _WS.sub(" ", nfkc(_CIRCLED.sub("", item)).translate(_DROP)).strip()
    s = "".join(_INNER_WS.sub("\0", s).split()).replace("\0", " ")
    prev = None
    while prev != s:
        prev = s
        s = _BULLET.sub("", s).strip(_EDGE_PUNCT)
    return s


def match_key(item: str) -> str:
    """What matching compares: the normalised item, ASCII case folded, spaces dropped.

    >>> match_key("psa检查") == match_key("PSA检查"), match_key("Penile tumor")
    (True, 'peniletumor')
    """
    s = normalize_item(item)
    return "".join(ch.lower() if ch.isascii() else ch for ch in s if ch != " ")


def _split_numbering(text: str) -> str:
    """A newline before each inline list number, when the numbers count 1, 2, 3… (``1.肾结石 2.肾积水``,
    ``1.肾结石2.肾积水``, ``1、肾结石 2、肾积水``); ``、`` right after a character is the item separator, so
    ``1、列2、A`` stays three items.

    >>> _split_numbering("1.肾结石 2.肾积水"), _split_numbering("1、列2、A")
    ('肾结石 \\n肾积水', '1、列2、A')
    """
    marks = list(_INLINE_NUM.finditer(text))
    if not marks:
        return text
    lead = _LEAD_NUM.match(text)
    nums = ([int(lead.group(1))] if lead else []) + [int(m.group(1) or m.group(2)) for m in marks]
    if nums != list(range(1, len(nums) + 1)) or len(nums) < 2:
        return text
    cuts = [m.start() for m in marks]
    parts = [text[a:b] for a, b in zip([0] + cuts, cuts + [len(text)])]
    return "\n".join(_LEAD_NUM.sub("", p) for p in parts)


def _is_ascii_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _cut(text: str, protect_brackets: bool) -> list[str]:
    parts, buf, depth = [], [], 0
    for i, ch in enumerate(text):
        if protect_brackets and ch in _OPEN:
            depth += 1
        elif protect_brackets and ch in _CLOSE and depth:
            depth -= 1
        is_sep = ch in _HARD_SEPS or (
            ch in _SOFT_SEPS
            and not (0 < i < len(text) - 1 and _is_ascii_word(text[i - 1]) and _is_ascii_word(text[i + 1]))
        )
        if is_sep and depth == 0:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return parts if depth == 0 or not protect_brackets else _cut(text, False)


def split_items(text: str | list[str] | tuple[str, ...] | None) -> list[str]:
    """Split a label string (or a list of them) into normalised, de-duplicated items.

    Order is kept; empty items are dropped. A list is split element by element.

    >>> split_items(["睾丸炎", "睾丸扭转、脓毒血症"])
    ['睾丸炎', '睾丸扭转', '脓毒血症']
    >>> split_items("")
    []
    """
    if text is None:
        return []
    if isinstance(text, (list, tuple)):
        chunks = [str(t) for t in text]
    else:
        chunks = [text]
    out: list[str] = []
    seen: set[str] = set()
    for chunk in chunks:
        text = nfkc(_CIRCLED.sub("\n", chunk)).translate(_DROP)  # NFKC would turn ① into 1
        text = _split_numbering(_CJK_SPACE.sub("\n", text))
        for part in _cut(text, True):
            item = normalize_item(part)
            if item and item not in seen:
                seen.add(item)
                out.append(item)
    return out
