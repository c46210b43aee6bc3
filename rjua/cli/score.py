"""``rjua score``: the official metrics from the command line."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from ..errors import RJUAError
from ..jsonio import atomic_write_text
from ._common import MAX_RESAMPLES, DataDir

__all__ = ["score"]


def score(predictions: Optional[Path] = typer.Argument(None, help="Predictions: JSON Lines (or a JSON array)."),
          split: str = typer.Option("test", "--split", "-s", help="Gold split to score against."),
          data_dir: Optional[Path] = DataDir,
          match: str = typer.Option("exact", "--match", help="Item matching: exact | fuzzy."),
          as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
          fmt: str = typer.Option("text", "--format", "-f", help="text | md | html (ignored with --json)."),
          out: Optional[Path] = typer.Option(None, "--out", "-o", dir_okay=False,
                                             help="Write the report here instead of stdout."),
          per_sample: Optional[Path] = typer.Option(None, "--per-sample", dir_okay=False,
                                                    help="Write per-record scores (JSONL)."),
          allow_missing: bool = typer.Option(False, "--allow-missing", help="Score gold ids without prediction as 0."),
          allow_extra: bool = typer.Option(False, "--allow-extra", help="Ignore prediction ids not in the split."),
          only_predicted: bool = typer.Option(False, "--only-predicted",
                                              help="Score only the gold records that have a prediction "
                                                   "(partial runs); every output says so."),
          text_metrics: bool = typer.Option(False, "--text-metrics", help="Also character BLEU-4 of the answer text."),
          bertscore: Optional[str] = typer.Option(None, "--bertscore",
                                                  help="Also BERTScore F with this local encoder (path or id)."),
          judge: Optional[str] = typer.Option(None, "--judge",
                                              help="Also run the LLM judge with this backend (openai | hf | vllm)."),
          judge_model: Optional[str] = typer.Option(None, "--judge-model", help="Judge model (with --judge)."),
          judge_base_url: Optional[str] = typer.Option(None, "--judge-base-url", help="Judge endpoint (openai)."),
          gold_as_prediction: bool = typer.Option(False, "--gold-as-prediction",
                                                  help="Score the gold answers against themselves (sanity check)."),
          vocab: bool = typer.Option(False, "--vocab", help="Fall back to label-vocabulary matching in free text."),
          resamples: int = typer.Option(1000, "--resamples", min=1, max=MAX_RESAMPLES,
                                            help="Bootstrap resamples for the 95% CIs."),
          seed: int = typer.Option(0, "--seed", min=0, help="Bootstrap random seed.")):
    """Score predictions with the official RJUA-QA metrics (disease/advice F1, combined F1, ROUGE-L)."""
    from ..data import load_split
    from ..extract import Vocabulary
    from ..scoring import gold_as_predictions, load_predictions, score_predictions

    if fmt not in ("text", "md", "html"):
        raise RJUAError(f"unknown --format {fmt!r}; choose text, md or html")
    _check_outputs(predictions, out, per_sample, data_dir)
    gold = load_split(split, data_dir)
    if gold_as_prediction:
        preds = gold_as_predictions(gold)
    elif predictions is None:
        raise RJUAError("give a PREDICTIONS file (or --gold-as-prediction)")
    else:
        preds = load_predictions(predictions, check_ids=False)
    vocabulary = Vocabulary.from_other_splits(split, data_dir) if vocab else None
    res = score_predictions(gold, preds, match=match, allow_missing=allow_missing, allow_extra=allow_extra,
                            vocabulary=vocabulary, n_resamples=resamples, seed=seed, only_predicted=only_predicted)
    if text_metrics or bertscore:
        from ..textsim import text_metrics as tm

        extra = tm(res, bertscore, resamples, seed)
        per = extra.pop("per_record")
        res.summary["text_metrics"] = extra
        for r in res.records:
            r.extra = per.get(r.id, {})
    if judge:
        if predictions is None:
            raise RJUAError("--judge needs a PREDICTIONS file")
        from .judge import run_judge

        res.summary["judge"] = run_judge(predictions, split, data_dir, judge_backend=judge, judge_model=judge_model,
                                         base_url=judge_base_url, only_ids={r.id for r in res.records},
                                         gold=gold, preds=preds)
    if per_sample:
        atomic_write_text(per_sample, res.per_sample_jsonl())  # all or nothing, the file named on failure
    if res.summary["n_missing"]:
        typer.echo(f"note: {res.summary['n_missing']} gold record(s) had no prediction and scored 0", err=True)
    text = _format_score(res, "json" if as_json else fmt)
    if out:
        atomic_write_text(out, text)
        typer.echo(f"wrote {out}", err=True)
    else:
        typer.echo(text.rstrip("\n"))


def _check_outputs(predictions: Path | None, out: Path | None, per_sample: Path | None, data_dir=None) -> None:
    """Refuse a report path that would overwrite the predictions, the other report, a data file or a run's
    output (:func:`rjua.outputs.check_output`: same file by inode too, never inside the data directory)."""
    from ..outputs import check_output
    from ..runs import MANIFEST_SUFFIX

    seen = {}
    if predictions is not None:
        seen[predictions.resolve()] = "the PREDICTIONS file"
    for opt, p in (("--out", out), ("--per-sample", per_sample)):
        if p is None:
            continue
        rp = p.resolve()
        if rp in seen:
            raise RJUAError(f"'{opt}' {p} is also {seen[rp]}; writing there would destroy it")
        check_output(p, [("the PREDICTIONS file", predictions)], data_dir, what=opt)
        if Path(str(rp) + MANIFEST_SUFFIX).is_file():
            raise RJUAError(f"'{opt}' {p} is a run output (it has {Path(str(p) + MANIFEST_SUFFIX).name}); "
                            "choose another file")
        seen[rp] = f"the {opt} file"


def _format_score(res, fmt: str) -> str:
    from ..report import to_html, to_markdown

    s = res.summary
    if fmt == "json":
        return json.dumps(s, ensure_ascii=False, indent=2)
    if fmt == "md":
        return to_markdown(res)
    if fmt == "html":
        return to_html(res)
    rows = [f"n={s['n']} match={s['match']}"]
    if s.get("only_predicted"):
        rows.append(f"note: {s['note']}")
    for k, (lo, hi) in s["ci95"].items():  # every registered metric (rjua.metrics.METRICS)
        micro = f"{s['micro'][k]:.4f}" if k in s["micro"] else "—"
        rows.append(f"{k:<11} {s[k]:.4f}  95% CI [{lo:.4f}, {hi:.4f}]  micro {micro}")
    if s.get("consistency"):
        c = s["consistency"]
        per_rule = ", ".join(f"{k} {v['records']}" for k, v in c["rules"].items() if v["records"])
        rows.append(f"consistency: {c['any']['records']} record(s) flagged ({c['any']['record_rate']:.1%})"
                    + (f"; {per_rule}" if per_rule else ""))
    if s.get("text_metrics"):
        t = s["text_metrics"]
        lo, hi = t["char_bleu_ci95"]
        rows.append(f"char_bleu   {t['char_bleu']:.4f}  95% CI [{lo:.4f}, {hi:.4f}]"
                    f"  corpus {t['corpus_char_bleu']:.4f}")
        if "bertscore_f" in t:
            rows.append(f"bertscore_f {t['bertscore_f']:.4f}  95% CI [{t['bertscore_f_ci95'][0]:.4f}, "
                        f"{t['bertscore_f_ci95'][1]:.4f}]  ({t['bertscore_model']})")
    if s.get("judge"):
        j = s["judge"]["judge"]
        rows.append(f"judge ({s['judge']['judge_model']}): diagnosis {j['diagnosis_acc']:.4f}  "
                    f"advice {j['advice_acc']:.4f}"
                    f"  both {j['both_acc']:.4f}  ({j['n_errors']} errors)")
    return "\n".join(rows)


