"""``rjua answer``, ``rjua predict``, ``rjua eval``."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from ._common import DataDir, echo_json

BackendOpt = typer.Option("case", "--backend", "-b", help="case | hf | vllm | openai | chooser (LM chooses among case candidates).")
ModelOpt = typer.Option(None, "--model", "-m", help="Model id or path (hf, vllm, openai).")
ContextOpt = typer.Option("retrieved", "--context", "-c", help="retrieved | gold | none.")
EmbedderOpt = typer.Option(None, "--embedder", "-e",
                           help="Dense embedder for retrieval ('default' = moka-ai/m3e-small; prefix 'onnx-int8:' for ONNX Runtime; "
                                "default: $RJUA_EMBEDDER, else lexical only).")
IndexOpt = typer.Option(None, "--index", "-i", help="A prebuilt index directory ('rjua index build').")
PoolOpt = typer.Option(None, "--pool", help="Labelled split(s) for the case base (default: all other splits, else leave-one-out).")
BaseUrlOpt = typer.Option(None, "--base-url", help="OpenAI-compatible endpoint (openai backend); key from $OPENAI_API_KEY.")
MaxTokOpt = typer.Option(512, "--max-new-tokens", min=1, help="Generation length limit (LM backends).")
BatchOpt = typer.Option(8, "--batch-size", min=1, help="Records per backend call.")
LimitOpt = typer.Option(None, "--limit", min=1, help="Only the first N records (eval scores just those).")
SubsetOpt = typer.Option(None, "--subset", help="all | train | heldout: only that part of the training recipes' fixed "
                                                 "internal split (80/20 by id hash; heldout = what the recipes never train on).")
RetryOpt = typer.Option(True, "--retry-errors/--no-retry-errors",
                        help="On resume, redo rows written with an error (default) or keep them.")
ProgressOpt = typer.Option(None, "--progress/--no-progress",
                           help="Progress bar (default: a bar on a terminal, a line every 10 s otherwise).")
TimeoutOpt = typer.Option(60.0, "--timeout", min=0.1,
                          help="openai backend: total seconds per request attempt (connect + whole reply); then retried.")


def _embedder(e: Optional[str]) -> Optional[str]:
    import os

    e = e if e is not None else os.environ.get("RJUA_EMBEDDER")
    return None if e in (None, "", "none") else e


def _backend_options(backend: str, base_url: Optional[str], max_new_tokens: int, concurrency: int = 4,
                     timeout: float | None = None) -> dict:
    if backend == "openai":
        return {"base_url": base_url, "max_tokens": max_new_tokens, "concurrency": concurrency,
                **({"timeout": timeout} if timeout else {})}
    if backend in ("hf", "vllm", "chooser"):
        return {"max_new_tokens": max_new_tokens}
    return {}


def answer_cmd(question: str = typer.Argument(..., help="The patient's question (Chinese)."),
               backend: str = BackendOpt, model: Optional[str] = ModelOpt, data_dir: Optional[Path] = DataDir,
               embedder: Optional[str] = EmbedderOpt, index: Optional[Path] = IndexOpt,
               base_url: Optional[str] = BaseUrlOpt, max_new_tokens: int = MaxTokOpt, timeout: float = TimeoutOpt,
               as_json: bool = typer.Option(False, "--json")):
    """Answer one patient question, with its evidence."""
    from ..pipeline import build_pipeline

    pipe = build_pipeline(None, data_dir, backend, model, "retrieved", None, _embedder(embedder), index,
                          backend_options=_backend_options(backend, base_url, max_new_tokens, timeout=timeout))
    p = pipe.answer(question)
    if as_json:
        echo_json(p.to_json())
        return
    if p.error:
        typer.echo(f"warning: {p.error}", err=True)
    typer.echo(f"诊断 diagnosis: {'、'.join(p.diseases) or '—'}")
    typer.echo(f"建议 advice:    {'、'.join(p.advices) or '—'}")
    typer.echo(f"\n回答 answer:\n{p.answer}\n\n证据 evidence:")
    for ps in p.evidence["passages"]:
        typer.echo(f"  [{ps['id']}] {ps['text'][:100]}{'…' if len(ps['text']) > 100 else ''}")
    for c in p.evidence["similar_cases"][:5]:
        typer.echo(f"  similar case {c['key']} (similarity {c['similarity']:.2f}): {'、'.join(c['diseases'])}")
    typer.echo(f"\n({p.backend}/{p.model}, {p.latency_s:.2f} s) {p.disclaimer}")


def predict_cmd(split: str = typer.Option("test", "--split", "-s"),
                out: Path = typer.Option(..., "--out", "-o", dir_okay=False, help="Predictions file (JSON Lines)."),
                data_dir: Optional[Path] = DataDir, backend: str = BackendOpt, model: Optional[str] = ModelOpt,
                context: str = ContextOpt, pool: Optional[List[str]] = PoolOpt,
                embedder: Optional[str] = EmbedderOpt, index: Optional[Path] = IndexOpt,
                base_url: Optional[str] = BaseUrlOpt, max_new_tokens: int = MaxTokOpt, timeout: float = TimeoutOpt,
                batch_size: int = BatchOpt, limit: Optional[int] = LimitOpt,
                context_tokens: Optional[int] = typer.Option(None, "--context-tokens", min=1, help="Token budget of the evidence in the prompt (default 1024)."),
                overwrite: bool = typer.Option(False, "--overwrite", help="Start over even if --out exists."),
                retry_errors: bool = RetryOpt, progress: Optional[bool] = ProgressOpt,
                subset: Optional[str] = SubsetOpt):
    """Predict a whole split into JSON Lines (resumable; what 'rjua score' reads)."""
    from ..runs import predict_split

    rows = predict_split(split, out, data_dir, backend, model, context, pool, _embedder(embedder), index,
                         overwrite, batch_size, limit, backend_options=_backend_options(backend, base_url, max_new_tokens, timeout=timeout),
                         progress=progress, context_tokens=context_tokens, retry_errors=retry_errors, subset=subset)
    errors = sum(1 for r in rows if r.get("error"))
    typer.echo(f"wrote {len(rows)} predictions to {out}" + (f" ({errors} with errors)" if errors else ""), err=True)


def eval_cmd(split: str = typer.Option("test", "--split", "-s"),
             run_dir: Path = typer.Option(Path("runs/latest"), "--run-dir", "--out", "-o", file_okay=False, help="Run directory."),
             data_dir: Optional[Path] = DataDir, backend: str = BackendOpt, model: Optional[str] = ModelOpt,
             context: str = ContextOpt, pool: Optional[List[str]] = PoolOpt,
             embedder: Optional[str] = EmbedderOpt, index: Optional[Path] = IndexOpt,
             base_url: Optional[str] = BaseUrlOpt, max_new_tokens: int = MaxTokOpt, timeout: float = TimeoutOpt,
             match: str = typer.Option("exact", "--match"), batch_size: int = BatchOpt,
             limit: Optional[int] = LimitOpt, overwrite: bool = typer.Option(False, "--overwrite"),
             resamples: int = typer.Option(1000, "--resamples", min=1, help="Bootstrap resamples for the 95% CIs."),
             retry_errors: bool = RetryOpt, progress: Optional[bool] = ProgressOpt,
             subset: Optional[str] = SubsetOpt):
    """Predict then score a split; prints the score JSON and writes a run directory."""
    from ..runs import eval_split

    summary = eval_split(split, run_dir, data_dir, match, resamples, backend=backend, model=model, context=context,
                         pool=pool, embedder=_embedder(embedder), index=index, overwrite=overwrite,
                         batch_size=batch_size, limit=limit, retry_errors=retry_errors, progress=progress, subset=subset,
                         backend_options=_backend_options(backend, base_url, max_new_tokens, timeout=timeout))
    echo_json(summary)
    if "subset" in summary:
        typer.echo(f"note: --limit/--subset: scored {summary['subset']} records of split {split!r} (only those predicted)", err=True)
    typer.echo(f"run written to {run_dir} (predictions.jsonl, scores.json, report.md, report.html)", err=True)
