"""Every rjua module declares its public API: an explicit ``__all__`` whose names exist, once each."""
from __future__ import annotations

import importlib
import pkgutil

import pytest

import rjua

SKIP = {"rjua.cli.__main__"}  # runs the CLI on import


def _module_names() -> list[str]:
    names = {"rjua"}
    for info in pkgutil.walk_packages(rjua.__path__, "rjua."):
        names.add(info.name)
    return sorted(names - SKIP)


MODULES = _module_names()


def test_the_walk_finds_the_package_tree():
    # a broken walk (e.g. a wrong path) must not pass by checking nothing
    assert {"rjua.data", "rjua.cli", "rjua.retrieval.bm25", "rjua.train.config", "rjua.train.verl"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_module_declares_all(name):
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as e:  # an optional extra that is not installed, never rjua itself
        if e.name and not e.name.startswith("rjua"):
            pytest.skip(f"{name} needs {e.name}")
        raise
    assert hasattr(module, "__all__"), f"{name} has no __all__"
    exported = list(module.__all__)
    assert all(isinstance(x, str) for x in exported), f"{name}.__all__ holds a non-string"
    missing = [x for x in exported if not hasattr(module, x)]
    assert not missing, f"{name}.__all__ names what the module does not define: {missing}"
    dups = sorted({x for x in exported if exported.count(x) > 1})
    assert not dups, f"{name}.__all__ repeats {dups}"
    private = [x for x in exported if x.startswith("_") and not (x.startswith("__") and x.endswith("__"))]
    assert not private, f"{name}.__all__ exports private names {private}"
