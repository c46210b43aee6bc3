"""RunSpec: every setting that shapes a prediction is in the manifest, and a resume with any change is refused."""
import json
import shutil
from dataclasses import fields
from pathlib import Path

import pytest
from conftest import run_cli

from rjua.backends import REGISTRY, GenResult, get_backend, register_backend
from rjua.errors import RJUAError
from rjua.pipeline import Pipeline, build_pipeline
from rjua.plan import resolve_spec
from rjua.retrieval.build import build_retriever
from rjua.runs import MANIFEST_SUFFIX, predict_split, read_done
from rjua.spec import RunSpec


class Echo:
    """A dummy backend that takes the common settings: its reply names them."""

    name = "echo"

    def __init__(self, model, max_new_tokens=16, seed=0, **options):
        self.model, self.max_new_tokens, self.seed, self.options = model, max_new_tokens, seed, options

    def count_tokens(self, text):
        return len(text)

    def generate(self, requests):
        return [GenResult(text=f"回答：{len(r.cases)} cases, {self.max_new_tokens} tokens", diseases=["肾结石"])
                for r in requests]


@pytest.fixture(autouse=True)
def echo_backend():
    register_backend("echo", Echo, "echo-model", {"max_new_tokens": "max_new_tokens", "seed": "seed"})
    yield
    REGISTRY.pop("echo", None)


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    r, info = build_retriever(None)
    return str(r.save(tmp_path_factory.mktemp("idx") / "all", info))


BASE = RunSpec(backend="echo", max_new_tokens=32, seed=0)
# one changed value for every RunSpec field (a new field must be added here: see test_every_field_is_covered)
CHANGES = {
    "backend": "case", "model": "other-model", "backend_options": {"temperature": 0.5}, "max_new_tokens": 64,
    "context": "none", "pool": ("test",), "kb_splits": "pool", "embedder": "hashing-64", "index": "INDEX",
    "retrieval": {"case_weight": 1.0}, "n_cases": 5, "k": 3, "context_tokens": 256, "seed": 1, "guard": False,
}


def test_every_field_is_covered():
    assert set(CHANGES) == {f.name for f in fields(RunSpec)}


@pytest.fixture(scope="module")
def base_run(tmp_path_factory):
    register_backend("echo", Echo, "echo-model", {"max_new_tokens": "max_new_tokens", "seed": "seed"})
    out = tmp_path_factory.mktemp("base") / "p.jsonl"
    rows = predict_split("test", out, limit=2, progress=False, spec=BASE)
    assert len(rows) == 2 and rows[0]["answer"] == "10 cases, 32 tokens"
    return out


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_resume_with_a_changed_setting_is_refused_naming_it(name, base_run, tmp_path, index_dir):
    out = tmp_path / "p.jsonl"
    shutil.copy(base_run, out)
    shutil.copy(str(base_run) + MANIFEST_SUFFIX, str(out) + MANIFEST_SUFFIX)
    predict_split("test", out, limit=2, progress=False, spec=BASE)  # the same spec resumes
    value = index_dir if CHANGES[name] == "INDEX" else CHANGES[name]
    changed = RunSpec(**{**{f.name: getattr(BASE, f.name) for f in fields(RunSpec)}, name: value})
    with pytest.raises(RJUAError, match=rf"differs in: [a-z_, ]*\b{name}\b"):
        predict_split("test", out, limit=2, progress=False, spec=changed)
    assert len(read_done(out)) == 2


def test_manifest_is_the_spec_plus_data_hashes(base_run):
    m = json.loads(Path(str(base_run) + MANIFEST_SUFFIX).read_text(encoding="utf-8"))["config"]
    assert {f.name for f in fields(RunSpec)} <= set(m)
    assert m["max_new_tokens"] == 32 and m["n_cases"] == 10 and m["retrieval"]["case_weight"] == 2.0
    assert len(m["data_sha256"]) == 64 and m["limit"] == 2


def test_one_number_of_cases_reaches_pipeline_backend_and_retriever():
    pipe = build_pipeline("test", spec=RunSpec(n_cases=4, context="none"))
    assert pipe.n_cases == pipe.backend.top_cases == pipe.retriever.config.case_top == 4
    assert pipe.backend.model == "case-knn4"
    # a case count given the backend's own way is the same single number
    assert resolve_spec(RunSpec(backend_options={"top_cases": 6})).n_cases == 6
    with pytest.raises(RJUAError, match="retrieval.case_top"):
        RunSpec(retrieval={"case_top": 3})
    with pytest.raises(RJUAError, match="retrieval.magic: unknown"):
        RunSpec(retrieval={"magic": 1})


def test_common_max_new_tokens_under_each_backends_own_name():
    assert get_backend("openai", "m", max_new_tokens=7, base_url="http://127.0.0.1:9/v1").max_tokens == 7
    assert get_backend("vllm", "x", max_new_tokens=7).max_new_tokens == 7
    assert resolve_spec(RunSpec(backend="openai", backend_options={"max_tokens": 9})).max_new_tokens == 9
    assert resolve_spec(RunSpec(backend="case", max_new_tokens=99)).max_new_tokens is None  # case takes none


def test_retrieval_override_applies_and_build_time_fields_need_a_rebuild(index_dir):
    pipe = build_pipeline("test", spec=RunSpec(index=index_dir, retrieval={"case_weight": 0.5}, context="none"))
    assert pipe.retriever.config.case_weight == 0.5
    with pytest.raises(RJUAError, match="retrieval.tokenizer: index .* was built with 'char2'"):
        build_pipeline("test", spec=RunSpec(index=index_dir, retrieval={"tokenizer": "char1"}))


def test_cli_predict_resume_with_other_fusion_weight_refused(tmp_path):
    out = tmp_path / "p.jsonl"
    r = run_cli("predict", "--split", "test", "--out", out, "--limit", "2", "--no-progress")
    assert r.returncode == 0, r.stderr
    r = run_cli("predict", "--split", "test", "--out", out, "--limit", "2", "--no-progress",
                "--retrieval", "case_weight=1.5")
    assert r.returncode != 0 and "differs in: retrieval" in r.stderr


# ---------------------------------------------------------------- the backend registry

MODULE = '''
from rjua.backends import GenResult


class Shout:
    """Replies with the diagnosis of the most similar case; needs the case base (prepare)."""

    name = "shout"

    def __init__(self, model, max_new_tokens=8):
        self.model, self.max_new_tokens, self.prepared = model, max_new_tokens, None

    def prepare(self, retriever):
        self.prepared = len(retriever.cases.cases)

    def count_tokens(self, text):
        return len(text)

    def generate(self, requests):
        return [GenResult(text="回答：" + "、".join(r.cases[0].diseases), diseases=list(r.cases[0].diseases))
                for r in requests]
'''


def test_a_new_backend_is_one_module_and_one_registry_line(tmp_path, monkeypatch):
    (tmp_path / "shout_backend.py").write_text(MODULE, encoding="utf-8")  # file 1: the backend
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(REGISTRY, "shout", REGISTRY["echo"].__class__(  # file 2: one line in the registry
        "shout_backend:Shout", "loud", {"max_new_tokens": "max_new_tokens"}))
    pipe = build_pipeline("test", spec=RunSpec(backend="shout", max_new_tokens=3))
    assert pipe.backend.prepared == len(pipe.retriever.cases.cases) > 0  # prepare(retriever) was called
    assert pipe.backend.model == "loud" and pipe.backend.max_new_tokens == 3
    rows = predict_split("test", tmp_path / "p.jsonl", limit=3, progress=False, spec=RunSpec(backend="shout"))
    assert len(rows) == 3 and all(r["backend"] == "shout" and r["disease"] for r in rows)
    with pytest.raises(RJUAError, match="needs a retriever"):  # prepare(...) marks it as needing the case base
        Pipeline(pipe.backend, None, context="none")
    with pytest.raises(RJUAError, match="unknown backend 'nope'; choose one of: case, hf, vllm, openai"):
        get_backend("nope")
