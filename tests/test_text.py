"""rjua.text is the one normaliser: it must give exactly what each module's former own copy gave."""
import re
import unicodedata

from hypothesis import given, settings, strategies as st

from rjua.items import normalize_item
from rjua.kb import normalize_passage
from rjua.metrics import chars
from rjua.retrieval.bm25 import tokenize
from rjua.synth.filters import grams
from rjua.text import content_chars, ngrams, no_space, squeeze

_CHARS = list("肾结石尿频 \t\n\u3000\u00a0，。、；（）ＡｂC!?-1２") + ["\x1c"]
_TEXT = st.text(alphabet=st.sampled_from(_CHARS), max_size=30)


def _content(t):  # the former bm25 / synth.filters filter
    return "".join(ch for ch in t if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_same_as_former_copies(t):
    n = unicodedata.normalize("NFKC", t)
    assert chars(t) == no_space(t) == "".join(n.split()) == re.sub(r"\s+", "", n)
    assert normalize_passage(t) == squeeze(t) == re.sub(r"\s+", " ", n).strip()
    low = _content(n.lower())
    assert tokenize(t, "char2") == ([low[i:i + 2] for i in range(len(low) - 1)] or list(low))
    assert tokenize(t, "char12") == list(low) + [low[i:i + 2] for i in range(len(low) - 1)]
    c = _content(n)
    assert content_chars(t) == c and content_chars(t, lower=True) == low
    assert grams(t, 3) == {c[i:i + 3] for i in range(max(0, len(c) - 3 + 1))} == set(ngrams(c, 3))
    # items keep one space between Latin words ("penile tumor") and drop every other whitespace
    assert normalize_item(t) == normalize_item(re.sub(r"\s+", " ", n))
