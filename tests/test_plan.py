"""A run is worked out once: rjua.plan.resolve resolves and lists the data directory, reads the index manifest,
the gold split and the pool once, and nothing below it (the output guard, the retriever, the manifest) works any
of them out again."""
import sys
from collections import Counter

import pytest
from conftest import run_cli

from rjua import data, plan
from rjua.cli import main
from rjua.retrieval import index as index_mod
from rjua.runs import eval_split
from rjua.spec import RunSpec

# what a run works out once, and the module that defines it
_ONCE = {"resolve_data_dir": data, "find_split_files": data, "resolve_pool": plan, "read_manifest": index_mod,
         "file_sha256": index_mod}


def _count(monkeypatch, calls: Counter, module, name: str, key=None):
    """Count the calls of ``module.name`` wherever rjua holds it (a module importing it by name included)."""
    real = getattr(module, name)

    def counted(*a, **kw):
        calls[key(*a, **kw) if key else name] += 1
        return real(*a, **kw)

    holders = [m for n, m in list(sys.modules.items()) if (n == "rjua" or n.startswith("rjua."))
               and getattr(m, name, None) is real]
    assert module in holders
    for m in holders:
        monkeypatch.setattr(m, name, counted)


@pytest.fixture
def counted(monkeypatch):
    calls = Counter()
    for name, module in _ONCE.items():
        _count(monkeypatch, calls, module, name, key=(lambda p, *a, **k: f"sha256:{p}") if name == "file_sha256"
               else None)
    real_read = data.GoldSnapshot.read.__func__
    monkeypatch.setattr(data.GoldSnapshot, "read", classmethod(
        lambda cls, *a, **kw: (calls.update(["gold_read"]), real_read(cls, *a, **kw))[1]))
    return calls


def _assert_once(calls: Counter, use_index: bool):
    for name in ("resolve_data_dir", "find_split_files", "resolve_pool", "gold_read"):
        assert calls[name] == 1, (name, calls)
    assert calls["read_manifest"] == (1 if use_index else 0), calls
    # each data file is hashed once (the gold split by its snapshot, the others by the index check or the build)
    hashed = {k: n for k, n in calls.items() if k.startswith("sha256:")}
    assert hashed and set(hashed.values()) == {1}, calls


def _index(tmp_path):
    idx = tmp_path / "idx"
    assert run_cli("index", "build", "--out", idx).returncode == 0
    return idx


@pytest.mark.parametrize("use_index", [True, False])
def test_one_eval_resolves_each_thing_once(tmp_path, counted, use_index):
    spec = RunSpec(index=str(_index(tmp_path)), pool=("valid",)) if use_index else RunSpec(pool=("valid",))
    counted.clear()
    eval_split("test", tmp_path / "run", None, "exact", 20, limit=3, progress=False, spec=spec)
    _assert_once(counted, use_index)


@pytest.mark.parametrize("use_index", [True, False])
def test_one_rjua_eval_resolves_each_thing_once(tmp_path, monkeypatch, counted, use_index):
    """The command as run: its default run directory is named from the same plan the run then uses."""
    flags = ["--index", str(_index(tmp_path)), "--pool", "valid"] if use_index else []
    monkeypatch.chdir(tmp_path)
    counted.clear()
    assert main(["eval", "--split", "test", "--limit", "2", "--resamples", "20", "--no-progress", *flags]) == 0
    _assert_once(counted, use_index)
    assert (tmp_path / "runs" / "latest" / "scores.json").is_file()


def test_the_plan_is_what_the_manifest_records():
    p = plan.resolve(RunSpec(n_cases=4, retrieval={"case_weight": 1.5}), "test")
    m = plan.manifest(p, {"limit": 2})
    assert (m["data_sha256"], m["pool"], m["retrieval"], m["limit"]) == (p.data_sha256, p.pool, p.retrieval, 2)
    assert p.gold.sha256 == p.data_sha256 and len(p.gold.records) == len(data.load_split("test"))
