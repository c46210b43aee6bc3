"""Choose the reply's wording and how much of the question it restates by k-fold cross-validated ROUGE-L.

    python scripts/tune_reply.py [--data-dir DIR] [--split valid] [--folds 5] [--mbr] [--bounds]

The ``case`` backend's items come from honest k-fold cross-validation (lexical retrieval); every variant
(a wording of :data:`rjua.compose.TEMPLATES` × the number of restated statements) recomposes the same
replies. Each fold's variant is the one with the best mean ROUGE-L on the *other* folds, scored on the fold
itself, so the figure printed as "CV-selected" is never chosen on the records it is measured on. The
variant named ``current`` is today's :data:`~rjua.compose.TEMPLATES` (the named baseline, same run).

``--bounds`` prints what wording alone could reach: the best of every combination per record chosen with the
doctors' own reply (an oracle, not a method), and both with the gold items in place of the predicted ones; and
what the warning-sign sentence (when to seek care at once, which doctors' replies rarely carry) costs the fixed
default wording.

``--mbr`` also scores the per-record wording choice of :mod:`rjua.wording` (agreement with the neighbours'
replies, no gold): slot by slot as the backend does, and over every combination of the slots' variants,
with the time each takes, against the fixed default wording.
"""
from __future__ import annotations

import argparse
import itertools
import statistics
import time

from rjua import compose, wording
from rjua.crossval import cross_validate
from rjua.data import load_split
from rjua.metrics import rouge_l

# candidate wordings: overrides of rjua.compose.TEMPLATES (today's follows the doctors' stock structure:
# 您好，… 针对您的情况，我建议您进行…)
WORDINGS: dict[str, dict[str, str]] = {
    "current": {},
    "exclaim": {"greeting": "您好！"},  # the greeting before 您好，
    "earlier": {  # the wording before the stock phrases were chosen
        "greeting": "您好！",
        "assess_one": "{basis}，{who}初步考虑诊断为{main}{cite}。",
        "assess_many": "{basis}，{who}初步考虑诊断为{main}，同时可能存在{rest}{cite}。",
        "exam": "针对{who}的情况，建议进一步完善{items}，以明确病情。",
        "treat": "治疗方面，可考虑{items}，具体的治疗方案需要根据{who}的具体情况来确定。",
        "drug": "药物方面，可在医生指导下考虑{items}。",
        "daily": "日常生活中，建议{items}。",
        "other": "此外，建议{items}。",
        "urgent": "如出现{signs}，请{go}。",
    },
}
FACTS = (0, 1, 2)


class _P:
    def __init__(self, d):
        self.id, self.text = d["id"], d["text"]


def _inputs(p, answers):
    return ([_P(x) for x in p.evidence["passages"]],
            [a for c in p.evidence["similar_cases"] if (a := answers.get(c["key"], ""))])


def _every_combination(p, passages, replies, most):
    best, best_score = "", -1.0
    for combo in itertools.product(*wording.SLOTS.values()):
        text = compose.compose_reply(p.question, p.diseases, p.advices, passages, replies,
                                     templates={k: v for c in combo for k, v in c.items()})
        if (s := wording.agreement(text, replies[:most])) > best_score:
            best, best_score = text, s
    return best


# the variants rjua.wording.SLOTS had before the doctors' stock phrases 您的初步诊断为 / 针对您的情况，我们建议您进行…
# and 到医院就诊 were added: the baseline of the variant-set choice below
EARLIER_SLOTS = {"assess": wording.SLOTS["assess"][:3], "treat": wording.SLOTS["treat"][:3],
                 "exam": wording.SLOTS["exam"][:2], "closing": wording.SLOTS["closing"]}


def mbr(preds, g, answers, fold_of, most: int = 10) -> None:
    """Score the per-record wording choice, and choose the variant set (today's SLOTS or EARLIER_SLOTS) fold by
    fold on the other folds, so the CV-selected figure is never chosen on the records it is measured on."""
    def slotted(slots):
        return lambda p, ps, rs: wording.choose_reply(p.question, p.diseases, p.advices, ps, rs, most=most,
                                                      slots=slots)
    ways = {"fixed default wording": lambda p, ps, rs: compose.compose_reply(p.question, p.diseases, p.advices, ps,
                                                                             rs),
            "slot by slot, earlier variants": slotted(EARLIER_SLOTS),
            "slot by slot (the backend)": slotted(wording.SLOTS),
            "every combination": lambda p, ps, rs: _every_combination(p, ps, rs, most)}
    per: dict[str, dict[str, float]] = {}
    for name, way in ways.items():
        t0 = time.perf_counter()
        per[name] = {p.id: rouge_l(way(p, *_inputs(p, answers)), g[p.id].answer) for p in preds}
        print(f"{name:30s} ROUGE-L {statistics.mean(per[name].values()):.4f}  "
              f"({time.perf_counter() - t0:.1f} s for {len(preds)})")
    sets, held, chosen = ("slot by slot, earlier variants", "slot by slot (the backend)"), [], []
    for f in sorted(set(fold_of.values())):
        best = max(sets, key=lambda n: statistics.mean(per[n][i] for i, k in fold_of.items() if k != f))
        chosen.append("today's" if best == sets[1] else "earlier")
        held += [per[best][i] for i, k in fold_of.items() if k == f]
    print(f"variant set chosen per fold: {', '.join(chosen)}; CV-selected ROUGE-L {statistics.mean(held):.4f}")


def bounds(preds, g, answers) -> None:
    combos = [{k: v for c in combo for k, v in c.items()} for combo in itertools.product(*wording.SLOTS.values())]
    rows: dict[str, list[float]] = {}
    for p in preds:
        ps, rs = _inputs(p, answers)
        ref = g[p.id]
        for tag, (d, a) in (("predicted items", (p.diseases, p.advices)), ("gold items", (ref.diseases, ref.advices))):
            rows.setdefault(f"{tag}, slot by slot", []).append(
                rouge_l(wording.choose_reply(p.question, d, a, ps, rs, most=10), ref.answer))
            rows.setdefault(f"{tag}, oracle wording", []).append(
                max(rouge_l(compose.compose_reply(p.question, d, a, ps, rs, templates=c), ref.answer) for c in combos))
        for tag, over in (("fixed default wording", {}), ("fixed default wording, no warning line", {"urgent": ""})):
            rows.setdefault(f"predicted items, {tag}", []).append(rouge_l(compose.compose_reply(
                p.question, p.diseases, p.advices, ps, rs, templates=over), ref.answer))
    for name, s in rows.items():
        print(f"{name:32s} ROUGE-L {statistics.mean(s):.4f}")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--split", default="valid")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--mbr", action="store_true", help="also score the per-record wording choice (rjua.wording)")
    ap.add_argument("--bounds", action="store_true", help="also print the oracle-wording and gold-item bounds")
    args = ap.parse_args(argv)
    t0 = time.time()
    gold = load_split(args.split, args.data_dir)
    g, answers = {r.id: r for r in gold}, {f"{args.split}:{r.id}": r.answer for r in gold}
    preds, fold_of = cross_validate(gold, args.split, args.folds, args.data_dir)
    scores: dict[tuple[str, int], dict[str, float]] = {}
    for name, over in WORDINGS.items():
        for n in FACTS:
            scores[name, n] = {p.id: rouge_l(compose.compose_reply(
                p.question, p.diseases, p.advices, *_inputs(p, answers), facts_limit=n, templates=over),
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
    today, restated, earlier = (statistics.mean(scores[k].values())
                                for k in (("current", 0), ("current", 1), ("earlier", 1)))
    print(f"CV{args.folds}-selected ROUGE-L {statistics.mean(held):.4f}; "
          f"today's (current, facts_limit=0) {today:.4f}; restating one statement {restated:.4f}; "
          f"earlier/1 {earlier:.4f}  (wall {time.time() - t0:.0f} s)")
    if args.mbr:
        mbr(preds, g, answers, fold_of)
    if args.bounds:
        bounds(preds, g, answers)


if __name__ == "__main__":
    main()
