"""Retrieval over the knowledge base and case base.

``bm25`` (lexical), ``dense`` (encoders only), ``index`` (faiss search, persisted
with a manifest), ``hybrid`` (fusion and case expansion), ``evaluate`` (metrics).
faiss and sentence-transformers are imported lazily.
"""
from .bm25 import BM25, tokenize
from .dense import HashingEncoder, SentenceTransformerEncoder, load_encoder
from .hybrid import HybridRetriever, RetrievalResult, rrf

__all__ = ["BM25", "tokenize", "HashingEncoder", "SentenceTransformerEncoder", "load_encoder",
           "HybridRetriever", "RetrievalResult", "rrf"]
