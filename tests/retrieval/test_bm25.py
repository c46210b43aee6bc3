"""rjua's BM25 against the textbook Okapi formula and against bm25s used directly (same tokens, k1, b)."""
import math
from collections import Counter

import numpy as np
import pytest

from rjua.retrieval.bm25 import BM25, tokenize

bm25s = pytest.importorskip("bm25s")

DOCS = ["左输尿管结石伴肾积水，腰痛三天", "前列腺增生导致尿潴留，夜尿增多", "膀胱肿瘤，无痛性肉眼血尿",
        "右肾结石，体外冲击波碎石后复查", "尿路感染，尿频尿急尿痛，发热", "睾丸扭转，阴囊剧痛，急诊手术探查",
        "肾结石反复发作，输尿管镜碎石取石", "前列腺癌，PSA 升高，穿刺活检", "", "。。！"]
QUERIES = ["输尿管结石肾积水", "夜尿多，排尿困难", "血尿", "肾结石 碎石", "阴囊痛", "PSA 高", "没有匹配的词语"]


def okapi(docs, query, k1=1.2, b=0.75):
    """Textbook Okapi BM25 with the Lucene IDF, unique query terms, written out term by term."""
    toks = [tokenize(d) for d in docs]
    n, avg = len(toks), sum(map(len, toks)) / len(toks)
    df = Counter(t for d in toks for t in set(d))
    out = []
    for d in toks:
        tf = Counter(d)
        out.append(sum(math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5)) * tf[t] * (k1 + 1)
                       / (tf[t] + k1 * (1 - b + b * len(d) / avg)) for t in set(tokenize(query)) if t in tf))
    return np.array(out)


@pytest.mark.parametrize("k1,b", [(1.2, 0.75), (1.5, 0.3)])
def test_scores_equal_the_okapi_formula(k1, b):
    bm = BM25(k1=k1, b=b).fit(DOCS)
    for q in QUERIES:
        np.testing.assert_allclose(bm.scores(q), okapi(DOCS, q, k1, b), rtol=1e-9, atol=1e-12)


def test_ranking_agrees_with_bm25s_used_directly():
    ref = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
    ref.index([tokenize(d) for d in DOCS], show_progress=False)
    bm = BM25().fit(DOCS)
    for q in QUERIES[:-1]:  # every query but the last matches something
        s = bm.scores(q)
        k = int((s > 0).sum())
        ids, ref_scores = ref.retrieve([sorted(set(tokenize(q)))], k=k, show_progress=False)
        assert list(np.argsort(-s, kind="stable")[:k]) == list(ids[0]), q
        np.testing.assert_allclose(s[ids[0]], ref_scores[0] * 2.2, rtol=1e-5)  # bm25s leaves out k1 + 1


def test_degenerate_corpora_and_queries():
    assert BM25().fit(DOCS).scores("没有匹配的词语").tolist() == [0.0] * len(DOCS)
    assert BM25().fit(["。", ""]).scores("肾结石").tolist() == [0.0, 0.0]
    assert BM25().fit([]).scores("肾结石").tolist() == []
    with pytest.raises(RuntimeError, match="fit"):
        BM25().scores("肾结石")
    with pytest.raises(ValueError, match="tokenizer"):
        BM25("char3")
