import json
import subprocess
import sys

import pytest

from rjua.errors import RJUAError
from rjua.runs import predict_split, read_done

from conftest import ROOT, run_cli

CRASH = """
import os, sys
from rjua.runs import predict_split
def boom(done, total):
    if done >= 4:
        os._exit(9)  # a crash: no cleanup, no flush beyond what was written
predict_split("test", sys.argv[1], batch_size=2, progress=False, on_batch=boom)
"""


def test_resume_after_crash_loses_and_duplicates_nothing(tmp_path):
    out = tmp_path / "p.jsonl"
    r = subprocess.run([sys.executable, "-c", CRASH, str(out)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 9
    first = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(first) == 4
    with open(out, "ab") as f:
        f.write(b'{"id": "torn", "answ')  # killed in the middle of a write
    rows = predict_split("test", out, batch_size=2, progress=False)
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert ids[:4] == first and len(ids) == len(set(ids)) == 14 and "torn" not in ids
    assert [r["id"] for r in rows] == [str(i) for i in range(201, 215)]


def test_resume_is_idempotent_and_config_change_refused(tmp_path):
    out = tmp_path / "p.jsonl"
    predict_split("test", out, limit=5, progress=False)
    before = out.read_text(encoding="utf-8")
    predict_split("test", out, limit=5, progress=False)
    assert out.read_text(encoding="utf-8") == before
    with pytest.raises(RJUAError, match=r"different configuration \(differs in: context\)"):
        predict_split("test", out, limit=5, context="none", progress=False)
    predict_split("test", out, limit=5, context="none", overwrite=True, progress=False)
    assert len(read_done(out)) == 5


def test_cli_predict_score_eval(tmp_path):
    out = tmp_path / "p.jsonl"
    r = run_cli("predict", "--split", "test", "--out", out)
    assert r.returncode == 0, r.stderr
    s = json.loads(run_cli("score", out, "--split", "test", "--json").stdout)
    assert s["n"] == 14 and 0 < s["f1"] < 1
    r = run_cli("eval", "--split", "test", "--out", tmp_path / "run", "--resamples", "50")
    e = json.loads(r.stdout)
    assert e["f1"] == pytest.approx(s["f1"])
    for f in ("predictions.jsonl", "scores.json", "report.md", "report.html", "config.json", "per_sample.jsonl"):
        assert (tmp_path / "run" / f).is_file()
    cfg = json.loads((tmp_path / "run" / "config.json").read_text())
    assert cfg["config"]["data_sha256"] and cfg["config"]["backend"] == "case"
    r = run_cli("answer", "我右侧腰部绞痛，尿里有血", "--json")
    a = json.loads(r.stdout)
    assert a["disease"] and a["evidence"]["passage_ids"] and a["disclaimer"]
    r = run_cli("answer", "")
    assert r.returncode == 2 and r.stderr.strip() == "error: empty query"
