"""Run a sentence-transformers embedder with ONNX Runtime (fp32 or int8), for fast CPU queries.

The embedder spec ``onnx:MODEL`` (exact, ~1.4x faster than torch on 2 cores) or
``onnx-int8:MODEL`` (dynamic int8 weights, ~2.5x faster; embeddings move slightly,
mean cosine 0.991 to fp32 for m3e-small) works wherever ``--embedder`` is accepted.
``MODEL`` is any sentence-transformers id or path whose modules are a transformer,
mean or CLS pooling and optionally a normalisation layer (m3e, bge, ...); models
with extra dense layers (e.g. EmbeddingGemma) are refused with a clear message.
The model's query / document prompts (``prompts`` in its sentence-transformers
config, or its default prompt) are put before the texts exactly as the torch
runtime does (:func:`rjua.retrieval.encoder.prompt_text`).

Why not sentence-transformers' own ONNX backend (``backend="onnx"``)? Its extra
needs ``optimum-onnx``, whose releases (up to 0.1.0) require ``transformers<4.58``
while sentence-transformers 6 needs ``transformers>=5``: ``pip install
'sentence-transformers[onnx]'`` cannot be resolved without downgrading both
(checked with ``pip install --dry-run`` against sentence-transformers 6.2.0 and
transformers 5.24). This module exports with torch and runs ONNX Runtime directly.

The first use exports the transformer to ONNX (torch's TorchScript exporter, eager
attention so ONNX Runtime fuses it), fuses BERT-style graphs and, for ``int8``,
quantises the weights; the files are cached under ``$RJUA_CACHE_DIR`` (default
``~/.cache/rjua``) keyed by the model's fingerprint. Needs ``pip install 'rjua[onnx]'``.

>>> parse_runtime("onnx-int8:moka-ai/m3e-small")
('onnx-int8', 'moka-ai/m3e-small')
>>> parse_runtime("/models/m3e-small")
('torch', '/models/m3e-small')
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .. import progress
from ..errors import RJUAError
from .encoder import QueryCache, SentenceTransformerModel, normalise, prompt_text

__all__ = ["EXPORT_VERSION", "RUNTIMES", "OnnxEncoder", "cache_root", "export", "parse_runtime"]

RUNTIMES = ("onnx", "onnx-int8")
EXPORT_VERSION = "1"  # bump when the export recipe changes (invalidates cached files and index manifests)


def parse_runtime(spec: str) -> tuple[str, str]:
    """Split ``RUNTIME:MODEL`` into its parts; a spec with no known prefix runs on torch."""
    head, sep, rest = spec.partition(":")
    return (head, rest) if sep and head in RUNTIMES and rest else ("torch", spec)


def cache_root() -> Path:
    return Path(os.environ.get("RJUA_CACHE_DIR") or Path.home() / ".cache" / "rjua")


def _pooling(st) -> tuple[str, bool]:
    """(pooling mode, normalise) of a SentenceTransformer, or a clear refusal."""
    kinds = [type(m).__name__ for m in st]
    if kinds[:2] != ["Transformer", "Pooling"] or any(k != "Normalize" for k in kinds[2:]):
        raise RJUAError(f"the ONNX runtime supports transformer + pooling (+ normalize) embedders; "
                        f"this one has {' -> '.join(kinds)}: use the torch runtime (drop the 'onnx' prefix)")
    pool = st[1]
    mode = getattr(pool, "pooling_mode", None)  # sentence-transformers >= 6
    if mode is None and hasattr(pool, "get_pooling_mode_str"):
        mode = pool.get_pooling_mode_str()
    if isinstance(mode, (list, tuple)):
        mode = mode[0] if len(mode) == 1 else "+".join(mode)
    if mode not in ("mean", "cls"):
        raise RJUAError(f"the ONNX runtime supports mean or cls pooling, not {mode!r}: use the torch runtime")
    return mode, True  # outputs are L2-normalised anyway (inner product = cosine)


def export(st, out: Path, int8: bool) -> Path:
    """Export ``st``'s transformer to ``out`` (atomic); returns the path."""
    import torch

    try:
        import onnx  # noqa: F401  (the exporter needs it)
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError:
        raise RJUAError("the ONNX runtime needs onnx and onnxruntime: pip install 'rjua[onnx]'") from None
    hf = st[0].auto_model
    if hasattr(hf, "set_attn_implementation"):
        hf.set_attn_implementation("eager")  # exports as plain ops that ONNX Runtime fuses into Attention

    class Hidden(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(f".tmp{os.getpid()}")
    enc = st.tokenizer(["尿频尿急", "腰痛"], return_tensors="pt", padding=True)
    axes = {0: "batch", 1: "tokens"}
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")
        torch.onnx.export(Hidden(hf.eval()), (enc["input_ids"], enc["attention_mask"]), str(tmp), dynamo=False,
                          input_names=["input_ids", "attention_mask"], output_names=["hidden"], opset_version=17,
                          dynamic_axes={"input_ids": axes, "attention_mask": axes, "hidden": axes})
    cfg = hf.config
    if cfg.model_type in ("bert", "roberta", "xlm-roberta", "ernie"):
        from onnxruntime.transformers import optimizer

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fused = optimizer.optimize_model(str(tmp), model_type="bert", num_heads=cfg.num_attention_heads,
                                             hidden_size=cfg.hidden_size)
        fused.save_model_to_file(str(tmp))
    if int8:
        q = tmp.with_suffix(".q")
        root = logging.getLogger()
        level, root.level = root.level, logging.ERROR  # silence its "consider pre-processing" hint
        try:
            quantize_dynamic(str(tmp), str(q), weight_type=QuantType.QInt8,
                             extra_options={"DefaultTensorType": 1})  # 1 = FLOAT, for fused ops' outputs
        finally:
            root.level = level
        os.replace(q, tmp)
    os.replace(tmp, out)
    return out


class OnnxEncoder(QueryCache):
    """A sentence-transformers embedder run by ONNX Runtime (see module docstring)."""

    def __init__(self, spec: str, batch_size: int = 32, threads: int | None = None,
                 trust_remote_code: bool = False, query_max_tokens: int | None = None):
        runtime, base = parse_runtime(spec)
        if runtime == "torch":
            raise RJUAError(f"not an ONNX embedder spec: {spec!r} (use onnx:MODEL or onnx-int8:MODEL)")
        super().__init__()
        self.name, self.runtime, self.int8 = spec, runtime, runtime == "onnx-int8"
        self.base = SentenceTransformerModel(base, trust_remote_code=trust_remote_code)
        self.batch_size, self.query_max_tokens = batch_size, query_max_tokens
        self.threads = threads or len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else threads
        self._session = self._tokenizer = None

    def declares_prompts(self) -> bool:
        """Whether the model's sentence-transformers config declares prompts (read from its files, no loading)."""
        src = self.base.source()
        folder = src.get("path") or src.get("snapshot")
        try:
            cfg = json.loads((Path(folder) / "config_sentence_transformers.json").read_text(encoding="utf-8"))
        except (TypeError, OSError, ValueError):
            return False
        return isinstance(cfg, dict) and bool(any((cfg.get("prompts") or {}).values())
                                              or cfg.get("default_prompt_name"))

    def fingerprint(self) -> str:
        """Model files + runtime + export recipe; + prompts for a model that has them (vectors made before the
        ONNX runtime applied prompts differ, so indexes built with them are refused rather than mixed)."""
        key = f"{self.base.fingerprint()}|{self.runtime}|export-{EXPORT_VERSION}"
        if self.declares_prompts():
            key += "|prompts"
        return hashlib.sha256(key.encode()).hexdigest()[:16]

    def source(self) -> dict:
        return {**self.base.source(), "runtime": self.runtime}

    @property
    def path(self) -> Path:
        return cache_root() / "onnx" / self.fingerprint() / "model.onnx"

    def _load(self):
        try:
            import onnxruntime as ort
        except ImportError:
            raise RJUAError("the ONNX runtime needs onnx and onnxruntime: pip install 'rjua[onnx]'") from None
        st = self.base.model
        self.pooling, _ = _pooling(st)
        self._tokenizer, self.max_tokens = st.tokenizer, st.max_seq_length
        self.prompts = {p: prompt_text(st, p) for p in ("query", "document")}  # as the torch runtime applies them
        if any(self.prompts.values()) and getattr(st[1], "include_prompt", True) is False:
            raise RJUAError("the ONNX runtime pools over every token, this embedder leaves its prompt out of the "
                            "pooling: use the torch runtime (drop the 'onnx' prefix)")
        so = ort.SessionOptions()
        if self.threads:
            so.intra_op_num_threads = self.threads
        so.log_severity_level = 3
        fresh = not self.path.is_file()
        if fresh:
            export(st, self.path, self.int8)
        while True:
            try:
                self._session = ort.InferenceSession(str(self.path), so, providers=["CPUExecutionProvider"])
                break
            except Exception as e:  # noqa: BLE001 - onnxruntime raises its own unrelated classes
                if fresh:
                    raise RJUAError(f"{self.path}: ONNX Runtime cannot load the exported model "
                                    f"({type(e).__name__}: {str(e).splitlines()[0][:200]})") from None
                # a damaged cached export (disk error, edited, another tool's file): export it again, once
                self.path.unlink(missing_ok=True)
                export(st, self.path, self.int8)
                fresh = True
        self.base._model = None  # the torch weights are no longer needed

    def _run(self, texts: Sequence[str], max_tokens: int) -> np.ndarray:
        enc = self._tokenizer(list(texts), return_tensors="np", padding=True, truncation=True, max_length=max_tokens)
        mask = enc["attention_mask"].astype(np.int64)
        hidden = self._session.run(None, {"input_ids": enc["input_ids"].astype(np.int64), "attention_mask": mask})[0]
        if self.pooling == "cls":
            return hidden[:, 0]
        return (hidden * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)

    def _encode(self, texts: Sequence[str], prompt: str) -> np.ndarray:
        if self._session is None:
            self._load()
        limit = self.max_tokens
        if prompt == "query" and self.query_max_tokens:
            limit = min(limit, self.query_max_tokens)
        order = np.argsort([len(t) for t in texts], kind="stable")  # similar lengths share a batch: less padding
        out = np.zeros((len(texts), 0), np.float32)
        starts = range(0, len(order), self.batch_size)
        if len(texts) >= progress.MIN_ITEMS:
            what = "questions" if prompt == "query" else "passages"
            progress.phase(f"encoding {len(texts)} {what} with {self.name}…")
            starts = progress.bar(starts, desc=f"encoding {what}")
        for i in starts:
            chunk = order[i:i + self.batch_size]
            v = self._run([self.prompts[prompt] + texts[j] for j in chunk], limit)
            if out.shape[1] == 0:
                out = np.zeros((len(texts), v.shape[1]), np.float32)
            out[chunk] = v
        return normalise(out)

