"""Knowledge base of guideline passages and case base of labelled records.

* :class:`KnowledgeBase`: every distinct passage of every record's context
  (normalised, de-duplicated), each with a stable id (hash of its text) and the
  records that cite it; users can add their own guideline text files.
* :class:`CaseBase`: labelled records of a pool (question, diseases, advice,
  cited passage ids). Searching it never returns excluded keys, which is how a
  record is kept out of its own evidence (leave-one-out).
* :func:`choose_pool`: pool semantics shared by evaluation and answering; :func:`check_pool`: the
  one check that a pool's splits exist (data directory or prebuilt index).

>>> from rjua.data import load_all
>>> splits = load_all()
>>> kb = KnowledgeBase.from_splits(splits)
>>> len(kb) == len({p for recs in splits.values() for r in recs for p in r.passages})
True
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from .data import Record
from .errors import RJUAError
from .text import squeeze

__all__ = ["Case", "CaseBase", "KnowledgeBase", "Passage", "check_pool", "choose_pool", "clean_passage",
           "normalize_passage", "passage_id"]

_WS = re.compile(r"\s+")


def normalize_passage(text: str) -> str:
    """NFKC and collapsed whitespace (the form passages are de-duplicated on).

    >>> normalize_passage(" 肾  绞痛\\n是 ")
    '肾 绞痛 是'
    """
    return squeeze(text)


def clean_passage(text: str) -> str:
    """Display form of a passage: original characters, whitespace collapsed.

    >>> clean_passage(" 尿频，尿急\\n ")
    '尿频，尿急'
    """
    return _WS.sub(" ", text).strip()


def passage_id(text: str) -> str:
    """Stable id of a passage: ``p`` + 12 hex digits of the sha1 of its normalised text.

    >>> passage_id("同一段落") == passage_id(" 同一段落 ")
    True
    """
    return "p" + hashlib.sha1(normalize_passage(text).encode("utf-8")).hexdigest()[:12]


@dataclass
class Passage:
    """One guideline passage and the records (``split:id``) that cite it."""

    id: str
    text: str
    cited_by: list[str] = field(default_factory=list)
    source: str = "rjua"


class KnowledgeBase:
    """Distinct passages, in first-seen order, addressable by id."""

    def __init__(self, passages: Iterable[Passage] = ()):
        self.passages: list[Passage] = []
        self._pos: dict[str, int] = {}
        for p in passages:
            self._add(p)

    def _add(self, p: Passage) -> Passage:
        if p.id in self._pos:
            have = self.passages[self._pos[p.id]]
            have.cited_by.extend(c for c in p.cited_by if c not in have.cited_by)
            return have
        self._pos[p.id] = len(self.passages)
        self.passages.append(p)
        return p

    @classmethod
    def from_splits(cls, splits: Mapping[str, Sequence[Record]]) -> "KnowledgeBase":
        """Passages of every record of every split given."""
        kb = cls()
        for split, recs in splits.items():
            for r in recs:
                for text in r.passages:
                    kb._add(Passage(passage_id(text), clean_passage(text), [f"{split}:{r.id}"]))
        return kb

    def add_text_files(self, paths: Iterable[str | os.PathLike]) -> int:
        """Add user guideline files (UTF-8 text, one passage per paragraph). Returns how many were new."""
        before = len(self)
        for path in paths:
            p = Path(path)
            try:
                text = p.read_text(encoding="utf-8-sig")
            except FileNotFoundError:
                raise RJUAError(f"{p}: no such file") from None
            except UnicodeDecodeError as e:
                raise RJUAError(f"{p}: not UTF-8 (byte {e.start})") from None
            for para in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
                para = clean_passage(para)
                if para:
                    self._add(Passage(passage_id(para), para, [], source=p.name))
        return len(self) - before

    def __len__(self) -> int:
        return len(self.passages)

    @property
    def ids(self) -> list[str]:
        return [p.id for p in self.passages]

    @property
    def texts(self) -> list[str]:
        return [p.text for p in self.passages]

    def index_of(self, pid: str) -> int:
        return self._pos[pid]

    def get(self, pid: str) -> Passage:
        return self.passages[self._pos[pid]]


@dataclass(frozen=True)
class Case:
    """A labelled record as a case: what the case base holds."""

    key: str  # "split:id"
    question: str
    diseases: tuple[str, ...]
    advices: tuple[str, ...]
    passage_ids: tuple[str, ...]
    answer: str = ""

    @classmethod
    def from_record(cls, record: Record, split: str) -> "Case":
        return cls(f"{split}:{record.id}", record.question, record.diseases, record.advices,
                   tuple(passage_id(t) for t in record.passages), record.answer)

    @property
    def id(self) -> str:
        return self.key.split(":", 1)[1]


class CaseBase:
    """Labelled cases of a pool, in order."""

    def __init__(self, cases: Iterable[Case]):
        self.cases = list(cases)
        self._pos = {c.key: i for i, c in enumerate(self.cases)}

    @classmethod
    def from_splits(cls, splits: Mapping[str, Sequence[Record]]) -> "CaseBase":
        return cls(Case.from_record(r, s) for s, recs in splits.items() for r in recs)

    def __len__(self) -> int:
        return len(self.cases)

    def index_of(self, key: str) -> int | None:
        return self._pos.get(key)

    @property
    def splits(self) -> set[str]:
        return {c.key.split(":", 1)[0] for c in self.cases}


def check_pool(pool: Sequence[str], available: Sequence[str], index: str | os.PathLike | None = None) -> list[str]:
    """``pool`` as a list when every split of it is ``available``; else one error naming what is missing.

    ``index``: the splits are those a prebuilt index holds (the error says how to rebuild it).

    >>> check_pool(["valid"], ["test", "valid"])
    ['valid']
    >>> check_pool(["train"], ["test", "valid"])
    Traceback (most recent call last):
    rjua.errors.RJUAError: pool split(s) not found: train (found: test, valid)
    """
    missing = [p for p in pool if p not in available]
    if missing and index is not None:
        raise RJUAError(f"--pool {', '.join(pool)} is not held by index {index} (its pool: "
                        f"{', '.join(available) or 'none'}); rebuild it with 'rjua index build --pool ...'")
    if missing:
        raise RJUAError(f"pool split(s) not found: {', '.join(missing)} (found: {', '.join(available)})")
    return list(pool)


def choose_pool(available: Sequence[str], target: str, pool: Sequence[str] | None = None) -> tuple[list[str], bool]:
    """Which labelled splits answer ``target``, and whether that is leave-one-out.

    Default: every split other than ``target``; when there is none, ``target``
    itself leave-one-out (the record answered is never its own case).

    >>> choose_pool(["valid", "test"], "test")
    (['valid'], False)
    >>> choose_pool(["valid"], "valid")
    (['valid'], True)
    """
    if pool:
        chosen = check_pool(pool, available)
    else:
        chosen = [s for s in available if s != target] or [target]
    return chosen, target in chosen
