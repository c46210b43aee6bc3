"""Benchmark: the LM chooser (``chooser`` backend) against the ``case`` backend alone, same records.

Records: the training recipes' held-out part of valid (``--subset heldout``; 47 of the 211 official
valid records with the default split), optionally followed by the first ``--extra-train N`` records
of the training part (the base LM never trained on them either; reported separately). Gold context,
leave-one-out case base. The LM's yes/no scores are computed once per record and kind and reused
for every ``--mix`` (``mix=0`` must reproduce ``case``: checked). Prints exact and fuzzy F1 with
bootstrap 95% CIs, and writes everything as JSON.

    PYTHONPATH=$PWD python scripts/bench_chooser.py --model /work/models/qwen2.5-coder-0.5b-instruct \\
        --data-dir ../shared/data/rjua-qa --out runs/bench_chooser_05b.json
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--mix", type=float, nargs="+", default=[0.5, 1.0])
    ap.add_argument("--context-tokens", type=int, default=384)
    ap.add_argument("--extra-train", type=int, default=0)
    ap.add_argument("--calibrate", type=int, default=0,
                    help="fit the chooser's calibration on the first N training-part records (never the evaluated ones)")
    ap.add_argument("--rescore-top", type=int, default=8)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--resamples", type=int, default=1000)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)

    from rjua.backends.chooser import ChooserBackend
    from rjua.data import load_split
    from rjua.pipeline import build_pipeline
    from rjua.scoring import PredRow, score_predictions
    from rjua.train.data import subset_records

    recs = load_split("valid", a.data_dir)
    parts = {"heldout": subset_records(recs, "heldout")[: a.limit]}
    if a.extra_train:
        parts["train_part"] = subset_records(recs, "train")[: a.extra_train]
    pipe = build_pipeline("valid", a.data_dir, "chooser", a.model, "gold", context_tokens=a.context_tokens,
                          backend_options={"batch_size": a.batch_size, "rescore_top": a.rescore_top})
    be: ChooserBackend = pipe.backend
    memo: dict = {}
    raw = be.lm_scores

    def cached(req, kind, items):
        key = (req.question, kind, tuple(items))
        if key not in memo:
            memo[key] = raw(req, kind, items)
        return memo[key]

    be.lm_scores = cached
    report: dict = {"model": a.model, "context_tokens": a.context_tokens, "rescore_top": a.rescore_top, "parts": {}}
    calib = None
    if a.calibrate:
        import numpy as np

        from rjua.backends.case import fit_logistic

        t0 = time.perf_counter()
        train = subset_records(recs, "train")[-a.calibrate:]  # the end of the training part: disjoint from --extra-train
        xs: dict = {"disease": [], "advice": []}
        ys: dict = {"disease": [], "advice": []}
        for r in train:
            req = pipe._request(r.question, r)
            for kind, gold in (("disease", set(r.diseases)), ("advice", set(r.advices))):
                info = be.candidate_scores(req, kind)
                scored = [x for x in info["lm"] if x is not None]
                mean = sum(scored) / len(scored) if scored else 0.0
                for it, pc, sc in zip(info["candidates"], info["case_p"], info["lm"]):
                    xs[kind].append(be.features(pc, sc, mean))
                    ys[kind].append(float(it in gold))
        calib = {k: fit_logistic(np.array(xs[k]), np.array(ys[k])).tolist() for k in xs}
        report["calibration"] = {"records": len(train), "weights": calib, "seconds": round(time.perf_counter() - t0, 1),
                                 "features": ["logit case p", "LM yes-no log-odds", "LM minus record mean", "LM scored"]}
        print(f"calibration on {len(train)} training-part records: {calib}", flush=True)
    for name, part in parts.items():
        preds: dict[str, list] = {"case": []}
        t0 = time.perf_counter()
        n_cand = 0
        for i, r in enumerate(part):
            req = pipe._request(r.question, r)
            case = be.case.generate([req])[0]
            preds["case"].append(PredRow(r.id, case.text, case.diseases, case.advices))
            for mix in [0.0, *a.mix, *(["calibrated"] if calib else [])]:
                be.mix, be.calibration = (0.0, calib) if mix == "calibrated" else (mix, None)
                d, info_d = be._choose(req, "disease")
                ad, info_a = be._choose(req, "advice")
                label = "chooser calibrated" if mix == "calibrated" else f"chooser mix={mix}"
                preds.setdefault(label, []).append(PredRow(r.id, case.text, d, ad))
            n_cand += len(info_d.get("candidates", [])) + len(info_a.get("candidates", []))
            if (i + 1) % 5 == 0:
                print(f"{name}: {i + 1}/{len(part)} records, {(time.perf_counter() - t0) / (i + 1):.1f} s/record",
                      flush=True)
        secs = time.perf_counter() - t0
        assert [(p.disease, p.advice) for p in preds["chooser mix=0.0"]] == \
            [(p.disease, p.advice) for p in preds["case"]], "mix=0 must reproduce the case backend"
        rows = {}
        for label, ps in preds.items():
            rows[label] = {}
            for match in ("exact", "fuzzy"):
                s = score_predictions(part, ps, match=match, n_resamples=a.resamples).summary
                rows[label][match] = {k: s[k] for k in ("f1", "disease_f1", "advice_f1")}
                rows[label][match]["ci95_f1"] = s["ci95"]["f1"]
        report["parts"][name] = {"n": len(part), "seconds": round(secs, 1), "s_per_record": round(secs / len(part), 2),
                                 "candidates_per_record": round(n_cand / len(part), 1), "scores": rows}
        print(f"\n{name}: {len(part)} records, {secs / len(part):.1f} s/record (LM scoring), model {a.model}")
        print(f"{'system':<20} {'exact F1 [95% CI]':<26} {'fuzzy F1 [95% CI]':<26} dis/adv exact")
        for label, r in rows.items():
            e, f = r["exact"], r["fuzzy"]
            print(f"{label:<20} {e['f1']:.3f} [{e['ci95_f1'][0]:.3f}, {e['ci95_f1'][1]:.3f}]     "
                  f"{f['f1']:.3f} [{f['ci95_f1'][0]:.3f}, {f['ci95_f1'][1]:.3f}]     "
                  f"{e['disease_f1']:.3f}/{e['advice_f1']:.3f}")
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
