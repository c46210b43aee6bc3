"""The LLM extractor against the rule extractor on the self-written labelled free-text set.

Takes the first answer of each of the first ``--n`` styles of ``tests/data/extraction_labelled.jsonl``, has
the model extract them (``rjua.judge.llm_extract``: cached, resumable), and prints item precision / recall
of the model and, as the named baseline in the same run, of the rule extractor, plus their agreement.

    python scripts/bench_llm_extract.py --backend hf --model PATH [--n 20] [--work DIR] [--out F.json]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "extraction_labelled.jsonl"


def _pr(pairs) -> dict[str, float]:
    from rjua.items import match_key

    tp = n_pred = n_gold = 0
    for pred, gold in pairs:
        p, g = {match_key(x) for x in pred}, {match_key(x) for x in gold}
        tp, n_pred, n_gold = tp + len(p & g), n_pred + len(p), n_gold + len(g)
    return {"precision": round(tp / n_pred, 4) if n_pred else 0.0, "recall": round(tp / n_gold, 4) if n_gold else 0.0}


def main(argv=None) -> int:
    from rjua.extract import extract
    from rjua.judge.llm_extract import run_llm_extract
    from rjua.scoring import PredRow

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", default="hf")
    ap.add_argument("--model", required=True)
    ap.add_argument("--base-url", default=None)
    ap.add_argument("--n", type=int, default=20, help="number of styles (one answer each)")
    ap.add_argument("--work", type=Path, default=Path("runs/bench_llm_extract"), help="answers, rows and cache")
    ap.add_argument("--max-new-tokens", type=int, default=160)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    rows, seen = [], set()
    for line in SET.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if r["style"] not in seen and len(seen) < args.n:
            seen.add(r["style"])
            rows.append(r)
    args.work.mkdir(parents=True, exist_ok=True)
    preds_path = args.work / "preds.jsonl"
    preds_path.write_text("".join(json.dumps({"id": r["id"], "answer": r["answer"]}, ensure_ascii=False) + "\n"
                                  for r in rows), encoding="utf-8")
    preds = [PredRow(r["id"], r["answer"]) for r in rows]
    t0 = time.perf_counter()
    out, summary = run_llm_extract(preds_path, preds, args.backend, args.model, base_url=args.base_url,
                                   cache=args.work / "cache.sqlite", max_new_tokens=args.max_new_tokens)
    ok = [r for r in rows if not out[r["id"]].get("error")]
    pairs = ((out[r["id"]]["diseases"], r["disease"], out[r["id"]]["advices"], r["advice"]) for r in ok)
    llm = _pr(p for d, gd, a, ga in pairs for p in ((d, gd), (a, ga)))
    ex = {r["id"]: extract(r["answer"]) for r in ok}
    rules = _pr(p for r in ok for p in ((ex[r["id"]].diseases, r["disease"]), (ex[r["id"]].advices, r["advice"])))
    res = {"model": args.model, "backend": args.backend, "n": len(rows), "errors": summary["errors"],
           "styles": sorted(seen), "llm": llm, "rules_baseline": rules, "agreement": summary["agreement"],
           "cache_hits": summary["cache_hits"], "seconds": round(time.perf_counter() - t0, 1)}
    print(f"{len(rows)} answers ({len(ok)} extracted, errors {summary['errors']}): LLM P {llm['precision']:.3f} "
          f"R {llm['recall']:.3f} vs rules P {rules['precision']:.3f} R {rules['recall']:.3f}; identical sets "
          f"disease {summary['agreement']['disease']['identical']:.3f}, advice "
          f"{summary['agreement']['advice']['identical']:.3f}; {res['seconds']} s ({res['cache_hits']} cached)")
    if args.out:
        args.out.write_text(json.dumps(res, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
