"""Benchmark retrieval: query latency on the real knowledge base, and faiss scaling.

1. Query latency (encode + search + fusion) of the hybrid retriever on the real
   knowledge base, p50 / p95 over the valid questions, against the lexical-only
   retriever (BM25 + case expansion) in the same run. Target p50 <= 30 ms with m3e-small.
2. Scale: synthetic corpora of 10k / 100k / 1M 512-d vectors (a Gaussian mixture of
   clusters on the unit sphere, queries perturbed corpus points, so nearest neighbours
   are meaningful). Build time, index memory, p50 latency and recall@10 against exact
   search, per index kind. Target at 1M: p50 <= 50 ms with recall >= 0.95.

Run: python scripts/bench_retrieval.py [--embedder /path/to/m3e-small] [--sizes 10000 100000 1000000]
"""
import argparse
import os
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "rjua-qa"


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def pct(xs, q):
    return float(np.percentile(np.asarray(xs) * 1e3, q))


def latency(args):
    from rjua.data import load_split
    from rjua.retrieval.build import build_retriever

    data = args.data_dir or (REAL if REAL.is_dir() else None)
    qs = [r.question for r in load_split("valid", data)]
    rows = []
    for name, emb in (("lexical (bm25+cases)", None), (f"hybrid ({args.embedder})", args.embedder)):
        if emb is not None and not Path(emb).exists() and "/" in emb and not args.allow_download:
            print(f"skip {name}: embedder not found")
            continue
        r, info = build_retriever(data, ["valid"], emb)
        r.search(qs[0])  # warm-up (loads the model)
        ts = []
        cache = getattr(r.encoder, "_cache", None)
        for i, q in enumerate(qs):
            if cache is not None:
                cache.clear()  # measure real encoding (building the index encoded these questions already)
            t = time.perf_counter()
            r.search(q, k=5, n_cases=5, exclude_cases={f"valid:{i}"})
            ts.append(time.perf_counter() - t)
        rows.append((name, pct(ts, 50), pct(ts, 95)))
        print(f"{name}: {info['n_passages']} passages, {len(qs)} queries: p50 {pct(ts, 50):.1f} ms, "
              f"p95 {pct(ts, 95):.1f} ms")
    if len(rows) == 2:
        print(f"hybrid / lexical p50 ratio: {rows[1][1] / rows[0][1]:.1f}x (target: hybrid p50 <= 30 ms)")


def clustered(n, dim, rng, n_centres=2000, noise=0.5):
    centres = rng.standard_normal((n_centres, dim)).astype("float32")
    x = np.empty((n, dim), dtype="float32")
    step = 100_000
    for s in range(0, n, step):
        m = min(step, n - s)
        x[s:s + m] = centres[rng.integers(0, n_centres, m)] + noise * rng.standard_normal((m, dim)).astype("float32") / np.sqrt(dim) * 8
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def scale(args):
    import faiss

    from rjua.retrieval.index import VectorIndex

    faiss.omp_set_num_threads(os.cpu_count() or 1)
    dim, k, nq = 512, 10, args.queries
    for n in args.sizes:
        rng = np.random.default_rng(0)
        x = clustered(n, dim, rng)
        q = x[rng.choice(n, nq, replace=False)] + 0.02 * rng.standard_normal((nq, dim)).astype("float32")
        q /= np.linalg.norm(q, axis=1, keepdims=True)
        kinds = ["flat", "hnsw", "ivf"] if n <= 100_000 else ["flat", "ivf"]
        exact = None
        for kind in kinds:
            m0, t0 = rss_mb(), time.perf_counter()
            vi = VectorIndex(x, kind=kind)
            build = time.perf_counter() - t0
            mem = rss_mb() - m0
            _, ids = vi.search(q, k)
            if kind == "flat":
                exact = ids
            recall = np.mean([len(set(a) & set(b)) / k for a, b in zip(ids, exact)])
            ts = []
            for row in q[:100]:
                t = time.perf_counter()
                vi.search(row, k)
                ts.append(time.perf_counter() - t)
            extra = f" nprobe={vi.index.nprobe} nlist={vi.index.nlist}" if kind == "ivf" else ""
            print(f"n={n:>8} {kind:<5}{extra}: build {build:6.1f} s, +{mem:7.0f} MB, p50 {pct(ts, 50):6.2f} ms, "
                  f"p95 {pct(ts, 95):6.2f} ms, recall@10 vs exact {recall:.3f}")
            if kind == "flat":
                flat_p50 = pct(ts, 50)
            else:
                print(f"           {kind} is {flat_p50 / pct(ts, 50):.1f}x faster than exact flat search at p50")
            del vi
        del x


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--embedder", default=os.environ.get("RJUA_EMBEDDER", "/work/models/m3e-small"))
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--allow-download", action="store_true")
    ap.add_argument("--skip-latency", action="store_true")
    args = ap.parse_args()
    if not args.skip_latency:
        latency(args)
    scale(args)


if __name__ == "__main__":
    main()
