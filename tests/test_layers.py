"""The import-layer contract names every module of the package, so a new module cannot sit outside it."""
import pkgutil
from pathlib import Path

import pytest

import rjua

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parents[1]


def test_every_top_level_module_is_in_a_layer():
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    layers = next(c for c in cfg["tool"]["importlinter"]["contracts"] if c["type"] == "layers")["layers"]
    named = {m.strip() for layer in layers for m in layer.replace("|", ":").split(":")}
    modules = {f"rjua.{m.name}" for m in pkgutil.iter_modules(rjua.__path__) if not m.name.startswith("_")}
    assert modules - named == set(), "add these modules to [tool.importlinter] layers in pyproject.toml"
    assert named - modules == set(), "these layers name no module"


def test_no_module_imports_itself_through_others():
    """No import circle between modules, lazy imports included (the layers contract checks packages)."""
    grimp = pytest.importorskip("grimp")
    nx = pytest.importorskip("networkx")
    g = grimp.build_graph("rjua")
    graph = nx.DiGraph((m, i) for m in g.modules for i in g.find_modules_directly_imported_by(m))
    assert [c for c in nx.strongly_connected_components(graph) if len(c) > 1] == []
