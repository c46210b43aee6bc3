"""Alignment phase: a taxonomy (sub-specialty -> disease) from the labelled pool and the
knowledge base, and seeds with explicit constraints.

>>> from rjua.data import load_all
>>> tax = build_taxonomy(load_all())
>>> "结石" in tax.specialties and all(tax.passages[d] for d in tax.diseases)
True
"""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from ..kb import KnowledgeBase, passage_id

__all__ = ["CONSTRAINTS", "SPECIALTIES", "Seed", "Taxonomy", "build_taxonomy", "make_seeds", "specialty_of"]

SPECIALTIES = {  # first rule that matches the disease name wins
    "男科": ("睾丸", "附睾", "精索", "勃起", "不育", "精囊", "包茎", "阴茎", "精液", "早泄"),
    "肿瘤": ("癌", "肿瘤", "占位", "错构瘤", "肉瘤", "转移"),
    "前列腺": ("前列腺",),
    "结石": ("结石", "积水", "绞痛", "梗阻"),
    "感染": ("炎", "感染", "脓", "结核"),
    "排尿功能": ("尿失禁", "膀胱过度", "尿潴留", "狭窄", "神经源", "遗尿"),
    "肾脏": ("囊肿", "肾功能", "肾衰", "萎缩", "肾病"),
}

CONSTRAINTS = (
    "病例必须以所给指南段落为依据，并在 passage_ids 中引用；",
    "给出唯一最可能的诊断，且诊断名称必须是“目标诊断”；",
    "建议必须是可核查的具体检查或治疗措施，用“、”分隔；",
    "病史、症状和检查结果要前后一致，并支持该诊断；",
    "病例要有难度：问题中不得直接写出诊断名称，需要结合指南段落推理，并包含一个容易混淆的干扰诊断的表现。",
)


def specialty_of(disease: str) -> str:
    for name, keys in SPECIALTIES.items():
        if any(k in disease for k in keys):
            return name
    return "其他"


@dataclass
class Taxonomy:
    specialties: dict[str, list[str]]            # specialty -> diseases (most frequent first)
    passages: dict[str, list[str]]               # disease -> passage ids cited by its records
    advices: dict[str, Counter] = field(default_factory=dict)  # disease -> advice items seen with it
    kb: KnowledgeBase | None = None

    @property
    def diseases(self) -> list[str]:
        return [d for ds in self.specialties.values() for d in ds]


def build_taxonomy(splits: dict, min_count: int = 1) -> Taxonomy:
    """Taxonomy of the labelled splits given (the pool); passages from the knowledge base."""
    kb = KnowledgeBase.from_splits(splits)
    freq, passages, advices = Counter(), {}, {}
    for recs in splits.values():
        for r in recs:
            pids = [passage_id(t) for t in r.passages]
            for d in r.diseases:
                freq[d] += 1
                passages.setdefault(d, [])
                passages[d].extend(p for p in pids if p not in passages[d])
                advices.setdefault(d, Counter()).update(r.advices)
    spec: dict[str, list[str]] = {}
    for d, n in freq.most_common():
        if n >= min_count and passages.get(d):
            spec.setdefault(specialty_of(d), []).append(d)
    return Taxonomy(spec, passages, advices, kb)


@dataclass
class Seed:
    """What the generator is asked to instantiate."""

    seed_id: str
    specialty: str
    disease: str
    distractor: str
    passage_ids: list[str]
    passages: list[str]
    constraints: tuple[str, ...] = CONSTRAINTS


def make_seeds(tax: Taxonomy, n: int, seed: int = 0, passages_per_seed: int = 2) -> list[Seed]:
    """``n`` seeds cycling over specialties (coverage first), each with a distractor from the same specialty."""
    rng = random.Random(seed)
    order = sorted(tax.specialties, key=lambda s: (-len(tax.specialties[s]), s))
    seeds, i = [], 0
    while len(seeds) < n and order:
        spec = order[i % len(order)]
        ds = tax.specialties[spec]
        d = ds[(i // len(order)) % len(ds)]
        others = [x for x in ds if x != d] or [x for x in tax.diseases if x != d]
        distractor = rng.choice(others) if others else ""
        pids = tax.passages[d][:]
        rng.shuffle(pids)
        pids = pids[:passages_per_seed]
        seeds.append(Seed(f"s{seed}-{len(seeds):05d}", spec, d, distractor, pids,
                          [tax.kb.get(p).text for p in pids]))
        i += 1
    return seeds
