"""``rjua answer``, ``rjua predict``, ``rjua eval``."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from ..backends import BACKENDS
from ._common import (
    MAX_RESAMPLES,
    DataDir,
    ErrorsAsZeroOpt,
    SplitOpt,
    StrictOpt,
    default_split,
    echo_json,
    exit_on_counts,
    safe_text,
    warn_counts,
)

__all__ = ["answer_cmd", "eval_cmd", "predict_cmd"]

BackendOpt = typer.Option("case", "--backend", "-b", help=" | ".join(BACKENDS) + " (rjua.backends.REGISTRY).")
ModelOpt = typer.Option(None, "--model", "-m", help="Model id or path (hf, vllm, openai).")
ContextOpt = typer.Option("retrieved", "--context", "-c", help="retrieved | gold | none.")
EmbedderOpt = typer.Option(None, "--embedder", "-e",
                           help="Dense embedder for retrieval ('default' = moka-ai/m3e-small; prefix 'onnx-int8:' "
                                "for ONNX Runtime; default: $RJUA_EMBEDDER, else lexical only).")
IndexOpt = typer.Option(None, "--index", "-i", help="A prebuilt index directory ('rjua index build').")
PoolOpt = typer.Option(None, "--pool",
                       help="Labelled split(s) for the case base (default: all other splits, else leave-one-out).")
KbOpt = typer.Option(None, "--kb-splits",
                     help="Knowledge-base policy: 'all' (default: every split's context passages) | "
                     "'pool' (only passages cited by the case pool, minus the record answered) | "
                     "split names (repeatable).")
BaseUrlOpt = typer.Option(None, "--base-url",
                          help="OpenAI-compatible endpoint (openai backend); key from $OPENAI_API_KEY.")
MaxTokOpt = typer.Option(512, "--max-new-tokens", min=1, help="Generation length limit (LM backends).")
BatchOpt = typer.Option(8, "--batch-size", min=1, help="Records per backend call.")
LimitOpt = typer.Option(None, "--limit", min=1, help="Only the first N records (eval scores just those).")
SubsetOpt = typer.Option(None, "--subset",
                         help="all | train | heldout: only that part of the training recipes' fixed internal split "
                         "(80/20 by id hash; heldout = what the recipes never train on).")
RetryOpt = typer.Option(True, "--retry-errors/--no-retry-errors",
                        help="On resume, redo rows written with an error (default) or keep them.")
ProgressOpt = typer.Option(None, "--progress/--no-progress",
                           help="Progress bar (default: a bar on a terminal, a line every 10 s otherwise).")
NCasesOpt = typer.Option(10, "--n-cases", min=1, help="Similar cases retrieved, voted over by the case backend and "
                         "voting for passages (one number for all three).")
GuardOpt = typer.Option(True, "--guard/--no-guard",
                        help="Remove from every answer what contradicts the patient (sex, age, pregnancy, side, "
                             "person; on by default). --no-guard shows the backend's raw answer.")
RetrievalOpt = typer.Option(None, "--retrieval", help="Retrieval setting KEY=VALUE (repeatable), e.g. "
                            "case_weight=1.5, rrf_k=60, depth=100 (rjua.retrieval.hybrid.HybridConfig fields).")
ConcurrencyOpt = typer.Option(8, "--concurrency", min=1, max=256,
                              help="openai backend: requests in flight at once (a batch is never narrower); "
                              "not part of the run's configuration, so a resumed run may change it.")
TimeoutOpt = typer.Option(60.0, "--timeout", min=0.1,
                          help="openai backend: total seconds per request attempt (connect + whole reply); "
                          "then retried.")


def _embedder(e: Optional[str]) -> Optional[str]:
    import os

    e = e if e is not None else os.environ.get("RJUA_EMBEDDER")
    return None if e in (None, "", "none") else e


def _kb(kb_splits):
    """``--kb-splits`` values: None / 'all' / 'pool' / split names."""
    if not kb_splits or list(kb_splits) == ["all"]:
        return None
    return "pool" if list(kb_splits) == ["pool"] else list(kb_splits)


def _backend_options(backend: str, base_url: Optional[str], concurrency: int = 8,
                     timeout: float | None = None) -> dict:
    """The backend's own options from the CLI flags (the token limit travels as ``RunSpec.max_new_tokens``)."""
    if backend == "openai":
        from ..backends.openai import resolve_base_url

        resolve_base_url(base_url)  # no endpoint: one line now, not retries after the index is built
        return {"base_url": base_url, "concurrency": concurrency, **({"timeout": timeout} if timeout else {})}
    return {}


def _retrieval(values) -> dict:
    """``--retrieval KEY=VALUE`` (repeatable): VALUE read as JSON when it parses (numbers, null), else text."""
    import json

    from ..errors import RJUAError

    out = {}
    for item in values or ():
        key, eq, raw = item.partition("=")
        if not eq or not key.strip():
            raise RJUAError(f"--retrieval {item!r}: expected KEY=VALUE, e.g. case_weight=1.5")
        try:
            out[key.strip()] = json.loads(raw)
        except ValueError:
            out[key.strip()] = raw
    return out


def _spec(backend: str, model, context: str, pool, embedder, index, base_url, max_new_tokens: int, timeout,
          kb_splits=None, context_tokens=None, n_cases: int = 10, retrieval=None, guard: bool = True,
          concurrency: int = 8):
    """The :class:`~rjua.spec.RunSpec` of the answering commands' flags."""
    from ..spec import RunSpec

    return RunSpec(backend=backend, model=model, context=context, pool=pool, embedder=_embedder(embedder),
                   index=index, kb_splits=_kb(kb_splits), context_tokens=context_tokens, n_cases=n_cases,
                   backend_options=_backend_options(backend, base_url, concurrency, timeout),
                   max_new_tokens=max_new_tokens, retrieval=_retrieval(retrieval), guard=guard)


def answer_cmd(question: str = typer.Argument(..., help="The patient's question (Chinese)."),
               backend: str = BackendOpt, model: Optional[str] = ModelOpt, data_dir: Optional[Path] = DataDir,
               embedder: Optional[str] = EmbedderOpt, index: Optional[Path] = IndexOpt,
               base_url: Optional[str] = BaseUrlOpt, max_new_tokens: int = MaxTokOpt, timeout: float = TimeoutOpt,
               concurrency: int = ConcurrencyOpt, n_cases: int = NCasesOpt,
               retrieval: Optional[List[str]] = RetrievalOpt, guard: bool = GuardOpt,
               as_json: bool = typer.Option(False, "--json")):
    """Answer one patient question, with its evidence."""
    from ..pipeline import build_pipeline

    spec = _spec(backend, model, "retrieved", None, embedder, index, base_url, max_new_tokens, timeout,
                 n_cases=n_cases, retrieval=retrieval, guard=guard, concurrency=concurrency)
    pipe = build_pipeline(None, data_dir, spec=spec)
    p = pipe.answer(question)
    if as_json:
        echo_json(p.to_json())
        if p.error:
            raise typer.Exit(1)
        return
    if p.error:  # the backend failed: say so on one line and exit 1, never an empty answer with exit 0
        typer.echo(safe_text(f"error: {p.error}"), err=True)
        raise typer.Exit(1)
    typer.echo(safe_text(f"诊断 diagnosis: {'、'.join(p.diseases) or '—'}"))
    typer.echo(safe_text(f"建议 advice:    {'、'.join(p.advices) or '—'}"))
    typer.echo(safe_text(f"\n回答 answer:\n{p.answer}\n\n证据 evidence:"))
    for ps in p.evidence["passages"]:
        typer.echo(safe_text(f"  [{ps['id']}] {ps['text'][:100]}{'…' if len(ps['text']) > 100 else ''}"))
    for c in p.evidence["similar_cases"][:5]:
        sim = f"{c['similarity']:.2f}"
        typer.echo(safe_text(f"  similar case {c['key']} (similarity {sim}): {'、'.join(c['diseases'])}"))
    typer.echo(safe_text(f"\n({p.backend}/{p.model}, {p.latency_s:.2f} s) {p.disclaimer}"))


def predict_cmd(split: Optional[str] = SplitOpt,
                out: Path = typer.Option(..., "--out", "-o", dir_okay=False, help="Predictions file (JSON Lines)."),
                data_dir: Optional[Path] = DataDir, backend: str = BackendOpt, model: Optional[str] = ModelOpt,
                context: str = ContextOpt, pool: Optional[List[str]] = PoolOpt,
                embedder: Optional[str] = EmbedderOpt, index: Optional[Path] = IndexOpt,
                base_url: Optional[str] = BaseUrlOpt, max_new_tokens: int = MaxTokOpt, timeout: float = TimeoutOpt,
                concurrency: int = ConcurrencyOpt, batch_size: int = BatchOpt, limit: Optional[int] = LimitOpt,
                context_tokens: Optional[int] = typer.Option(
                    None, "--context-tokens", min=1,
                    help="Token budget of the evidence in the prompt (default 1024)."),
                overwrite: bool = typer.Option(False, "--overwrite", help="Start over even if --out exists."),
                retry_errors: bool = RetryOpt, progress: Optional[bool] = ProgressOpt,
                kb_splits: Optional[List[str]] = KbOpt, n_cases: int = NCasesOpt,
                retrieval: Optional[List[str]] = RetrievalOpt, subset: Optional[str] = SubsetOpt,
                guard: bool = GuardOpt):
    """Predict a whole split into JSON Lines (resumable; what 'rjua score' reads)."""
    from ..runs import predict_split

    split = default_split(split, data_dir)
    spec = _spec(backend, model, context, pool, embedder, index, base_url, max_new_tokens, timeout, kb_splits,
                 context_tokens, n_cases, retrieval, guard, concurrency)
    rows = predict_split(split, out, data_dir, overwrite=overwrite, batch_size=batch_size, limit=limit,
                         progress=progress, retry_errors=retry_errors, spec=spec, subset=subset)
    errors = sum(1 for r in rows if r.get("error"))
    typer.echo(f"wrote {len(rows)} predictions to {out}" + (f" ({errors} with errors)" if errors else ""), err=True)


def eval_cmd(split: Optional[str] = SplitOpt,
             run_dir: Optional[Path] = typer.Option(
                 None, "--run-dir", "--out", "-o", file_okay=False,
                 help="Run directory (default: runs/<split>-<backend>-<hash of the configuration>, "
                      "with runs/latest pointing at it)."),
             data_dir: Optional[Path] = DataDir, backend: str = BackendOpt, model: Optional[str] = ModelOpt,
             context: str = ContextOpt, pool: Optional[List[str]] = PoolOpt,
             embedder: Optional[str] = EmbedderOpt, index: Optional[Path] = IndexOpt,
             base_url: Optional[str] = BaseUrlOpt, max_new_tokens: int = MaxTokOpt, timeout: float = TimeoutOpt,
             concurrency: int = ConcurrencyOpt, match: str = typer.Option("exact", "--match"),
             batch_size: int = BatchOpt,
             limit: Optional[int] = LimitOpt, overwrite: bool = typer.Option(False, "--overwrite"),
             resamples: int = typer.Option(1000, "--resamples", min=1, max=MAX_RESAMPLES,
                                            help="Bootstrap resamples for the 95% CIs."),
             retry_errors: bool = RetryOpt, progress: Optional[bool] = ProgressOpt,
             kb_splits: Optional[List[str]] = KbOpt, n_cases: int = NCasesOpt,
             retrieval: Optional[List[str]] = RetrievalOpt, subset: Optional[str] = SubsetOpt,
             guard: bool = GuardOpt, errors_as_zero: bool = ErrorsAsZeroOpt, strict: bool = StrictOpt,
             as_json: bool = typer.Option(False, "--json", help="Print the score summary as JSON (= --format json)."),
             fmt: str = typer.Option("text", "--format", "-f", help="text | json | md | html.")):
    """Predict then score a split; prints the score table and writes a run directory."""
    from ..errors import RJUAError
    from ..report import FORMATS, to_text
    from ..runs import default_run_dir, eval_split, point_latest

    fmt = "json" if as_json else fmt
    if fmt not in FORMATS:
        raise RJUAError(f"unknown --format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    split = default_split(split, data_dir)
    spec = _spec(backend, model, context, pool, embedder, index, base_url, max_new_tokens, timeout, kb_splits,
                 n_cases=n_cases, retrieval=retrieval, guard=guard, concurrency=concurrency)
    default_dir = run_dir is None
    if default_dir:
        run_dir = default_run_dir(split, spec, data_dir, limit, subset)
    summary = eval_split(split, run_dir, data_dir, match, resamples, errors_as_zero=errors_as_zero,
                         overwrite=overwrite, batch_size=batch_size, limit=limit, retry_errors=retry_errors,
                         progress=progress, spec=spec, subset=subset)
    latest = point_latest(run_dir) if default_dir else None
    if fmt == "json":
        echo_json(summary)
    elif fmt == "text":
        typer.echo(safe_text(to_text(summary)))
    else:
        typer.echo(safe_text((Path(run_dir) / f"report.{fmt}").read_text(encoding="utf-8").rstrip("\n")))
    if "subset" in summary:
        typer.echo(f"note: --limit/--subset: scored {summary['subset']} records of split {split!r} "
                   "(only those predicted)", err=True)
    warn_counts(summary)
    typer.echo(f"run written to {run_dir} (predictions.jsonl, scores.json, report.md, report.html)"
               + (f"; {latest} points at it" if latest else ""), err=True)
    exit_on_counts(summary, strict)
