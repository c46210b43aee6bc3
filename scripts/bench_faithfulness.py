"""Faithfulness and consistency rule rates on the doctors' own reference answers of a split.

    python scripts/bench_faithfulness.py [--data-dir DIR] [--split valid] [--show RULE] [--case] [--folds 5]

Prints, per rule, the records and items it flags when the reference answer (its reply, diagnoses and
advice) is checked against its own question: the false-alarm baseline every other figure is read against.
``--case`` adds the ``case`` backend (lexical retrieval, honest k-fold cross-validation) with and without
its site filter (candidates whose organ the question gives no reason for dropped), in the same run:
exact F1, ROUGE-L and the same rule rates.
"""
from __future__ import annotations

import argparse
import time
from collections import Counter

from rjua import consistency, faithfulness
from rjua.data import load_split
from rjua.scoring import score_predictions


def rates(title, recs, rows):
    """Print faithfulness and consistency rates of ``rows`` (id, reply, diseases, advices) on ``recs``."""
    faith = [faithfulness.check(r.question, d, a, t) for r, (_, t, d, a) in zip(recs, rows)]
    cons = [consistency.check(r.question, d, a, t) for r, (_, t, d, a) in zip(recs, rows)]
    for name, flags, mod in (("faithfulness", faith, faithfulness), ("consistency", cons, consistency)):
        s = mod.summarise(flags)
        print(f"{title} {name}: any {s['any']['records']}/{s['n']} ({s['any']['record_rate']:.1%})")
        for rule, v in s["rules"].items():
            print(f"  {rule:28s} records {v['records']:3d} ({v['record_rate']:5.1%})  items {v['items']}")
    return faith, cons


def case_runs(recs, args):
    """The case backend, CV-k lexical, site filter off and on."""
    from rjua.crossval import cross_validate

    for site_filter in (False, True):
        t = time.time()
        preds, _ = cross_validate(recs, args.split, args.folds, args.data_dir,
                                  backend_options={"site_filter": site_filter})
        rows = [(p.id, p.answer, p.diseases, p.advices) for p in preds]
        res = score_predictions(recs, [{"id": i, "answer": t_, "disease": d, "advice": a} for i, t_, d, a in rows],
                                n_resamples=200)
        title = f"case lexical CV{args.folds} site_filter={site_filter}"
        print(f"{title}: exact F1 {res.summary['f1']:.3f}  disease F1 {res.summary['disease_f1']:.3f}  "
              f"advice F1 {res.summary['advice_f1']:.3f}  ROUGE-L {res.summary['rouge_l']:.3f}  "
              f"({time.time() - t:.0f} s)")
        rates(title, recs, rows)
        removed = Counter(r for p in preds for r in {g["rule"] for g in p.guard_removed})
        print(f"{title} guard removed (records per rule, before scoring): "
              + (", ".join(f"{k} {v}" for k, v in sorted(removed.items())) or "nothing"))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--split", default="valid")
    ap.add_argument("--show", default=None, help="print the flags of this rule")
    ap.add_argument("--case", action="store_true", help="also the case backend, site filter off and on")
    ap.add_argument("--folds", type=int, default=5)
    args = ap.parse_args(argv)
    t0 = time.time()
    recs = load_split(args.split, args.data_dir)
    faith = [faithfulness.check(r.question, r.diseases, r.advices, r.answer) for r in recs]
    cons = [consistency.check(r.question, r.diseases, r.advices, r.answer) for r in recs]
    for title, flags, mod in (("faithfulness", faith, faithfulness), ("consistency", cons, consistency)):
        s = mod.summarise(flags)
        print(f"{title} on {s['n']} reference answers ({args.split}): any {s['any']['records']} "
              f"({s['any']['record_rate']:.1%})")
        for name, v in s["rules"].items():
            print(f"  {name:28s} records {v['records']:3d} ({v['record_rate']:5.1%})  items {v['items']}")
    if args.show:
        for r, fl, fl2 in zip(recs, faith, cons):
            for f in fl + fl2:
                if f.rule == args.show:
                    print(r.id, f.field, f.term, "|", f.item[:80])
    if args.case:
        case_runs(recs, args)
    print(f"wall {time.time() - t0:.1f}s")


if __name__ == "__main__":
    main()
