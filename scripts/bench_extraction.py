"""How much of the gold a free-text answer keeps through extraction, on a real split.

Each record's own gold items are written as a free-text answer in one of the answer styles of
``scripts/make_extraction_set.py`` (record i gets style i mod the number of styles; ``--style NAME`` uses
one style for every record), scored with the official exact F1. The named baseline, in the same run, is
the same records with the items given as fields (``disease`` / ``advice``): 1.0 by construction, so the
printed F1 is the share of the gold that extraction recovers. Nothing is written unless ``--out``.

    python scripts/bench_extraction.py --data-dir DATA --split valid [--style markdown_heading...] [--out F.json]
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _styles():
    spec = importlib.util.spec_from_file_location("make_extraction_set", HERE / "make_extraction_set.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.STYLES


def main(argv=None) -> int:
    from rjua.data import load_split
    from rjua.scoring import gold_as_predictions, score_predictions

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--split", default="valid")
    ap.add_argument("--style", action="append", help="only these styles (repeatable)")
    ap.add_argument("--out", type=Path, default=None, help="write the measurement as JSON here")
    args = ap.parse_args(argv)
    styles = _styles()
    names = args.style or list(styles)
    unknown = [n for n in names if n not in styles]
    if unknown:
        print(f"unknown style(s): {', '.join(unknown)}; known: {', '.join(styles)}", file=sys.stderr)
        return 2
    gold = load_split(args.split, args.data_dir)
    rng = random.Random(0)
    t0 = time.perf_counter()
    preds, used = [], {}
    for i, r in enumerate(gold):
        name = names[i % len(names)]
        used[r.id] = name
        preds.append({"id": r.id, "answer": styles[name](list(r.diseases), list(r.advices), rng)})
    res = score_predictions(gold, preds, n_resamples=200)
    base = score_predictions(gold, gold_as_predictions(gold), n_resamples=200).summary
    per_style: dict[str, list[float]] = {}
    for rec in res.records:
        per_style.setdefault(used[rec.id], []).append(rec.f1)
    s = res.summary
    out = {"split": args.split, "n": s["n"], "styles": len(names), "disease_f1": s["disease_f1"],
           "advice_f1": s["advice_f1"], "f1": s["f1"], "baseline_fields_f1": base["f1"],
           "rules": s["extraction_rules"], "per_style_f1": {k: sum(v) / len(v) for k, v in per_style.items()},
           "unread": {k: Counter(s["extraction_rules"][k]).get("none", 0) for k in ("disease", "advice")},
           "seconds": round(time.perf_counter() - t0, 2)}
    print(f"{out['n']} records of {args.split} in {len(names)} styles: disease F1 {out['disease_f1']:.3f}, "
          f"advice F1 {out['advice_f1']:.3f}, combined {out['f1']:.3f} (baseline: items as fields "
          f"{out['baseline_fields_f1']:.3f}); unread disease {out['unread']['disease']}, advice "
          f"{out['unread']['advice']}; {out['seconds']} s")
    worst = sorted(out["per_style_f1"].items(), key=lambda kv: kv[1])[:5]
    print("lowest styles: " + ", ".join(f"{k} {v:.3f}" for k, v in worst))
    if args.out:
        args.out.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
