"""What the web demo shows, computed without any UI library (the Gradio app only wires it).

>>> svc = DemoService.from_data()
>>> out = svc.answer("我右侧腰部绞痛，尿里有血")
>>> sorted(out) == ["advice", "answer", "backend", "consistency", "disclaimer", "diseases", "evidence", "model", "patient"]
True
>>> highlight("右侧输尿管结石", "输尿管结石怎么办")
[('右侧', None), ('输尿管结石', '匹配')]
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from .data import Record
from .errors import RJUAError
from .metrics import items_match, prf
from .retrieval.bm25 import tokenize

MAX_QUESTION_CHARS = 2000
DEMO_NOTE = ("**研究演示 Research demo.** 本系统由 rjua 自动生成答案，仅用于研究，**不构成医疗建议**；"
             "如有不适请及时就医。 Not medical advice.")


def highlight(passage: str, question: str, label: str = "匹配") -> list[tuple[str, str | None]]:
    """Passage segments, with the runs covered by a character bigram of the question labelled."""
    grams = set(tokenize(question, "char2"))
    mark = [False] * len(passage)
    for i in range(len(passage) - 1):
        if passage[i:i + 2] in grams:
            mark[i] = mark[i + 1] = True
    out: list[tuple[str, str | None]] = []
    for ch, m in zip(passage, mark):
        tag = label if m else None
        if out and out[-1][1] == tag:
            out[-1] = (out[-1][0] + ch, tag)
        else:
            out.append((ch, tag))
    return out


def patient_check(question: str, diseases, advices, answer: str) -> dict[str, Any]:
    """The patient's facts and the answer's clinical-consistency flags (:mod:`rjua.consistency`).

    >>> patient_check("我是50岁女性", ["前列腺增生"], [], "")["consistency"][0]["rule"]
    'sex_male_organ_in_female'
    """
    from .consistency import check_facts
    from .patient import patient_facts

    facts = patient_facts(question)
    return {"patient": facts.to_dict(),
            "consistency": [f.to_dict() for f in check_facts(facts, diseases, advices, answer)]}


def consistency_note(payload: dict[str, Any]) -> str:
    """One line for a UI: the patient facts read from the question and the consistency flags.

    >>> consistency_note({"patient": {"sex": "female", "age": 50.0, "person": "self"}, "consistency": []})
    '患者 patient: sex female · age 50 · person self — 一致性检查 consistency: 无冲突 no conflicts'
    """
    facts = payload.get("patient") or {}
    shown = " · ".join(f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}" for k, v in facts.items()
                       if k in ("sex", "age", "laterality", "pregnant", "stage", "person") and v is not None)
    flags = payload.get("consistency") or []
    said = "; ".join(f"⚠ {f['rule']}: {f['item']}" for f in flags) or "无冲突 no conflicts"
    return f"患者 patient: {shown or 'unknown'} — 一致性检查 consistency: {said}"


@dataclass
class DemoService:
    """A pipeline plus the data records (for examples and optional scoring)."""

    pipeline: Any
    records: dict[str, tuple[str, Record]]  # key "split:id" -> (split, record)

    @classmethod
    def from_data(cls, data_dir=None, backend: str = "case", model: str | None = None, index=None,
                  embedder: str | None = None, backend_options: dict | None = None) -> "DemoService":
        from .data import load_all
        from .pipeline import build_pipeline

        pipe = build_pipeline(None, data_dir, backend, model, "retrieved", None, embedder, index,
                              backend_options=backend_options)
        recs = {f"{s}:{r.id}": (s, r) for s, rs in load_all(data_dir).items() for r in rs}
        return cls(pipe, recs)

    @classmethod
    def from_env(cls) -> "DemoService":
        """Configured by RJUA_DATA_DIR, RJUA_BACKEND, RJUA_MODEL, RJUA_INDEX, RJUA_EMBEDDER, OPENAI_BASE_URL."""
        backend = os.environ.get("RJUA_BACKEND", "case")
        opts = {"base_url": os.environ.get("OPENAI_BASE_URL")} if backend == "openai" else {}
        return cls.from_data(os.environ.get("RJUA_DATA_DIR"), backend, os.environ.get("RJUA_MODEL"),
                             os.environ.get("RJUA_INDEX"), os.environ.get("RJUA_EMBEDDER"), opts)

    @property
    def label(self) -> str:
        return f"backend: {self.pipeline.backend.name} · model: {self.pipeline.backend.model}"

    def examples(self, n: int = 8) -> list[str]:
        seen, out = set(), []
        for _, r in self.records.values():
            if r.question not in seen and len(out) < n:
                seen.add(r.question)
                out.append(r.question)
        return out

    def check(self, question: str) -> str:
        q = (question or "").strip()
        if not q:
            raise RJUAError("请输入问题 (the question is empty)")
        if len(q) > MAX_QUESTION_CHARS:
            raise RJUAError(f"问题过长：{len(q)} 字，上限 {MAX_QUESTION_CHARS} 字 (question too long)")
        return q

    def answer(self, question: str) -> dict[str, Any]:
        """JSON-able answer with evidence; a question taken from the data never sees its own record."""
        q = self.check(question)
        own = [k for k, (_, r) in self.records.items() if r.question.strip() == q]
        p = self.pipeline.answer(q, exclude=own)
        if p.error and not (p.answer or p.diseases):
            raise RJUAError(f"backend failed: {p.error}")
        return {
            "diseases": p.diseases, "advice": p.advices, "answer": p.answer,
            "evidence": {
                "passages": [{**x, "highlight": highlight(x["text"], q)} for x in p.evidence["passages"]],
                "similar_cases": [{**c, "question": self.records[c["key"]][1].question if c["key"] in self.records else ""}
                                  for c in p.evidence["similar_cases"][:5]],
            },
            "backend": p.backend, "model": p.model, "disclaimer": p.disclaimer,
            **patient_check(q, p.diseases, p.advices, p.answer),
        }

    def score(self, payload: dict[str, Any], key: str, match: str = "fuzzy") -> dict[str, Any]:
        """Per-item matches of an answer against a gold record (``split:id``)."""
        if key not in self.records:
            raise RJUAError(f"unknown record {key!r}")
        gold = self.records[key][1]
        rows = []
        for kind, pred, ref in (("诊断", payload["diseases"], gold.diseases), ("建议", payload["advice"], gold.advices)):
            for it in pred:
                rows.append([kind, it, "✓" if any(items_match(it, g, match) for g in ref) else "✗"])
            for g in ref:
                if not any(items_match(it, g, match) for it in pred):
                    rows.append([kind, f"(漏) {g}", "missed"])
        d, a = prf(payload["diseases"], gold.diseases, match), prf(payload["advice"], gold.advices, match)
        return {"rows": rows, "disease_f1": d.f1, "advice_f1": a.f1, "match": match}
