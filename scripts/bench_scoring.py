"""Benchmark: scoring speed, and rjua's ROUGE-L against `rouge_score` with a character tokenizer.

Real valid answers are shuffled against each other (so the LCS is non-trivial), then scored
with ROUGE-L, set F1 and a 1,000-resample bootstrap. Targets: < 0.5 s for 211 records,
< 5 s for a 10x replicated file, ROUGE-L >= 20x faster than rouge_score.

Run: python scripts/bench_scoring.py [--data-dir ../shared/data/rjua-qa] [--split valid]
"""
import argparse
import random
import time
from pathlib import Path

from rjua.data import load_split
from rjua.metrics import chars, rouge_l
from rjua.scoring import PredRow, score_predictions

DEFAULT_REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "rjua-qa"


class CharTokenizer:
    """Character tokenizer for rouge_score (its default one drops every Chinese character)."""

    def tokenize(self, text):
        return list(chars(text))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", default=str(DEFAULT_REAL) if DEFAULT_REAL.is_dir() else None)
    ap.add_argument("--split", default="valid")
    ap.add_argument("--repeat", type=int, default=5, help="timing repeats (best is reported)")
    args = ap.parse_args()
    gold = load_split(args.split, args.data_dir)
    answers = [r.answer for r in gold]
    random.Random(0).shuffle(answers)
    preds = [PredRow(r.id, a, disease=list(o.diseases), advice=list(o.advices))
             for r, a, o in zip(gold, answers, random.Random(1).sample(gold, len(gold)))]
    print(f"data: {args.data_dir or 'bundled sample'} split={args.split} n={len(gold)}")

    def best(fn):
        ts = []
        for _ in range(args.repeat):
            t = time.process_time()
            out = fn()
            ts.append(time.process_time() - t)
        return min(ts), out, ts[0]

    t1, res, cold = best(lambda: score_predictions(gold, preds, n_resamples=1000))
    print(f"score {len(gold)} records (ROUGE-L, F1, 1000-resample bootstrap): {t1:.3f} s CPU best of "
          f"{args.repeat} (target < 0.5 s), first call in the process {cold:.3f} s (text caches cold) "
          f"rouge_l={res.summary['rouge_l']:.4f}")
    from rjua.data import Record
    big_gold = [Record.from_dict({**g.to_dict(), "id": f"{g.id}#{k}"}) for k in range(10) for g in gold]
    big_preds = [PredRow(f"{p.id}#{k}", p.answer, p.disease, p.advice) for k in range(10) for p in preds]
    t10, _, _ = best(lambda: score_predictions(big_gold, big_preds, n_resamples=1000))
    print(f"score {len(big_gold)} records (10x replicated): {t10:.3f} s CPU (target < 5 s)")

    from rouge_score import rouge_scorer

    stock = rouge_scorer.RougeScorer(["rougeL"], tokenizer=CharTokenizer())
    refs = [r.answer for r in gold]
    t_ours, ours, _ = best(lambda: [rouge_l(p, r) for p, r in zip(answers, refs)])
    t_stock, theirs, _ = best(lambda: [stock.score(r, p)["rougeL"].fmeasure for p, r in zip(answers, refs)])
    agree = max(abs(a - b) for a, b in zip(ours, theirs))
    print(f"ROUGE-L on {len(refs)} answer pairs: rjua {t_ours * 1e3:.1f} ms, rouge_score(char tokenizer) "
          f"{t_stock * 1e3:.1f} ms -> rjua is {t_stock / t_ours:.0f}x faster (target >= 20x); "
          f"max |difference| = {agree:.2e}")


if __name__ == "__main__":
    main()
