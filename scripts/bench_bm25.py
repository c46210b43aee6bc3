"""Compare rjua's BM25 (rjua.retrieval.bm25) with the bm25s library on the real knowledge base.

Same tokenisation (rjua's ``tokenize``, pre-tokenised input to bm25s), same k1 / b, Lucene IDF (rjua's
``log1p((N - df + 0.5) / (df + 0.5))``); bm25s leaves out the constant ``(k1 + 1)`` factor, so its scores are
multiplied back before comparing. Reports:

1. retrieval quality (``rjua retrieval-eval`` metrics: hit@5, recall@20, MRR@10, nDCG@10) of the lexical modes
   ``bm25`` and ``bm25+cases`` with either scorer inside the retriever;
2. score agreement (max relative difference, identical top-20 rankings) on the valid questions;
3. index-build time (knowledge-base passages) and query time (all valid questions), best of ``--repeats``.

Run: python scripts/bench_bm25.py [--data-dir DIR] [--repeats 3] [--json docs/results/bm25_vs_bm25s.json]
"""
import argparse
import json
import time
from pathlib import Path

import bm25s
import numpy as np

import rjua.retrieval.hybrid as hybrid
from rjua.data import load_split
from rjua.retrieval.bm25 import BM25, tokenize
from rjua.retrieval.build import build_retriever
from rjua.retrieval.evaluate import evaluate

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "rjua-qa"


class BM25S:
    """bm25s behind rjua's ``BM25`` interface (``fit`` / ``scores``), scores on rjua's scale."""

    def __init__(self, tokenizer: str = "char2", k1: float = 1.2, b: float = 0.75):
        self.tokenizer, self.k1, self.b = tokenizer, k1, b

    def fit(self, docs):
        self.n_docs = len(docs)
        self.model = bm25s.BM25(k1=self.k1, b=self.b, method="lucene", dtype="float64")
        self.model.index([tokenize(d, self.tokenizer) for d in docs], show_progress=False)
        return self

    def scores(self, query: str) -> np.ndarray:
        toks = sorted(set(tokenize(query, self.tokenizer)) & self.model.vocab_dict.keys())
        if not toks:
            return np.zeros(self.n_docs)
        return self.model.get_scores(toks) * (self.k1 + 1)


def quality(data, modes):
    out = {}
    for name, cls in (("rjua", BM25), ("bm25s", BM25S)):
        hybrid.BM25 = cls
        r, _ = build_retriever(data, ["valid"], None)
        out[name] = evaluate(r, load_split("valid", data), "valid", modes)
    hybrid.BM25 = BM25
    return out


def agreement(texts, queries):
    a, b = BM25().fit(texts), BM25S().fit(texts)
    rel, same = [], 0
    for q in queries:
        sa, sb = a.scores(q), b.scores(q)
        rel.append(float(np.max(np.abs(sa - sb)) / max(1e-12, float(np.max(np.abs(sa))))))
        same += list(np.argsort(-sa, kind="stable")[:20]) == list(np.argsort(-sb, kind="stable")[:20])
    return {"max_rel_score_diff": max(rel), "identical_top20": same, "n_queries": len(queries)}


def timing(texts, queries, repeats):
    out = {}
    for name, cls in (("rjua", BM25), ("bm25s", BM25S)):
        build, query = [], []
        for _ in range(repeats):
            t0 = time.perf_counter()
            m = cls().fit(texts)
            t1 = time.perf_counter()
            for q in queries:
                m.scores(q)
            t2 = time.perf_counter()
            build.append(t1 - t0)
            query.append((t2 - t1) / len(queries))
        out[name] = {"build_s": [round(x, 4) for x in build], "query_ms": [round(x * 1e3, 4) for x in query],
                     "build_s_best": round(min(build), 4), "query_ms_best": round(min(query) * 1e3, 4)}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", default=str(REAL) if REAL.is_dir() else None)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", type=Path, help="write the results here")
    args = ap.parse_args()
    r, info = build_retriever(args.data_dir, ["valid"], None)
    texts, queries = r.kb.texts, [x.question for x in load_split("valid", args.data_dir)]
    res = {"bm25s_version": bm25s.__version__, "tokenizer": r.config.tokenizer, "k1": 1.2, "b": 0.75,
           "n_passages": info["n_passages"], "n_queries": len(queries),
           "quality": quality(args.data_dir, ["bm25", "bm25+cases"]),
           "agreement": agreement(texts, queries), "timing": timing(texts, queries, args.repeats)}
    print(json.dumps(res, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
