"""The ``chooser`` backend: a language model chooses among the ``case`` backend's candidates.

Free generation by a small model is slow on CPU and rarely hits the dataset's label strings.
Here the LM only *judges*: the ``case`` backend proposes candidate diagnoses and advice items
(with its own probabilities), and for every candidate the LM reads question + evidence +
candidate and gives the log-odds of answering 是 (yes) rather than 否 (no)::

    score = log P(是 | prompt, candidate) - log P(否 | prompt, candidate)

Only the ``rescore_top`` most probable candidates of each kind (by the case probability) are judged by
the LM, the others keep their case probability. One forward pass over the shared prefix (instructions,
evidence, question) per record and kind, then all candidates of that record in batches on top of its
cached keys/values — no generation. The chosen set maximises expected F1 (as in ``case``) under the
probability ``sigmoid((1 - mix) * logit(p_case) + mix * score / temperature)``: ``mix=1`` trusts the LM
alone, ``mix=0`` reproduces ``case``. With ``calibration`` (weights per kind, fitted on labelled records
outside the evaluation, e.g. the recipes' training part: ``scripts/bench_chooser.py --calibrate N``) the
probability is a logistic function of logit(p_case), the LM score and the LM score relative to the
record's mean.

``mode="generate"``: the LM writes the answer with the candidate lists in the prompt, told to
choose from them and to mark anything else with ``新：``; each written item is mapped onto the
nearest candidate (character ROUGE-L >= ``match_threshold``), items marked new are kept as
written, unmatched unmarked ones are dropped.

>>> map_to_candidates(["肾结石症", "新：肾囊肿", "感冒"], ["肾结石", "输尿管结石"])
['肾结石', '肾囊肿']
"""
from __future__ import annotations

import math
from collections.abc import Sequence

from ..errors import RJUAError
from ..extract import sections
from ..items import split_items
from ..metrics import prf, rouge_l
from . import GenRequest, GenResult
from .case import CaseBackend, choose_expected_f1, gold_context
from .hf import HFBackend

__all__ = ["ChooserBackend", "fit_size_cap", "map_to_candidates"]

SYSTEM = ("你是一名经验丰富的泌尿外科医生。请根据临床指南资料和患者问题，"
          "判断给出的候选{kind}是否适用于这位患者。只回答“是”或“否”。")
KIND_ZH = {"disease": "诊断", "advice": "处理建议"}
GEN_SYSTEM = ("你是一名经验丰富的泌尿外科医生。请根据资料和患者问题作答。诊断和建议尽量从给出的候选中原样选择，"
              "多个用“、”分隔；确有候选以外的必要项目时，在该项前加“新：”。严格按以下格式作答：\n诊断：...\n建议：...\n回答：...")


def map_to_candidates(items: Sequence[str], candidates: Sequence[str], threshold: float = 0.5) -> list[str]:
    """Map written items onto candidate strings (character ROUGE-L); keep ``新：`` items, drop the rest."""

    out: list[str] = []
    for it in items:
        it = it.strip()
        if it.startswith(("新：", "新:")):
            new = it[2:].strip()
            if new and new not in out:
                out.append(new)
            continue
        best = max(candidates, key=lambda c: rouge_l(it, c), default=None)
        if best is not None and rouge_l(it, best) >= threshold and best not in out:
            out.append(best)
    return out


def fit_size_cap(choices: Sequence[Sequence[str]], golds: Sequence[Sequence[str]], max_cap: int = 6) -> int | None:
    """The cap on the chosen set's size that maximises mean exact F1 over labelled records (None: no cap helps).

    ``choices`` are the chooser's ranked choices (most probable first) on records outside the evaluation,
    ``golds`` their labels. Expected-F1 choice over over-confident probabilities picks too many items; a cap
    fitted this way is the set-size calibration (ties go to the larger cap).

    >>> fit_size_cap([["a", "b", "c"], ["x", "y"]], [["a"], ["x"]])
    1
    >>> fit_size_cap([["a", "b"]], [["a", "b"]]) is None
    True
    """

    def mean_f1(cap):
        return sum(prf(list(c)[:cap], list(g), "exact").f1 for c, g in zip(choices, golds)) / max(1, len(golds))

    longest = max((len(c) for c in choices), default=0)
    best_cap, best = None, mean_f1(longest)
    for cap in range(min(max_cap, longest), 0, -1):
        f = mean_f1(cap)
        if f > best + 1e-12:
            best_cap, best = cap, f
    return best_cap


class ChooserBackend:
    """LM chooser over ``case`` candidates (see module docstring)."""

    name = "chooser"

    def __init__(self, model: str, mode: str = "score", mix: float = 0.5, temperature: float = 1.0,
                 batch_size: int = 16, dtype: str = "auto", device: str | None = None, max_new_tokens: int = 256,
                 match_threshold: float = 0.5, top_cases: int = 10, rescore_top: int = 8,
                 calibration: dict | None = None, size_cap: dict | None = None):
        if mode not in ("score", "generate"):
            raise RJUAError(f"chooser mode must be score or generate, got {mode!r}")
        self.model, self.mode, self.mix, self.temperature = str(model), mode, mix, temperature
        self.batch_size, self.match_threshold = batch_size, match_threshold
        self.rescore_top, self.calibration = rescore_top, calibration
        self.size_cap = dict(size_cap or {})  # kind -> most items chosen (fit_size_cap on labelled records)
        self.case = CaseBackend(top_cases=top_cases)

        self.lm = HFBackend(self.model, max_new_tokens=max_new_tokens, batch_size=1, dtype=dtype, device=device)

    def prepare(self, retriever) -> None:
        """The backend registry's hook: fit the candidate generator on the retriever's case base."""
        self.fit(retriever)

    def fit(self, retriever) -> ChooserBackend:
        self.case.fit(retriever)
        return self

    def count_tokens(self, text: str) -> int:
        return self.lm.count_tokens(text)

    # ------------------------------------------------------------------ scoring
    def _prefix_and_suffix(self, req: GenRequest, kind: str) -> tuple[str, str]:
        user = req.messages[-1]["content"] + f"\n\n【候选{KIND_ZH[kind]}】"
        marker = "\x00CANDIDATE\x00"
        msgs = [{"role": "system", "content": SYSTEM.format(kind=KIND_ZH[kind])},
                {"role": "user", "content": user + marker + f"\n这个{KIND_ZH[kind]}是否适用于该患者？只回答是或否。"}]
        text = self.lm.prompt(msgs)
        pre, post = text.split(marker)
        return pre, post

    def lm_scores(self, req: GenRequest, kind: str, items: Sequence[str]) -> list[float]:
        """log P(是) - log P(否) for each candidate, the prompt prefix computed once."""
        import copy

        import torch

        if not items:
            return []
        self.lm._load()
        tok, lm, dev = self.lm._tok, self.lm._lm, self.lm._device
        yes, no = tok.encode("是", add_special_tokens=False)[0], tok.encode("否", add_special_tokens=False)[0]
        pre, post = self._prefix_and_suffix(req, kind)
        pre_ids = tok(pre, return_tensors="pt", add_special_tokens=False)["input_ids"].to(dev)
        with torch.inference_mode():
            cache = lm(input_ids=pre_ids, use_cache=True).past_key_values
        p = pre_ids.size(1)
        out: list[float] = []
        for s in range(0, len(items), self.batch_size):
            chunk = items[s:s + self.batch_size]
            suf = [tok(it + post, add_special_tokens=False)["input_ids"] for it in chunk]
            width = max(map(len, suf))
            ids = torch.full((len(chunk), width), tok.pad_token_id, dtype=torch.long)
            mask = torch.zeros(len(chunk), p + width, dtype=torch.long)
            mask[:, :p] = 1
            for i, x in enumerate(suf):
                ids[i, :len(x)] = torch.tensor(x)
                mask[i, p:p + len(x)] = 1
            kv = copy.deepcopy(cache)
            kv.batch_repeat_interleave(len(chunk))
            pos = torch.arange(p, p + width).unsqueeze(0).expand(len(chunk), -1)
            with torch.inference_mode():
                logits = lm(input_ids=ids.to(dev), attention_mask=mask.to(dev), position_ids=pos.to(dev),
                            past_key_values=kv, use_cache=True).logits
            last = torch.tensor([len(x) - 1 for x in suf])
            lp = torch.log_softmax(logits[torch.arange(len(chunk)), last.to(dev)].float(), dim=-1)
            out.extend((lp[:, yes] - lp[:, no]).tolist())
        return out

    def candidate_scores(self, req: GenRequest, kind: str) -> dict:
        """The case candidates with the case probability and, for the ``rescore_top`` most probable, the LM score."""
        hits = [h for h in req.cases if h.key not in req.exclude]
        # exactly the case backend's candidates and probabilities: the passages feed its disease candidates
        # (open vocabulary), and without fitted weights it uses its own rule — ``mix=0`` reproduces ``case``
        passages = [p.text for p in req.passages] if kind == "disease" else []
        cand = self.case._candidates(req.question, hits, kind, req.exclude, passages, context=gold_context(req))
        if not cand.items:
            return {"candidates": [], "case_p": [], "lm": [], "expected_n": 0.0}
        pc = self.case.candidate_proba(cand, kind, req.exclude)
        top = sorted(range(len(pc)), key=lambda i: -pc[i])[: self.rescore_top]
        scores = self.lm_scores(req, kind, [cand.items[i] for i in top])
        lm: list[float | None] = [None] * len(pc)
        for i, sc in zip(top, scores):
            lm[i] = sc
        return {"candidates": cand.items, "case_p": pc, "lm": lm, "expected_n": cand.expected_n}

    @staticmethod
    def features(case_p: float, lm: float | None, lm_mean: float) -> list[float]:
        """Calibration features of one candidate: logit(case p), LM score, LM score minus the record's mean."""
        a = min(max(case_p, 1e-4), 1 - 1e-4)
        s = 0.0 if lm is None else lm
        return [math.log(a / (1 - a)), s, s - lm_mean if lm is not None else 0.0, float(lm is not None)]

    def probabilities(self, info: dict, kind: str) -> dict[str, float]:
        """Candidate probabilities from the scores: a fitted calibration when given, else the ``mix`` rule."""
        scored = [x for x in info["lm"] if x is not None]
        mean = sum(scored) / len(scored) if scored else 0.0
        probs = {}
        for it, a, s in zip(info["candidates"], info["case_p"], info["lm"]):
            if not (self.calibration and kind in self.calibration) and self.mix == 0:
                probs[it] = a  # the case probability itself (no clamping): mix 0 is the case backend
                continue
            f = self.features(a, s, mean)
            if self.calibration and kind in self.calibration:
                w = self.calibration[kind]
                z = sum(wi * fi for wi, fi in zip(w, f)) + w[-1]
            else:
                z = f[0] if s is None else (1 - self.mix) * f[0] + self.mix * s / self.temperature
            probs[it] = 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))
        return probs

    def _choose(self, req: GenRequest, kind: str) -> tuple[list[str], dict]:
        info = self.candidate_scores(req, kind)
        if not info["candidates"]:
            return [], info
        probs = self.probabilities(info, kind)
        chosen = choose_expected_f1(probs, info["expected_n"])
        cap = self.size_cap.get(kind)
        chosen = chosen[:cap] if cap else chosen
        if kind == "disease":  # the same grounding in the question as the case backend's
            chosen = self.case.grounded_diseases(chosen, probs, req.question, gold_context(req))
        return chosen, info

    # ------------------------------------------------------------------ generate
    def _generate_mode(self, req: GenRequest, base: GenResult) -> GenResult:
        hits = [h for h in req.cases if h.key not in req.exclude]
        cands = {k: self.case._candidates(req.question, hits, k, req.exclude, context=gold_context(req)).items
                 for k in ("disease", "advice")}
        user = (req.messages[-1]["content"] + "\n\n【候选诊断】" + "、".join(cands["disease"]) +
                "\n【候选建议】" + "、".join(cands["advice"]))
        msgs = [{"role": "system", "content": GEN_SYSTEM}, {"role": "user", "content": user}]
        res = self.lm.generate([GenRequest(req.question, msgs)])[0]
        secs = sections(res.text)
        res.diseases = map_to_candidates(split_items(secs.get("disease", "")), cands["disease"], self.match_threshold)
        res.advices = map_to_candidates(split_items(secs.get("advice", "")), cands["advice"], self.match_threshold)
        return res  # the LM wrote its own reply here

    def generate(self, requests: Sequence[GenRequest]) -> list[GenResult]:
        base = self.case.generate(requests)
        out = []
        for req, b in zip(requests, base):
            if self.mode == "generate":
                out.append(self._generate_mode(req, b))
                continue
            d, _ = self._choose(req, "disease")
            a, _ = self._choose(req, "advice")
            a = self.case.grounded_advices(a, d, req.question, gold_context(req))  # the case backend's grounding
            text = self.case.compose(req, d, a) if not b.error else ""
            out.append(GenResult(text=text, diseases=d, advices=a, error=b.error))
        return out
