"""Run folders per configuration, runs/latest, the --split default, and rescoring stored raw outputs."""
import json
import shutil

import pytest
from conftest import run_cli

from rjua.data import data_file
from rjua.errors import RJUAError
from rjua.rescore import rescore_run
from rjua.runs import eval_split


def test_eval_default_out_is_one_folder_per_configuration_and_latest_follows(tmp_path):
    a = run_cli("eval", "--split", "test", "--limit", "2", "--resamples", "10", "--no-progress", cwd=tmp_path)
    assert a.returncode == 0, a.stderr
    assert a.stdout.startswith("n=2 match=exact") and "errored rows: 0" in a.stdout  # the table, not JSON
    b = run_cli("eval", "--split", "test", "--limit", "2", "--n-cases", "5", "--resamples", "10", "--no-progress",
                cwd=tmp_path)
    assert b.returncode == 0, b.stderr  # other settings: another folder, no 'different configuration' refusal
    runs = sorted(p.name for p in (tmp_path / "runs").iterdir() if p.name != "latest")
    assert len(runs) == 2 and all(n.startswith("test-case-") for n in runs)
    latest = tmp_path / "runs" / "latest"
    assert latest.is_symlink() and latest.resolve().name in runs and f"runs/{latest.resolve().name}" in b.stderr
    again = run_cli("eval", "--split", "test", "--limit", "2", "--resamples", "10", "--no-progress", "--json",
                    cwd=tmp_path)
    assert again.returncode == 0 and json.loads(again.stdout)["n"] == 2  # the first configuration resumes
    assert len([p for p in (tmp_path / "runs").iterdir()]) == 3


def test_split_defaults_to_the_only_split_and_says_so(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(data_file("valid"), data / "RJUA_valid.json")  # the bundled, self-written sample
    r = run_cli("score", "--gold-as-prediction", "--data-dir", data, "--resamples", "10")
    assert r.returncode == 0, r.stderr
    assert "--split defaults to 'valid'" in r.stderr and "f1          1.0000" in r.stdout
    shutil.copy(data_file("test"), data / "RJUA_extra.json")
    shutil.copy(data_file("test"), data / "RJUA_other.json")
    bad = run_cli("score", "--gold-as-prediction", "--data-dir", data)
    assert bad.returncode == 2 and "choose one with --split" in bad.stderr


def test_format_json_is_accepted_everywhere(tmp_path):
    s = run_cli("score", "--gold-as-prediction", "--split", "test", "--format", "json", "--resamples", "10")
    assert s.returncode == 0 and json.loads(s.stdout)["f1"] == 1.0
    e = run_cli("eval", "--split", "test", "--limit", "2", "--out", tmp_path / "r", "--format", "md",
                "--resamples", "10")
    assert e.returncode == 0 and e.stdout.startswith("# RJUA-QA scores")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("run") / "r"
    eval_split("test", d, resamples=20, limit=4, progress=False)
    return d


def test_rescore_writes_beside_the_run_and_keeps_its_scores(run_dir):
    before = {f: (run_dir / f).read_bytes() for f in ("scores.json", "report.md", "per_sample.jsonl")}
    r = run_cli("rescore", run_dir, "--json")
    assert r.returncode == 0, r.stderr
    new = json.loads(r.stdout)
    old = json.loads(before["scores.json"])
    assert new["f1"] == old["f1"] and new["n"] == old["n"] == 4
    assert {f: (run_dir / f).read_bytes() for f in before} == before
    info = json.loads((run_dir / "rescore" / "rescore.json").read_text())
    assert info["rows"] == 4 and (run_dir / "rescore" / "report.html").is_file()
    with pytest.raises(RJUAError, match="is the run directory itself"):
        rescore_run(run_dir, out=run_dir)


def test_rescore_re_extracts_raw_text_without_a_model(tmp_path, run_dir):
    d = tmp_path / "r"
    shutil.copytree(run_dir, d)
    rows = [json.loads(x) for x in (d / "predictions.jsonl").read_text().splitlines()]
    for row in rows:  # a backend whose reply was stored but whose items were not read at predict time
        row.update(raw="诊断：肾结石\n建议：多饮水", disease=[], advice=[], disease_rule="none",
                   advice_rule="none", backend="openai")
    rows[0]["error"] = "openai request failed: HTTP 500"
    (d / "predictions.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    res, dest, info = rescore_run(d, in_place=False)
    assert dest == d / "rescore" and info["changed"] == 4
    assert res.summary["errors"]["ids"] == [rows[0]["id"]] and res.summary["n"] == 3
    assert all(r.extraction.diseases for r in res.records)
    res2, dest2, _ = rescore_run(d, in_place=True)
    assert dest2 == d and json.loads((d / "scores.json").read_text())["n"] == 3
