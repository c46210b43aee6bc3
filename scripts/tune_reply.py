"""Choose the reply's wording and how much of the question it restates by k-fold cross-validated ROUGE-L.

    python scripts/tune_reply.py [--data-dir DIR] [--split valid] [--folds 5]

The ``case`` backend's items come from honest k-fold cross-validation (lexical retrieval); every variant
(a wording of :data:`rjua.compose.TEMPLATES` × the number of restated statements) recomposes the same
replies. Each fold's variant is the one with the best mean ROUGE-L on the *other* folds, scored on the fold
itself, so the figure printed as "CV-selected" is never chosen on the records it is measured on. The
variant named ``current`` is today's :data:`~rjua.compose.TEMPLATES` (the named baseline, same run).
"""
from __future__ import annotations

import argparse
import statistics
import time
from contextlib import contextmanager

from rjua import compose
from rjua.crossval import cross_validate
from rjua.data import load_split
from rjua.metrics import rouge_l

# candidate wordings: overrides of rjua.compose.TEMPLATES (today's follows the doctors' stock structure:
# 针对您的情况，我建议您进行…)
WORDINGS: dict[str, dict[str, str]] = {
    "current": {},
    "earlier": {  # the wording before the stock phrases were chosen
        "assess_one": "{basis}，{who}初步考虑诊断为{main}{cite}。",
        "assess_many": "{basis}，{who}初步考虑诊断为{main}，同时可能存在{rest}{cite}。",
        "exam": "针对{who}的情况，建议进一步完善{items}，以明确病情。",
        "treat": "治疗方面，可考虑{items}，具体的治疗方案需要根据{who}的具体情况来确定。",
        "drug": "药物方面，可在医生指导下考虑{items}。",
        "daily": "日常生活中，建议{items}。",
        "other": "此外，建议{items}。",
        "urgent": "如出现{signs}，请{go}。",
        "cite": "（参考指南资料：{ids}）",
    },
}
FACTS = (0, 1, 2)


@contextmanager
def wording(name):
    saved = dict(compose.TEMPLATES)
    compose.TEMPLATES.update(WORDINGS[name])
    try:
        yield
    finally:
        compose.TEMPLATES.clear()
        compose.TEMPLATES.update(saved)


class _P:
    def __init__(self, d):
        self.id, self.text = d["id"], d["text"]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--split", default="valid")
    ap.add_argument("--folds", type=int, default=5)
    args = ap.parse_args(argv)
    t0 = time.time()
    gold = load_split(args.split, args.data_dir)
    g, answers = {r.id: r for r in gold}, {f"{args.split}:{r.id}": r.answer for r in gold}
    preds, fold_of = cross_validate(gold, args.split, args.folds, args.data_dir)
    scores: dict[tuple[str, int], dict[str, float]] = {}
    for name in WORDINGS:
        with wording(name):
            for n in FACTS:
                scores[name, n] = {p.id: rouge_l(compose.compose_reply(
                    p.question, p.diseases, p.advices, [_P(x) for x in p.evidence["passages"]],
                    [answers.get(c["key"], "") for c in p.evidence["similar_cases"]], facts_limit=n),
                    g[p.id].answer) for p in preds}
    for key, s in scores.items():
        print(f"{key[0]:8s} facts_limit={key[1]}  ROUGE-L {statistics.mean(s.values()):.4f}")
    held, chosen = [], []
    for f in range(args.folds):
        train = [i for i, k in fold_of.items() if k != f]
        best = max(scores, key=lambda key: (statistics.mean(scores[key][i] for i in train), key))
        chosen.append(best)
        held += [scores[best][i] for i, k in fold_of.items() if k == f]
    print("chosen per fold: " + ", ".join(f"{w}/{n}" for w, n in chosen))
    today, earlier = (statistics.mean(scores[w, 1].values()) for w in ("current", "earlier"))
    print(f"CV{args.folds}-selected ROUGE-L {statistics.mean(held):.4f}; "
          f"today's (current, facts_limit=1) {today:.4f}; "
          f"earlier/1 {earlier:.4f}  (wall {time.time() - t0:.0f} s)")


if __name__ == "__main__":
    main()
