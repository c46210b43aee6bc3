"""Synthesis treats every generation as untrusted input: one bad generation is a rejection, never the end of a run."""
import json
import time

import pytest
from test_synth import good_case, seed_fields

from rjua.backends.scripted import ScriptedBackend
from rjua.data import read_records
from rjua.runs import read_done
from rjua.synth import run_synth
from rjua.synth.pipeline import parse_case


def _hostile(target, pids, k):
    good = good_case(target, pids, k)
    bad = [
        json.dumps(good, ensure_ascii=False).replace('"advice": "', '"advice": "\\udfff'),  # escaped surrogate
        json.dumps(good, ensure_ascii=False) + "\udfff",  # a decoded lone surrogate in the raw text
        "前言 " + json.dumps(good, ensure_ascii=False).replace('"advice": "', '"advice": "\udfff'),
        '{"a":' * 50_000,
        '{"a":' * 30_000 + "1" + "}" * 30_000,
        '{"question": ' + "9" * 5000 + "}",
        json.dumps({**good, "question": "问" * 2_000_000}, ensure_ascii=False),
        "{" * 1_000_000,
        json.dumps({**good, "disease": "、"}, ensure_ascii=False),
        json.dumps({**good, "passage_ids": [{"x": 1}]}, ensure_ascii=False),
    ]
    return bad[k] if k < len(bad) else json.dumps(good, ensure_ascii=False)


def test_parse_case_is_linear_and_refuses_huge_replies():
    t0 = time.perf_counter()
    assert parse_case("{" * 150_000) is None  # the old parser: ~6 s here, quadratic
    assert time.perf_counter() - t0 < 2.0
    t0 = time.perf_counter()
    assert parse_case("{" * 1_000_000) is None  # the old parser never finished
    assert parse_case('{"a":' * 50_000) is None and parse_case('{"a": ' + "9" * 5000 + "}") is None
    assert time.perf_counter() - t0 < 2.0


def test_hostile_generations_are_rejected_with_a_reason_and_the_run_resumes(tmp_path):
    counter = {"i": 0}

    def generate(req):
        target, _, pids = seed_fields(req)
        k = counter["i"]
        counter["i"] += 1
        return _hostile(target, pids, k)

    out = tmp_path / "s.jsonl"
    weak = ScriptedBackend(lambda r: "诊断：不知道\n建议：无")
    n = 12
    report = run_synth(out, ScriptedBackend(generate), weak, None, n=n, batch_size=3, progress=False)
    assert report["processed"] == n
    rej = read_done(tmp_path / "s.jsonl.rejected.jsonl")  # the guarded reader reads every row back
    assert report["kept"] + len(rej) == n
    details = " | ".join(r["detail"] for r in rej.values())
    for why in ("lone surrogate", "nesting deeper", "integer with 5000 digits", "characters, over the limit",
                "names no diagnosis", "not within the seed"):
        assert why in details, (why, details)
    if report["kept"]:
        read_records(out)  # the kept file stays loadable
    again = run_synth(out, ScriptedBackend(lambda r: pytest.fail("regenerated")), weak, None, n=n, batch_size=3,
                      progress=False)
    assert again["processed"] == n
