"""Fusion: every fused list has a configurable weight; a new list is one function + one weight field;
a saved index runs with the current query-time settings; the encoder modules do not import each other."""
import ast
import dataclasses
import json
import logging
from pathlib import Path

import pytest

from rjua.data import load_split
from rjua.errors import RJUAError
from rjua.retrieval import fusion
from rjua.retrieval.build import build_retriever
from rjua.retrieval.config import BUILD_SETTINGS, HybridConfig
from rjua.retrieval.fusion import PASSAGE_LISTS, Query, fuse, passage_list, top
from rjua.retrieval.hybrid import HybridRetriever

PKG = Path(fusion.__file__).parent


@pytest.fixture(scope="module")
def hashed():
    return build_retriever(pool=["valid"], embedder="hashing-128")[0]


def _with(r, **kw):
    """The same retriever (same indexes) with other settings."""
    return HybridRetriever(r.kb, r.cases, r.encoder, dataclasses.replace(r.config, **kw),
                           indexes=(r.passage_index, r.case_index))


def _scored(res):
    return [(h.id, h.score) for h in res.passages if h.score > 0]


def test_every_fused_list_has_its_own_weight_setting():
    names = {f.name: f for f in dataclasses.fields(HybridConfig)}
    assert list(PASSAGE_LISTS) == ["bm25", "dense", "cases"]
    for p in PASSAGE_LISTS.values():
        assert p.weight in names and names[p.weight].type == "float", p
    assert {"case_bm25_weight", "case_dense_weight"} <= set(names)  # the case-similarity lists too


@pytest.mark.parametrize("name", list(PASSAGE_LISTS))
def test_each_list_weight_is_applied(hashed, name):
    q = load_split("test")[0].question
    qv = hashed.encoder.encode_queries([q])
    query = Query(q, qv, None, hashed.similar_cases(q, 10, {"valid:101"}, qv))
    weight = PASSAGE_LISTS[name].weight
    others = [n for n in PASSAGE_LISTS if n != name]

    def fused(r, comps=tuple(PASSAGE_LISTS)):
        return [(i, round(s, 12)) for i, s in fuse(r, query, comps)[0] if s > 0]

    assert fused(_with(hashed, **{weight: 0.0})) == fused(hashed, others)  # weight 0 = the list left out
    base, heavy = fused(hashed), fused(_with(hashed, **{weight: 5.0}))
    assert heavy != base
    own = fuse(hashed, query, [name])[0][0][0]  # the list's own best passage gains
    assert [i for i, _ in heavy].index(own) <= [i for i, _ in base].index(own)


def test_case_similarity_weights_are_applied(hashed):
    q = load_split("test")[0].question
    qv = hashed.encoder.encode_queries([q])
    lexical = [(i, f) for i, f, _ in hashed.similar_cases(q, 10, (), qv, ["bm25"])]
    no_dense = [(i, f) for i, f, _ in _with(hashed, case_dense_weight=0.0).similar_cases(q, 10, (), qv)]
    assert no_dense[:5] == lexical[:5]
    both = [(i, f) for i, f, _ in hashed.similar_cases(q, 10, (), qv)]
    dense_heavy = [(i, f) for i, f, _ in _with(hashed, case_bm25_weight=0.1).similar_cases(q, 10, (), qv)]
    assert both != dense_heavy


def test_a_new_list_is_one_registered_function_and_one_weight_field(hashed, monkeypatch):
    # what docs/design.md's "adding a fusion weight" paragraph does in rjua/retrieval/fusion.py + config.py
    monkeypatch.setattr(fusion, "PASSAGE_LISTS", dict(PASSAGE_LISTS))
    from rjua.retrieval import hybrid
    monkeypatch.setattr(hybrid, "PASSAGE_LISTS", fusion.PASSAGE_LISTS)

    @passage_list("short")
    def short_list(r, q):  # shortest passages first
        import numpy as np
        return top(-np.array([len(p.text) for p in r.kb.passages], float) + 10_000, r.config.depth)

    Config = dataclasses.make_dataclass("Config", [("short_weight", float, 1.0)], bases=(HybridConfig,))
    q = load_split("test")[0].question
    r = _with(hashed)
    r.config = Config()
    res = r.search(q, k=5)
    assert any("short" in h.components for h in res.passages)
    r.config = Config(short_weight=1000.0)
    assert r.search(q, k=1).passages[0].components["short"] == 1  # its weight decides
    assert "short" not in {c for h in r.search(q, k=5, components=["bm25"]).passages for c in h.components}
    with pytest.raises(RJUAError, match="unknown retrieval component"):
        hashed.search(q, components=["nope"])


def test_saved_index_runs_with_current_query_settings(hashed, tmp_path, caplog):
    r = _with(hashed, tokenizer="char1")
    out = r.save(tmp_path / "idx", {"pool": ["valid"]})
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    m["config"].update(rrf_k=7, case_weight=9.0)  # as if built when other defaults held
    (out / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        loaded = HybridRetriever.load(out, check_data=False)
    assert loaded.config.rrf_k == HybridConfig().rrf_k and loaded.config.case_weight == HybridConfig().case_weight
    assert loaded.config.tokenizer == "char1" and "tokenizer" in BUILD_SETTINGS  # build settings stay
    assert loaded.manifest["config"]["rrf_k"] == 7  # what was stored is still on record
    assert "rrf_k=7" in caplog.text and "case_weight=9.0" in caplog.text
    q = load_split("test")[0].question
    assert _scored(loaded.search(q, k=10)) == _scored(r.search(q, k=10))  # same as in memory
    mine = HybridRetriever.load(out, check_data=False, config=HybridConfig(case_weight=3.0))
    assert mine.config.case_weight == 3.0 and mine.config.tokenizer == "char1"


def _imports(path: Path, module_level: bool) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if module_level else list(ast.walk(tree))
    return {n.module or "" for n in nodes if isinstance(n, ast.ImportFrom)}


def test_encoder_interface_is_defined_once_and_runtimes_do_not_import_each_other():
    assert "dense" not in _imports(PKG / "onnx_encoder.py", module_level=False)
    assert "onnx_encoder" not in _imports(PKG / "dense.py", module_level=True)  # only lazily, in load_encoder
    for name in ("dense.py", "onnx_encoder.py"):
        assert "encoder" in _imports(PKG / name, module_level=True)
        assert "class QueryCache" not in (PKG / name).read_text(encoding="utf-8")
    assert (PKG / "encoder.py").read_text(encoding="utf-8").count("class Encoder(Protocol)") == 1
