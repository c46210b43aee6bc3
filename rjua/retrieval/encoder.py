"""The encoder interface, defined once: what retrieval needs from an embedder, and the parts
every runtime shares (vector normalisation, the query cache, loading a sentence-transformers
model and its query / document prompts).

:mod:`rjua.retrieval.dense` (torch and hashing encoders) and :mod:`rjua.retrieval.onnx_encoder`
(ONNX Runtime) both build on this module and do not import each other at module level
(:func:`rjua.retrieval.dense.load_encoder` imports the ONNX runtime lazily, when asked for it).

>>> v = normalise([[3.0, 4.0]]); v.tolist(), v.dtype.name
([[0.6000000238418579, 0.800000011920929]], 'float32')
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from .. import progress
from ..errors import RJUAError
from .integrity import folder_fingerprint, model_source

__all__ = ["CachedEncoder", "Encoder", "QueryCache", "SentenceTransformerModel", "load_st_model", "normalise",
           "prompt_text"]


class Encoder(Protocol):
    """What retrieval needs from an embedder: a name, a fingerprint of its files, and L2-normalised
    float32 vectors for queries and for documents (each with the model's own prompt, if it has one)."""

    name: str

    def fingerprint(self) -> str: ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_docs(self, texts: Sequence[str]) -> np.ndarray: ...


def normalise(x) -> np.ndarray:
    """Rows scaled to unit length (float32), so inner product = cosine."""
    x = np.asarray(x, dtype=np.float32)
    n = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(n, 1e-12)


def load_st_model(cls_name: str, name: str, kind: str, purpose: str, hint: str = "", **kw):
    """``sentence_transformers.<cls_name>(name, **kw)``, or a one-line :class:`RJUAError` naming the model.

    >>> try:
    ...     load_st_model("SentenceTransformer", "/no/such/model", "embedder", "dense retrieval")
    ... except RJUAError as e:
    ...     str(e).startswith("cannot load embedder '/no/such/model'")
    True
    """
    try:
        import sentence_transformers
    except ImportError:
        raise RJUAError(f"{purpose} needs sentence-transformers: pip install 'rjua[retrieval]'") from None
    try:
        return getattr(sentence_transformers, cls_name)(name, **kw)
    except Exception as e:  # noqa: BLE001  (hub unreachable, bad path, bad files)
        raise RJUAError(f"cannot load {kind} {name!r}: {type(e).__name__}: {str(e)[:200]}{hint}") from None


def prompt_text(model, prompt: str) -> str:
    """The text a sentence-transformers ``model`` puts before inputs encoded as ``prompt`` (``"query"`` or
    ``"document"``): that prompt if the model declares it, else its default prompt, else nothing
    (what ``model.encode(prompt_name=...)`` does; used by the runtimes that tokenize themselves).

    >>> class M:
    ...     prompts, default_prompt_name = {"query": "查询: "}, None
    >>> prompt_text(M(), "query"), prompt_text(M(), "document")
    ('查询: ', '')
    """
    prompts = getattr(model, "prompts", None) or {}
    if prompt in prompts:
        return prompts[prompt]
    default = getattr(model, "default_prompt_name", None)
    return prompts.get(default, "") if default else ""


class QueryCache:
    """Mixin: ``encode_queries`` through a bounded text -> vector cache over ``self._encode(texts, "query")``;
    ``encode_docs`` is ``self._encode(texts, "document")``."""

    def __init__(self):
        self._cache: dict[str, np.ndarray] = {}

    def _encode(self, texts: Sequence[str], prompt: str) -> np.ndarray:
        raise NotImplementedError

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if todo:
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache.update(zip(todo, self._encode(todo, "query")))
        if not texts:
            return np.zeros((0, 0), np.float32)
        return np.stack([self._cache[t] for t in texts])

    def encode_docs(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(list(texts), "document")


class SentenceTransformerModel:
    """A sentence-transformers model by hub id or local path, loaded lazily on first use, with the
    fingerprint of its files (computed without loading it). Every runtime that runs such a model
    (torch in :mod:`.dense`, ONNX Runtime in :mod:`.onnx_encoder`) holds one."""

    def __init__(self, name_or_path: str, device: str = "cpu", trust_remote_code: bool = False):
        self.name = str(name_or_path)
        self.device, self.trust_remote_code = device, trust_remote_code
        self._model = None

    @property
    def model(self):
        if self._model is None:
            progress.phase(f"loading embedder {self.name}…")
            self._model = load_st_model("SentenceTransformer", self.name, "embedder", "dense retrieval",
                                        " (give a local path with --embedder, or --embedder none)",
                                        device=self.device, trust_remote_code=self.trust_remote_code)
        return self._model

    def source(self) -> dict:
        """Where the model's files are (see :func:`rjua.retrieval.integrity.model_source`)."""

        return model_source(self.name)

    def fingerprint(self) -> str:
        """Hash of the model folder's (or cached hub snapshot's) files, computed without loading the model;
        of the id alone for a hub model that is not cached."""

        src = self.source()
        folder = src.get("path") or src.get("snapshot")
        key = f"files:{folder_fingerprint(folder)}" if folder else f"hub:{self.name}"
        return hashlib.sha256(key.encode()).hexdigest()[:16]


class CachedEncoder:
    """Wraps an encoder and remembers every vector it computed (folds share the encodings)."""

    def __init__(self, encoder):
        self.inner, self.name = encoder, encoder.name
        self._q: dict[str, np.ndarray] = {}
        self._d: dict[str, np.ndarray] = {}

    def fingerprint(self) -> str:
        return self.inner.fingerprint()

    def _enc(self, texts, cache, fn) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in cache]
        if todo:
            for t, v in zip(todo, fn(todo)):
                cache[t] = v
        return np.stack([cache[t] for t in texts]) if texts else np.zeros((0, 1), dtype=np.float32)

    def save(self, path) -> None:
        """Write the cached vectors (npz + the texts as JSON), keyed by the encoder's fingerprint."""
        data = {"fingerprint": self.fingerprint(), "q": list(self._q), "d": list(self._d)}
        arrays = {"q": np.stack(list(self._q.values())) if self._q else np.zeros((0, 1)),
                  "d": np.stack(list(self._d.values())) if self._d else np.zeros((0, 1))}
        np.savez(path, meta=np.array(json.dumps(data, ensure_ascii=False)), **arrays)

    def load(self, path) -> int:
        """Read vectors written by :meth:`save` for the same encoder; returns how many were loaded (0 if stale)."""
        if not os.path.exists(path):
            return 0
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            if meta["fingerprint"] != self.fingerprint():
                return 0
            self._q.update(zip(meta["q"], z["q"]))
            self._d.update(zip(meta["d"], z["d"]))
        return len(meta["q"]) + len(meta["d"])

    def encode_queries(self, texts):
        return self._enc(list(texts), self._q, self.inner.encode_queries)

    def encode_docs(self, texts):
        return self._enc(list(texts), self._d, self.inner.encode_docs)
