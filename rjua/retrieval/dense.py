"""Dense encoders (encoding only; search lives in :mod:`rjua.retrieval.index`).

* :class:`SentenceTransformerEncoder`: any sentence-transformers model by hub id or
  local path. Default ``moka-ai/m3e-small`` (Chinese, 512-d; research / non-commercial
  licence). Query / document prompts the model declares (``prompts`` in its config,
  e.g. EmbeddingGemma's ``query`` and ``document``) are used. Remote code is never
  trusted unless asked for.
* :class:`HashingEncoder`: deterministic character n-gram hashing, no model at all
  (tests, smoke runs); not a quality choice.

Vectors are float32 and L2-normalised, so inner product = cosine. The interface
(:class:`.encoder.Encoder`) and the parts every runtime shares live in :mod:`rjua.retrieval.encoder`.

>>> e = HashingEncoder(dim=64)
>>> v = e.encode_queries(["尿频尿急"]); v.shape, round(float((v * v).sum()), 5)
((1, 64), 1.0)
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence

import numpy as np

from .. import progress
from .encoder import Encoder, QueryCache, SentenceTransformerModel, load_st_model, normalise

__all__ = ["DEFAULT_EMBEDDER", "ENV_EMBEDDER", "Encoder", "HashingEncoder", "QueryCache", "SentenceTransformerEncoder",
           "load_encoder", "load_st_model"]

DEFAULT_EMBEDDER = "moka-ai/m3e-small"
ENV_EMBEDDER = "RJUA_EMBEDDER"


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
        return normalise(np.stack([self._one(t) for t in texts])) if texts else np.zeros((0, self.dim), np.float32)

    encode_docs = encode_queries


class SentenceTransformerEncoder(QueryCache, SentenceTransformerModel):
    """A sentence-transformers model run by torch, loaded lazily on first use (the model, its source and
    fingerprint come from :class:`.encoder.SentenceTransformerModel`)."""

    def __init__(self, name_or_path: str = DEFAULT_EMBEDDER, device: str = "cpu", batch_size: int = 32,
                 trust_remote_code: bool = False, query_max_tokens: int | None = None):
        QueryCache.__init__(self)
        SentenceTransformerModel.__init__(self, name_or_path, device, trust_remote_code)
        self.query_max_tokens = query_max_tokens  # cap on query tokens (latency); documents keep the model's limit
        self.batch_size = batch_size

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
        return normalise(out)



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
