"""Vector search with faiss (imported lazily) and the persisted index directory.

Index kinds: ``flat`` (exact inner product; the default up to ``FLAT_MAX`` vectors),
``ivf`` (inverted lists, ``nlist = sqrt(n)``, ``nprobe = 32``, approximate; the default above),
``hnsw`` (graph, approximate, no training). Vectors are L2-normalised, so inner
product is cosine similarity.

>>> import numpy as np
>>> v = np.eye(4, dtype="float32")
>>> VectorIndex(v).search(v[2:3], 1)[1].tolist()
[[2]]
"""
from __future__ import annotations

import hashlib
import json
import math
import time
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import RJUAError

FLAT_MAX = 50_000
INDEX_FORMAT = 1


def _faiss():
    try:
        import faiss
    except ImportError:
        raise RJUAError("vector search needs faiss: pip install 'rjua[retrieval]' (faiss-cpu)") from None
    return faiss


def choose_kind(n: int) -> str:
    """``flat`` up to ``FLAT_MAX`` vectors, ``ivf`` above."""
    return "flat" if n <= FLAT_MAX else "ivf"


class VectorIndex:
    """A faiss inner-product index over row vectors."""

    def __init__(self, vectors: np.ndarray | None = None, kind: str = "auto", nprobe: int | None = None,
                 hnsw_m: int = 32, ef_search: int = 64, seed: int = 0):
        self.kind, self.index, self.dim = kind, None, None
        self.nprobe, self.hnsw_m, self.ef_search, self.seed = nprobe, hnsw_m, ef_search, seed
        if vectors is not None:
            self.build(vectors)

    def build(self, vectors: np.ndarray) -> "VectorIndex":
        faiss = _faiss()
        x = np.ascontiguousarray(vectors, dtype=np.float32)
        n, self.dim = x.shape
        if self.kind == "auto":
            self.kind = choose_kind(n)
        if self.kind == "flat":
            self.index = faiss.IndexFlatIP(self.dim)
        elif self.kind == "hnsw":
            self.index = faiss.IndexHNSWFlat(self.dim, self.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            self.index.hnsw.efSearch = self.ef_search
        elif self.kind == "ivf":
            nlist = max(1, min(int(math.sqrt(n)), n // 39 or 1))
            quant = faiss.IndexFlatIP(self.dim)
            self.index = faiss.IndexIVFFlat(quant, self.dim, nlist, faiss.METRIC_INNER_PRODUCT)
            rng = np.random.default_rng(self.seed)
            sample = x[rng.choice(n, size=min(n, nlist * 64), replace=False)]
            self.index.train(sample)
            self.index.nprobe = self.nprobe or max(1, min(nlist, 32))
        else:
            raise RJUAError(f"unknown index kind {self.kind!r}; choose flat, ivf or hnsw")
        self.index.add(x)
        return self

    def __len__(self) -> int:
        return 0 if self.index is None else self.index.ntotal

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` (scores, ids) per query row; ids are -1 where fewer exist."""
        q = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        return self.index.search(q, min(k, len(self)) or 1)

    def save(self, path: str | Path) -> None:
        _faiss().write_index(self.index, str(path))

    @classmethod
    def load(cls, path: str | Path, kind: str) -> "VectorIndex":
        vi = cls(kind=kind)
        vi.index = _faiss().read_index(str(path))
        vi.dim = vi.index.d
        return vi


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_manifest(out: Path, info: dict[str, Any]) -> None:
    info = {"format": INDEX_FORMAT, "created": time.strftime("%Y-%m-%dT%H:%M:%S"), **info}
    (out / "manifest.json").write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")


def read_manifest(index_dir: str | Path) -> dict[str, Any]:
    d = Path(index_dir)
    m = d / "manifest.json"
    if not d.is_dir():
        raise RJUAError(f"{d}: index directory not found (build one with 'rjua index build --out {d}')")
    if not m.is_file():
        raise RJUAError(f"{d}: not an rjua index (no manifest.json)")
    try:
        info = json.loads(m.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise RJUAError(f"{m}:{e.lineno}: invalid JSON: {e.msg}") from None
    if info.get("format") != INDEX_FORMAT:
        raise RJUAError(f"{m}: index format {info.get('format')!r} is not {INDEX_FORMAT}; rebuild the index")
    return info


def check_manifest(info: dict[str, Any], index_dir: str | Path, embedder: str | None = None,
                   fingerprint: str | None = None, check_data: bool = True) -> None:
    """Refuse an index built with another embedder, or from data files that changed since."""
    emb = info.get("embedder") or {}
    if embedder is not None and embedder != "default":
        want = None if embedder.lower() == "none" else embedder
        if want != emb.get("name") and not (want is None and not emb):
            raise RJUAError(f"{index_dir}: index was built with embedder {emb.get('name')!r}, not {embedder!r};"
                            " rebuild it or drop --embedder")
    if fingerprint is not None and emb and fingerprint != emb.get("fingerprint"):
        raise RJUAError(f"{index_dir}: embedder {emb.get('name')!r} changed since the index was built "
                        f"(fingerprint {fingerprint} != {emb.get('fingerprint')}); rebuild the index")
    if check_data:
        for split, f in (info.get("data_files") or {}).items():
            p = Path(f["path"])
            if p.is_file() and file_sha256(p) != f["sha256"]:
                raise RJUAError(f"{index_dir}: data file {p} (split {split}) changed since the index was built;"
                                " rebuild the index")
