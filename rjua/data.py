"""RJUA-QA records and loaders.

Files are JSON Lines (the official format, even with a ``.json`` suffix) or a
JSON array of objects with the keys ``id``, ``question``, ``context``, ``answer``,
``disease`` and ``advice``. Problems are reported as :class:`RJUAFormatError`
naming file, line and field; a BOM, CRLF line ends and blank lines are harmless
and accepted.

>>> recs = load_split("valid")          # the bundled, self-written sample
>>> recs[0].passages[0][:4], len(recs[0].diseases) > 0
('肾绞痛是', True)
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from .errors import Problem, RJUAError, RJUAFormatError
from .items import split_items
from .jsonio import (
    MAX_FILE_BYTES,
    iter_json,  # the one guarded reader, shared with scoring and runs
)

__all__ = ["ENV_DATA_DIR", "FIELDS", "GoldSnapshot", "Record", "SUBSETS", "SplitFiles", "bundled_data_dir",
           "check_object", "data_file", "find_split_files", "internal_split", "iter_problems_and_records", "load_all",
           "load_dataset_dict", "load_split", "read_records", "resolve_data_dir", "split_passages", "subset_records",
           "validate_file"]

FIELDS = ("id", "question", "context", "answer", "disease", "advice")
ENV_DATA_DIR = "RJUA_DATA_DIR"
_PASSAGE_PREFIX = re.compile(r"Context[：:]\s*")
_SPLIT_FILE = re.compile(r"^(?:(?P<prefix>RJUA_|rjua_|chat_))?(?P<split>[A-Za-z0-9][A-Za-z0-9_-]*?)\.(?:jsonl|json)$")


def split_passages(context: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Cut a context into its ``Context：`` passages (stripped, in order).

    A context without the prefix is one passage; a list is split element-wise.

    >>> split_passages("Context：甲。\\nContext：乙。")
    ('甲。', '乙。')
    >>> split_passages("无前缀的指南段落")
    ('无前缀的指南段落',)
    """
    chunks = [context] if isinstance(context, str) else list(context)
    out = []
    for chunk in chunks:
        for part in _PASSAGE_PREFIX.split(chunk):
            part = part.strip()
            if part:
                out.append(part)
    return tuple(out)


@dataclass(frozen=True)
class Record:
    """One RJUA-QA case.

    ``context``, ``disease`` and ``advice`` are the raw strings of the file;
    ``passages``, ``diseases`` and ``advices`` are their split, normalised forms.

    >>> r = Record.from_dict({"id": "1", "question": "尿频怎么办？", "context": "Context：段落",
    ...                       "answer": "考虑膀胱炎。", "disease": "膀胱炎", "advice": "尿常规、多饮水"})
    >>> r.advices
    ('尿常规', '多饮水')
    """

    id: str
    question: str
    context: str
    answer: str
    disease: str
    advice: str
    passages: tuple[str, ...] = field(default=(), compare=False)
    diseases: tuple[str, ...] = field(default=(), compare=False)
    advices: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_dict(cls, obj: dict[str, Any]) -> "Record":
        """Build a record from an already-validated official-format object."""
        ctx = obj["context"]
        raw_ctx = ctx if isinstance(ctx, str) else "\n".join("Context：" + c for c in ctx)
        return cls(
            id=obj["id"], question=obj["question"], context=raw_ctx, answer=obj["answer"],
            disease=obj["disease"], advice=obj["advice"], passages=split_passages(ctx),
            diseases=tuple(split_items(obj["disease"])), advices=tuple(split_items(obj["advice"])),
        )

    def to_dict(self) -> dict[str, str]:
        """The official six-key form (what the files hold)."""
        return {k: getattr(self, k) for k in FIELDS}

    def to_row(self) -> dict[str, Any]:
        """All fields, lists as lists (for Hugging Face ``datasets``)."""
        row = asdict(self)
        for k in ("passages", "diseases", "advices"):
            row[k] = list(row[k])
        return row


# ---------------------------------------------------------------- validation
def check_object(obj: Any, where: tuple[str, int]) -> list[Problem]:
    """Problems of one parsed object (empty list when it is a valid record)."""
    path, line = where
    if not isinstance(obj, dict):
        return [Problem(path, line, None, f"expected a JSON object, got {type(obj).__name__}")]
    probs = []
    for key in FIELDS:
        if key not in obj:
            probs.append(Problem(path, line, key, "missing field"))
            continue
        val = obj[key]
        if key == "context":
            ok = isinstance(val, str) or (isinstance(val, list) and all(isinstance(v, str) for v in val))
            want = "a string or a list of strings"
        else:
            ok, want = isinstance(val, str), "a string"
        if not ok:
            probs.append(Problem(path, line, key, f"expected {want}, got {type(val).__name__}"))
        elif key in ("id", "question") and not val.strip():
            probs.append(Problem(path, line, key, f"empty {key}"))
    return probs


def iter_problems_and_records(path: str | os.PathLike, data: bytes | None = None
                              ) -> Iterator[tuple[Problem | None, Record | None]]:
    """Scan a file (or its bytes ``data``, already read), yielding ``(problem, None)`` or ``(None, record)``."""
    p = Path(path)
    rows = iter_json(p, data)
    seen: dict[str, int] = {}
    for line, obj, prob in rows:
        if prob is not None:
            yield prob, None
            continue
        probs = check_object(obj, (str(p), line))
        if not probs and obj["id"] in seen:
            probs = [Problem(str(p), line, "id", f"duplicate id {obj['id']!r} (first on line {seen[obj['id']]})")]
        for pr in probs:
            yield pr, None
        if not probs:
            seen[obj["id"]] = line
            yield None, Record.from_dict(obj)
    if not seen:
        yield Problem(str(p), None, None, "no records in file"), None


def validate_file(path: str | os.PathLike) -> list[Problem]:
    """Every problem of a data file (empty when valid).

    >>> validate_file(data_file("valid"))
    []
    """
    return [pr for pr, _ in iter_problems_and_records(path) if pr is not None]


def read_records(path: str | os.PathLike, strict: bool = True, data: bytes | None = None) -> list[Record]:
    """Read one file (or its bytes ``data``). ``strict`` stops at the first problem; ``strict=False``
    reads on and raises one :class:`RJUAFormatError` holding every problem."""
    records, problems = [], []
    for prob, rec in iter_problems_and_records(path, data):
        if prob is None:
            records.append(rec)
        elif strict:
            raise RJUAFormatError(prob.path, prob.line, prob.field, prob.reason)
        else:
            problems.append(prob)
    if problems:
        raise RJUAFormatError(problems[0].path, problems=problems)
    return records


# --------------------------------------------------------------- directories
def bundled_data_dir() -> Path:
    """The self-written sample shipped with rjua (``data/`` of the source tree)."""
    here = Path(__file__).resolve().parent
    src = here.parent / "data"
    return src if src.is_dir() else here / "_sample"


def resolve_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """Explicit argument > ``$RJUA_DATA_DIR`` > the bundled sample."""
    chosen = data_dir or os.environ.get(ENV_DATA_DIR) or bundled_data_dir()
    d = Path(chosen).expanduser()
    if not d.is_dir():
        raise RJUAError(f"{d}: data directory not found")
    return d


def _looks_like_rjua(path: Path) -> bool:
    """A bare-named file is a split only when its first object has the record shape (``question`` and
    ``context``): a run's ``predictions.jsonl`` (``question`` but ``evidence``) is not."""
    with open(path, "rb") as f:
        head = f.read(1 << 20).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] == b"[":  # a JSON array: the first element's keys, cheaply
        return b'"question"' in head[:65536] and b'"context"' in head[:65536]
    first = head.split(b"\n", 1)[0]
    try:
        obj = json.loads(first)
    except (ValueError, RecursionError):  # malformed or cut: judged by its bytes (the reader names the problem)
        return b'"question"' in first and b'"context"' in first
    return isinstance(obj, dict) and "question" in obj and "context" in obj


class SplitFiles(dict):
    """Split name -> file, as :func:`find_split_files` found them in ``directory`` (the data directory, resolved).

    A run resolves its data directory and lists it once, then passes this on wherever a ``data_dir`` is taken:
    :meth:`of` (what every reader of a data directory goes through) uses it as is, neither resolving the
    directory nor listing it again.

    >>> files = find_split_files()
    >>> SplitFiles.of(files) is files, sorted(files), files.directory.is_dir()
    (True, ['test', 'valid'], True)
    """

    def __init__(self, directory: Path, files: dict[str, Path] | None = None):
        super().__init__(files or {})
        self.directory = directory

    @classmethod
    def of(cls, data_dir: str | os.PathLike | SplitFiles | None = None) -> SplitFiles:
        """``data_dir``'s split files: itself when already found, else :func:`find_split_files`."""
        return data_dir if isinstance(data_dir, SplitFiles) else find_split_files(data_dir)


def find_split_files(data_dir: str | os.PathLike | None = None) -> SplitFiles:
    """Map split name -> file for every RJUA file in a directory (a :class:`SplitFiles`, which names it).

    Recognised names: ``RJUA_{split}.json``, ``rjua_{split}.json``, ``chat_{split}.json``,
    ``{split}.jsonl`` and ``{split}.json`` (bare names only when the first object has the record shape,
    so run outputs such as ``predictions.jsonl`` are never taken for a split).

    >>> sorted(find_split_files())
    ['test', 'valid']
    """
    d = resolve_data_dir(data_dir)
    found = SplitFiles(d)
    for p in sorted(d.iterdir()):
        m = _SPLIT_FILE.match(p.name)
        if not m or not p.is_file() or (not m["prefix"] and not _looks_like_rjua(p)):
            continue
        split = m["split"]
        if split in found:
            raise RJUAError(f"{d}: two files for split {split!r}: {found[split].name} and {p.name}")
        found[split] = p
    return found


def data_file(split: str, data_dir: str | os.PathLike | SplitFiles | None = None) -> Path:
    """The file holding ``split``; a clear error lists the splits that exist."""
    files = SplitFiles.of(data_dir)
    if split not in files:
        have = ", ".join(sorted(files)) or "none"
        raise RJUAError(f"{files.directory}: no file for split {split!r} (found: {have})")
    return files[split]


def load_split(split: str, data_dir: str | os.PathLike | None = None, strict: bool = True) -> list[Record]:
    """Load one split as :class:`Record` objects.

    >>> len(load_split("test")) > 0
    True
    """
    return read_records(data_file(split, data_dir), strict=strict)


@dataclass(frozen=True)
class GoldSnapshot:
    """One split read once: its file, the sha256 of the bytes read and the records parsed from those bytes.

    A run scores against ``records`` and records ``sha256``, so replacing the file meanwhile changes neither.

    >>> g = GoldSnapshot.read("test")
    >>> len(g.records) == len(load_split("test")), len(g.sha256)
    (True, 64)
    """

    split: str
    path: Path
    sha256: str
    records: tuple[Record, ...]

    @classmethod
    def read(cls, split: str, data_dir: str | os.PathLike | None = None) -> "GoldSnapshot":
        p = data_file(split, data_dir)
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise RJUAFormatError(str(p), None, None, f"file is {size} bytes, over the limit of {MAX_FILE_BYTES}")
        blob = p.read_bytes()
        return cls(split, p, hashlib.sha256(blob).hexdigest(), tuple(read_records(p, data=blob)))


def load_all(data_dir: str | os.PathLike | None = None) -> dict[str, list[Record]]:
    """Every split found in the directory."""
    return {s: read_records(p) for s, p in SplitFiles.of(data_dir).items()}


def load_dataset_dict(data_dir: str | os.PathLike | None = None):
    """A ``datasets.DatasetDict`` with one split per file found.

    >>> dd = load_dataset_dict()
    >>> dd["valid"].features["diseases"].feature.dtype
    'string'
    """
    import datasets

    feats = datasets.Features({
        **{k: datasets.Value("string") for k in FIELDS},
        **{k: datasets.Sequence(datasets.Value("string")) for k in ("passages", "diseases", "advices")},
    })
    return datasets.DatasetDict({
        split: datasets.Dataset.from_list([r.to_row() for r in recs], features=feats)
        for split, recs in load_all(data_dir).items()
    })


def internal_split(records: Sequence[Record], train_fraction: float = 0.8, salt: str = "rjua-internal-v1"):
    """(train, held_out) by a stable hash of each id: the training recipes' fixed internal split."""
    def u(rid: str) -> float:
        return int(hashlib.sha1((salt + rid).encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    train = [r for r in records if u(r.id) < train_fraction]
    held = [r for r in records if u(r.id) >= train_fraction]
    return train, held


SUBSETS = ("all", "train", "heldout")


def subset_records(records: Sequence[Record], subset: str = "all", train_fraction: float = 0.8,
                   salt: str = "rjua-internal-v1") -> list[Record]:
    """The recipes' fixed internal part of ``records``: ``train``, ``heldout`` or ``all``.

    >>> from rjua.data import load_split
    >>> recs = load_split("valid")
    >>> len(subset_records(recs, "train")) + len(subset_records(recs, "heldout")) == len(recs)
    True
    """
    if subset not in SUBSETS:
        raise RJUAError(f"--subset must be one of {', '.join(SUBSETS)}, got {subset!r}")
    if subset == "all":
        return list(records)
    train, held = internal_split(records, train_fraction, salt)
    return train if subset == "train" else held
