import json
import subprocess
import sys

import pytest
from conftest import ROOT, run_cli

from rjua.errors import RJUAError
from rjua.runs import predict_split, read_done

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
    r = run_cli("eval", "--split", "test", "--out", tmp_path / "run", "--resamples", "50", "--json")
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


# ------------------------------------------------------------ resume, errors, progress
def _lines(p):
    return [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines()]


def test_rows_with_errors_are_retried_on_resume(tmp_path):
    out = tmp_path / "p.jsonl"
    predict_split("test", out, limit=5, progress=False)
    rows = _lines(out)
    for r in rows[1:3]:  # an endpoint outage during the first run
        r.update(answer="", diseases=[], error="HTTP 503")
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    kept = predict_split("test", out, limit=5, progress=False, retry_errors=False)
    assert [r.get("error") for r in kept] == [None, "HTTP 503", "HTTP 503", None, None]
    done = predict_split("test", out, limit=5, progress=False)  # default: retry
    final = _lines(out)
    assert sorted(r["id"] for r in final) == [r["id"] for r in rows] and not any(r.get("error") for r in final)
    assert [r["id"] for r in done] == [r["id"] for r in rows] and all(r["answer"] for r in done)


def test_duplicate_rows_keep_the_last_good_one(tmp_path):
    out = tmp_path / "p.jsonl"
    predict_split("test", out, limit=3, progress=False)
    rows = _lines(out)
    bad = dict(rows[0], answer="", error="timeout")
    good = dict(rows[1], answer="第二次的回答")
    with open(out, "a", encoding="utf-8") as f:  # what two concurrent writers used to leave
        for r in (bad, good):
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    res = predict_split("test", out, limit=3, progress=False, retry_errors=False)
    assert [r["answer"] for r in res] == [rows[0]["answer"], "第二次的回答", rows[2]["answer"]]
    assert len(_lines(out)) == 3


def test_cli_no_retry_errors(tmp_path):
    out = tmp_path / "p.jsonl"
    assert run_cli("predict", "--split", "test", "--out", out, "--limit", "2").returncode == 0
    rows = _lines(out)
    rows[0]["error"] = "HTTP 500"
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    r = run_cli("predict", "--split", "test", "--out", out, "--limit", "2", "--no-retry-errors")
    assert r.returncode == 0 and "(1 with errors)" in r.stderr
    r = run_cli("predict", "--split", "test", "--out", out, "--limit", "2")
    assert r.returncode == 0 and "with errors" not in r.stderr and len(_lines(out)) == 2


@pytest.mark.parametrize("content, where", [
    ('{"id": "201", "answer": "a"}\n{"answer": "no id"}\n', ':2: field "id": missing field'),
    ('[{"id": "201", "answer": "a"}]\n', ":1: expected one JSON object per line, got list"),
    ('{"id": "201", "answer": "a"}\n{"id": "201", "answer": "\xff"}\n'.encode("latin-1"), ":2: not UTF-8: byte 0xff"),
    ('{"id": "201", "answer": "a"}\n{"id": "999", "answer": "a"}\n',
     ":2: field \"id\": id '999' is not in the records"),
    ('{"id": "201", "answer": "x\\udc00"}\n', ':1: field "answer": lone surrogate'),
])
def test_resume_refuses_torn_or_foreign_output(tmp_path, content, where):
    out = tmp_path / "p.jsonl"
    assert run_cli("predict", "--split", "test", "--out", out, "--limit", "3").returncode == 0
    out.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    r = run_cli("predict", "--split", "test", "--out", out, "--limit", "3")
    assert r.returncode == 2 and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert r.stderr.startswith(f"error: {out}{where}") and "refusing to resume" in r.stderr


def test_resume_refuses_truncated_or_missing_manifest(tmp_path):
    out = tmp_path / "p.jsonl"
    predict_split("test", out, limit=2, progress=False)
    man = tmp_path / "p.jsonl.manifest.json"
    man.write_text(man.read_text(encoding="utf-8")[:40], encoding="utf-8")
    r = run_cli("predict", "--split", "test", "--out", out, "--limit", "2")
    assert r.returncode == 2 and r.stderr.startswith(f"error: {man}:") and "invalid JSON" in r.stderr
    man.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(RJUAError, match="not an rjua run manifest"):
        predict_split("test", out, limit=2, progress=False)
    man.unlink()
    with pytest.raises(RJUAError, match=r"exists but has no manifest \(p\.jsonl\.manifest\.json\)"):
        predict_split("test", out, limit=2, progress=False)


def test_eval_limit_scores_the_predicted_subset(tmp_path):
    r = run_cli("eval", "--split", "test", "--out", tmp_path / "run", "--limit", "3", "--resamples", "20", "--json")
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert s["n"] == 3 and s["subset"] == "3 of 14" and s["n_missing"] == 0
    assert "scored 3 of 14 records" in r.stderr
    assert json.loads((tmp_path / "run" / "scores.json").read_text())["subset"] == "3 of 14"
    assert len((tmp_path / "run" / "per_sample.jsonl").read_text().splitlines()) == 3


def test_progress_is_logged_when_not_a_tty(tmp_path):
    out = tmp_path / "p.jsonl"
    r = run_cli("predict", "--split", "test", "--out", out, "--batch-size", "4", env={"RJUA_PROGRESS_SECONDS": "0"})
    assert r.returncode == 0
    lines = r.stderr.splitlines()
    assert lines[0] == "predict: 0/14 records to do"
    assert "predict: 8/14 records (" in r.stderr and "predict: done, 14/14 records in" in r.stderr
    r = run_cli("predict", "--split", "test", "--out", out, "--no-progress")
    assert r.returncode == 0 and "predict:" not in r.stderr


def test_progress_modes(monkeypatch):
    import io

    from rjua.progress import Progress

    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("RJUA_PROGRESS", raising=False)
    for stream, enabled, mode in [(io.StringIO(), None, "lines"), (Tty(), None, "bar"), (io.StringIO(), True, "bar"),
                                  (Tty(), False, "off")]:
        p = Progress(10, desc="x", stream=stream, enabled=enabled, interval=0)
        assert p.mode == mode
        p.update(10)
        p.close()
        assert ("10/10" in stream.getvalue()) == (mode != "off")
    monkeypatch.setenv("RJUA_PROGRESS", "0")
    assert Progress(3, stream=Tty()).mode == "off"


def test_out_under_a_file_is_a_one_line_bad_input_error(tmp_path):
    # `--out afile/p.jsonl` used to end with a raw "[Errno 17] File exists: 'afile'" (exit 1)
    f = tmp_path / "afile"
    f.write_text("x")
    for args in (["predict", "--out", f / "p.jsonl"], ["eval", "--out", f / "run" / "x"],
                 ["synth", "--out", f / "s.jsonl", "--generator", "case", "--solver", "case", "--n", "1"]):
        r = run_cli(*args, "--split", "test") if args[0] != "synth" else run_cli(*args)
        assert r.returncode == 2, (args, r.stderr)
        assert r.stderr.strip() == f"error: --out: {f} is a file, not a directory; choose another path", r.stderr
    assert f.read_text() == "x"


def test_retry_errors_rewrites_the_file_behind_a_symlink(tmp_path):
    # the rewrite used to replace the symlink with a regular file, leaving the real output stale
    real, link = tmp_path / "real.jsonl", tmp_path / "link.jsonl"
    real.write_text('{"id": "1", "error": "timeout"}\n{"id": "2"}\n')
    link.symlink_to(real)
    assert sorted(read_done(link, retry_errors=True)) == ["2"]
    assert link.is_symlink() and real.read_text() == '{"id": "2"}\n'
