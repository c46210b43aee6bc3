"""Retrieval settings are range-checked where they are parsed: non-finite, out-of-range or wrong-kind
values are one-line errors naming the key, and nothing non-finite reaches a run manifest."""
import json
import math

import pytest
from conftest import run_cli

from rjua.cli._spec_flags import retrieval_overrides as _retrieval
from rjua.errors import RJUAError
from rjua.retrieval.config import HybridConfig
from rjua.spec import RunSpec

BAD = ["rrf_k=1e309", "rrf_k=-1", "depth=1e12", "depth=-1", "depth=0", "depth=2.5", "depth=true",
       "case_weight=nan", "case_weight=NaN", "case_weight=inf", "case_weight=-Infinity", "case_weight=-5",
       "bm25_weight=1e400", "case_power=nan", "rerank_depth=0", "query_max_tokens=-3", "tokenizer=magic",
       "index_kind=nope", "case_weight=[1]"]


@pytest.mark.parametrize("value", BAD)
def test_a_bad_value_is_one_error_naming_the_key(value):
    key = value.split("=")[0]
    with pytest.raises(RJUAError) as e:
        RunSpec(retrieval=_retrieval([value]))
    msg = str(e.value)
    assert msg.startswith(f"retrieval.{key}: ") and "\n" not in msg and len(msg) < 200


def test_the_config_itself_refuses_non_finite_values():
    for kw in ({"case_weight": math.nan}, {"rrf_k": math.inf}, {"depth": -1}):
        with pytest.raises(RJUAError, match=f"retrieval.{next(iter(kw))}"):
            HybridConfig(**kw)


def test_good_values_pass_and_whole_numbers_are_kept_whole():
    spec = RunSpec(retrieval=_retrieval(["depth=1e3", "case_weight=0", "rrf_k=10", "query_max_tokens=null"]))
    assert spec.retrieval == {"depth": 1000, "case_weight": 0, "rrf_k": 10, "query_max_tokens": None}
    assert isinstance(spec.retrieval["depth"], int) and spec.hybrid_config().depth == 1000


def test_cli_refuses_before_writing_and_the_manifest_holds_only_finite_numbers(tmp_path):
    for value in ("depth=-1", "case_weight=nan", "rrf_k=1e309"):
        r = run_cli("predict", "--split", "test", "--limit", "1", "--out", tmp_path / "p.jsonl", "--retrieval", value)
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
        assert r.stderr.startswith(f"error: retrieval.{value.split('=')[0]}:") and len(r.stderr.splitlines()) == 1
        assert not (tmp_path / "p.jsonl").exists() and not (tmp_path / "p.jsonl.manifest.json").exists()
    r = run_cli("predict", "--split", "test", "--limit", "1", "--out", tmp_path / "p.jsonl",
                "--retrieval", "depth=1e3", "--retrieval", "case_weight=1.5")
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "p.jsonl.manifest.json").read_text()
    json.loads(text, parse_constant=lambda c: pytest.fail(f"non-finite {c} in the manifest"))
    assert json.loads(text)["config"]["retrieval"]["depth"] == 1000
