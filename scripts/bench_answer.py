"""Benchmark answering quality and speed on a labelled split, leave-one-out.

Part ``case`` (default): the anchor baseline — copy the diseases, advice and answer of
the single most similar other case (character-bigram TF-IDF cosine of the questions) —
against the ``case`` backend with retrieved evidence, lexical only and with a dense
embedder, in the same run. Targets on real valid: F1 >= 0.35, ROUGE-L >= 0.40 (exact),
whole split <= 60 s on 2 CPU cores.

Part ``hf``: a transformers model (default Qwen2.5-Coder-0.5B-Instruct from
../shared/tools/offline-models) on the first N records with gold and with retrieved
context: F1 exact and fuzzy, ROUGE-L, tokens/s. Predictions are written incrementally
under runs/ and resume after a crash.

Run: python scripts/bench_answer.py [--part case|hf] [--embedder PATH] [--model PATH] [--n 50]
"""
import argparse
import math
import os
import time
from collections import Counter
from pathlib import Path

from rjua.data import load_split
from rjua.retrieval.bm25 import tokenize
from rjua.scoring import PredRow, load_predictions, score_predictions

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "rjua-qa"


def tfidf_1nn(records):
    docs = [Counter(tokenize(r.question, "char2")) for r in records]
    df = Counter(t for d in docs for t in d)
    n = len(docs)
    vecs = []
    for d in docs:
        v = {t: c * math.log((1 + n) / (1 + df[t])) + 0.0 for t, c in d.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vecs.append({t: x / norm for t, x in v.items()})
    preds = []
    for i, r in enumerate(records):
        sims = [(sum(w * vecs[j].get(t, 0.0) for t, w in vecs[i].items()), j) for j in range(n) if j != i]
        j = max(sims)[1]
        o = records[j]
        preds.append(PredRow(r.id, o.answer, list(o.diseases), list(o.advices)))
    return preds


def show(name, res, seconds=None, baseline=None):
    s = res.summary
    line = (f"{name:<34} F1 {s['f1']:.3f} [{s['ci95']['f1'][0]:.3f}, {s['ci95']['f1'][1]:.3f}]  disease {s['disease_f1']:.3f}"
            f"  advice {s['advice_f1']:.3f}  ROUGE-L {s['rouge_l']:.3f}")
    if seconds is not None:
        line += f"  {seconds:.1f} s"
    if baseline is not None:
        line += f"  (F1 x{s['f1'] / baseline.summary['f1']:.2f}, ROUGE-L x{s['rouge_l'] / baseline.summary['rouge_l']:.2f} vs anchor)"
    print(line)


def part_case(args, gold):
    from rjua.pipeline import build_pipeline

    anchor = score_predictions(gold, tfidf_1nn(gold), match=args.match)
    show("anchor: 1-NN TF-IDF copy", anchor)
    found = args.embedder and Path(args.embedder.split(":", 1)[-1] if args.embedder.startswith("onnx") else args.embedder).exists()
    embs = [None] + ([args.embedder] if found else [])
    for emb in embs:
        t = time.perf_counter()
        pipe = build_pipeline(args.split, args.data_dir, "case", embedder=emb, pool=[args.split])
        preds = pipe.answer_many([(r.question, r) for r in gold])
        secs = time.perf_counter() - t
        res = score_predictions(gold, [PredRow(p.id, p.answer, p.diseases, p.advices) for p in preds], match=args.match)
        show(f"case backend, {'dense ' + emb.split(':')[0] + ' ' + Path(emb).name if emb else 'lexical'}", res, secs, anchor)


def part_hf(args, gold):
    from rjua.runs import predict_split

    n = min(args.n, len(gold))
    for ctx in args.contexts:
        out = ROOT / "runs" / f"bench_hf_{Path(args.model).name}_{ctx}.jsonl"
        t = time.perf_counter()
        rows = predict_split(args.split, out, args.data_dir, "hf", args.model, ctx, pool=[args.split],
                             limit=n, batch_size=args.batch_size, progress=False, context_tokens=args.context_tokens,
                             backend_options={"max_new_tokens": args.max_new_tokens})
        wall = time.perf_counter() - t
        toks = sum(r.get("completion_tokens", 0) for r in rows)
        gen_s = sum(r["latency_s"] for r in rows)
        sub = gold[:n]
        preds = load_predictions(out)
        for match in ("exact", "fuzzy"):
            res = score_predictions(sub, preds, match=match)
            show(f"hf {Path(args.model).name} {ctx} ({match}, n={n})", res)
        print(f"    {toks} completion tokens in {gen_s:.0f} s of generation -> {toks / max(gen_s, 1e-9):.1f} tokens/s"
              f" (this call: {wall:.0f} s; resumed rows cost nothing)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=["case", "hf"], default="case")
    ap.add_argument("--data-dir", default=str(REAL) if REAL.is_dir() else None)
    ap.add_argument("--split", default="valid")
    ap.add_argument("--match", default="exact")
    ap.add_argument("--embedder", default=os.environ.get("RJUA_EMBEDDER", "/work/models/m3e-small"))
    ap.add_argument("--model", default="/work/models/qwen2.5-coder-0.5b-instruct")
    ap.add_argument("--contexts", nargs="*", default=["gold", "retrieved"])
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--batch-size", type=int, default=4)
    ap.add_argument("--max-new-tokens", type=int, default=192)
    ap.add_argument("--context-tokens", type=int, default=768)
    args = ap.parse_args()
    gold = load_split(args.split, args.data_dir)
    print(f"data: {args.data_dir or 'bundled sample'} split={args.split} n={len(gold)}, pool = same split, leave-one-out")
    (part_case if args.part == "case" else part_hf)(args, gold)


if __name__ == "__main__":
    main()
