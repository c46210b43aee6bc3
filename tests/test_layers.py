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


HEAVY = {"torch", "transformers", "trl", "peft", "faiss", "sentence_transformers", "gradio", "matplotlib", "vllm",
         "onnxruntime", "onnx", "verl", "accelerate", "datasets", "ray"}
# imports kept inside a function on purpose: the two encoder runtimes never import each other at load time
LAZY_BY_DESIGN = {("rjua.retrieval.dense", "rjua.retrieval.onnx_encoder")}


def _module_imports():
    """module -> (top-level internal targets, top-level external roots, function-level internal targets)."""
    import ast

    out = {}
    for p in (ROOT / "rjua").rglob("*.py"):
        parts = list(p.relative_to(ROOT).with_suffix("").parts)
        pkg = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if pkg else parts)
        base = name.split(".") if pkg else name.split(".")[:-1]
        tree = ast.parse(p.read_text(encoding="utf-8"))
        top = {id(n) for n in tree.body}
        top_int, top_ext, inner = set(), set(), set()
        for n in ast.walk(tree):
            if isinstance(n, ast.Import):
                for a in n.names:
                    (top_int if a.name.startswith("rjua") else top_ext).add(a.name) if id(n) in top else None
            elif isinstance(n, ast.ImportFrom):
                tgt = ".".join(base[:len(base) - n.level + 1] + ([n.module] if n.module else [])) if n.level \
                    else (n.module or "")
                if not tgt.startswith("rjua"):
                    if id(n) in top:
                        top_ext.add(tgt.split(".")[0])
                    continue
                tgts = {tgt} | {f"{tgt}.{a.name}" for a in n.names}
                (top_int if id(n) in top else inner).update(tgts)
        out[name] = (top_int, top_ext, inner)
    return out


def test_imports_sit_at_module_top_except_heavy_ones():
    mods = _module_imports()

    def heavy(m, seen=()):
        if m not in mods or m in seen:
            return False
        top_int, top_ext, _ = mods[m]
        parents = [".".join(m.split(".")[:i]) for i in range(1, m.count(".") + 1)]
        return bool(top_ext & HEAVY) or any(heavy(d, seen + (m,)) for d in (*top_int, *parents) if d != m)

    lazy = sorted((m, t) for m, (_, _, inner) in mods.items() for t in inner
                  if t in mods and not heavy(t) and (m, t) not in LAZY_BY_DESIGN)
    assert lazy == [], "import these at module top (only heavy optional modules are imported inside functions)"
