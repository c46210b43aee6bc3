"""Label vocabularies for reading prose answers: from a label-list file, from a labelled pool.

A label list is one label per line, a JSON list, or a Python-list-like text such as the official
repository's ``disease.txt`` / ``advice.txt`` (``['肾结石', '膀胱炎', nan, '']``): blank entries and junk
(``nan``, ``None``, ``null``, ``-``, entries of one character) are skipped and counted in
:attr:`LabelList.skipped`. Matching is longest first, non-overlapping, and also finds the ontology's other
writings of a label (左 / 左侧, 占位 / 肿瘤, stage brackets dropped), reporting the label itself.

>>> v = Vocabulary.from_items(["膀胱炎", "左输尿管结石"], ["多饮水"])
>>> v.find("考虑左侧输尿管结石，建议多饮水", "disease")
['左输尿管结石']
>>> parse_label_list("['肾结石', nan, '', '膀胱炎']").labels
['肾结石', '膀胱炎']
"""
from __future__ import annotations

import ast
import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from .data import load_all
from .errors import RJUAError
from .items import match_key, normalize_item
from .ontology import variants

__all__ = ["JUNK", "LabelList", "Vocabulary", "load_label_list", "parse_label_list", "vocabulary_from_specs"]

JUNK = frozenset({"nan", "none", "null", "na", "n/a", "-", "—", "无", "[]"})
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"")


@dataclass
class LabelList:
    """Labels read from a list, in order, de-duplicated, with the entries skipped and why."""

    labels: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    source: str = ""

    def note(self) -> str:
        """One line for stderr / reports.

        >>> parse_label_list("a病\\nnan\\n\\nb病", "x.txt").note()
        'x.txt: 2 labels (skipped: blank 1, junk 1)'
        """
        skipped = ", ".join(f"{k} {v}" for k, v in sorted(self.skipped.items()) if v)
        return f"{self.source}: {len(self.labels)} labels" + (f" (skipped: {skipped})" if skipped else "")


def _entries(text: str) -> list[object]:
    body = text.strip()
    if body.startswith("["):
        for parse in (json.loads, ast.literal_eval):
            try:
                val = parse(body)
                if isinstance(val, list):
                    return val
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                pass
        # Python-list-like with bare junk (nan): quoted strings, and the bare tokens between them
        out: list[object] = []
        pos = 1
        for m in _QUOTED.finditer(body):
            out.extend(t.strip() for t in body[pos:m.start()].split(",") if t.strip() not in ("", "]"))
            out.append(m.group(1) if m.group(1) is not None else m.group(2))
            pos = m.end()
        out.extend(t.strip() for t in body[pos:].rstrip("]").split(",") if t.strip())
        return out
    return body.split("\n")


def parse_label_list(text: str, source: str = "<labels>") -> LabelList:
    """Labels of a label-list text (any of the three formats); junk and blanks counted, not kept."""
    out = LabelList(source=source)
    seen: set[str] = set()
    for entry in _entries(text):
        raw = "" if entry is None else str(entry)
        item = normalize_item(raw)
        why = ("blank" if not item else "junk" if item.lower() in JUNK or len(item) < 2 else
               "duplicate" if match_key(item) in seen else None)
        if entry is None or (isinstance(entry, float) and entry != entry):
            why = "junk"
        if why:
            out.skipped[why] = out.skipped.get(why, 0) + 1
            continue
        seen.add(match_key(item))
        out.labels.append(item)
    return out


def load_label_list(path: str | os.PathLike) -> LabelList:
    """:func:`parse_label_list` of a file; a missing, unreadable or empty list is an error naming it."""
    try:
        with open(path, encoding="utf-8-sig") as f:
            text = f.read()
    except OSError as e:
        raise RJUAError(f"{path}: cannot read label list ({e.strerror or e})") from None
    except UnicodeDecodeError:
        raise RJUAError(f"{path}: label list is not UTF-8 text") from None
    out = parse_label_list(text, str(path))
    if not out.labels:
        raise RJUAError(f"{path}: no labels in the list ({out.note()})")
    return out


@lru_cache(maxsize=None)
def _forms(label: str) -> frozenset[str]:
    return frozenset({match_key(v) for v in variants(label) if len(match_key(v)) >= 2} | {match_key(label)})


@dataclass(frozen=True)
class Vocabulary:
    """Known disease and advice labels (normalised), e.g. from a labelled pool or a label list.

    >>> v = Vocabulary.from_items(["膀胱炎", "肾结石"], ["多饮水"])
    >>> v.find("考虑肾结石，建议多饮水", "disease"), len(v)
    (['肾结石'], 3)
    """

    diseases: frozenset[str]
    advices: frozenset[str]
    source: str = ""

    def __len__(self) -> int:
        return len(self.diseases) + len(self.advices)

    @classmethod
    def from_items(cls, diseases: Iterable[str], advices: Iterable[str], source: str = "") -> "Vocabulary":
        def norm(xs):
            return frozenset(n for n in (normalize_item(x) for x in xs) if len(n) >= 2)

        return cls(norm(diseases), norm(advices), source)

    @classmethod
    def from_other_splits(cls, split: str, data_dir=None) -> "Vocabulary":
        """Labels of every split in the directory except ``split`` (never the gold being scored); an error when
        there is no other split to build it from."""

        others = {s: recs for s, recs in load_all(data_dir).items() if s != split}
        if not others:
            raise RJUAError(f"--vocab pool: no labelled split other than {split!r} to build a vocabulary from "
                            "(the scored split's own labels are never used); give a label list: --vocab FILE")
        return cls.from_records([r for recs in others.values() for r in recs], source="pool:" + ",".join(others))

    @classmethod
    def from_records(cls, records, source: str = "") -> "Vocabulary":
        """All labels of a labelled pool of :class:`rjua.data.Record`."""
        return cls.from_items([d for r in records for d in r.diseases], [a for r in records for a in r.advices],
                              source)

    @classmethod
    def from_files(cls, disease_file=None, advice_file=None) -> tuple["Vocabulary", list[LabelList]]:
        """A vocabulary from label-list files (either may be None) and the lists read (for their notes)."""
        lists = [load_label_list(p) if p else LabelList() for p in (disease_file, advice_file)]
        src = ",".join(str(p) for p in (disease_file, advice_file) if p)
        return cls.from_items(lists[0].labels, lists[1].labels, src), [x for x in lists if x.source]

    def find(self, text: str, kind: str, loose: bool = True) -> list[str]:
        """Labels of ``kind`` ('disease' or 'advice') occurring in ``text``, longest first, no overlaps, in text
        order. ``loose`` (reading answers): also an ontology variant of a label, ASCII case folded; ``False``:
        the normalised label verbatim (what the ``case`` backend uses on questions).

        >>> v = Vocabulary.from_items(["左输尿管结石"], [])
        >>> v.find("左侧输尿管结石", "disease"), v.find("左侧输尿管结石", "disease", loose=False)
        (['左输尿管结石'], [])
        """
        labels = self.diseases if kind == "disease" else self.advices
        key = match_key if loose else normalize_item
        norm = key(text) if text else ""
        taken = [False] * len(norm)
        hits = []
        pairs = ((f, lab) for lab in labels for f in (_forms(lab) if loose else (lab,)))
        forms = sorted(pairs, key=lambda x: (-len(x[0]), x))
        for form, lab in forms:
            start = norm.find(form)
            while start >= 0:
                if not any(taken[start:start + len(form)]):
                    taken[start:start + len(form)] = [True] * len(form)
                    hits.append((start, lab))
                    break
                start = norm.find(form, start + 1)
        return list(dict.fromkeys(lab for _, lab in sorted(hits)))


def _kind_of(spec: str) -> tuple[str, str]:
    kind, sep, path = spec.partition("=")
    if sep and kind in ("disease", "advice"):
        return kind, path
    name = os.path.basename(spec).lower()
    return ("advice" if "advice" in name or "建议" in name else "disease"), spec


def vocabulary_from_specs(specs: Iterable[str], split: str, data_dir=None) -> tuple[Vocabulary, list[str]]:
    """The vocabulary ``--vocab`` asks for, and one note per source (for stderr and the summary).

    Each spec is ``pool`` (labels of every labelled split other than ``split``), ``disease=FILE`` /
    ``advice=FILE``, or a bare ``FILE`` (an advice list when its name says ``advice``, e.g. ``advice.txt``;
    else a disease list). Nothing to build from is an error, never a silent no-op.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "disease.txt"
    >>> _ = p.write_text("['肾结石', nan, '膀胱炎']", encoding="utf-8")
    >>> v, notes = vocabulary_from_specs([str(p)], "test")
    >>> sorted(v.diseases), notes[0].endswith("2 labels (skipped: junk 1)")
    (['肾结石', '膀胱炎'], True)
    """
    diseases: set[str] = set()
    advices: set[str] = set()
    notes, sources = [], []
    for spec in specs:
        if spec == "pool":
            v = Vocabulary.from_other_splits(split, data_dir)
            diseases |= v.diseases
            advices |= v.advices
            notes.append(f"{v.source}: {len(v.diseases)} disease and {len(v.advices)} advice labels")
            sources.append(v.source)
            continue
        kind, path = _kind_of(spec)
        lst = load_label_list(path)
        (diseases if kind == "disease" else advices).update(lst.labels)
        notes.append(f"{kind} {lst.note()}")
        sources.append(f"{kind}={path}")
    if not diseases and not advices:
        raise RJUAError("--vocab: give pool or a label-list FILE (disease=FILE, advice=FILE)")
    return Vocabulary.from_items(diseases, advices, ";".join(sources)), notes
