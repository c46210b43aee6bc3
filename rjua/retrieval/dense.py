"""Dense encoders (encoding only; search lives in :mod:`rjua.retrieval.index`).

* :class:`SentenceTransformerEncoder`: any sentence-transformers model by hub id or
  local path. Default ``moka-ai/m3e-small`` (Chinese, 512-d; research / non-commercial
  licence). Query / document prompts the model declares (``prompts`` in its config,
  e.g. EmbeddingGemma's ``query`` and ``document``) are used. Remote code is never
  trusted unless asked for.
* :class:`HashingEncoder`: deterministic character n-gram hashing, no model at all
  (tests, smoke runs); not a quality choice.

Vectors are float32 and L2-normalised, so inner product = cosine.

>>> e = HashingEncoder(dim=64)
>>> v = e.encode_queries(["尿频尿急"]); v.shape, round(float((v * v).sum()), 5)
((1, 64), 1.0)
"""
from __future__ import annotations

import hashlib
import os
from typing import Protocol, Sequence

import numpy as np

from ..errors import RJUAError
from .. import progress

DEFAULT_EMBEDDER = "moka-ai/m3e-small"
ENV_EMBEDDER = "RJUA_EMBEDDER"


class Encoder(Protocol):
    """What retrieval needs from an embedder."""

    name: str

    def fingerprint(self) -> str: ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_docs(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    n = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(n, 1e-12)


class HashingEncoder:
    """Character uni+bigram hashing into ``dim`` buckets (signed), L2-normalised."""

    def __init__(self, dim: int = 256):
        self.dim = dim
        self.name = f"hashing-{dim}"

    def fingerprint(self) -> str:
        return hashlib.sha256(self.name.encode()).hexdigest()[:16]

    def _one(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        t = "".join(text.split())
        for g in list(t) + [t[i:i + 2] for i in range(len(t) - 1)]:
            h = int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little")
            v[h % self.dim] += 1.0 if (h >> 63) & 1 else -1.0
        return v

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return _normalise(np.stack([self._one(t) for t in texts])) if texts else np.zeros((0, self.dim), np.float32)

    encode_docs = encode_queries


def load_st_model(cls_name: str, name: str, kind: str, purpose: str, hint: str = "", **kw):
    """``sentence_transformers.<cls_name>(name, **kw)``, or a one-line :class:`RJUAError` naming the model."""
    try:
        import sentence_transformers
    except ImportError:
        raise RJUAError(f"{purpose} needs sentence-transformers: pip install 'rjua[retrieval]'") from None
    try:
        return getattr(sentence_transformers, cls_name)(name, **kw)
    except Exception as e:  # hub unreachable, bad path, bad files
        raise RJUAError(f"cannot load {kind} {name!r}: {type(e).__name__}: {str(e)[:200]}{hint}") from None


class QueryCache:
    """Mixin: ``encode_queries`` through a bounded text -> vector cache over ``self._encode(texts, "query")``."""

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


class SentenceTransformerEncoder(QueryCache):
    """A sentence-transformers model, loaded lazily on first use."""

    def __init__(self, name_or_path: str = DEFAULT_EMBEDDER, device: str = "cpu", batch_size: int = 32,
                 trust_remote_code: bool = False, query_max_tokens: int | None = None):
        super().__init__()
        self.name = str(name_or_path)
        self.query_max_tokens = query_max_tokens  # cap on query tokens (latency); documents keep the model's limit
        self.device, self.batch_size, self.trust_remote_code = device, batch_size, trust_remote_code
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
        from .integrity import model_source

        return model_source(self.name)

    def fingerprint(self) -> str:
        """Hash of the model folder's (or cached hub snapshot's) files, computed without loading the model;
        of the id alone for a hub model that is not cached."""
        from .integrity import folder_fingerprint

        src = self.source()
        folder = src.get("path") or src.get("snapshot")
        key = f"files:{folder_fingerprint(folder)}" if folder else f"hub:{self.name}"
        return hashlib.sha256(key.encode()).hexdigest()[:16]

    def _encode(self, texts: Sequence[str], prompt: str) -> np.ndarray:
        kw = {"prompt_name": prompt} if prompt in (getattr(self.model, "prompts", None) or {}) else {}
        full = self.model.max_seq_length
        if prompt == "query" and self.query_max_tokens:
            self.model.max_seq_length = min(full, self.query_max_tokens)
        long = len(texts) >= progress.MIN_ITEMS
        if long:
            progress.phase(f"encoding {len(texts)} {'questions' if prompt == 'query' else 'passages'} "
                           f"with {self.name}…")
        try:
            out = self.model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                                    convert_to_numpy=True, show_progress_bar=long and progress.show_bar(), **kw)
        finally:
            self.model.max_seq_length = full
        return _normalise(out)

    def encode_docs(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "document")


def load_encoder(name: str | None = None, **kw) -> Encoder | None:
    """``None``/``"none"`` -> no dense retrieval; ``hashing[-DIM]`` -> :class:`HashingEncoder`;
    ``onnx:MODEL`` / ``onnx-int8:MODEL`` -> the model run by ONNX Runtime
    (:mod:`rjua.retrieval.onnx_encoder`); anything else -> a sentence-transformers model
    (``$RJUA_EMBEDDER`` when the model is ``"default"``).

    >>> load_encoder("none") is None, load_encoder("hashing-32").dim
    (True, 32)
    """
    if name is None or name.lower() == "none":
        return None
    head, sep, model = name.rpartition(":")
    if model == "default":
        name = head + sep + os.environ.get(ENV_EMBEDDER, DEFAULT_EMBEDDER)
    if name.startswith("hashing"):
        dim = int(name.split("-", 1)[1]) if "-" in name else 256
        return HashingEncoder(dim)
    if name.split(":", 1)[0] in ("onnx", "onnx-int8"):
        from .onnx_encoder import OnnxEncoder

        return OnnxEncoder(name, **kw)
    return SentenceTransformerEncoder(name, **kw)
