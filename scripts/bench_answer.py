"""Benchmark answering quality, clinical consistency and speed on a labelled split.

Part ``case`` (default): the anchor baseline — copy the diseases, advice and answer of
the single most similar other case (character-bigram TF-IDF cosine of the questions) —
against the ``case`` backend, lexical and with a dense embedder, each measured two ways in
the same run:

* ``LOO``: leave-one-out over the split (the pool is the split minus the record answered;
  the selector is cross-fitted on the same pool, so near-duplicates leak into its features);
* ``CV5``: honest 5-fold cross-validation (:mod:`rjua.crossval`): each fold is answered by a
  pipeline built only from the other folds — case base, label counts, selector weights and
  the neighbours behind its training features. Defaults are chosen on this number.

For every run it prints the clinical-consistency flags (:mod:`rjua.consistency`, records
flagged per rule group) next to those of the gold labels. Targets on real valid (5-fold CV,
2 CPU cores): F1 >= 0.35 / ROUGE-L >= 0.39 with m3e-small, >= 0.33 / 0.38 lexical; 0 sex and
age conflicts, 0 wrong-person replies; whole split <= 60 s lexical.

Part ``hf``: a transformers model (default a local copy of Qwen2.5-Coder-0.5B-Instruct
under models/, ``--model`` to change) on the first N records with gold and with retrieved
context: F1 exact and fuzzy, ROUGE-L, tokens/s. Predictions are written incrementally
under runs/ and resume after a crash.

Part ``reply``: the ``case`` backend's reply, 5-fold CV, in the same run: the reply written for the patient
(:mod:`rjua.compose`, today's) against the minimum-Bayes-risk neighbour reply adapted to the patient (the
earlier reply, rebuilt from the same predictions' similar cases and passed through the same guard) and the
doctors' reference replies: exact F1, ROUGE-L, the share of replies naming one of the answer's own
diagnoses, and the share asserting patient history or findings the question does not contain (the
faithfulness rules, :mod:`rjua.faithfulness`); then the same for ``--context gold``. ``--read N --seed S``
prints N seeded random answers for a reading by hand; ``--exclude-read S1,S2,…`` draws them only from the
records no reading with those seeds has shown (a reading of records the rules were never written from).

Run: python scripts/bench_answer.py [--part case|hf|reply] [--embedder PATH|none] [--folds 5] [--model PATH] [--n 50]
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
    lo, hi = s["ci95"]["f1"]
    line = (f"{name:<34} F1 {s['f1']:.3f} [{lo:.3f}, {hi:.3f}]  disease {s['disease_f1']:.3f}"
            f"  advice {s['advice_f1']:.3f}  ROUGE-L {s['rouge_l']:.3f}")
    if seconds is not None:
        line += f"  {seconds:.1f} s"
    if baseline is not None:
        b = baseline.summary
        line += f"  (F1 x{s['f1'] / b['f1']:.2f}, ROUGE-L x{s['rouge_l'] / b['rouge_l']:.2f} vs anchor)"
    print(line)


def tfidf_1nn_folds(records, folds):
    """The anchor under the same folds: the nearest case among the other folds (IDF from those folds too)."""
    preds = {}
    for f in sorted(set(folds.values())):
        train = [r for r in records if folds[r.id] != f]
        test = [r for r in records if folds[r.id] == f]
        docs = [Counter(tokenize(r.question, "char2")) for r in train + test]
        df = Counter(t for d in docs[:len(train)] for t in d)
        n = len(train)
        vecs = []
        for d in docs:
            v = {t: c * math.log((1 + n) / (1 + df[t])) for t, c in d.items()}
            norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
            vecs.append({t: x / norm for t, x in v.items()})
        for i, r in enumerate(test):
            q = vecs[len(train) + i]
            j = max(range(n), key=lambda j: (sum(w * vecs[j].get(t, 0.0) for t, w in q.items()), -j))
            o = train[j]
            preds[r.id] = PredRow(r.id, o.answer, list(o.diseases), list(o.advices))
    return [preds[r.id] for r in records]


def reachability(gold, folds, kb):
    """Share of held-out gold disease items that a candidate set contains (exact), per fold, without and with
    the open-vocabulary generator: (a) every pool label of the training folds, (b) the case backend's own
    candidates (labels of the 10 most similar training cases + pool labels found in the question)."""
    from rjua.backends.case import fix_side, side_of
    from rjua.extract import Vocabulary
    from rjua.kb import CaseBase
    from rjua.ontology import Ontology
    from rjua.retrieval.hybrid import HybridRetriever

    hit, size, total = Counter(), Counter(), 0
    for f in sorted(set(folds.values())):
        train = [r for r in gold if folds[r.id] != f]
        retriever = HybridRetriever(kb, CaseBase.from_splits({"train": train}))
        pool = {d for r in train for d in r.diseases}
        onto, vocab = Ontology.build(pool, kb.texts), Vocabulary.from_items(pool, [])
        for r in (r for r in gold if folds[r.id] == f):
            side, res = side_of(r.question), retriever.search(r.question, k=5, n_cases=10)
            passages = [p.text for p in res.passages]
            closed = {fix_side(d, side) for d in pool}
            near = {fix_side(d, side) for c in res.cases for d in c.diseases}
            near |= set(vocab.find(r.question, "disease", loose=False))
            sets = {"pool": closed, "pool+generator": closed | set(onto.generate(r.question, passages, side, closed)),
                    "case": near, "case+generator": near | set(onto.generate(r.question, passages, side, near))}
            for name, cands in sets.items():
                hit[name] += sum(d in cands for d in r.diseases)
                size[name] += len(cands)
            total += len(r.diseases)
    for a, b in (("pool", "pool+generator"), ("case", "case+generator")):
        print(f"    reachable held-out gold diseases, {a + ' labels':<11}: {hit[a] / total:.1%} "
              f"({size[a] / len(gold):.0f} candidates/record) -> with generator {hit[b] / total:.1%} "
              f"({size[b] / len(gold):.0f}/record),"
              f" +{100 * (hit[b] - hit[a]) / total:.1f} points")


def consistency_line(gold, rows):
    from rjua.consistency import check, summarise

    g = {r.id: r for r in gold}
    s = summarise([check(g[p.id].question, p.disease or [], p.advice or [], p.answer) for p in rows])
    groups = "  ".join(f"{k} {v['records']}" for k, v in s["groups"].items())
    return f"records flagged {s['any']['records']}/{s['n']} ({s['any']['record_rate']:.1%}): {groups}"


def dense_encoder(args, kb, gold):
    """The ``--embedder`` encoder with every passage and question encoded once (cached under runs/), or None."""
    from rjua.retrieval.dense import load_encoder
    from rjua.retrieval.encoder import CachedEncoder

    emb_path = None if args.embedder in (None, "", "none") else args.embedder
    found = emb_path and Path(emb_path.split(":", 1)[-1] if emb_path.startswith("onnx") else emb_path).exists()
    if not found:
        return None
    t = time.perf_counter()
    enc = CachedEncoder(load_encoder(emb_path))
    cache = ROOT / "runs" / f"bench_answer_emb_{Path(emb_path).name}.npz"
    loaded = enc.load(cache)
    enc.encode_docs(kb.texts)
    enc.encode_queries([r.question for r in gold])
    cache.parent.mkdir(exist_ok=True)
    enc.save(cache)
    print(f"(dense {Path(emb_path).name}: {len(kb)} passages + {len(gold)} questions encoded once in "
          f"{time.perf_counter() - t:.1f} s ({loaded} vectors from {cache.name}), cached for every run below)")
    return enc


def part_case(args, gold):
    from rjua.crossval import cross_validate, fold_assignment
    from rjua.data import load_all
    from rjua.kb import KnowledgeBase

    print("gold labels      consistency: " + consistency_line(gold, [PredRow(r.id, r.answer, list(r.diseases),
                                                                                   list(r.advices)) for r in gold]))
    anchor = score_predictions(gold, tfidf_1nn(gold), match=args.match)
    show("anchor: 1-NN TF-IDF copy, LOO", anchor)
    folds = fold_assignment([r.id for r in gold], args.folds)
    anchor_cv = score_predictions(gold, tfidf_1nn_folds(gold, folds), match=args.match)
    show(f"anchor: 1-NN TF-IDF copy, CV{args.folds}", anchor_cv)
    kb = KnowledgeBase.from_splits(load_all(args.data_dir))
    print(f"open vocabulary, CV{args.folds} folds ({sum(len(r.diseases) for r in gold)} gold disease items):")
    reachability(gold, folds, kb)
    encoders = [("lexical", None)]
    enc = dense_encoder(args, kb, gold)
    if enc is not None:
        encoders.append((f"dense {Path(enc.name).name}", enc))
    for name, enc in encoders:
        for k, label in ((1, "LOO"), (args.folds, f"CV{args.folds}")):
            t = time.perf_counter()
            preds, _ = cross_validate(gold, args.split, k, args.data_dir, encoder=enc, kb=kb)
            secs = time.perf_counter() - t
            rows = [PredRow(p.id, p.answer, p.diseases, p.advices) for p in preds]
            res = score_predictions(gold, rows, match=args.match)
            show(f"case, {name}, {label}", res, secs, anchor_cv if k > 1 else anchor)
            print("    consistency: " + consistency_line(gold, rows))


def neighbour_reply(pred, answers):
    """The earlier case reply: the neighbours' replies adapted to the patient, the one with the highest mean
    ROUGE-L to the others (minimum Bayes risk), through the pipeline's guard."""
    from rjua.backends.case import adapt_reply, side_of
    from rjua.consistency import guard
    from rjua.metrics import rouge_l
    from rjua.patient import patient_facts

    facts, side = patient_facts(pred.question), side_of(pred.question)
    cands = [a for a in (adapt_reply(answers.get(c["key"], ""), facts, side)
                         for c in pred.evidence["similar_cases"][:10]) if a]
    if not cands:
        return ""
    scores = [sum(rouge_l(a, b) for j, b in enumerate(cands) if j != i) for i, a in enumerate(cands)]
    best = cands[max(range(len(cands)), key=lambda i: (scores[i], -i))] if len(cands) > 2 else cands[0]
    return guard(pred.question, pred.diseases, pred.advices, best)[2]


def reply_line(name, gold, rows, context=False):
    """One line per system: exact F1, ROUGE-L, the share of replies naming one of the answer's own diagnoses,
    the share asserting a patient fact the question lacks (any ``fact_*`` rule), then every faithfulness
    rule's record rate (:mod:`rjua.faithfulness`; ``context``: the record's expert context adds its sites)."""
    from rjua.faithfulness import check, summarise

    g = {r.id: r for r in gold}
    res = score_predictions(gold, rows, match="exact")
    s, n = res.summary, len(rows)
    flags = [check(g[r.id].question, r.disease or [], r.advice or [], r.answer,
                   g[r.id].passages if context else None) for r in rows]
    rules = summarise(flags)["rules"]
    absent = sum(any(f.rule == "diagnoses_not_in_reply" for f in fl) for fl in flags)
    facts = [r.id for r, fl in zip(rows, flags) if any(f.rule.startswith("fact_") for f in fl)]
    print(f"{name:<46} F1 {s['f1']:.3f}  ROUGE-L {s['rouge_l']:.3f}  names own diagnosis {1 - absent / n:.1%}"
          f"  invented history/findings {len(facts) / n:.1%} ({len(facts)}/{n})")
    print("      rules (records): " + "  ".join(f"{k} {v['records']}" for k, v in rules.items() if v["records"]))
    return facts


def part_reply(args, gold):
    import random

    from rjua.crossval import cross_validate
    from rjua.data import load_all
    from rjua.kb import KnowledgeBase

    kb = KnowledgeBase.from_splits(load_all(args.data_dir))
    answers = {f"{args.split}:{r.id}": r.answer for r in gold}
    refs = [PredRow(r.id, r.answer, list(r.diseases), list(r.advices)) for r in gold]
    reply_line("reference replies (doctors)", gold, refs)
    reply_line("reference replies (doctors), with their context", gold, refs, context=True)
    runs = {}
    settings = [("lexical", "retrieved", None), ("lexical", "gold", None)]
    enc = dense_encoder(args, kb, gold)
    if enc is not None:
        settings.append((enc.name.rsplit("/", 1)[-1], "retrieved", enc))
    for emb, ctx, encoder in settings:
        t = time.perf_counter()
        preds, _ = cross_validate(gold, args.split, args.folds, args.data_dir, encoder=encoder, kb=kb, context=ctx)
        secs = time.perf_counter() - t
        runs[emb, ctx] = preds
        reply_line(f"case CV{args.folds} {emb} {ctx}: neighbour reply (earlier)", gold,
                   [PredRow(p.id, neighbour_reply(p, answers), p.diseases, p.advices) for p in preds], ctx == "gold")
        reply_line(f"case CV{args.folds} {emb} {ctx}: composed reply ({secs:.0f} s)", gold,
                   [PredRow(p.id, p.answer, p.diseases, p.advices) for p in preds], ctx == "gold")
    if args.read:
        g = {r.id: r for r in gold}
        pool = runs["lexical", "retrieved"]
        read = {p.id for s in args.exclude_read for p in random.Random(s).sample(pool, args.read)}
        pool = [p for p in pool if p.id not in read]  # records no earlier reading (those seeds) has seen
        if args.exclude_read:
            print(f"\n{len(pool)} records unread by seeds {', '.join(map(str, args.exclude_read))}")
        for p in random.Random(args.seed).sample(pool, args.read):
            print(f"\n## record {p.id}\nQ: {g[p.id].question}\nD: {'、'.join(p.diseases)}\nA: "
                  f"{'、'.join(p.advices)}\nR: {p.answer}\nGOLD D: {'、'.join(g[p.id].diseases)}")


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
    ap.add_argument("--part", choices=["case", "hf", "reply"], default="case")
    ap.add_argument("--read", type=int, default=0, help="reply part: print this many seeded random answers")
    ap.add_argument("--seed", type=int, default=2112, help="seed of the answers printed by --read")
    ap.add_argument("--exclude-read", type=lambda v: [int(x) for x in v.split(",") if x], default=[],
                    help="reply part: comma-separated seeds of earlier readings whose records --read leaves out")
    ap.add_argument("--data-dir", default=str(REAL) if REAL.is_dir() else None)
    ap.add_argument("--split", default="valid")
    ap.add_argument("--match", default="exact")
    ap.add_argument("--embedder", default=os.environ.get("RJUA_EMBEDDER", "models/m3e-small"))
    ap.add_argument("--model", default="models/qwen2.5-coder-0.5b-instruct")
    ap.add_argument("--contexts", nargs="*", default=["gold", "retrieved"])
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--folds", type=int, default=5, help="k of the honest k-fold cross-validation")
    ap.add_argument("--batch-size", type=int, default=4)
    ap.add_argument("--max-new-tokens", type=int, default=192)
    ap.add_argument("--context-tokens", type=int, default=768)
    args = ap.parse_args()
    gold = load_split(args.split, args.data_dir)
    print(f"data: {args.data_dir or 'bundled sample'} split={args.split} n={len(gold)}, pool = same split "
          f"(LOO: all other records; CV{args.folds}: the other folds only)")
    {"case": part_case, "hf": part_hf, "reply": part_reply}[args.part](args, gold)


if __name__ == "__main__":
    main()
