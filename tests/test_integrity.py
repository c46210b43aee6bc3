"""Evaluation integrity: the pool is honoured (index or not), recorded, and a split never reaches its own records."""
import json

import pytest
from conftest import run_cli

from rjua.data import load_all, load_split
from rjua.errors import RJUAError
from rjua.pipeline import build_pipeline
from rjua.plan import resolve_pool
from rjua.retrieval.build import build_retriever
from rjua.runs import eval_split
from rjua.service import DemoService


@pytest.fixture(scope="module")
def indexes(tmp_path_factory):
    d = tmp_path_factory.mktemp("idx")
    out = {}
    for name, pool, emb in (("all", None, None), ("valid", ["valid"], None),
                            ("all-dense", None, "hashing-64"), ("valid-dense", ["valid"], "hashing-64")):
        r, info = build_retriever(None, pool, emb)
        out[name] = r.save(d / name, info)
    return out


def _run(tmp_path, name, **kw):
    res = eval_split("test", tmp_path / name, resamples=50, **kw)
    lines = (tmp_path / name / "predictions.jsonl").read_text(encoding="utf-8").splitlines()
    preds = [json.loads(line) for line in lines]
    cfg = json.loads((tmp_path / name / "config.json").read_text(encoding="utf-8"))["config"]
    return res, preds, cfg


@pytest.mark.parametrize("kind", ["", "-dense"])
def test_pool_on_an_all_splits_index_equals_an_index_of_that_pool(tmp_path, indexes, kind):
    # regression: --pool was ignored with --index, so test records were evidence for test questions
    a, pa, ca = _run(tmp_path, "a", index=indexes["all" + kind], pool=["valid"])
    b, pb, cb = _run(tmp_path, "b", index=indexes["valid" + kind], pool=["valid"])

    def strip(rows):
        return [{k: v for k, v in r.items() if k != "latency_s"} for r in rows]

    assert strip(pa) == strip(pb)
    assert {k: a[k] for k in ("f1", "disease_f1", "advice_f1", "rouge_l")} == \
           {k: b[k] for k in ("f1", "disease_f1", "advice_f1", "rouge_l")}
    assert ca["pool"] == cb["pool"] == ["valid"]
    assert not any(c["key"].startswith("test:") for p in pa for c in p["evidence"]["similar_cases"])


def test_default_pool_is_recorded_and_same_with_or_without_index(tmp_path, indexes):
    a, _, ca = _run(tmp_path, "a")
    b, _, cb = _run(tmp_path, "b", index=indexes["all"])
    assert ca["pool"] == cb["pool"] == ["valid"]  # was [] for the default
    assert a["f1"] == b["f1"]


def test_pool_outside_the_index_is_refused_naming_both(tmp_path, indexes):
    with pytest.raises(RJUAError, match=r"--pool test is not held by index .*its pool: valid"):
        resolve_pool("test", None, ["test"], indexes["valid"])
    r = run_cli("eval", "--split", "test", "--index", indexes["valid"], "--pool", "test", "--out", tmp_path / "r")
    assert r.returncode == 2 and "its pool: valid" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("split,pool,use_index,kb", [
    ("test", None, False, None), ("test", None, True, None), ("test", ["valid", "test"], True, None),
    ("valid", ["valid"], False, "pool"), ("test", None, True, "pool"), ("valid", None, True, None)])
def test_no_record_reaches_its_own_evidence(indexes, split, pool, use_index, kb):
    pipe = build_pipeline(split, None, "case", pool=pool, index=indexes["all-dense"] if use_index else None,
                          kb_splits=kb)
    records = load_split(split)
    preds = pipe.answer_many([(r.question, r) for r in records])
    pool_used = resolve_pool(split, None, pool, indexes["all-dense"] if use_index else None)
    for rec, p in zip(records, preds):
        keys = [c["key"] for c in p.evidence["similar_cases"]]
        assert f"{split}:{rec.id}" not in keys
        if split not in pool_used:
            assert not any(k.startswith(f"{split}:") for k in keys)
        if kb == "pool":  # every passage shown is cited by a pool record other than this one
            for pid in p.evidence["passage_ids"]:
                cited = pipe.retriever.kb.get(pid).cited_by
                assert any(c != f"{split}:{rec.id}" and c.split(":")[0] in pool_used for c in cited)


def test_demo_never_shows_a_data_question_its_own_record(indexes):
    for index in (None, indexes["all"]):
        svc = DemoService.from_data(index=index)
        for split, recs in load_all().items():
            for r in recs[:6]:
                out = svc.answer(r.question)
                assert f"{split}:{r.id}" not in [c["key"] for c in out["evidence"]["similar_cases"]]


def test_kb_policy_pool_changes_retrieval_and_is_recorded(tmp_path):
    from rjua.retrieval.evaluate import evaluate

    r, _ = build_retriever(None, ["valid"])
    recs = load_split("test")
    full = evaluate(r, recs, "test", ["bm25"])["bm25"]
    r.set_kb_policy("pool")
    held = evaluate(r, recs, "test", ["bm25"])["bm25"]
    assert held["recall@20"] < full["recall@20"]  # test-only passages are out of reach
    _, _, cfg = _run(tmp_path, "k", kb_splits="pool")
    assert cfg["kb_splits"] == "pool"
    with pytest.raises(RJUAError, match="not in the knowledge base"):
        r.set_kb_policy(["train"])
