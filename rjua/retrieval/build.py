"""Build a retriever from a data directory: knowledge base of every split, case base of the pool.

>>> r, info = build_retriever(pool=["valid"])
>>> info["pool"], info["n_cases"] == len(r.cases)
(['valid'], True)
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from ..data import SplitFiles, read_records
from ..kb import CaseBase, KnowledgeBase, check_pool
from .dense import load_encoder
from .hybrid import HybridConfig, HybridRetriever
from .index import file_sha256

__all__ = ["build_retriever"]


def build_retriever(data_dir: str | os.PathLike | None = None, pool: Sequence[str] | None = None,
                    embedder: str | None = None, config: HybridConfig | None = None,
                    guidelines: Sequence[str | os.PathLike] = ()) -> tuple[HybridRetriever, dict]:
    """Knowledge base = passages of every split found (+ guideline files); case base = ``pool`` splits.

    ``data_dir``: a directory, or the :class:`~rjua.data.SplitFiles` a run already found there."""
    files = SplitFiles.of(data_dir)
    splits = {s: read_records(p) for s, p in files.items()}
    pool = check_pool(pool, sorted(splits)) if pool else sorted(splits)
    kb = KnowledgeBase.from_splits(splits)
    n_added = kb.add_text_files(guidelines)
    cases = CaseBase.from_splits({s: splits[s] for s in pool})
    retriever = HybridRetriever(kb, cases, load_encoder(embedder), config)
    info = {
        "data_dir": str(files.directory.resolve()),
        "pool": pool,
        "data_files": {s: {"path": str(Path(p).resolve()), "sha256": file_sha256(p)} for s, p in files.items()},
        "guidelines": [str(Path(g).resolve()) for g in guidelines], "n_guideline_passages": n_added,
        "n_passages": len(kb), "n_cases": len(cases),
    }
    return retriever, info
