"""A run is worked out once: rjua.plan.resolve reads the index manifest, the gold split and the pool once, and
nothing below it reads them again."""
from collections import Counter

import pytest
from conftest import run_cli

from rjua import data, pipeline, plan
from rjua.retrieval import index as index_mod
from rjua.runs import eval_split
from rjua.spec import RunSpec


def _count(monkeypatch, calls: Counter, module, name: str, key=None):
    real = getattr(module, name)

    def counted(*a, **kw):
        calls[key(*a, **kw) if key else name] += 1
        return real(*a, **kw)

    monkeypatch.setattr(module, name, counted)


@pytest.fixture
def counted(monkeypatch):
    calls = Counter()
    for mod in (plan, pipeline):
        _count(monkeypatch, calls, mod, "resolve_pool")
    _count(monkeypatch, calls, plan, "read_manifest")
    _count(monkeypatch, calls, index_mod, "read_manifest")
    _count(monkeypatch, calls, data, "find_split_files")
    _count(monkeypatch, calls, index_mod, "file_sha256", key=lambda p, *a, **k: f"sha256:{p}")
    real_read = data.GoldSnapshot.read.__func__
    monkeypatch.setattr(data.GoldSnapshot, "read", classmethod(
        lambda cls, *a, **kw: (calls.update(["gold_read"]), real_read(cls, *a, **kw))[1]))
    return calls


@pytest.mark.parametrize("use_index", [True, False])
def test_one_eval_resolves_each_thing_once(tmp_path, counted, use_index):
    spec = RunSpec(pool=("valid",))
    if use_index:
        idx = tmp_path / "idx"
        assert run_cli("index", "build", "--out", idx).returncode == 0
        spec = RunSpec(index=str(idx), pool=("valid",))
    counted.clear()
    eval_split("test", tmp_path / "run", None, "exact", 20, limit=3, progress=False, spec=spec)
    assert counted["resolve_pool"] == 1
    assert counted["gold_read"] == 1
    assert counted["read_manifest"] == (1 if use_index else 0)
    # each data file is hashed at most once (the gold split by its snapshot, an index's data files by its check)
    assert all(n == 1 for k, n in counted.items() if k.startswith("sha256:")), counted
    assert counted["find_split_files"] <= 2  # the gold file's lookup, and the pool's splits without an index


def test_the_plan_is_what_the_manifest_records():
    p = plan.resolve(RunSpec(n_cases=4, retrieval={"case_weight": 1.5}), "test")
    m = plan.manifest(p, {"limit": 2})
    assert (m["data_sha256"], m["pool"], m["retrieval"], m["limit"]) == (p.data_sha256, p.pool, p.retrieval, 2)
    assert p.gold.sha256 == p.data_sha256 and len(p.gold.records) == len(data.load_split("test"))
