"""Free-text similarity extras for Chinese answers: character BLEU and BERTScore.

Pure metrics first (no I/O, no model): :func:`char_bleu_counts` / :func:`bleu_from_counts`
(BLEU-4 over characters after :func:`rjua.metrics.chars`, brevity penalty, add-one
smoothing of the 2- to 4-gram precisions as in Lin & Och 2004) and
:func:`bertscore_from_embeddings` (greedy cosine matching of token embeddings, Zhang et
al. 2020, without idf weighting or baseline rescaling). :class:`TokenEmbedder` supplies
token embeddings from any local transformers encoder (optional extra ``rjua[bertscore]``;
imported lazily). :func:`text_metrics` adds both to a :class:`rjua.scoring.ScoreResult`.

>>> round(char_bleu("左侧输尿管结石", "左侧输尿管结石伴肾积水"), 4)
0.5647
>>> char_bleu("肾结石", "肾结石")
1.0
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import RJUAError
from .metrics import bootstrap_stat, chars
from .text import ngrams

__all__ = [
    "BleuCounts",
    "TokenEmbedder",
    "bertscore_from_embeddings",
    "bleu_from_counts",
    "char_bleu",
    "char_bleu_counts",
    "corpus_char_bleu",
    "text_metrics",
]

MAX_N = 4


@dataclass(frozen=True)
class BleuCounts:
    """Clipped n-gram matches and totals (n = 1..4) and the two lengths of one comparison."""

    matches: tuple[int, ...]
    totals: tuple[int, ...]
    pred_len: int
    ref_len: int

    def __add__(self, o: BleuCounts) -> BleuCounts:
        return BleuCounts(tuple(a + b for a, b in zip(self.matches, o.matches)),
                          tuple(a + b for a, b in zip(self.totals, o.totals)),
                          self.pred_len + o.pred_len, self.ref_len + o.ref_len)


def _ngrams(s: str, n: int) -> Counter:
    return Counter(ngrams(s, n))


def char_bleu_counts(prediction: str, reference: str, max_n: int = MAX_N) -> BleuCounts:
    """N-gram counts over characters (whitespace removed, NFKC).

    >>> char_bleu_counts("尿频尿急", "尿频").matches
    (2, 1, 0, 0)
    """
    p, r = chars(prediction), chars(reference)
    m, t = [], []
    for n in range(1, max_n + 1):
        pn, rn = _ngrams(p, n), _ngrams(r, n)
        m.append(sum(min(c, rn[g]) for g, c in pn.items()))
        t.append(max(0, len(p) - n + 1))
    return BleuCounts(tuple(m), tuple(t), len(p), len(r))


def bleu_from_counts(c: BleuCounts, smooth: bool = True) -> float:
    """BLEU from counts: geometric mean of precisions times the brevity penalty; 0 for an empty prediction.

    >>> bleu_from_counts(BleuCounts((3, 2, 1, 0), (3, 2, 1, 0), 3, 3), smooth=False)
    0.0
    """
    if c.pred_len == 0 or c.matches[0] == 0:
        return 0.0
    logs = []
    for n, (m, t) in enumerate(zip(c.matches, c.totals), 1):
        if n > 1 and smooth:
            m, t = m + 1, t + 1
        if m == 0 or t == 0:
            return 0.0
        logs.append(math.log(m / t))
    bp = 1.0 if c.pred_len >= c.ref_len else math.exp(1 - c.ref_len / c.pred_len)
    return bp * math.exp(sum(logs) / len(logs))


def char_bleu(prediction: str, reference: str) -> float:
    """Sentence-level character BLEU-4 (smoothed)."""
    return bleu_from_counts(char_bleu_counts(prediction, reference))


def corpus_char_bleu(predictions: Sequence[str], references: Sequence[str]) -> float:
    """Corpus BLEU-4 over characters (counts pooled before dividing, unsmoothed).

    >>> corpus_char_bleu(["肾结石伴积水"], ["肾结石伴积水"])
    1.0
    """
    tot = BleuCounts((0,) * MAX_N, (0,) * MAX_N, 0, 0)
    for p, r in zip(predictions, references):
        tot = tot + char_bleu_counts(p, r)
    return bleu_from_counts(tot, smooth=False)


def bertscore_from_embeddings(pred: np.ndarray, ref: np.ndarray) -> tuple[float, float, float]:
    """(precision, recall, F) of greedy cosine matching between two token-embedding matrices.

    >>> e = np.eye(3)
    >>> bertscore_from_embeddings(e[:2], e)
    (1.0, 0.6667, 0.8)
    """
    if len(pred) == 0 or len(ref) == 0:
        return (0.0, 0.0, 0.0)
    a = pred / np.maximum(np.linalg.norm(pred, axis=1, keepdims=True), 1e-12)
    b = ref / np.maximum(np.linalg.norm(ref, axis=1, keepdims=True), 1e-12)
    sim = a @ b.T
    p, r = float(sim.max(axis=1).mean()), float(sim.max(axis=0).mean())
    f = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return (round(p, 4), round(r, 4), round(f, 4))


class TokenEmbedder:
    """Contextual token embeddings (special tokens dropped) from a local transformers encoder."""

    def __init__(self, model: str, layer: int | None = None, max_length: int = 512, device: str = "cpu"):
        try:
            import torch  # noqa: F401
            from transformers import AutoModel, AutoTokenizer
        except ImportError:
            raise RJUAError("BERTScore needs transformers and torch: pip install 'rjua[bertscore]'") from None
        try:
            self.tok = AutoTokenizer.from_pretrained(model)
            self.model = AutoModel.from_pretrained(model).to(device).eval()
        except (OSError, ValueError, KeyError) as e:  # missing folder, unknown architecture, bad config
            raise RJUAError(f"cannot load BERTScore encoder {model!r}: {type(e).__name__}: {str(e)[:200]}") from None
        self.name, self.layer, self.max_length, self.device = str(model), layer, max_length, device

    def embed(self, texts: Sequence[str], batch_size: int = 16) -> list[np.ndarray]:
        import torch

        out = []
        for s in range(0, len(texts), batch_size):
            batch = [t or "" for t in texts[s:s + batch_size]]
            enc = self.tok(batch, return_tensors="pt", padding=True, truncation=True, max_length=self.max_length,
                           return_special_tokens_mask=True)
            special = enc.pop("special_tokens_mask")
            with torch.inference_mode():
                o = self.model(**enc.to(self.device), output_hidden_states=self.layer is not None)
            h = o.last_hidden_state if self.layer is None else o.hidden_states[self.layer]
            keep = (enc["attention_mask"].bool() & ~special.bool().to(self.device)).cpu()
            for i in range(len(batch)):
                out.append(h[i][keep[i]].float().cpu().numpy())
        return out

    def score(self, predictions: Sequence[str], references: Sequence[str]) -> list[tuple[float, float, float]]:
        pe, re_ = self.embed(predictions), self.embed(references)
        return [bertscore_from_embeddings(a, b) for a, b in zip(pe, re_)]


def text_metrics(res, bertscore_model: str | None = None, n_resamples: int = 1000, seed: int = 0,
                 embedder: TokenEmbedder | None = None) -> dict[str, Any]:
    """Character BLEU (sentence mean with a bootstrap CI, and corpus BLEU) and, with a model, BERTScore F.

    >>> from rjua.data import load_split
    >>> from rjua.scoring import gold_as_predictions, score_predictions
    >>> g = load_split("test")
    >>> text_metrics(score_predictions(g, gold_as_predictions(g), n_resamples=10), n_resamples=10)["char_bleu"]
    1.0
    """
    preds, refs = [r.answer for r in res.records], [r.gold.answer for r in res.records]
    bleu = np.array([char_bleu(p, r) for p, r in zip(preds, refs)], dtype=float)
    out: dict[str, Any] = {"char_bleu": round(float(bleu.mean()), 4) if len(bleu) else 0.0,
                           "char_bleu_ci95": [round(x, 4) for x in bootstrap_stat(bleu[:, None], lambda m: m[..., 0],
                                                                                  n_resamples, seed)],
                           "corpus_char_bleu": round(corpus_char_bleu(preds, refs), 4)}
    per = {"char_bleu": bleu.tolist()}
    if bertscore_model or embedder is not None:
        emb = embedder or TokenEmbedder(bertscore_model)
        f = np.array([x[2] for x in emb.score(preds, refs)], dtype=float)
        out.update(bertscore_f=round(float(f.mean()), 4) if len(f) else 0.0, bertscore_model=emb.name,
                   bertscore_f_ci95=[round(x, 4) for x in bootstrap_stat(f[:, None], lambda m: m[..., 0],
                                                                          n_resamples, seed)])
        per["bertscore_f"] = f.tolist()
    out["per_record"] = dict(zip([r.id for r in res.records], [dict(zip(per, v)) for v in zip(*per.values())]))
    return out
