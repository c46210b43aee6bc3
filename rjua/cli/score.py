"""``rjua score``: the official metrics from the command line."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from ..data import load_split
from ..errors import RJUAError
from ..jsonio import atomic_write_text
from ..judge.llm_extract import extraction_of, run_llm_extract
from ..outputs import check_output
from ..protocols import parse_protocols, protocols_markdown, protocols_text, run_protocols
from ..report import FORMATS, render
from ..rescore import rescore_run
from ..runs import MANIFEST_SUFFIX
from ..scoring import gold_as_predictions, load_predictions, score_predictions
from ..textsim import text_metrics as tm
from ..vocab import vocabulary_from_specs
from ._common import (
    MAX_RESAMPLES,
    DataDir,
    ErrorsAsZeroOpt,
    FieldOpt,
    SplitOpt,
    StrictOpt,
    default_split,
    exit_on_counts,
    safe_text,
    warn_counts,
)
from .judge import run_judge

ProtocolOpt = typer.Option(None, "--protocol", "-p",
                           help="official (default) | doctorrag | open | all; repeatable or comma-separated: "
                                "one table compares them on the same predictions.")
DiseaseListOpt = typer.Option(None, "--disease-list", exists=True, dir_okay=False,
                              help="doctorrag: the closed disease label list (one per line, a JSON list or the "
                                   "official disease.txt); default: the labels of the other splits.")
AdviceListOpt = typer.Option(None, "--advice-list", exists=True, dir_okay=False,
                             help="doctorrag: the closed advice label list (as --disease-list).")

__all__ = ["rescore_cmd", "score"]


def score(predictions: Optional[Path] = typer.Argument(None, help="Predictions: JSON Lines (or a JSON array)."),
          split: Optional[str] = SplitOpt,
          data_dir: Optional[Path] = DataDir,
          match: str = typer.Option("exact", "--match", help="Item matching: exact | fuzzy."),
          as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON (= --format json)."),
          fmt: str = typer.Option("text", "--format", "-f", help="text | json | md | html."),
          out: Optional[Path] = typer.Option(None, "--out", "-o", dir_okay=False,
                                             help="Write the report here instead of stdout."),
          per_sample: Optional[Path] = typer.Option(None, "--per-sample", dir_okay=False,
                                                    help="Write per-record scores (JSONL)."),
          allow_missing: bool = typer.Option(False, "--allow-missing", help="Score gold ids without prediction as 0."),
          allow_extra: bool = typer.Option(False, "--allow-extra", help="Ignore prediction ids not in the split."),
          only_predicted: bool = typer.Option(False, "--only-predicted",
                                              help="Score only the gold records that have a prediction "
                                                   "(partial runs); every output says so."),
          field: str = FieldOpt, errors_as_zero: bool = ErrorsAsZeroOpt, strict: bool = StrictOpt,
          protocol: Optional[List[str]] = ProtocolOpt,
          disease_list: Optional[Path] = DiseaseListOpt, advice_list: Optional[Path] = AdviceListOpt,
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
    """Score predictions with the official RJUA-QA metrics (disease/advice F1, combined F1, ROUGE-L).

    Rows carrying an ``error`` are excluded and counted; answers with nothing extracted are counted per field;
    every output shows both. ``--protocol`` adds the DoctorRAG or open (LLM judge) protocol beside the official.
    """

    fmt = "json" if as_json else fmt
    if fmt not in FORMATS:
        raise RJUAError(f"unknown --format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    protocols = parse_protocols(protocol)
    _check_outputs(predictions, out, per_sample, data_dir)
    split = default_split(split, data_dir)
    gold = load_split(split, data_dir)
    if gold_as_prediction:
        preds = gold_as_predictions(gold)
    elif predictions is None:
        raise RJUAError("give a PREDICTIONS file (or --gold-as-prediction)")
    else:
        preds = load_predictions(predictions, check_ids=False, field=field)
    vocabulary = None
    if vocab:
        vocabulary, notes = vocabulary_from_specs(vocab, split, data_dir)
        for note in notes:
            typer.echo(f"vocabulary: {note}", err=True)
    extractor, llm = _llm_extractor(extract_with, extract_model, extract_base_url, extract_out, predictions, preds,
                                    vocabulary)
    res = score_predictions(gold, preds, match=match, allow_missing=allow_missing, allow_extra=allow_extra,
                            vocabulary=vocabulary, n_resamples=resamples, seed=seed, only_predicted=only_predicted,
                            errors_as_zero=errors_as_zero, extractor=extractor)
    if llm:
        res.summary["llm_extraction"] = llm
    if vocabulary is not None:
        res.summary["vocabulary"] = {"source": vocabulary.source, "diseases": len(vocabulary.diseases),
                                     "advices": len(vocabulary.advices), "notes": notes}
    _extras(res, text_metrics, bertscore, resamples, seed)
    if judge or "open" in protocols:
        if predictions is None or not judge:
            raise RJUAError("--judge and --protocol open need a PREDICTIONS file and a judge: --judge openai|hf|vllm "
                            "--judge-model M")

        res.summary["judge"] = run_judge(predictions, split, data_dir, judge_backend=judge, judge_model=judge_model,
                                         base_url=judge_base_url, only_ids={r.id for r in res.records},
                                         gold=gold, preds=preds)
    if protocols != ["official"]:
        res.summary["protocols"] = run_protocols(protocols, res, split=split, data_dir=data_dir,
                                                 disease_list=disease_list, advice_list=advice_list,
                                                 judge_summary=res.summary.get("judge"))
    if per_sample:
        atomic_write_text(per_sample, res.per_sample_jsonl())  # all or nothing, the file named on failure
    if res.summary["n_missing"]:
        typer.echo(f"note: {res.summary['n_missing']} gold record(s) had no prediction and scored 0", err=True)
    warn_counts(res.summary)
    _emit(_format_score(res, fmt), out)
    exit_on_counts(res.summary, strict)


def _extras(res, text_metrics: bool, bertscore: str | None, resamples: int, seed: int) -> None:
    if not (text_metrics or bertscore) or not res.records:
        return

    extra = tm(res, bertscore, resamples, seed)
    per = extra.pop("per_record")
    res.summary["text_metrics"] = extra
    for r in res.records:
        r.extra = per.get(r.id, {})


def _emit(text: str, out: Path | None) -> None:
    if out:
        atomic_write_text(out, text)
        typer.echo(f"wrote {out}", err=True)
    else:
        typer.echo(safe_text(text.rstrip("\n")))


def _llm_extractor(backend: str | None, model: str | None, base_url: str | None, out: Path | None,
                   predictions: Path | None, preds, vocabulary):
    """(extractor for score_predictions, summary) of ``--extract-with``; (None, None) without it."""
    if not backend:
        return None, None
    if predictions is None:
        raise RJUAError("--extract-with needs a PREDICTIONS file")

    def progress(n, total):
        typer.echo(f"extracted {n}/{total}", err=True)

    rows, summary = run_llm_extract(predictions, preds, backend, model, base_url=base_url, out=out,
                                    vocabulary=vocabulary, on_batch=progress)
    if summary["n_errors"]:
        typer.echo(f"note: the LLM extractor failed on {summary['n_errors']} record(s) (read by the rules instead): "
                   + ", ".join(summary["error_ids"][:10]), err=True)
    return (lambda p: extraction_of(rows.get(p.id), f"{backend}:{model}")), summary


def _check_outputs(predictions: Path | None, out: Path | None, per_sample: Path | None, data_dir=None) -> None:
    """Refuse a report path that would overwrite the predictions, the other report, a data file or a run's
    output (:func:`rjua.outputs.check_output`: same file by inode too, never inside the data directory)."""

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
    """The report in ``fmt`` (:func:`rjua.report.render`), with the protocol table under the text one."""

    text = render(res, fmt)
    table = res.summary.get("protocols")
    if table and fmt == "text":
        text = text.rstrip("\n") + "\n\n" + protocols_text(table)
    elif table and fmt == "md":
        text = text.rstrip("\n") + "\n\n" + protocols_markdown(table) + "\n"
    return text


def rescore_cmd(run_dir: Path = typer.Argument(..., file_okay=False, help="An 'rjua eval' run directory."),
                out: Optional[Path] = typer.Option(None, "--out", "-o", file_okay=False,
                                                   help="Where to write the new scores (default: RUN_DIR/rescore)."),
                in_place: bool = typer.Option(False, "--in-place", help="Replace the run's own scores and reports."),
                data_dir: Optional[Path] = DataDir,
                match: Optional[str] = typer.Option(None, "--match", help="exact | fuzzy (default: the run's)."),
                resamples: Optional[int] = typer.Option(None, "--resamples", min=1, max=MAX_RESAMPLES,
                                                        help="Bootstrap resamples (default: the run's)."),
                errors_as_zero: bool = ErrorsAsZeroOpt, strict: bool = StrictOpt,
                as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON (= --format json)."),
                fmt: str = typer.Option("text", "--format", "-f", help="text | json | md | html.")):
    """Re-extract and re-score a run's stored raw outputs without calling any model (written beside the run)."""

    fmt = "json" if as_json else fmt
    if fmt not in FORMATS:
        raise RJUAError(f"unknown --format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    res, dest, info = rescore_run(run_dir, out, data_dir, match, resamples, errors_as_zero, in_place)
    warn_counts(res.summary)
    _emit(_format_score(res, fmt), None)
    typer.echo(f"re-extracted {info['rows']} stored rows ({info['changed']} changed); wrote {dest} "
               "(scores.json, report.md, report.html, per_sample.jsonl, rescore.json)", err=True)
    exit_on_counts(res.summary, strict)
