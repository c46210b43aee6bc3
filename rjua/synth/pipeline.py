"""SHARP-style synthesis of verifiable urology cases (arXiv 2505.14147), three phases.

1. **Alignment** (:mod:`.taxonomy`): seeds = (sub-specialty, target diagnosis in the label
   vocabulary, grounding passages, a same-specialty distractor) + explicit constraints.
2. **Instantiation**: a generator backend writes the case as JSON (question, answer,
   disease, advice, passage_ids).
3. **Inference / verification**: cheap checks, advice verification (every advice item was
   seen with the target diagnosis in the pool or is supported by the seed's passages), the
   clinical-consistency rules (:mod:`rjua.consistency`: the case's own diagnoses, advice and
   answer against its own patient), then contamination and duplicate filters, then a strong
   solver sampled ``solver_samples`` times (≥ 3 by default; a **majority** must recover the
   diagnosis: solvable) and a weak baseline (the ``case`` backend; must not recover it: not
   trivial). Every rejected case keeps the reason it failed.

The taxonomy pool is, by default, the recipes' **training part** of the labelled split (``valid``):
no diagnosis or passage that only the held-out part or another split holds can reach a seed, so
nothing trained on synthetic cases has seen the evaluated records through them.

Kept cases are RJUA-format JSON Lines (``rjua.load_split`` reads them; the RL recipe
trains on them); rejected ones go to ``<out>.rejected.jsonl``; ``<out>.report.json``
counts reasons and disease coverage. Runs resume like ``rjua predict``.
"""
from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Sequence

from ..backends import GenRequest, needs_retriever, prepare_backend
from ..consistency import check
from ..data import Record, load_all, subset_records
from ..errors import RJUAError
from ..items import normalize_item, split_items
from ..jsonio import _parse, brackets, check_value
from ..locks import output_lock
from ..metrics import items_match
from ..outputs import check_output
from ..pipeline import Pipeline
from ..progress import Progress
from ..retrieval.build import build_retriever
from ..runs import _check_counts, check_run_manifest, make_dirs, read_done
from ..text import content_chars, ngrams
from .filters import THRESHOLD, NgramIndex
from .taxonomy import Seed, build_taxonomy, make_seeds

__all__ = ["ADVICE_SUPPORT", "MAX_FIELD_CHARS", "MAX_GENERATION_CHARS", "REASONS", "SYSTEM", "Synthesizer",
           "Verdict", "generator_messages", "make_report", "parse_case", "pool_records", "read_case", "run_synth",
           "unverified_advice"]

REASONS = ("unparseable", "format", "ungrounded", "not_in_vocabulary", "wrong_diagnosis", "ambiguous",
           "inconsistent", "diagnosis_in_question", "advice_unverified", "patient_inconsistent", "contaminated",
           "duplicate", "unsolvable", "trivial")
ADVICE_SUPPORT = 0.6  # share of an advice item's character bigrams found in the seed's passages to count as supported

SYSTEM = "你是泌尿外科专家和医学教育者，负责编写用于训练和考核的临床病例题。只输出 JSON。"


def generator_messages(seed: Seed) -> list[dict[str, str]]:
    ctx = "\n".join(f"[{pid}] {text}" for pid, text in zip(seed.passage_ids, seed.passages))
    rules = "\n".join(f"{i}. {c}" for i, c in enumerate(seed.constraints, 1))
    user = (f"请依据下列指南段落编写一个全新的泌尿外科患者咨询病例（{seed.specialty}方向）。\n"
            f"目标诊断：{seed.disease}\n干扰诊断：{seed.distractor}\n要求：\n{rules}\n\n【指南段落】\n{ctx}\n\n"
            "只输出一个 JSON 对象，键为：question（患者口吻的提问，含年龄、性别、症状和检查结果）、"
            "answer（医生的回复）、disease（诊断，多个用“、”分隔，第一个为最主要诊断）、"
            "advice（建议，多个用“、”分隔）、passage_ids（引用的段落编号列表）。")
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


MAX_GENERATION_CHARS = 200_000   # a generation longer than this is refused unread
MAX_FIELD_CHARS = 20_000         # question / answer / disease / advice
MAX_PASSAGE_IDS = 64
MAX_CANDIDATES = 16              # balanced {...} spans tried, in order: bounded work per generation
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def _spans(text: str, strings: bool) -> list[tuple[int, int]]:
    """Balanced ``{...}`` spans in order of their start, in one linear pass (:func:`rjua.jsonio.brackets`;
    ``strings``: braces inside JSON strings ignored). At most :data:`MAX_CANDIDATES` spans are kept."""
    stack, spans = [], []
    for i, c in brackets(text, strings):
        if c == "{":
            stack.append(i)
        elif c == "}" and stack:
            spans.append((stack.pop(), i + 1))
    spans.sort()
    return spans[:MAX_CANDIDATES]


def read_case(text: str) -> tuple[dict | None, str]:
    """The first JSON object in a generation and, when there is none, why.

    A generation is untrusted input: it goes through the shared guarded reader (:func:`rjua.jsonio.loads`:
    nesting depth, lone surrogates, over-long integers), its size and its fields' sizes are capped, and the
    work is linear in its length (balanced spans found in one pass, at most :data:`MAX_CANDIDATES` parsed).

    >>> read_case('好的```json\\n{"question": "q"}\\n```')
    ({'question': 'q'}, '')
    >>> read_case('{"advice": "\\\\udfff"}')[1]
    'field "advice": lone surrogate \\\\udfff (not valid Unicode)'
    >>> read_case("{" * 150_000)  # unbalanced: one linear pass, no candidate
    (None, 'no JSON object in the generation')
    """
    text = text or ""
    if len(text) > MAX_GENERATION_CHARS:
        return None, f"generation is {len(text)} characters, over the limit of {MAX_GENERATION_CHARS}"
    why = "no JSON object in the generation"
    seen = set()
    for strings in (True, False):
        for a, b in _spans(text, strings):
            if (a, b) in seen:
                continue
            seen.add((a, b))
            obj, prob = _parse(text[a:b], "generation", 1)
            if prob is None and _SURROGATES.search(text, a, b):  # a decoded surrogate, not only an escaped one
                prob = check_value(obj, "generation", 1)
            if prob is not None:
                why = str(prob).removeprefix("generation:1: ")
            elif isinstance(obj, dict):
                return obj, _field_problem(obj)
    return None, why


def _field_problem(case: dict) -> str:
    for k in ("question", "answer", "disease", "advice"):
        n = len(_as_text(case.get(k)))
        if n > MAX_FIELD_CHARS:
            return f'field "{k}": {n} characters, over the limit of {MAX_FIELD_CHARS}'
    pids = case.get("passage_ids")
    if isinstance(pids, list) and len(pids) > MAX_PASSAGE_IDS:
        return f'field "passage_ids": {len(pids)} ids, over the limit of {MAX_PASSAGE_IDS}'
    return ""


def parse_case(text: str) -> dict | None:
    """The first JSON object in a generation (code fences allowed); None when there is none or it is
    refused (:func:`read_case` says why).

    >>> parse_case('{"question": "q"}'), parse_case("没有 JSON")
    ({'question': 'q'}, None)
    """
    case, why = read_case(text)
    return None if why else case


def _printable(text: str) -> str:
    """``text`` with lone surrogates replaced (U+FFFD), so a rejected row can always be written and read back."""
    return _SURROGATES.sub("\ufffd", text or "")


@dataclass
class Verdict:
    seed_id: str
    kept: bool
    reason: str | None
    detail: str
    case: dict | None


def _as_text(v: Any) -> str:
    if isinstance(v, list):
        return "、".join(str(x) for x in v)
    return v if isinstance(v, str) else ""


class Synthesizer:
    """Runs the phases with given backends (any rjua backend object)."""

    def __init__(self, generator, solver, weak=None, data_dir=None, eval_splits: Sequence[str] | None = None,
                 pool: Sequence[str] | None = None, threshold: float = THRESHOLD, pool_part: str = "train",
                 solver_samples: int = 3):
        splits = load_all(data_dir)
        pool = list(pool or (["valid"] if "valid" in splits else splits))
        eval_splits = list(eval_splits if eval_splits is not None else splits)
        missing = [s for s in [*pool, *eval_splits] if s not in splits]
        if missing:
            raise RJUAError(f"split(s) not found: {', '.join(missing)} (found: {', '.join(splits)})")
        if solver_samples < 1:
            raise RJUAError(f"solver samples must be >= 1, got {solver_samples}")
        self.generator, self.solver, self.weak = generator, solver, weak
        self.solver_samples = solver_samples
        self.taxonomy = build_taxonomy(pool_records(splits, pool, pool_part))
        self.vocab = {normalize_item(d) for d in self.taxonomy.diseases}
        self.eval_index = NgramIndex(r.question for s in eval_splits for r in splits[s])
        self.kept_index = NgramIndex()
        self.threshold, self.data_dir = threshold, data_dir

    # ---------------------------------------------------------------- checks
    def _static(self, seed: Seed, case: dict | None) -> tuple[str | None, str]:
        if case is None:
            return "unparseable", "no JSON object in the generation"
        for k in ("question", "answer", "disease", "advice"):
            if not _as_text(case.get(k)).strip():
                return "format", f"missing or empty {k}"
        pids = case.get("passage_ids")
        pids = [pids] if isinstance(pids, str) else pids
        if not isinstance(pids, list) or not pids or not set(map(str, pids)) <= set(seed.passage_ids):
            return "ungrounded", f"passage_ids {pids!r} not within the seed's {seed.passage_ids}"
        dis = split_items(_as_text(case["disease"]))
        if not dis:
            return "format", "the disease field names no diagnosis"
        main = dis[0]
        if main not in self.vocab:
            return "not_in_vocabulary", f"main diagnosis {main!r} is not a known label"
        if main != normalize_item(seed.disease):
            return "wrong_diagnosis", f"main diagnosis {main!r} is not the target {seed.disease!r}"
        if seed.distractor and normalize_item(seed.distractor) in dis:
            return "ambiguous", f"distractor {seed.distractor!r} is also listed as a diagnosis"
        if main not in normalize_item(_as_text(case["answer"])):
            return "inconsistent", "the answer does not state the diagnosis"
        if main in normalize_item(_as_text(case["question"])):
            return "diagnosis_in_question", "the question gives the diagnosis away"
        return self._clinical(seed, case, dis)

    def _clinical(self, seed: Seed, case: dict, dis: list[str]) -> tuple[str | None, str]:
        """Advice verification and the clinical-consistency rules on the case's own patient."""

        advs = split_items(_as_text(case["advice"]))
        bad = unverified_advice(advs, self.taxonomy.advices.get(seed.disease, {}), seed.passages)
        if bad:
            return "advice_unverified", f"advice not seen with {seed.disease!r} in the pool nor in its passages: {bad}"
        flags = check(_as_text(case["question"]), dis, advs, _as_text(case["answer"]))
        if flags:
            return "patient_inconsistent", "; ".join(f"{f.rule}: {f.item}" for f in flags[:3])
        return None, ""

    def _record(self, seed: Seed, case: dict) -> Record:
        return Record.from_dict({
            "id": f"synth-{seed.seed_id}", "question": _as_text(case["question"]).strip(),
            "context": "\n".join("Context：" + seed.passages[seed.passage_ids.index(str(p))]
                                 for p in case["passage_ids"] if str(p) in seed.passage_ids),
            "answer": _as_text(case["answer"]).strip(), "disease": _as_text(case["disease"]).strip(),
            "advice": _as_text(case["advice"]).strip()})

    def _solves(self, pipe, rec: Record, samples: int = 1) -> tuple[bool, list]:
        """Whether a majority of ``samples`` answers recover the main diagnosis; the answers' diseases.

        Each sample uses another seed (backends with a ``seed`` attribute, e.g. ``hf`` with sampling on)."""
        main = rec.diseases[0]
        backend = getattr(pipe, "backend", None)
        base = getattr(backend, "seed", None)
        answers, hits = [], 0
        try:
            for i in range(samples):
                if base is not None:
                    backend.seed = base + i
                pred = pipe.answer(rec.question, rec)
                answers.append(pred.diseases)
                hits += any(items_match(d, main, "fuzzy") for d in pred.diseases)
        finally:
            if base is not None:
                backend.seed = base
        return hits * 2 > samples, answers[0] if samples == 1 else answers

    # ------------------------------------------------------------------ run
    def verify(self, seed: Seed, text: str) -> Verdict:
        """The verdict on one generation; bad input (refused by the reader or a solver) is a rejection, not a
        crash, so the run goes on with the next seed."""
        case, why = read_case(text)
        if why:
            return Verdict(seed.seed_id, False, "format" if case is not None else "unparseable", why, None)
        try:
            return self._verify(seed, case)
        except RJUAError as e:  # e.g. a question the retriever refuses
            return Verdict(seed.seed_id, False, "format", str(e).splitlines()[0][:300], None)

    def _verify(self, seed: Seed, case: dict) -> Verdict:
        reason, detail = self._static(seed, case)
        if reason:
            return Verdict(seed.seed_id, False, reason, detail, case)
        q = _as_text(case["question"])
        share, i = self.eval_index.max_containment(q)
        if share >= self.threshold:
            return Verdict(seed.seed_id, False, "contaminated",
                           f"{share:.2f} of its 5-grams are in evaluation question #{i}", case)
        share, i = self.kept_index.max_containment(q)
        if share >= self.threshold:
            return Verdict(seed.seed_id, False, "duplicate", f"{share:.2f} overlap with kept case #{i}", case)
        rec = self._record(seed, case)
        ok, strong = self._solves(self.solver, rec, self.solver_samples)
        case["_solver_diseases"] = strong
        if not ok:
            return Verdict(seed.seed_id, False, "unsolvable",
                           f"no majority of {self.solver_samples} strong-solver samples found it: {strong}", case)
        if self.weak is not None:
            trivial, weak = self._solves(self.weak, rec)
            case["_weak_diseases"] = weak
            if trivial:
                return Verdict(seed.seed_id, False, "trivial", f"the weak baseline also found it ({weak})", case)
        self.kept_index.add(q)
        return Verdict(seed.seed_id, True, None, "", case)

    def generate(self, seeds: Sequence[Seed]) -> list[tuple[str, str | None]]:
        """``(text, error)`` per seed; a failed generation has ``text == ""`` and its error."""
        reqs = [GenRequest(s.disease, generator_messages(s)) for s in seeds]
        return [("", r.error) if r.error else (r.text, None) for r in self.generator.generate(reqs)]


def pool_records(splits: dict, pool: Sequence[str], part: str = "train") -> dict:
    """The taxonomy's records: the recipes' internal ``part`` (train | heldout | all) of each pool split.

    >>> from rjua.data import load_all
    >>> got = pool_records(load_all(), ["valid"])
    >>> from rjua.data import internal_split
    >>> [r.id for r in got["valid"]] == [r.id for r in internal_split(load_all()["valid"])[0]]
    True
    """
    return {s: subset_records(splits[s], part) for s in pool}


def unverified_advice(items: Sequence[str], seen, passages: Sequence[str]) -> list[str]:
    """Advice items neither seen with the diagnosis in the pool (fuzzy match) nor supported by the passages
    (≥ :data:`ADVICE_SUPPORT` of the item's character bigrams occur in them).

    >>> unverified_advice(["多饮水", "服用神药"], {"多饮水": 3}, ["建议多饮水并复查"])
    ['服用神药']
    >>> unverified_advice(["复查B超"], {}, ["术后3个月复查B超"])
    []
    """

    text = "".join(content_chars(p) for p in passages)
    out = []
    for it in items:
        if any(items_match(it, s, "fuzzy") for s in seen):
            continue
        grams = set(ngrams(content_chars(it), 2))
        if grams and sum(g in text for g in grams) / len(grams) >= ADVICE_SUPPORT:
            continue
        out.append(it)
    return out


def _pipe(backend, context: str, data_dir):
    retriever = None
    if needs_retriever(backend):
        retriever, _ = build_retriever(data_dir)
        prepare_backend(backend, retriever)
    return Pipeline(backend, retriever, context=context if retriever or context != "retrieved" else "gold")


def run_synth(out: str | os.PathLike, generator, solver, weak=None, n: int = 10, data_dir=None,
              eval_splits: Sequence[str] | None = None, pool: Sequence[str] | None = None, seed: int = 0,
              batch_size: int = 4, config: dict | None = None, overwrite: bool = False, retry_errors: bool = True,
              progress: bool | None = None, pool_part: str = "train", solver_samples: int = 3) -> dict:
    """Generate and verify ``n`` seeds into ``out``; resumable; returns the report.

    Every verdict is appended (and flushed) as soon as it is known, so an interrupted run keeps its
    work; ``out`` is locked for the whole run; seeds whose generation failed with an error are redone on
    resume unless ``retry_errors=False``.
    """

    _check_counts(n=n, batch_size=batch_size)
    if not isinstance(seed, int) or seed < 0:
        raise RJUAError(f"--seed must be a whole number >= 0, got {seed!r}")
    out = Path(out)
    rej = Path(str(out) + ".rejected.jsonl")
    for what, o in (("--out", out), ("--out's rejected file", rej), ("--out's report", str(out) + ".report.json")):
        check_output(o, data_dir=data_dir, what=what)
    if out.is_dir():
        raise RJUAError(f"{out}: is a directory; --out must name a file")
    make_dirs(out.parent)
    cfg = {"n": n, "seed": seed, "eval_splits": eval_splits, "pool": pool, "pool_part": pool_part,
           "solver_samples": solver_samples, **(config or {})}
    with output_lock(out):
        if overwrite:
            rej.unlink(missing_ok=True)
        check_run_manifest(out, cfg, overwrite)
        syn = Synthesizer(generator, _pipe(solver, "gold", data_dir),
                          _pipe(weak, "retrieved", data_dir) if weak is not None else None,
                          data_dir, eval_splits, pool, pool_part=pool_part, solver_samples=solver_samples)
        seeds = make_seeds(syn.taxonomy, n, seed)
        done_kept = read_done(out, {f"synth-{s.seed_id}" for s in seeds})
        done_rej = read_done(rej, {s.seed_id for s in seeds}, retry_errors)
        for row in done_kept.values():
            syn.kept_index.add(row["question"])
        done = {k.removeprefix("synth-") for k in done_kept} | set(done_rej)
        todo = [s for s in seeds if s.seed_id not in done]
        bar = Progress(len(seeds), len(seeds) - len(todo), desc="synth", unit="seeds", enabled=progress)
        with open(out, "a", encoding="utf-8") as fk, open(rej, "a", encoding="utf-8") as fr:
            for b in range(0, len(todo), batch_size):
                batch = todo[b:b + batch_size]
                for s, (text, error) in zip(batch, syn.generate(batch)):
                    v = syn.verify(s, text)
                    meta = {"seed": asdict(s) | {"passages": None}, "generator": getattr(generator, "model", ""),
                            "solver_diseases": (v.case or {}).get("_solver_diseases"),
                            "weak_diseases": (v.case or {}).get("_weak_diseases")}
                    if v.kept:
                        row = syn._record(s, v.case).to_dict() | {"synth": meta}
                        fk.write(json.dumps(row, ensure_ascii=False) + "\n")
                        fk.flush()
                        done_kept[row["id"]] = row
                    else:
                        row = {"id": s.seed_id, "reason": v.reason, "detail": _printable(v.detail),
                               "raw": _printable(text[:4000]), "synth": meta}
                        if error:
                            row |= {"detail": f"generation failed: {error}", "error": error}
                        fr.write(json.dumps(row, ensure_ascii=False) + "\n")
                        fr.flush()
                        done_rej[s.seed_id] = row
                    bar.update(1)
        bar.close()
        report = make_report(seeds, done_kept, done_rej)
        Path(str(out) + ".report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return report


def make_report(seeds: Sequence[Seed], kept: dict, rejected: dict) -> dict:
    by_seed = {s.seed_id: s for s in seeds}
    kept_seeds = [by_seed[k.removeprefix("synth-")] for k in kept if k.removeprefix("synth-") in by_seed]
    reasons = Counter(r["reason"] for r in rejected.values())
    total = len(kept) + len(rejected)
    return {"seeds": len(seeds), "processed": total, "kept": len(kept),
            "acceptance_rate": round(len(kept) / total, 4) if total else 0.0,
            "rejected": {r: reasons.get(r, 0) for r in REASONS if reasons.get(r)},
            "diseases_targeted": len({s.disease for s in seeds}),
            "diseases_kept": len({s.disease for s in kept_seeds}),
            "kept_per_specialty": dict(Counter(s.specialty for s in kept_seeds))}
