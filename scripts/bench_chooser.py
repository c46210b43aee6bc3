"""Benchmark: the LM chooser (``chooser`` backend) against the ``case`` backend alone, same records.

Records: the training recipes' held-out part of valid (``--subset heldout``; 47 of the 211 official
valid records with the default split), optionally followed by the first ``--extra-train N`` records
of the training part (the base LM never trained on them either; reported separately). With ``--cv K``
every valid record is evaluated instead, and the calibration is K-fold cross-validated: each record's
calibration is fitted on the other folds' records only (the base LMs are not trained, and the case base
is leave-one-out, so no record reaches its own labels by any path). Gold context,
leave-one-out case base. The LM's yes/no scores are computed once per record and kind and reused
for every ``--mix`` (``mix=0`` must reproduce ``case``: checked). Prints exact and fuzzy F1 with
bootstrap 95% CIs, and writes everything as JSON.

    PYTHONPATH=$PWD python scripts/bench_chooser.py --model models/qwen2.5-coder-0.5b-instruct \\
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
    ap.add_argument("--mix", type=float, nargs="*", default=[0.5, 1.0])
    ap.add_argument("--context-tokens", type=int, default=384)
    ap.add_argument("--extra-train", type=int, default=0)
    ap.add_argument("--calibrate", type=int, default=0,
                    help="fit the chooser's calibration on N training-part records (never the evaluated ones)")
    ap.add_argument("--cv", type=int, default=0,
                    help="evaluate all of valid, the calibration fitted by K-fold cross-validation")
    ap.add_argument("--rescore-top", type=int, default=8)
    ap.add_argument("--generate", action="store_true",
                    help="also the generate mode (LM writes the answer from the candidate lists; slower)")
    ap.add_argument("--max-new-tokens", type=int, default=128)
    ap.add_argument("--only-generate", action="store_true", help="skip the scoring rows (with --generate)")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--resamples", type=int, default=1000)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)

    import numpy as np

    from rjua.backends.chooser import ChooserBackend
    from rjua.data import load_split, subset_records
    from rjua.pipeline import build_pipeline
    from rjua.scoring import PredRow, score_predictions

    recs = load_split("valid", a.data_dir)
    parts = {"heldout": subset_records(recs, "heldout")[: a.limit]}
    if a.cv:
        parts = {f"valid_cv{a.cv}": recs[: a.limit]}
    elif a.extra_train:
        parts["train_part"] = subset_records(recs, "train")[: a.extra_train]
    pipe = build_pipeline("valid", a.data_dir, "chooser", a.model, "gold", context_tokens=a.context_tokens,
                          backend_options={"batch_size": a.batch_size, "rescore_top": a.rescore_top,
                                           "max_new_tokens": a.max_new_tokens})
    be: ChooserBackend = pipe.backend
    memo: dict = {}
    raw = be.lm_scores

    def cached(req, kind, items):
        key = (req.messages[-1]["content"], kind, tuple(items))
        if key not in memo:
            memo[key] = raw(req, kind, items)
        return memo[key]

    be.lm_scores = cached
    report: dict = {"model": a.model, "context_tokens": a.context_tokens, "rescore_top": a.rescore_top, "parts": {}}
    calib = None
    if a.calibrate:
        from rjua.backends.case import fit_logistic

        t0 = time.perf_counter()
        # the end of the training part: disjoint from --extra-train
        train = subset_records(recs, "train")[-a.calibrate:]
        xs, ys = calibration_rows(train, pipe, be)
        calib = {k: fit_logistic(np.array(xs[k]), np.array(ys[k])).tolist() for k in xs}
        report["calibration"] = {
            "records": len(train), "weights": calib, "seconds": round(time.perf_counter() - t0, 1),
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
            info_d = info_a = {}
            for mix in [] if a.only_generate else [0.0, *a.mix, *(["calibrated"] if calib else [])]:
                be.mix, be.calibration = (0.0, calib) if mix == "calibrated" else (mix, None)
                d, info_d = be._choose(req, "disease")
                ad, info_a = be._choose(req, "advice")
                label = "chooser calibrated" if mix == "calibrated" else f"chooser mix={mix}"
                preds.setdefault(label, []).append(PredRow(r.id, case.text, d, ad))
            n_cand += len(info_d.get("candidates", [])) + len(info_a.get("candidates", []))
            if a.generate:
                g = be._generate_mode(req, case)
                preds.setdefault("chooser generate", []).append(PredRow(r.id, g.text, g.diseases, g.advices))
            if (i + 1) % 5 == 0:
                print(f"{name}: {i + 1}/{len(part)} records, {(time.perf_counter() - t0) / (i + 1):.1f} s/record",
                      flush=True)
        secs = time.perf_counter() - t0
        if a.cv and not a.only_generate:
            cv_preds, cv_capped, report["cv_calibration"] = cv_calibrated(part, pipe, be, a.cv)
            preds[f"chooser calibrated CV{a.cv}"] = cv_preds
            preds[f"chooser calibrated + size cap CV{a.cv}"] = cv_capped
        if not a.only_generate:  # mix=0 should reproduce case; where it does not, say so (and keep the results)
            differ = [p.id for p, q in zip(preds["chooser mix=0.0"], preds["case"])
                      if (set(p.disease), set(p.advice)) != (set(q.disease), set(q.advice))]
            report.setdefault("mix0_differs_from_case", {})[name] = differ
            if differ:
                print(f"WARNING: mix=0 differs from the case backend on {len(differ)} of {len(part)} records: "
                      f"{differ[:10]}", flush=True)
        rows = {}
        per: dict = {}
        for label, ps in preds.items():
            rows[label] = {}
            for match in ("exact", "fuzzy"):
                res = score_predictions(part, ps, match=match, n_resamples=a.resamples)
                s = res.summary
                rows[label][match] = {k: s[k] for k in ("f1", "disease_f1", "advice_f1")}
                rows[label][match]["ci95_f1"] = s["ci95"]["f1"]
                per[(label, match)] = np.array([x.f1 for x in res.records])
            rows[label]["diseases_per_record"] = round(sum(len(x.disease) for x in ps) / max(1, len(ps)), 3)
            rows[label]["advice_per_record"] = round(sum(len(x.advice) for x in ps) / max(1, len(ps)), 3)
        rng = np.random.default_rng(0)
        idx = rng.integers(0, len(part), (a.resamples, len(part)))
        for label in rows:  # paired bootstrap of the per-record F1 difference against case, same resamples
            for match in ("exact", "fuzzy"):
                d = per[(label, match)] - per[("case", match)]
                boots = d[idx].mean(1)
                rows[label][match]["diff_vs_case"] = float(d.mean())
                rows[label][match]["diff_ci95"] = [float(np.quantile(boots, 0.025)), float(np.quantile(boots, 0.975))]
        report["parts"][name] = {"predictions": {k: [[p.id, p.disease, p.advice] for p in v]
                                                 for k, v in preds.items()},
                                 "n": len(part), "seconds": round(secs, 1), "s_per_record": round(secs / len(part), 2),
                                 "candidates_per_record": round(n_cand / len(part), 1), "scores": rows}
        print(f"\n{name}: {len(part)} records, {secs / len(part):.1f} s/record (LM scoring), model {a.model}")
        print(f"{'system':<26} {'exact F1 [95% CI]':<24} {'exact - case [paired CI]':<28} "
              f"{'fuzzy F1 [95% CI]':<24} {'fuzzy - case [paired CI]':<28} dis/adv exact")
        for label, r in rows.items():
            cells = []
            for m in ("exact", "fuzzy"):
                e = r[m]
                cells.append(f"{e['f1']:.3f} [{e['ci95_f1'][0]:.3f}, {e['ci95_f1'][1]:.3f}]   ")
                cells.append(f"{e['diff_vs_case']:+.3f} [{e['diff_ci95'][0]:+.3f}, {e['diff_ci95'][1]:+.3f}]     ")
            print(f"{label:<26} " + "".join(cells) + f"{r['exact']['disease_f1']:.3f}/{r['exact']['advice_f1']:.3f}")
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


def calibration_rows(recs, pipe, be) -> tuple[dict, dict]:
    """Calibration features and 0/1 labels per kind of every candidate of ``recs`` (LM scores from the cache)."""
    xs: dict = {"disease": [], "advice": []}
    ys: dict = {"disease": [], "advice": []}
    for r in recs:
        req = pipe._request(r.question, r)
        for kind, gold in (("disease", set(r.diseases)), ("advice", set(r.advices))):
            info = be.candidate_scores(req, kind)
            scored = [x for x in info["lm"] if x is not None]
            mean = sum(scored) / len(scored) if scored else 0.0
            for it, pc, sc in zip(info["candidates"], info["case_p"], info["lm"]):
                xs[kind].append(be.features(pc, sc, mean))
                ys[kind].append(float(it in gold))
    return xs, ys


def cv_calibrated(part, pipe, be, k: int):
    """K-fold calibration: each fold's records are chosen with weights fitted on the other folds only."""
    import numpy as np

    from rjua.backends.case import fit_logistic
    from rjua.backends.chooser import fit_size_cap
    from rjua.crossval import fold_assignment
    from rjua.scoring import PredRow

    folds = fold_assignment([r.id for r in part], k)
    out: dict = {}
    capped: dict = {}
    weights, caps = {}, {}
    for f in range(k):
        train = [r for r in part if folds[r.id] != f]
        xs, ys = calibration_rows(train, pipe, be)
        calib = {kind: fit_logistic(np.array(xs[kind]), np.array(ys[kind])).tolist() for kind in xs}
        weights[f] = calib
        be.mix, be.calibration, be.size_cap = 0.0, calib, {}
        reqs = {r.id: pipe._request(r.question, r) for r in train}
        caps[f] = {kind: fit_size_cap([be._choose(reqs[r.id], kind)[0] for r in train],
                                      [r.diseases if kind == "disease" else r.advices for r in train])
                   for kind in ("disease", "advice")}  # the set-size cap, fitted on the same other folds
        for r in part:
            if folds[r.id] == f:
                req = pipe._request(r.question, r)
                case = be.case.generate([req])[0]
                d, ad = be._choose(req, "disease")[0], be._choose(req, "advice")[0]
                out[r.id] = PredRow(r.id, case.text, d, ad)
                cd, ca = caps[f]["disease"], caps[f]["advice"]
                capped[r.id] = PredRow(r.id, case.text, d[:cd] if cd else d, ad[:ca] if ca else ad)
    be.calibration = None
    return ([out[r.id] for r in part], [capped[r.id] for r in part],
            {"k": k, "weights_per_fold": weights, "size_cap_per_fold": caps})


if __name__ == "__main__":
    main()
