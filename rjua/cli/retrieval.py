"""``rjua index build``, ``rjua retrieve``, ``rjua retrieval-eval``."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from ..data import load_split
from ..errors import RJUAError
from ..outputs import check_output
from ..pipeline import pool_retriever
from ..retrieval.bm25 import TOKENIZERS
from ..retrieval.build import build_retriever
from ..retrieval.evaluate import ABLATIONS, evaluate
from ..retrieval.hybrid import HybridConfig, HybridRetriever, check_query
from ..retrieval.index import read_manifest
from ._common import DataDir, echo_json, safe_text
from ._spec_flags import kb_policy

__all__ = ["index_app", "index_build", "index_info", "retrieval_eval", "retrieve"]

INDEX_KINDS = ("auto", "flat", "ivf", "hnsw")
index_app = typer.Typer(help="Build a persisted retrieval index.", no_args_is_help=True)

Embedder = typer.Option("none", "--embedder", "-e",
                        help="sentence-transformers model id or path; "
                             "'default' = $RJUA_EMBEDDER or moka-ai/m3e-small; "
                             "'onnx-int8:MODEL' / 'onnx:MODEL' = run it with ONNX Runtime (faster on CPU); "
                             "'none' = lexical only; 'hashing-256' = model-free hashing (smoke tests).")


@index_app.command("build")
def index_build(out: Path = typer.Option(..., "--out", "-o", help="Index directory to write."),
                data_dir: Optional[Path] = DataDir,
                pool: Optional[List[str]] = typer.Option(None, "--pool", help="Labelled split(s) for the case base "
                                                                                 "(repeatable; default: all)."),
                embedder: str = Embedder,
                guidelines: Optional[List[Path]] = typer.Option(None, "--guidelines",
                                                                help="Extra guideline text files "
                                                                     "(one passage per paragraph)."),
                tokenizer: str = typer.Option("char2", "--tokenizer",
                                              help="BM25 tokenizer: char2 | char1 | char12 | jieba."),
                index_kind: str = typer.Option("auto", "--index-kind", help="faiss index: auto | flat | ivf | hnsw."),
                reranker: Optional[str] = typer.Option(None, "--reranker",
                                                       help="Optional re-ranking model (CrossEncoder id or path).")):
    """Write passages, case base, faiss index and a manifest (embedder, hashes) to --out."""

    for opt, v, ok in (("--tokenizer", tokenizer, TOKENIZERS), ("--index-kind", index_kind, INDEX_KINDS)):
        if v not in ok:  # before any work; --index-kind was ignored without an embedder, --tokenizer exited 1
            raise RJUAError(f"invalid value for '{opt}': {v!r}; choose one of {', '.join(ok)}")
    check_output(out, [("a --guidelines file", g) for g in guidelines or []], data_dir)
    r, info = build_retriever(data_dir, pool, embedder,
                              HybridConfig(tokenizer=tokenizer, index_kind=index_kind, reranker=reranker),
                              guidelines or [])
    r.save(out, info)
    emb = r.encoder.name if r.encoder is not None else "none"
    typer.echo(f"wrote {out}: {info['n_passages']} passages, {info['n_cases']} cases "
               f"(pool {', '.join(info['pool'])}), embedder {emb}")


def _load(index: Optional[Path], data_dir, pool, embedder: str):
    if index is not None:
        return HybridRetriever.load(index, embedder=embedder if embedder != "none" else None)
    return build_retriever(data_dir, pool, embedder)[0]


@index_app.command("info")
def index_info(index: Path = typer.Argument(..., help="Index directory.")):
    """Print an index's manifest."""

    echo_json(read_manifest(index))


def retrieve(query: str = typer.Argument(..., help="Patient question (Chinese)."),
             index: Optional[Path] = typer.Option(None, "--index", "-i",
                                                  help="Index directory (default: build in memory)."),
             data_dir: Optional[Path] = DataDir,
             embedder: str = typer.Option("none", "--embedder", "-e",
                                          help="Embedder (only without --index, or to check the index's)."),
             k: int = typer.Option(5, "-k", min=1, help="Passages to show."),
             n_cases: int = typer.Option(3, "--cases", min=0, help="Similar cases to show."),
             mode: str = typer.Option("hybrid", "--mode",
                                      help="hybrid | bm25 | dense | cases | bm25+cases | bm25+dense."),
             as_json: bool = typer.Option(False, "--json")):
    """Ranked guideline passages and similar labelled cases for a query."""

    if mode not in ABLATIONS:
        raise typer.BadParameter(f"choose one of {', '.join(ABLATIONS)}", param_hint="--mode")
    check_query(query)  # before the (slower) index load
    r = _load(index, data_dir, None, embedder)
    res = r.search(query, k=k, n_cases=n_cases, components=ABLATIONS[mode])
    if as_json:
        echo_json(res.to_dict())
        return
    typer.echo("passages:")
    for i, h in enumerate(res.passages, 1):
        comp = ", ".join(f"{n}#{rk}" for n, rk in h.components.items())
        more = "…" if len(h.text) > 160 else ""
        typer.echo(safe_text(f"{i:>2}. [{h.id}] {h.score:.4f} ({comp})\n    {h.text[:160]}{more}"))
    typer.echo("similar cases:")
    for c in res.cases:
        typer.echo(safe_text(f"  - {c.key} ({c.score:.4f}) 诊断: {'、'.join(c.diseases)}"))


def retrieval_eval(split: str = typer.Option("valid", "--split", "-s", help="Split whose questions are evaluated."),
                   index: Optional[Path] = typer.Option(None, "--index", "-i",
                                                        help="Index directory (default: build in memory)."),
                   data_dir: Optional[Path] = DataDir,
                   pool: Optional[List[str]] = typer.Option(None, "--pool",
                                                            help="Case-base split(s) when building in memory."),
                   embedder: str = Embedder,
                   modes: Optional[List[str]] = typer.Option(None, "--mode",
                                                             help="Modes to report (default: all available)."),
                   as_json: bool = typer.Option(False, "--json"),
                   kb_splits: Optional[List[str]] = typer.Option(None, "--kb-splits",
                                                                 help="Knowledge-base policy: all (default) | pool | "
                                                                      "split names.")):
    """hit@5, recall@20, MRR@10, nDCG@10 per retriever (leave-one-out case base)."""

    bad = [m for m in modes or [] if m not in ABLATIONS]
    if bad:  # before the (slower) index load
        raise RJUAError(f"invalid value for '--mode': {', '.join(bad)}; choose from {', '.join(ABLATIONS)}")

    # the same pool rule as eval: an index over more splits is restricted to the pool
    r, _ = pool_retriever(split, data_dir, pool, index, embedder if index is None or embedder != "none" else None)
    data = data_dir if index is None else (r.manifest.get("data_dir") if data_dir is None else data_dir)
    r.set_kb_policy(kb_policy(kb_splits))
    records = load_split(split, data)
    res = evaluate(r, records, split, modes)
    if as_json:
        echo_json(res)
        return
    typer.echo(f"split={split} n={len(records)} passages={len(r.kb)} cases={len(r.cases)}")
    typer.echo(f"{'mode':<12} {'hit@5':>7} {'recall@20':>10} {'mrr@10':>7} {'ndcg@10':>8}")
    for mode, m in res.items():
        typer.echo(f"{mode:<12} {m['hit@5']:>7.3f} {m['recall@20']:>10.3f} {m['mrr@10']:>7.3f} {m['ndcg@10']:>8.3f}")
