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

import glob
import hashlib
import json
import math
import os
import secrets
import shutil
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from .. import progress
from ..errors import RJUAError
from ..kb import Case, CaseBase, KnowledgeBase, Passage
from .config import loaded_config
from .dense import load_encoder
from .integrity import INDEX_FORMAT, MANIFEST, RJUAIndexError, file_record, validate_manifest, verify_files

__all__ = [
    "FLAT_MAX",
    "INDEX_FORMAT",
    "RJUAIndexError",
    "VectorIndex",
    "check_manifest",
    "choose_kind",
    "clean_stale_temps",
    "file_sha256",
    "load_index",
    "read_manifest",
    "save_index",
    "write_manifest",
]

FLAT_MAX = 50_000
MAX_MANIFEST_BYTES = 16 << 20


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

    def build(self, vectors: np.ndarray) -> VectorIndex:
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
        if q.shape[1] != self.dim:
            raise RJUAError(f"query vectors have dimension {q.shape[1]} but the index has {self.dim}: "
                            "the embedder does not match the index")
        return self.index.search(q, min(k, len(self)) or 1)

    def save(self, path: str | Path) -> None:
        _faiss().write_index(self.index, str(path))

    @classmethod
    def load(cls, path: str | Path, kind: str) -> VectorIndex:
        """Read a faiss index file (faiss's own format; nothing is unpickled)."""
        faiss = _faiss()
        vi = cls(kind=kind)
        try:
            vi.index = faiss.read_index(str(path))
        except (RuntimeError, MemoryError, OSError) as e:  # faiss raises RuntimeError with a C++ message
            raise RJUAIndexError(Path(path).parent, Path(path).name, f"not a readable faiss index "
                                 f"({str(e).strip().splitlines()[-1][:120] if str(e).strip() else type(e).__name__})")
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
    (out / MANIFEST).write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")


def read_manifest(index_dir: str | Path) -> dict[str, Any]:
    """The manifest of an index folder, its shape and types checked (:func:`validate_manifest`)."""
    d = Path(index_dir)
    m = d / MANIFEST
    if not d.is_dir():
        raise RJUAError(f"{d}: index directory not found (build one with 'rjua index build --out {d}')")
    if not m.is_file():
        raise RJUAIndexError(d, MANIFEST, "missing (not an rjua index, or a damaged one)")
    if m.stat().st_size > MAX_MANIFEST_BYTES:
        raise RJUAIndexError(d, MANIFEST, f"{m.stat().st_size} bytes, larger than any real manifest")
    try:
        info = json.loads(m.read_text(encoding="utf-8"))
    except UnicodeDecodeError as e:
        raise RJUAIndexError(d, MANIFEST, f"not UTF-8 text (byte {e.start})") from None
    except json.JSONDecodeError as e:
        raise RJUAIndexError(d, MANIFEST, f"invalid JSON at line {e.lineno}: {e.msg}") from None
    except (RecursionError, ValueError) as e:
        raise RJUAIndexError(d, MANIFEST, f"invalid JSON: {type(e).__name__}") from None
    return validate_manifest(info, d)


def check_manifest(info: dict[str, Any], index_dir: str | Path, embedder: str | None = None,
                   fingerprint: str | None = None, check_data: bool = True) -> None:
    """Refuse an index built with another embedder (name or model files), or from data files that changed since."""
    emb = info.get("embedder") or {}
    if embedder is not None and embedder != "default":
        want = None if embedder.lower() == "none" else embedder
        if want != emb.get("name") and not (want is None and not emb):
            raise RJUAIndexError(index_dir, MANIFEST, f"index was built with embedder {emb.get('name')!r}, not "
                                 f"{embedder!r}", "rebuild it or drop --embedder")
    if fingerprint is not None and emb and fingerprint != emb.get("fingerprint"):
        src = emb.get("source") if isinstance(emb.get("source"), dict) else {}
        if src.get("kind") == "folder" and isinstance(src.get("path"), str) and not Path(src["path"]).is_dir():
            raise RJUAIndexError(index_dir, MANIFEST, f"the embedder's model folder {src['path']} is gone "
                                 "(the index was built with it)", "restore the folder or rebuild the index")
        raise RJUAIndexError(index_dir, MANIFEST, f"embedder {emb.get('name')!r} changed since the index was built, "
                             f"or is another model (its files give fingerprint {fingerprint}, "
                             f"the index records {emb.get('fingerprint')})")
    if check_data:
        for split, f in (info.get("data_files") or {}).items():
            p = Path(f["path"])
            if p.is_file() and file_sha256(p) != f["sha256"]:
                raise RJUAIndexError(index_dir, MANIFEST, f"data file {p} (split {split}) changed since the index "
                                     "was built")


def _write_jsonl(path: Path, rows) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(asdict(row), ensure_ascii=False) + "\n" for row in rows)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):  # someone else's process, or not a PID: leave it
        return True
    return True


def clean_stale_temps(out: str | Path) -> list[Path]:
    """Remove the ``.NAME.tmp-PID-*`` / ``.NAME.old-PID-*`` folders that builds of ``out`` killed mid-way left
    beside it (their PID no longer runs); returns what was removed. A running build's folder is kept.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> (d / ".idx.tmp-999999999-ab12").mkdir(); (d / f".idx.tmp-{os.getpid()}-cd34").mkdir()
    >>> [p.name for p in clean_stale_temps(d / "idx")], sorted(p.name for p in d.iterdir())
    (['.idx.tmp-999999999-ab12'], ['.idx.tmp-...-cd34'])
    """
    out = Path(out)
    removed = []
    for kind in ("tmp", "old"):
        for p in out.parent.glob(f".{glob.escape(out.name)}.{kind}-*-*"):
            pid = p.name[len(out.name) + len(kind) + 3:].split("-", 1)[0]
            if p.is_dir() and not p.is_symlink() and pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p)
    return removed


def save_index(retriever, out: str | Path, info: dict) -> Path:
    """Write ``retriever``'s passages, cases, faiss indexes and manifest to ``out`` atomically.

    Everything goes to a hidden temporary folder beside ``out`` that is renamed into place once
    complete, so an interrupted build leaves either the previous index or none, never a half one.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise RJUAError(f"{out}: exists and is not a directory; choose another --out")
    if out.is_dir() and not (out / MANIFEST).is_file() and any(out.iterdir()):
        raise RJUAError(f"{out}: exists, is not empty and is not an rjua index; choose another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temps(out)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
    tmp.mkdir()
    try:
        progress.phase(f"writing index {out}…")
        _write_jsonl(tmp / "passages.jsonl", retriever.kb.passages)
        _write_jsonl(tmp / "cases.jsonl", retriever.cases.cases)
        files = {n: file_record(tmp / n) for n in ("passages.jsonl", "cases.jsonl")}
        emb = None
        if retriever.has_dense:
            enc = retriever.encoder
            for name, vi in (("passages.faiss", retriever.passage_index), ("cases.faiss", retriever.case_index)):
                if vi is not None:
                    vi.save(tmp / name)
                    files[name] = file_record(tmp / name, len(vi), vi.dim)
            src = enc.source() if hasattr(enc, "source") else {"kind": "builtin"}
            emb = {"name": enc.name, "fingerprint": enc.fingerprint(), "dim": retriever.passage_index.dim,
                   "index_kind": retriever.passage_index.kind, "source": src}
        write_manifest(tmp, {**info, "embedder": emb, "n_passages": len(retriever.kb),
                             "n_cases": len(retriever.cases), "config": asdict(retriever.config), "files": files})
        if out.exists():  # swap: the old index stays whole until the new one is complete
            old = out.parent / f".{out.name}.old-{os.getpid()}-{secrets.token_hex(4)}"
            os.replace(out, old)
            try:
                os.replace(tmp, out)
            except BaseException:  # e.g. another build renamed its index into place meanwhile
                if out.exists():
                    shutil.rmtree(old, ignore_errors=True)
                else:
                    os.replace(old, out)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _read_jsonl(d: Path, name: str, make) -> list:
    rows, n = [], 0
    try:
        with open(d / name, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                rows.append(make(json.loads(line)))
    except (ValueError, TypeError, AttributeError, KeyError, RecursionError) as e:
        raise RJUAIndexError(d, f"{name}:{n + 1 if isinstance(e, UnicodeDecodeError) else n}",
                             f"bad record ({type(e).__name__}: {str(e)[:120]})") from None
    return rows


def load_index(cls, index_dir: str | Path, encoder=None, embedder: str | None = None, check_data: bool = True,
               config=None, info: dict | None = None):
    """Verify an index folder (manifest, file hashes and counts, embedder fingerprint, data files), then load it.

    The embedder's fingerprint is always compared: from ``encoder`` when given, else from the model the
    manifest names (computed from its files; the model itself is loaded only when a query is encoded).
    Settings: the stored build settings with today's query-time settings (:func:`.config.loaded_config`;
    ``config`` replaces today's defaults there); ``manifest["config"]`` keeps what was stored. ``info``: the
    manifest when the caller already read it (:func:`rjua.plan.resolve`); it is verified all the same.
    """

    d = Path(index_dir)
    info = read_manifest(d) if info is None else info
    verify_files(d, info)
    emb = info["embedder"]
    check_manifest(info, d, embedder, None, check_data)
    if emb:
        encoder = _checked_encoder(d, info, encoder)
    progress.phase(f"loading index {d} ({info['n_passages']} passages, {info['n_cases']} cases, "
                   f"embedder {emb['name'] if emb else 'none'})…")
    kb, cb = _read_bases(d, info)
    indexes = _read_vectors(d, info) if emb else None
    r = cls(kb, cb, encoder if emb else None, loaded_config(info["config"], config)[0], indexes=indexes)
    r.manifest = info
    return r


def _checked_encoder(d: Path, info: dict, encoder):
    """The index's encoder (``encoder``, else the model its manifest names), its fingerprint checked."""

    emb = info["embedder"]
    if encoder is None:
        try:
            encoder = load_encoder(emb["name"])
        except (RJUAError, ValueError, ImportError) as e:  # an unusable name (edited manifest, missing extra)
            raise RJUAIndexError(d, MANIFEST, f"embedder {emb['name'][:80]!r} cannot be used: {e}") from None
    try:
        fp = encoder.fingerprint()
    except OSError as e:
        raise RJUAIndexError(d, MANIFEST, f"embedder {emb['name'][:80]!r}: cannot read its files: {e}") from None
    check_manifest(info, d, None, fp, False)
    return encoder


def _read_bases(d: Path, info: dict):
    """The knowledge base and case base, their counts and the cases' passage citations checked."""

    passages = _read_jsonl(d, "passages.jsonl", lambda o: Passage(**o))
    cases = _read_jsonl(d, "cases.jsonl", lambda o: Case(**{k: tuple(v) if isinstance(v, list) else v
                                                            for k, v in o.items()}))
    kb, cb = KnowledgeBase(passages), CaseBase(cases)
    for name, n, want in (("passages.jsonl", len(kb), info["n_passages"]), ("cases.jsonl", len(cb), info["n_cases"])):
        if n != want:
            raise RJUAIndexError(d, name, f"{n} distinct records, the manifest records {want}")
    known = {p.id for p in kb.passages}
    for c in cb.cases:
        bad = next((pid for pid in c.passage_ids if pid not in known), None)
        if bad is not None:
            raise RJUAIndexError(d, "cases.jsonl", f"case {c.key[:40]!r} cites passage {bad[:40]!r}, "
                                                   "which is not in passages.jsonl")
    return kb, cb


def _read_vectors(d: Path, info: dict) -> tuple:
    """The passage and case vector indexes, their sizes and dimension checked (no case index for 0 cases)."""
    emb = info["embedder"]
    loaded = []
    for name, want in (("passages.faiss", info["n_passages"]), ("cases.faiss", info["n_cases"])):
        if name == "cases.faiss" and not want:
            loaded.append(None)
            continue
        vi = VectorIndex.load(d / name, emb["index_kind"])
        if len(vi) != want or vi.dim != emb["dim"]:
            raise RJUAIndexError(d, name, f"holds {len(vi)} vectors of dimension {vi.dim}, expected {want} of "
                                 f"dimension {emb['dim']}")
        loaded.append(vi)
    return tuple(loaded)
