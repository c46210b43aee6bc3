"""``rjua score``: the official metrics from the command line."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from ..errors import RJUAError
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
          extract_with: Optional[str] = typer.Option(None, "--extract-with",
                                                     help="Extract items with an LLM: openai | hf | vllm (cached, "
                                                          "resumable; agreement with the rules beside the file)."),
          extract_model: Optional[str] = typer.Option(None, "--extract-model", help="Extractor model."),
          extract_base_url: Optional[str] = typer.Option(None, "--extract-base-url", help="Extractor endpoint."),
          extract_out: Optional[Path] = typer.Option(None, "--extract-out", dir_okay=False,
                                                     help="Extractor rows (default PREDICTIONS.extract.jsonl)."),
          gold_as_prediction: bool = typer.Option(False, "--gold-as-prediction",
                                                  help="Score the gold answers against themselves (sanity check)."),
          vocab: Optional[list[str]] = typer.Option(
              None, "--vocab", help="Match prose answers against a label vocabulary: 'pool' (labels of the other "
                                    "labelled splits), or a label list FILE (one per line, JSON list or disease.txt / "
                                    "advice.txt format; disease=FILE / advice=FILE). Repeatable."),
          resamples: int = typer.Option(1000, "--resamples", min=1, max=MAX_RESAMPLES,
                                            help="Bootstrap resamples for the 95% CIs."),
          seed: int = typer.Option(0, "--seed", min=0, help="Bootstrap random seed.")):
    """Score predictions with the official RJUA-QA metrics (disease/advice F1, combined F1, ROUGE-L)."""
    from ..data import load_split
    from ..scoring import gold_as_predictions, load_predictions, score_predictions

    if fmt not in ("text", "md", "html"):
        raise RJUAError(f"unknown --format {fmt!r}; choose text, md or html")
    _check_outputs(predictions, out, per_sample)
    gold = load_split(split, data_dir)
    if gold_as_prediction:
        preds = gold_as_predictions(gold)
    elif predictions is None:
        raise RJUAError("give a PREDICTIONS file (or --gold-as-prediction)")
    else:
        preds = load_predictions(predictions, check_ids=False)
    vocabulary = None
    if vocab:
        from ..vocab import vocabulary_from_specs

        vocabulary, notes = vocabulary_from_specs(vocab, split, data_dir)
        for note in notes:
            typer.echo(f"vocabulary: {note}", err=True)
    extractor, llm = _llm_extractor(extract_with, extract_model, extract_base_url, extract_out, predictions, preds,
                                    vocabulary)
    res = score_predictions(gold, preds, match=match, allow_missing=allow_missing, allow_extra=allow_extra,
                            vocabulary=vocabulary, n_resamples=resamples, seed=seed, only_predicted=only_predicted,
                            extractor=extractor)
    if llm:
        res.summary["llm_extraction"] = llm
    if vocabulary is not None:
        res.summary["vocabulary"] = {"source": vocabulary.source, "diseases": len(vocabulary.diseases),
                                     "advices": len(vocabulary.advices), "notes": notes}
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
        Path(per_sample).write_text(res.per_sample_jsonl(), encoding="utf-8")
    if res.summary["n_missing"]:
        typer.echo(f"note: {res.summary['n_missing']} gold record(s) had no prediction and scored 0", err=True)
    text = _format_score(res, "json" if as_json else fmt)
    if out:
        Path(out).write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}", err=True)
    else:
        typer.echo(text.rstrip("\n"))


def _llm_extractor(backend: str | None, model: str | None, base_url: str | None, out: Path | None,
                   predictions: Path | None, preds, vocabulary):
    """(extractor for score_predictions, summary) of ``--extract-with``; (None, None) without it."""
    if not backend:
        return None, None
    if predictions is None:
        raise RJUAError("--extract-with needs a PREDICTIONS file")
    from ..judge.llm_extract import extraction_of, run_llm_extract

    def progress(n, total):
        typer.echo(f"extracted {n}/{total}", err=True)

    rows, summary = run_llm_extract(predictions, preds, backend, model, base_url=base_url, out=out,
                                    vocabulary=vocabulary, on_batch=progress)
    if summary["n_errors"]:
        typer.echo(f"note: the LLM extractor failed on {summary['n_errors']} record(s) (read by the rules instead): "
                   + ", ".join(summary["error_ids"][:10]), err=True)
    return (lambda p: extraction_of(rows.get(p.id), f"{backend}:{model}")), summary


def _check_outputs(predictions: Path | None, out: Path | None, per_sample: Path | None) -> None:
    """Refuse a report path that would overwrite the predictions, the other report, or a run's output."""
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
    if s.get("faithfulness"):
        f = s["faithfulness"]
        per_rule = ", ".join(f"{k} {v['records']} (reference {v['reference_rate']:.1%})"
                             for k, v in f["rules"].items() if v["records"])
        rows.append(f"faithfulness: {f['any']['records']} record(s) flagged ({f['any']['record_rate']:.1%}; "
                    f"reference answers {f['reference']['record_rate']:.1%})" + (f"; {per_rule}" if per_rule else ""))
    if s.get("text_metrics"):
        t = s["text_metrics"]
        lo, hi = t["char_bleu_ci95"]
        rows.append(f"char_bleu   {t['char_bleu']:.4f}  95% CI [{lo:.4f}, {hi:.4f}]"
                    f"  corpus {t['corpus_char_bleu']:.4f}")
        if "bertscore_f" in t:
            rows.append(f"bertscore_f {t['bertscore_f']:.4f}  95% CI [{t['bertscore_f_ci95'][0]:.4f}, "
                        f"{t['bertscore_f_ci95'][1]:.4f}]  ({t['bertscore_model']})")
    if s.get("llm_extraction"):
        x = s["llm_extraction"]
        agree = x["agreement"]
        rows.append(f"llm extraction ({x['backend']}:{x['model']}, {x['prompt_version']}): {x['n']} records, "
                    f"{x['n_errors']} errors; same items as the rules: disease {agree['disease']['identical']:.3f}"
                    f", advice {agree['advice']['identical']:.3f}")
    if s.get("judge"):
        j = s["judge"]["judge"]
        rows.append(f"judge ({s['judge']['judge_model']}): diagnosis {j['diagnosis_acc']:.4f}  "
                    f"advice {j['advice_acc']:.4f}"
                    f"  both {j['both_acc']:.4f}  ({j['n_errors']} errors)")
    return "\n".join(rows)


