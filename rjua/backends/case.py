"""The ``case`` backend: case-based reasoning from similar labelled cases, no language model.

For one question it receives the most similar labelled cases (never the record
itself) and:

1. **Candidates**: diseases and advice items of the top ``m`` cases, with 左/右
   swapped to the side the question names when it names only one; disease labels
   of the pool found verbatim in the question.
2. **Probabilities**: a small logistic regression over candidate features (vote
   share weighted by similarity, share among the top 3, best similarity, reciprocal
   rank, verbatim in the question, label frequency, length, laterality, where the
   open vocabulary found it, and whether the question gives a reason for everything
   the item names, :func:`rjua.sites.supported`). It is
   **cross-fitted** on the pool: each pool record is scored by a model that never saw
   it (5 folds), records outside the pool by a model fitted on the whole pool.
3. **Selection**: the set maximising expected F1 given the probabilities and the
   expected number of gold items (the similarity-weighted mean of the neighbours'); then, for the
   diagnoses, only those the question gives a reason for, led by a malignancy a biopsy in the question
   found (:meth:`CaseBackend.grounded_diseases`).
4. **Answer**: a reply written for this patient from the chosen diagnoses and advice, the question's own
   facts and the retrieved guideline passages (:mod:`rjua.compose`), in the stock wording the neighbours'
   doctors use (:mod:`rjua.wording`); never another patient's narrative.

Deterministic; the evidence (case keys and similarities) travels with the result.

>>> from rjua.retrieval.hybrid import CaseHit
>>> hits = [CaseHit("v:1", "1", "q", ("左肾结石",), ("多饮水",), (), 1.0, "考虑左肾结石", 1.0)]
>>> r = CaseBackend().generate([GenRequest("我右边腰痛，B超提示右肾结石", [], hits)])[0]
>>> r.diseases, "考虑为右肾结石" in r.text, "多饮水" in r.text  # worded as the neighbour's doctor did
(['右肾结石'], True, True)
"""
from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..consistency import ADDRESS_RE, RULES, drop_flagged_sentences, person_addressed, violates
from ..extract import Vocabulary
from ..faithfulness import diagnosis_keys
from ..guidance import indicated, syndromes
from ..items import normalize_item
from ..offer import advice_kind, both_sides, coherent, stage_only
from ..ontology import Ontology
from ..patient import PatientFacts, clean_sides, patient_facts
from ..prompts import approx_tokens
from ..retrieval.encoder import CachedEncoder
from ..sites import (
    TUMOUR_OF,
    adrenal_side,
    affirmed,
    named_sites,
    outranked,
    proven_tumours,
    question_sites,
    supported,
    unsupported_sites,
)
from ..wording import choose_reply
from . import GenRequest, GenResult

__all__ = ["CaseBackend", "N_FEATURES", "adapt_reply", "choose_expected_f1", "conflicts", "drop_side", "fit_logistic",
           "fix_side", "gold_context", "side_of"]

N_FEATURES = 13
# the conditions a question names that join the diagnoses: a stone; a cyst only where it is large or presses
NAMED_CLASSES = {"stone", "cyst"}
_SWAP = str.maketrans("左右", "右左")


def side_of(question: str) -> str | None:
    """'左' or '右' when the question names only that side, else None (左右 = about, 左氧氟沙星… ignored).

    >>> side_of("左腰痛"), side_of("双侧"), side_of("左肾积水，右肾萎缩"), side_of("右腰痛，口服左氧氟沙星")
    ('左', None, None, '右')
    """
    q = clean_sides(question)
    left, right = "左" in q, "右" in q
    return "左" if left and not right else "右" if right and not left else None


def gold_context(req: GenRequest) -> list[str] | None:
    """The expert passages of the record (``--context gold``), or None: they add the organ sites they name.

    >>> from rjua.retrieval.hybrid import PassageHit
    >>> gold_context(GenRequest("q", [], passages=[PassageHit("p1", "肾上腺…", 0.0, {"gold": 1})]))
    ['肾上腺…']
    """
    return [p.text for p in req.passages if "gold" in (getattr(p, "components", None) or {})] or None


def conflicts(facts: PatientFacts, item: str, kind: str) -> bool:
    """Whether a candidate item breaks a consistency rule for this patient (sex, age, pregnancy, side).

    >>> woman, man = patient_facts("我是32岁女性"), patient_facts("我是62岁男性")
    >>> conflicts(woman, "前列腺增生", "disease"), conflicts(man, "前列腺增生", "disease")
    (True, False)
    """
    return any(kind in r.fields and r.group != "person" and violates(r, facts, item) is not None for r in RULES)


_ADDRESS_OF = {"self": "您", "mother": "您母亲", "father": "您父亲", "child": "您的孩子", "spouse": "您爱人",
               "grandparent": "您家老人", "sibling": "您的家人", "other": "您的朋友"}
_HE, _SHE = re.compile(r"(?<![其吉])他(?![们人])"), re.compile(r"她(?![们])")


def adapt_reply(text: str, facts: PatientFacts, side: str | None) -> str:
    """A neighbour's reply made to fit this patient: side, the person addressed, pronouns, and no sentence
    that names an organ or condition impossible for the patient's sex/age.

    >>> adapt_reply("您好，您母亲右肾结石。建议复查前列腺。", patient_facts("我是50岁女性，左腰痛"), "左")
    '您好，您左肾结石。'
    """
    text = fix_side(text or "", side)
    if facts.person is not None:
        want = _ADDRESS_OF.get(facts.person, "您")
        text = ADDRESS_RE.sub(lambda m: m.group() if person_addressed(m.group()) <= {facts.person} else want, text)
    if facts.person not in (None, "self") and facts.sex is not None:
        wrong = _SHE if facts.sex == "male" else _HE
        text = wrong.sub("他" if facts.sex == "male" else "她", text)
    return drop_flagged_sentences(text, facts)


def drop_side(item: str) -> str:
    """An item without its side (for a question that names none), unless 左/右 there is not a side.

    >>> drop_side("左肾结石"), drop_side("右侧输尿管镜碎石术"), drop_side("口服左氧氟沙星"), drop_side("双肾结石")
    ('肾结石', '输尿管镜碎石术', '口服左氧氟沙星', '双肾结石')
    """
    return re.sub(r"[左右]侧?", "", item) if clean_sides(item) == item else item


def fix_side(text: str, side: str | None) -> str:
    """Swap 左/右 in ``text`` when it names only the side opposite to ``side``.

    >>> fix_side("右输尿管结石", "左"), fix_side("左右双侧", "左")
    ('左输尿管结石', '左右双侧')
    """
    if side is None:
        return text
    other = "右" if side == "左" else "左"
    return text.translate(_SWAP) if other in text and side not in text else text


def choose_expected_f1(probs: dict[str, float], expected_n: float) -> list[str]:
    """The top-k items maximising sum(p)·2 / (k + expected_n), k >= 1.

    >>> choose_expected_f1({"a": 0.9, "b": 0.5, "c": 0.1}, 2.0)
    ['a', 'b']
    """
    ranked = sorted(probs.items(), key=lambda x: (-x[1], x[0]))
    best, best_k, cum = -1.0, 0, 0.0
    for k, (_, p) in enumerate(ranked, 1):
        cum += p
        ef = 2 * cum / (k + expected_n)
        if ef > best:
            best, best_k = ef, k
    return [it for it, _ in ranked[:best_k]]


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, iters: int = 30) -> np.ndarray:
    """L2-regularised logistic regression by Newton steps; returns weights with bias last.

    >>> w = fit_logistic(np.array([[0.0], [1.0], [0.1], [0.9]]), np.array([0, 1, 0, 1.0]))
    >>> bool(w[0] > 0)
    True
    """
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    reg = l2 * np.r_[np.ones(len(w) - 1), 0.0]
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(xb @ w, -30, 30)))
        grad = xb.T @ (p - y) + reg * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(reg + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return w


def _predict_proba(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(np.hstack([x, np.ones((len(x), 1))]) @ w, -30, 30)))


@dataclass
class _Candidates:
    items: list[str]
    x: np.ndarray
    expected_n: float


def _votes(hits, kind: str, facts: PatientFacts, side: str | None, ok) -> tuple[dict[str, list[float]], float, float]:
    """Similarity-weighted votes of the neighbours' items (share, share among the top 3, best weight, reciprocal
    rank), the weighted count of the items ``ok`` keeps, and the total weight.

    A side is made the question's (or dropped when the question names none)."""
    best = max(h.similarity for h in hits) or 1.0
    ws = [max(h.similarity, 1e-6) / best for h in hits]
    total, top3 = sum(ws), sum(ws[:3])
    unsided = not facts.sides and not facts.bilateral  # a side is never stated when the question names none
    feats: dict[str, list[float]] = {}
    n_items = 0.0
    for rank, (h, w) in enumerate(zip(hits, ws), 1):
        labels = h.diseases if kind == "disease" else h.advices
        items = {drop_side(x) if unsided else fix_side(x, side) for x in labels}
        n_items += w * sum(map(ok, items))  # the expected count: of the items this patient could have
        for it in items:
            f = feats.setdefault(it, [0.0, 0.0, 0.0, 0.0])
            f[0] += w / total
            f[1] += w / top3 if rank <= 3 else 0.0
            f[2] = max(f[2], w)
            f[3] = max(f[3], 1.0 / rank)
    return feats, n_items, total


# a stone the question places in an organ, its size or the organ's part between them (右肾有个5毫米的小结石,
# 肾盂输尿管移行处（连接处）有一个大约9毫米大小的结石): wider than a diagnosis mention, which stays within 6 characters
_STONE_AT = re.compile(r"(?P<site>肾盂|肾盏|肾(?!上腺)|输尿管|膀胱(?!入口|开口|壁段))[^，,。；;胆]{0,20}?"
                       r"(?<!排除了)(?<!排除)结石")


def _segment_told(label: str, question: str) -> str:
    """``label`` without a segment (上段/中段/下段) the question does not give: a similar case's stone was elsewhere.

    >>> _segment_told("左侧输尿管上段结石", "左侧输尿管下段有一颗0.8cm的结石")
    '左侧输尿管结石'
    >>> _segment_told("右输尿管下段结石", "右输尿管下段结石")
    '右输尿管下段结石'
    """
    return re.sub(r"[上中下]段", lambda m: m.group() if m.group() in question else "", label)


def _named_keys(diagnoses: Sequence[str], question: str) -> list[tuple[str, str]]:
    """The (organ, condition) keys the question names that no diagnosis has yet, of :data:`NAMED_CLASSES` (a cyst
    only where it is large or presses).

    >>> _named_keys([], "B超显示右肾有个5毫米的小结石"), _named_keys(["右肾结石"], "右肾有个5毫米的小结石")
    ([('kidney', 'stone')], [])
    """
    have = {k for d in diagnoses for k in diagnosis_keys(d)}
    said = affirmed(question)
    named = diagnosis_keys(said) | {k for m in _STONE_AT.finditer(said) for k in diagnosis_keys(m["site"] + "结石")}
    return [k for k in sorted(named - have)
            if k[1] in NAMED_CLASSES and (k[1] != "cyst" or indicated("囊肿去顶术", question))]


def _dominant_adrenal(feats: dict, question: str) -> dict:
    """The votes with each adrenal item moved to the side the question names where it tells lesions of both
    adrenals with one side named (:func:`rjua.sites.adrenal_side`); votes met on one item keep the larger."""
    out: dict = {}
    for item, votes in feats.items():
        key = adrenal_side(item, question)
        out[key] = [max(a, b) for a, b in zip(out[key], votes)] if key in out else votes
    return out


class CaseBackend:
    """Case-based reasoning backend (see module docstring).

    Without similar labelled cases it answers nothing and says why:

    >>> be = CaseBackend(top_cases=5)
    >>> be.model, be.generate([GenRequest("尿频尿急怎么办？", [])])[0].error
    ('case-knn5', 'no similar labelled case available')
    >>> 0 <= be.fold_of("valid:1") < be.folds
    True
    """

    name = "case"

    def __init__(self, top_cases: int = 10, mbr_cases: int = 10, folds: int = 5, l2: float = 1.0,
                 open_vocabulary: bool = True, passages_k: int = 5, site_filter: bool = True,
                 named_first: bool = True, grounded: bool = True):
        self.model = f"case-knn{top_cases}"
        self.top_cases, self.mbr_cases, self.folds, self.l2 = top_cases, mbr_cases, folds, l2
        self.open_vocabulary, self.passages_k, self.site_filter = open_vocabulary, passages_k, site_filter
        self.named_first, self.grounded = named_first, grounded
        self.ontology: Ontology | None = None
        self.labels: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self.freq = {"disease": Counter(), "advice": Counter()}
        self.weights: dict[str, dict[int | None, np.ndarray]] = {}

    # ------------------------------------------------------------ fitting
    def set_pool(self, cases) -> None:
        """Remember the labelled pool (label frequencies; the vocabulary minus excluded records)."""
        self.labels = {c.key: (tuple(c.diseases), tuple(c.advices)) for c in cases}
        self.freq = {"disease": Counter(d for d, _ in self.labels.values() for d in d),
                     "advice": Counter(a for _, a in self.labels.values() for a in a)}

    def fold_of(self, key: str) -> int:
        return int(hashlib.sha1(key.encode()).hexdigest(), 16) % self.folds

    def fit(self, retriever, components=("bm25", "dense")) -> "CaseBackend":
        """Cross-fit the candidate selector on the retriever's case base (leave-one-out neighbours)."""

        cases = retriever.cases.cases
        self.set_pool(cases)
        self.ontology = Ontology.build([d for c in cases for d in c.diseases], retriever.kb.texts)
        dense = retriever.encoder is not None and "dense" in components
        encoder = retriever.encoder
        if dense and not isinstance(encoder, CachedEncoder):  # encode the pool's questions once, in a batch
            retriever.encoder = CachedEncoder(encoder)
            retriever.encoder.encode_queries([c.question for c in cases])
        try:
            rows = self._training_rows(retriever, cases, components)
        finally:
            retriever.encoder = encoder
        self._fit_weights(rows)
        return self

    def _training_rows(self, retriever, cases, components) -> list[tuple]:
        """(kind, fold, features, labels) of every pool record's candidates, from the evidence it would get
        with itself excluded."""
        rows = []
        for c in cases:
            res = retriever.search(c.question, k=self.passages_k, n_cases=self.top_cases, exclude_cases={c.key},
                                   components=tuple(components) + ("cases",))
            passages = [p.text for p in res.passages]
            for kind, gold in (("disease", set(c.diseases)), ("advice", set(c.advices))):
                cand = self._candidates(c.question, res.cases, kind, frozenset({c.key}), passages)
                rows.append((kind, self.fold_of(c.key), cand.x, np.array([float(i in gold) for i in cand.items])))
        return rows

    def _fit_weights(self, rows: list[tuple]) -> None:
        """One logistic selector per kind and held-out fold (and one on everything, fold None)."""
        for kind in ("disease", "advice"):
            mine = [r for r in rows if r[0] == kind and len(r[2])]
            self.weights[kind] = {}
            for fold in [None, *range(self.folds)]:
                part = [r for r in mine if r[1] != fold]
                if part and any(r[3].any() for r in part):
                    self.weights[kind][fold] = fit_logistic(np.vstack([r[2] for r in part]),
                                                            np.concatenate([r[3] for r in part]), self.l2)

    def prepare(self, retriever) -> "CaseBackend":
        """The registry's capability hook (:func:`rjua.backends.prepare_backend`): :meth:`fit` on the retriever."""
        return self.fit(retriever)

    # ---------------------------------------------------------- inference
    def _candidates(self, question: str, hits, kind: str, exclude: frozenset[str],
                    passages: Sequence[str] = (), context: Sequence[str] | None = None) -> _Candidates:
        """Candidate items and their features; with ``site_filter``, only items whose organ site the question
        (or the expert ``context``) gives a reason for (:mod:`rjua.sites`)."""
        hits = [h for h in hits if h.key not in exclude][: self.top_cases]
        if not hits:
            return _Candidates([], np.zeros((0, N_FEATURES)), 0.0)
        side, qn = side_of(question), normalize_item(question)
        facts = patient_facts(question)
        sites = question_sites(question, context) if self.site_filter else None
        organs = named_sites(question, context) if self.site_filter and self.named_first else set()

        def ok(it: str) -> bool:  # an item about an organ the question gives no reason for is not a candidate
            return sites is None or not unsupported_sites(it, sites) and not outranked(it, organs)

        feats, n_items, total = _votes(hits, kind, facts, side, ok)
        feats = _dominant_adrenal(feats, question)
        freq = self.freq[kind].copy()
        for key in exclude:  # labels of an excluded record never count as known
            if key in self.labels:
                freq.subtract(self.labels[key][0 if kind == "disease" else 1])
        named = diagnosis_keys(affirmed(question))  # the diagnoses the question itself names (organ + condition)
        src = self._disease_extras(question, passages, side, feats, freq, named) if kind == "disease" else {}
        items = sorted(it for it in feats if not conflicts(facts, it, kind) and ok(it))
        x = np.array([feats[i] + [float(i in qn), math.log1p(max(freq[i], 0)), len(i) / 10.0,
                                  float("左" in i or "右" in i), float("question" in src.get(i, ())),
                                  float("passage" in src.get(i, ())),
                                  float(bool(src.get(i)) and src[i] <= {"variant", "synonym"}),
                                  float(supported(i, question, context)), float(bool(diagnosis_keys(i) & named))]
                      for i in items]).reshape(-1, N_FEATURES)
        return _Candidates(items, x, n_items / total)

    def _disease_extras(self, question: str, passages: Sequence[str], side, feats: dict, freq: Counter,
                        named: frozenset = frozenset()) -> dict:
        """Add to ``feats`` (with no votes) the known labels the question names, the commonest known label of each
        diagnosis it names in other words that it gives a reason for (膀胱也有结石 → 膀胱结石; 可能是肾癌 → a
        renal tumour, not an angiomyolipoma) and, with the open vocabulary, the names the
        ontology finds in the question and passages; returns where each of the latter came from."""
        known = [d for d, n in freq.most_common() if n > 0]
        vocab = Vocabulary.from_items(known, [])
        for it in vocab.find(question, "disease", loose=False):
            if len(it) >= 3:
                feats.setdefault(it, [0.0, 0.0, 0.0, 0.0])
        for key in named:  # the commonest label of that organ and condition the question gives a reason for
            fitted = (fix_side(d, side) if side else drop_side(d) for d in known if diagnosis_keys(d) == {key})
            label = next((d for d in fitted if supported(d, question)), None)
            if label is not None:
                feats.setdefault(label, [0.0, 0.0, 0.0, 0.0])
        src: dict[str, set[str]] = {}
        if self.open_vocabulary and self.ontology is not None:
            src = self.ontology.generate(question, passages, side, list(feats))
            for it in src:
                feats.setdefault(it, [0.0, 0.0, 0.0, 0.0])
        return src

    def candidate_proba(self, cand: _Candidates, kind: str, exclude: frozenset[str]) -> list[float]:
        """The probability of each candidate (the fold's fitted weights, else the unfitted rule)."""
        if not cand.items:
            return []
        models = self.weights.get(kind, {})
        fold = next((self.fold_of(k) for k in exclude if k in self.labels), None)
        w = models.get(fold, models.get(None))
        probs = _predict_proba(w, cand.x) if w is not None else np.minimum(cand.x[:, 0] + 0.5 * cand.x[:, 4], 1.0)
        return probs.tolist()

    def _select(self, cand: _Candidates, kind: str, exclude: frozenset[str]) -> tuple[list[str], dict[str, float]]:
        if not cand.items:
            return [], {}
        probs = dict(zip(cand.items, self.candidate_proba(cand, kind, exclude)))
        return choose_expected_f1(probs, cand.expected_n), probs

    def grounded_diseases(self, chosen: list[str], probs: dict[str, float], question: str, context=None) -> list[str]:
        """The chosen diagnoses led, when none of them is a tumour, by each malignancy a biopsy in the question
        found (:func:`rjua.sites.proven_tumours`; its likeliest supported candidate, else the organ's tumour);
        then only those the question gives a reason for (all of them when it gives a reason for none)."""
        chosen = [d for d in chosen if not stage_only(d)]  # 分期T1aN0M0 names no diagnosis
        if not self.grounded or not chosen:
            return chosen
        def likeliest(key) -> str | None:  # the most probable supported candidate of an (organ, condition) key
            fits = [i for i in probs if key in diagnosis_keys(i) and supported(i, question)]
            return max(fits, key=lambda i: (probs[i], i)) if fits else None

        out = list(chosen)
        if not any(c == "tumour" for d in chosen if supported(d, question, context) for _, c in diagnosis_keys(d)):
            for site in sorted(proven_tumours(question), reverse=True):
                out.insert(0, likeliest((site, "tumour")) or TUMOUR_OF[site])
        out += [_segment_told(d, question) for d in map(likeliest, _named_keys(out, question)) if d]
        # the picture the question paints leads (咳嗽时漏尿: stress incontinence)
        out = syndromes(question, out, sorted(probs, key=lambda i: (-probs[i], i))) + out
        return [d for d in out if supported(d, question, context)] or out

    def grounded_advices(self, chosen: list[str], diseases: Sequence[str], question: str, context=None) -> list[str]:
        """The chosen advice the question gives a reason for (:func:`rjua.sites.supported`); an operation also
        needs its implied condition among the answer's diagnoses (:func:`rjua.offer.coherent`: no ureteral cancer
        operation for a stone patient); an examination, a drug or a daily measure does not (a cystoscopy for a
        hematuria, an antibiotic for an infected obstruction). An answer may keep no advice, rather than one
        that is not this patient's."""
        if not self.grounded:
            return chosen
        said = [both_sides(d, question) for d in diseases]  # the diagnoses as the reply says them (双肾结石)
        return [a for a in chosen if supported(a, question, context)
                and (advice_kind(a) != "treat" or coherent(a, said, question))]

    def compose(self, req: GenRequest, diseases: Sequence[str], advices: Sequence[str]) -> str:
        """The reply for this patient from the chosen items (:func:`rjua.compose.compose_reply`): the question's
        own facts, the diagnoses and advice, the guideline passages cited; neighbours lend general sentences only,
        and their replies choose among equally faithful wordings (:func:`rjua.wording.choose_reply`)."""
        hits = [h for h in req.cases if h.key not in req.exclude][: self.mbr_cases]
        return choose_reply(req.question, diseases, advices, req.passages, [h.answer for h in hits if h.answer],
                            most=self.mbr_cases)

    def generate(self, requests: Sequence[GenRequest]) -> list[GenResult]:
        out = []
        for req in requests:
            hits = [h for h in req.cases if h.key not in req.exclude]
            res = GenResult()
            passages = [p.text for p in req.passages]
            gold = gold_context(req)
            chosen, probs = self._select(self._candidates(req.question, hits, "disease", req.exclude, passages, gold),
                                         "disease", req.exclude)
            res.diseases = self.grounded_diseases(chosen, probs, req.question, gold)
            advices = self._select(self._candidates(req.question, hits, "advice", req.exclude, context=gold),
                                   "advice", req.exclude)[0]
            res.advices = self.grounded_advices(advices, res.diseases, req.question, gold)
            if hits:
                res.text = self.compose(req, res.diseases, res.advices)
            else:
                res.error = "no similar labelled case available"
            out.append(res)
        return out

    def count_tokens(self, text: str) -> int:
        return approx_tokens(text)
