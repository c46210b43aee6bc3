"""Hybrid retrieval: reciprocal-rank fusion of BM25, dense search and case expansion.

The parts live in small units: settings in :mod:`.config`, the fused lists and their weights in
:mod:`.fusion`, similar cases and their votes in :mod:`.cases`, persistence in :mod:`.index`.
This module holds the retriever: knowledge-base policy, restriction to a pool, and search.

An optional re-ranking stage (``HybridConfig.reranker``) lets a second model reorder the
first ``rerank_depth`` fused passages (:mod:`rjua.retrieval.rerank`).

>>> from rjua.data import load_all
>>> from rjua.kb import KnowledgeBase, CaseBase
>>> splits = load_all()
>>> r = HybridRetriever(KnowledgeBase.from_splits(splits), CaseBase.from_splits({"valid": splits["valid"]}))
>>> res = r.search(splits["valid"][0].question, k=3, exclude_cases={"valid:101"})
>>> len(res.passages), "valid:101" in [c.key for c in res.cases]
(3, False)
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ..errors import RJUAError
from ..kb import CaseBase, KnowledgeBase, Passage
from .bm25 import BM25
from .cases import similar_cases
from .config import HybridConfig
from .encoder import Encoder
from .fusion import PASSAGE_LISTS, Query, fuse, rrf
from .index import VectorIndex, load_index, save_index
from .rerank import load_reranker

__all__ = ["COMPONENTS", "MAX_QUERY_CHARS", "CaseHit", "HybridConfig", "HybridRetriever", "PassageHit",
           "RetrievalResult", "check_query", "rrf"]

MAX_QUERY_CHARS = 4000
COMPONENTS = tuple(PASSAGE_LISTS)  # ("bm25", "dense", "cases")


@dataclass
class PassageHit:
    id: str
    text: str
    score: float
    components: dict[str, int] = field(default_factory=dict)  # rank (1-based) in each component list


@dataclass
class CaseHit:
    key: str
    id: str
    question: str
    diseases: tuple[str, ...]
    advices: tuple[str, ...]
    passage_ids: tuple[str, ...]
    score: float
    answer: str = ""
    similarity: float = 0.0  # mean of BM25/best-BM25 and cosine (when dense), in [0, 1]


@dataclass
class RetrievalResult:
    query: str
    passages: list[PassageHit]
    cases: list[CaseHit]

    def to_dict(self) -> dict:
        return asdict(self)


def check_query(query: str) -> str:
    if not isinstance(query, str) or not query.strip():
        raise RJUAError("empty query")
    if len(query) > MAX_QUERY_CHARS:
        raise RJUAError(f"query too long: {len(query)} characters (limit {MAX_QUERY_CHARS})")
    return query.strip()


class HybridRetriever:
    """Search passages and similar cases; ``components`` picks bm25 / dense / cases."""

    def __init__(self, kb: KnowledgeBase, cases: CaseBase, encoder: Encoder | None = None,
                 config: HybridConfig | None = None, passage_vectors: np.ndarray | None = None,
                 case_vectors: np.ndarray | None = None, indexes: tuple | None = None):
        self.kb, self.cases, self.encoder = kb, cases, encoder
        self.config = config or HybridConfig()
        if encoder is not None and hasattr(encoder, "query_max_tokens"):
            encoder.query_max_tokens = self.config.query_max_tokens

        self.reranker = load_reranker(self.config.reranker)
        self.bm25 = BM25(self.config.tokenizer).fit(kb.texts)
        self.case_bm25 = BM25(self.config.tokenizer).fit([c.question for c in cases.cases])
        self.passage_index = self.case_index = None
        if indexes is not None:
            self.passage_index, self.case_index = indexes
        elif encoder is not None:
            pv = passage_vectors if passage_vectors is not None else encoder.encode_docs(kb.texts)
            cv = (case_vectors if case_vectors is not None
                  else encoder.encode_queries([c.question for c in cases.cases]))
            self.passage_index = VectorIndex(pv, kind=self.config.index_kind)
            self.case_index = VectorIndex(cv, kind=self.config.index_kind) if len(cv) else None
        self.kb_splits: tuple[str, ...] | None = None  # None: every passage (policy "all")
        self.manifest: dict = {}

    # ------------------------------------------------------- pool and KB policy
    @property
    def pool(self) -> list[str]:
        """Splits whose labelled records make up the case base, in order."""
        return list(dict.fromkeys(c.key.split(":", 1)[0] for c in self.cases.cases))

    @property
    def kb_sources(self) -> list[str]:
        """Splits whose contexts the knowledge base holds."""
        return sorted({k.split(":", 1)[0] for p in self.kb.passages for k in p.cited_by})

    def set_kb_policy(self, kb_splits: Sequence[str] | str | None) -> HybridRetriever:
        """Which passages may be evidence: ``None``/``"all"`` every passage; ``"pool"`` or split names:
        passages cited by a record of those splits other than the excluded ones (the record answered),
        plus user guideline files. Applied at query time; refuses splits the knowledge base lacks."""
        if kb_splits in (None, "all", ["all"], ("all",)):
            self.kb_splits = None
            return self
        names = self.pool if kb_splits in ("pool", ["pool"], ("pool",)) else list(kb_splits)
        missing = [s for s in names if s not in self.kb_sources]
        if missing:
            raise RJUAError(f"--kb-splits {', '.join(missing)} not in the knowledge base (it holds the contexts of: "
                            f"{', '.join(self.kb_sources) or 'none'})")
        self.kb_splits = tuple(names)
        keep = set(names)
        self._kb_citers = [[k for k in p.cited_by if k.split(":", 1)[0] in keep] for p in self.kb.passages]
        self._kb_static = np.array([p.source != "rjua" or bool(c) for p, c in zip(self.kb.passages, self._kb_citers)])
        self._kb_by_key: dict[str, list[int]] = {}
        for i, cs in enumerate(self._kb_citers):
            for k in cs:
                self._kb_by_key.setdefault(k, []).append(i)
        return self

    def passage_mask(self, exclude: Iterable[str] = ()) -> np.ndarray | None:
        """Passages allowed as evidence for a query that excludes ``exclude`` (None: all allowed).

        >>> from rjua.data import load_all
        >>> from rjua.kb import KnowledgeBase, CaseBase
        >>> s = load_all()
        >>> r = HybridRetriever(KnowledgeBase.from_splits(s), CaseBase.from_splits({"valid": s["valid"]}))
        >>> test_only = [i for i, p in enumerate(r.kb.passages) if p.cited_by == ["test:210"]]
        >>> bool(r.set_kb_policy("pool").passage_mask()[test_only].any())
        False
        >>> pair = [i for i, p in enumerate(r.kb.passages) if p.cited_by == ["valid:115", "valid:116"]]
        >>> r.passage_mask(["valid:115"])[pair].tolist(), r.passage_mask(["valid:115", "valid:116"])[pair].tolist()
        ([True], [False])
        """
        if self.kb_splits is None:
            return None
        mask = self._kb_static.copy()
        ex = set(exclude)
        for k in ex:
            for i in self._kb_by_key.get(k, ()):
                if self.kb.passages[i].source == "rjua" and all(c in ex for c in self._kb_citers[i]):
                    mask[i] = False
        return mask

    def restrict(self, pool: Sequence[str]) -> HybridRetriever:
        """The same retriever with only the cases of ``pool`` (in that order): case search is refitted,
        case vectors are taken from the index, passages' case links are cut to the pool. Gives the
        results of an index built with ``--pool`` (same passages, vectors and settings)."""
        keep = list(pool)
        cases = CaseBase([c for s in keep for c in self.cases.cases if c.key.split(":", 1)[0] == s])
        kb = KnowledgeBase(Passage(p.id, p.text, [k for k in p.cited_by if k.split(":", 1)[0] in keep], p.source)
                           for p in self.kb.passages)
        cv = None
        if self.case_index is not None and len(cases):
            rows = [self.cases.index_of(c.key) for c in cases.cases]
            if hasattr(self.case_index.index, "make_direct_map"):  # IVF: reconstruct needs the id map
                self.case_index.index.make_direct_map()
            cv = np.stack([self.case_index.index.reconstruct(int(i)) for i in rows])
        r = HybridRetriever(kb, cases, self.encoder if self.has_dense else None, self.config,
                            indexes=(self.passage_index, VectorIndex(cv, kind=self.config.index_kind) if cv is not None
                                     else None) if self.has_dense else None)
        r.manifest = {**self.manifest, "pool": keep, "restricted_from": self.pool}
        return r.set_kb_policy(self.kb_splits)

    @property
    def has_dense(self) -> bool:
        return self.passage_index is not None

    # ------------------------------------------------------------ search
    def similar_cases(self, query: str, k: int = 5, exclude: Iterable[str] = (), qv=None,
                      components: Sequence[str] | None = None) -> list[tuple[int, float, float]]:
        """``(index, fused rank score, similarity)`` of the ``k`` most similar cases, excluded keys removed
        (:func:`.cases.similar_cases`; dense similarity only when ``"dense"`` is among ``components``)."""
        return similar_cases(self, query, k, exclude, qv, components is None or "dense" in components)

    def _components(self, components: Sequence[str] | None) -> list[str]:
        """The fused lists a search uses: ``components`` checked against the registry, dense dropped when the
        index has no embedder (refused when nothing else is left)."""
        known = tuple(PASSAGE_LISTS)
        components = list(known if components is None else components)
        bad = [c for c in components if c not in known]
        if bad or not components:
            raise RJUAError(f"unknown retrieval component(s) {bad}; choose from {known}")
        if "dense" in components and not self.has_dense:
            components = [c for c in components if c != "dense"]
            if not components:
                raise RJUAError("dense retrieval needs an embedder (this index has none)")
        return components

    def _rerank(self, query: str, order: list, names: list, ranks: list) -> list:
        """``order`` with its head re-scored by the cross-encoder (its ranks appended as ``rerank``)."""
        depth = self.config.rerank_depth
        head = order[:depth]
        sc = self.reranker.scores(query, [self.kb.passages[i].text for i, _ in head])
        rer = sorted(range(len(head)), key=lambda j: (-sc[j], j))
        ranks.append({head[j][0]: r for r, j in enumerate(rer, 1)})
        names.append("rerank")
        return [(head[j][0], float(sc[j])) for j in rer] + order[depth:]

    def search(self, query: str, k: int = 5, n_cases: int = 5, exclude_cases: Iterable[str] = (),
               components: Sequence[str] | None = None) -> RetrievalResult:
        """Ranked passages and similar cases for a query; ``components``: the fused lists to use
        (names in :data:`.fusion.PASSAGE_LISTS`; default all)."""
        query = check_query(query)
        for name, v in (("k", k), ("n_cases", n_cases)):  # a negative count sliced from the end ([:-3])
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
                raise RJUAError(f"{name} must be a whole number >= 0, got {v!r}")
        components = self._components(components)
        qv = self.encoder.encode_queries([query]) if self.encoder is not None and "dense" in components else None
        mask = self.passage_mask(exclude_cases)
        sims = self.similar_cases(query, max(self.config.case_top, n_cases), exclude_cases, qv, components)
        order, names, ranks = fuse(self, Query(query, qv, mask, sims), components)
        if self.reranker is not None and order:
            order = self._rerank(query, order, names, ranks)
        hits = [PassageHit(self.kb.passages[i].id, self.kb.passages[i].text, round(s, 6),
                           {n: rk[i] for n, rk in zip(names, ranks) if i in rk}) for i, s in order[:k]]
        case_hits = [CaseHit(c.key, c.id, c.question, c.diseases, c.advices, c.passage_ids, round(s, 6), c.answer,
                             round(sim, 6))
                     for c, s, sim in ((self.cases.cases[i], s, sim) for i, s, sim in sims[:n_cases])]
        return RetrievalResult(query, hits, case_hits)

    # -------------------------------------------------------- persistence
    def save(self, out: str | Path, info: dict) -> Path:
        """Write passages, cases, faiss indexes and a manifest to ``out`` atomically (:func:`.index.save_index`)."""
        return save_index(self, out, info)

    @classmethod
    def load(cls, index_dir: str | Path, encoder: Encoder | None = None, embedder: str | None = None,
             check_data: bool = True, config: HybridConfig | None = None, info: dict | None = None) -> HybridRetriever:
        """Load a verified index (:func:`.index.load_index`); refuses a damaged one, another embedder, changed data.
        It runs with its stored build settings and the current query-time settings (:func:`.config.loaded_config`)."""
        r = load_index(cls, index_dir, encoder, embedder, check_data, config, info)
        if "pool" not in r.manifest:  # older index: the pool is what its case base holds
            r.manifest["pool"] = r.pool
        return r
