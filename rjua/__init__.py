"""rjua: clinical-reasoning question answering around RJUA-QA (Chinese urology).

>>> import rjua
>>> len(rjua.load_split("valid")) > 0
True
"""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version as _version

from .data import Record, find_split_files, load_all, load_dataset_dict, load_split, read_records, validate_file
from .errors import Problem, RJUAError, RJUAFormatError
from .items import normalize_item, split_items
from .metrics import combined_f1, prf, rouge_l

try:
    __version__ = _version("rjua")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+local"

_LAZY = {
    "extract": ("rjua.extract", "extract"),
    "score_predictions": ("rjua.scoring", "score_predictions"),
    "load_predictions": ("rjua.scoring", "load_predictions"),
    "answer": ("rjua.pipeline", "answer"),
    "Prediction": ("rjua.pipeline", "Prediction"),
    "KnowledgeBase": ("rjua.kb", "KnowledgeBase"),
    "CaseBase": ("rjua.kb", "CaseBase"),
}

__all__ = [
    "Record", "load_split", "load_all", "load_dataset_dict", "read_records", "validate_file",
    "find_split_files", "RJUAError", "RJUAFormatError", "Problem", "split_items", "normalize_item",
    "prf", "rouge_l", "combined_f1", "__version__", *_LAZY,
]


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        mod, attr = _LAZY[name]
        return getattr(importlib.import_module(mod), attr)
    raise AttributeError(f"module 'rjua' has no attribute {name!r}")
