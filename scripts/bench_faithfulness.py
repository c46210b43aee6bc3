"""Faithfulness and consistency rule rates on the doctors' own reference answers of a split.

    python scripts/bench_faithfulness.py [--data-dir DIR] [--split valid] [--show RULE]

Prints, per rule, the records and items it flags when the reference answer (its reply, diagnoses and
advice) is checked against its own question: the false-alarm baseline every other figure is read against.
"""
from __future__ import annotations

import argparse
import time

from rjua import consistency, faithfulness
from rjua.data import load_split


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--split", default="valid")
    ap.add_argument("--show", default=None, help="print the flags of this rule")
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
        for r, fl in zip(recs, faith + cons):
            for f in fl:
                if f.rule == args.show:
                    print(r.id, f.field, f.term, "|", f.item[:80])
    print(f"wall {time.time() - t0:.1f}s")


if __name__ == "__main__":
    main()
