"""Index integrity: the manifest's schema, per-file records, their verification, embedder fingerprints.

An index folder is trusted only through its ``manifest.json``: it records every file's sha256 and
size and every faiss index's vector count and dimension. Loading checks the manifest's types, then
each file (present, same size, same hash), then the counts against the passages and cases, before
anything is used; any problem is one :class:`RJUAIndexError` line naming the folder, the file and
what is wrong. No file is ever unpickled.

Embedder fingerprints come from the model's files (names, sizes, and hashes: small files in full,
large ones — the weights — by their size, first and last MiB and 16 blocks between), never from
loading the model, so a lexical ``rjua retrieve --index`` still notices a changed model folder. A hub
id is fingerprinted through its cached snapshot folder when there is one.

>>> import tempfile
>>> d = Path(tempfile.mkdtemp())
>>> _ = (d / "config.json").write_text('{"hidden_size": 32}')
>>> a = folder_fingerprint(d); _ = (d / "config.json").write_text('{"hidden_size": 64}')
>>> a == folder_fingerprint(d), len(a)
(False, 16)
>>> validate_manifest([], "idx")
Traceback (most recent call last):
  ...
rjua.retrieval.integrity.RJUAIndexError: index idx: manifest.json: not a JSON object but list; rebuild the index
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
from pathlib import Path
from typing import Any

from ..errors import RJUAError
from .config import HybridConfig

__all__ = [
    "INDEX_FORMAT",
    "MANIFEST",
    "RJUAIndexError",
    "content_digest",
    "file_record",
    "folder_fingerprint",
    "hub_snapshot",
    "model_source",
    "required_files",
    "validate_manifest",
    "verify_files",
]

MANIFEST = "manifest.json"
INDEX_FORMAT = 2  # 2: per-file hashes and vector counts, content fingerprints
EDGE = 1 << 20    # files above 2 * EDGE bytes are hashed by their size, first/last MiB and SAMPLES blocks
SAMPLES = 16
_NONE = type(None)


class RJUAIndexError(RJUAError):
    """A damaged, tampered or stale index folder: ``index DIR: FILE: what is wrong; what to do``."""

    def __init__(self, index_dir, file: str, reason: str, hint: str = "rebuild the index"):
        self.index_dir, self.file = str(index_dir), file
        self.reason = " ".join(str(reason).split())[:400]  # always one line
        super().__init__(f"index {self.index_dir}: {file}: {self.reason}" + (f"; {hint}" if hint else ""))


def _tname(v: Any) -> str:
    return "null" if v is None else {dict: "object", list: "list", str: "string", bool: "boolean",
                                     int: "integer", float: "number"}.get(type(v), type(v).__name__)


def _check(obj: dict, spec: dict, d, where: str = "", required: bool = True) -> None:
    for key, types in spec.items():
        if key not in obj:
            if required:
                raise RJUAIndexError(d, MANIFEST, f'missing key "{where}{key}"')
            continue
        v, types = obj[key], types if isinstance(types, tuple) else (types,)
        ok = isinstance(v, types) and not (isinstance(v, bool) and bool not in types)
        if ok and isinstance(v, int) and not isinstance(v, bool) and v < 0:
            ok = False
        if ok and key == "sha256":
            ok = len(v) == 64 and all(c in "0123456789abcdef" for c in v)
        if not ok:
            want = " or ".join(_tname(t()) if t is not _NONE else "null" for t in types)
            raise RJUAIndexError(d, MANIFEST, f'"{where}{key}" is {_tname(v)} {str(v)[:40]!r}, expected {want}'
                                 + (" >= 0" if int in types else ""))


_TOP = {"format": int, "n_passages": int, "n_cases": int, "embedder": (dict, _NONE), "config": dict, "files": dict}
_TOP_OPTIONAL = {"created": str, "data_dir": str, "pool": list, "data_files": dict, "guidelines": list,
                 "n_guideline_passages": int}
_EMBEDDER = {"name": str, "fingerprint": str, "dim": int, "index_kind": str}
_FILE = {"sha256": str, "size": int}
_FAISS = {"vectors": int, "dim": int}
_DATA_FILE = {"path": str, "sha256": str}
_ANNOTATION = {"int": int, "float": (float, int), "str": str, "bool": bool, "None": _NONE}


def _check_config(cfg: dict, d) -> None:
    fields = {f.name: f for f in dataclasses.fields(HybridConfig)}
    for key, v in cfg.items():
        if key not in fields:
            raise RJUAIndexError(d, MANIFEST, f'unknown setting "config.{key}"')
        names = [s.strip() for s in str(fields[key].type).split("|")]
        if all(n in _ANNOTATION for n in names):  # types we can check; others are left to the dataclass
            types = tuple(t for n in names for t in (_ANNOTATION[n] if isinstance(_ANNOTATION[n], tuple)
                                                     else (_ANNOTATION[n],)))
            if not isinstance(v, types) or (isinstance(v, bool) and bool not in types):
                raise RJUAIndexError(d, MANIFEST, f'"config.{key}" is {_tname(v)} {str(v)[:40]!r}, '
                                                  f'expected {" or ".join(names)}')


def validate_manifest(info: Any, d) -> dict:
    """Check the manifest's shape and types (extra keys are allowed); returns it."""
    if not isinstance(info, dict):
        raise RJUAIndexError(d, MANIFEST, f"not a JSON object but {_tname(info)}")
    if info.get("format") != INDEX_FORMAT:
        raise RJUAIndexError(d, MANIFEST, f"index format {info.get('format')!r} is not {INDEX_FORMAT}")
    _check(info, _TOP, d)
    _check(info, _TOP_OPTIONAL, d, required=False)
    if info["embedder"] is not None:
        _check(info["embedder"], _EMBEDDER, d, "embedder.")
        if info["embedder"]["index_kind"] not in ("flat", "ivf", "hnsw"):
            raise RJUAIndexError(d, MANIFEST, f'"embedder.index_kind" {info["embedder"]["index_kind"][:40]!r} '
                                              "is not flat, ivf or hnsw")
    for name, rec in info["files"].items():
        if not isinstance(rec, dict):
            raise RJUAIndexError(d, MANIFEST, f'"files.{name}" is {_tname(rec)}, expected object')
        _check(rec, {**_FILE, **(_FAISS if name.endswith(".faiss") else {})}, d, f"files.{name}.")
    for split, rec in (info.get("data_files") or {}).items():
        if not isinstance(rec, dict):
            raise RJUAIndexError(d, MANIFEST, f'"data_files.{split}" is {_tname(rec)}, expected object')
        _check(rec, _DATA_FILE, d, f"data_files.{split}.")
    _check_config(info["config"], d)
    return info


def required_files(info: dict) -> list[str]:
    """Files an index with this manifest must hold."""
    out = ["passages.jsonl", "cases.jsonl"]
    if info.get("embedder"):
        out += ["passages.faiss"] + (["cases.faiss"] if info["n_cases"] else [])
    return out


def content_digest(path: Path, size: int | None = None) -> bytes:
    """sha256 of a file; of its size, first/last MiB and 16 blocks between when it is larger than 2 MiB."""
    size = path.stat().st_size if size is None else size
    h = hashlib.sha256()
    with open(path, "rb") as f:
        if size <= 2 * EDGE:
            for block in iter(lambda: f.read(EDGE), b""):
                h.update(block)
        else:  # size, first and last MiB, and SAMPLES evenly spaced 64 KiB blocks between them
            h.update(f"{size}:".encode() + f.read(EDGE))
            for i in range(1, SAMPLES + 1):
                f.seek(EDGE + (size - 2 * EDGE) * i // (SAMPLES + 1))
                h.update(f.read(1 << 16))
            f.seek(size - EDGE)
            h.update(f.read(EDGE))
    return h.digest()


def file_record(path: Path, vectors: int | None = None, dim: int | None = None) -> dict:
    """The manifest's record of one index file (full sha256, size, and vector count/dim for faiss)."""
    rec = {"sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "size": path.stat().st_size}
    if vectors is not None:
        rec.update(vectors=int(vectors), dim=int(dim))
    return rec


def verify_files(d: Path, info: dict) -> None:
    """Every required file is recorded, present, of the recorded size and hash; counts agree."""
    files, emb = info["files"], info["embedder"]
    for name in required_files(info):
        rec = files.get(name)
        if rec is None:
            raise RJUAIndexError(d, MANIFEST, f'no record for {name} under "files"')
        if name.endswith(".faiss"):
            want = info["n_passages"] if name == "passages.faiss" else info["n_cases"]
            if rec["vectors"] != want or rec["dim"] != emb["dim"]:
                raise RJUAIndexError(d, MANIFEST, f"{name} is recorded with {rec['vectors']} vectors of dim "
                                                  f"{rec['dim']}, but there are {want} and the embedder has "
                                                  f"dim {emb['dim']}")
        p = d / name
        if not p.is_file():
            raise RJUAIndexError(d, name, "missing")
        size = p.stat().st_size
        if size != rec["size"]:
            raise RJUAIndexError(d, name, f"{size} bytes, the manifest records {rec['size']} (truncated or changed)")
        h = hashlib.sha256()
        with open(p, "rb") as f:
            for block in iter(lambda: f.read(EDGE), b""):
                h.update(block)
        if h.hexdigest() != rec["sha256"]:
            raise RJUAIndexError(d, name, "content changed since the index was built (sha256 differs)")


def folder_fingerprint(folder: str | os.PathLike) -> str:
    """16 hex digits over a model folder's file names, sizes and contents (docs and hidden files skipped)."""
    folder = Path(folder)
    h = hashlib.sha256()
    for f in sorted(folder.rglob("*")):
        rel = f.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or f.suffix.lower() == ".md" or not f.is_file():
            continue
        size = f.stat().st_size
        h.update(f"{rel.as_posix()}\0{size}\0".encode() + content_digest(f, size))
    return h.hexdigest()[:16]


def hub_snapshot(repo_id: str) -> Path | None:
    """The cached snapshot folder of a hub model id, or None (nothing is downloaded)."""
    if repo_id.count("/") > 1 or repo_id.startswith((".", "/")):
        return None
    try:
        from huggingface_hub import snapshot_download

        cache = os.environ.get("SENTENCE_TRANSFORMERS_HOME") or None
        return Path(snapshot_download(repo_id, local_files_only=True, cache_dir=cache))
    except Exception:  # noqa: BLE001  (not cached, not a valid id, hub library missing: no snapshot)
        return None


def model_source(name: str) -> dict:
    """Where a model's files are: ``folder`` (a path), ``hub`` (an id and its cached snapshot or None)."""
    if Path(name).is_dir():
        return {"kind": "folder", "path": str(Path(name).resolve())}
    snap = hub_snapshot(name)
    return {"kind": "hub", "id": name, "snapshot": str(snap) if snap else None}
