"""Retrieval over the knowledge base and case base.

``bm25`` (lexical), ``encoder`` (the encoder interface), ``dense`` (torch and hashing
encoders), ``onnx_encoder`` (ONNX Runtime encoders), ``index`` (faiss search, persisted
with a manifest), ``config`` (settings), ``fusion`` (the fused lists and their weights),
``cases`` (case similarity and votes), ``hybrid`` (the retriever), ``evaluate`` (metrics).
faiss and sentence-transformers are imported lazily.
"""
from .bm25 import BM25, tokenize
from .config import HybridConfig
from .dense import HashingEncoder, SentenceTransformerEncoder, load_encoder
from .hybrid import HybridRetriever, RetrievalResult, rrf

__all__ = [
           "BM25",
           "HashingEncoder",
           "HybridConfig",
           "HybridRetriever",
           "RetrievalResult",
           "SentenceTransformerEncoder",
           "load_encoder",
           "rrf",
           "tokenize",
]
