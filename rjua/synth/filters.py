"""Near-duplicate and contamination checks by character n-gram containment.

A candidate question is a near-copy of a reference when at least ``THRESHOLD`` (0.5)
of its character 5-grams (after NFKC, without whitespace and punctuation) occur in that
one reference. Against evaluation splits that is **contamination**; against cases
already kept it is a **duplicate**.

>>> idx = NgramIndex(["我65岁，夜尿4次，小便很慢，尿不干净，B超提示前列腺增大。"])
>>> idx.max_containment("我65岁，夜尿4次，小便很慢，尿不干净，B超提示前列腺增大!")[0] > 0.9
True
>>> idx.max_containment("右侧腰部绞痛伴血尿，CT提示输尿管结石")[0]
0.0
"""
from __future__ import annotations

from collections import Counter

from ..text import content_chars, ngrams

__all__ = ["N", "NgramIndex", "THRESHOLD", "grams"]

N = 5
THRESHOLD = 0.5


def grams(text: str, n: int = N) -> set[str]:
    """Set of character ``n``-grams of ``text``'s content characters (:func:`rjua.text.content_chars`).

    >>> grams("肾结石。", 2) == {"肾结", "结石"}
    True
    """
    return set(ngrams(content_chars(text), n))


class NgramIndex:
    """Inverted index of reference texts' n-grams."""

    def __init__(self, texts=(), n: int = N):
        self.n, self.texts, self.index = n, [], {}
        for t in texts:
            self.add(t)

    def add(self, text: str) -> None:
        i = len(self.texts)
        self.texts.append(text)
        for g in grams(text, self.n):
            self.index.setdefault(g, []).append(i)

    def max_containment(self, text: str) -> tuple[float, int | None]:
        """Largest share of ``text``'s n-grams found in one reference, and that reference's index."""
        gs = grams(text, self.n)
        if not gs:
            return 0.0, None
        hits = Counter(i for g in gs for i in self.index.get(g, ()))
        if not hits:
            return 0.0, None
        i, c = hits.most_common(1)[0]
        return c / len(gs), i
