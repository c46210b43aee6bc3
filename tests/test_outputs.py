"""Outputs never overwrite inputs nor land in the data directory; gold is read once; failed writes are reported."""
import errno
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from rjua.backends import REGISTRY, GenResult, register_backend
from rjua.data import find_split_files
from rjua.errors import RJUAError
from rjua.runs import eval_split, predict_split
from rjua.spec import RunSpec

SAMPLE = ROOT / "rjua" / "_sample"


@pytest.fixture
def data(tmp_path):
    d = tmp_path / "d"
    shutil.copytree(SAMPLE, d)
    return d


def _sha(p):
    return hashlib.sha256(Path(p).read_bytes()).hexdigest()


@pytest.fixture
def preds(tmp_path, data):
    p = tmp_path / "ok.jsonl"
    r = run_cli("predict", "--split", "valid", "--data-dir", data, "--out", p, "--no-progress")
    assert r.returncode == 0, r.stderr
    return p


@pytest.mark.parametrize("opt", ["--out", "--per-sample"])
def test_score_output_onto_the_gold_file_is_refused(preds, data, opt):
    before = _sha(data / "RJUA_valid.json")
    r = run_cli("score", preds, "--split", "valid", "--data-dir", data, opt, data / "RJUA_valid.json")
    assert r.returncode != 0 and "RJUA_valid.json" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert _sha(data / "RJUA_valid.json") == before


def test_score_output_hard_linked_to_the_predictions_is_refused(preds, data, tmp_path):
    link = tmp_path / "link.txt"
    os.link(preds, link)
    before = _sha(preds)
    r = run_cli("score", preds, "--split", "valid", "--data-dir", data, "--out", link)
    assert r.returncode != 0 and "same file" in r.stderr and str(preds) in r.stderr
    assert _sha(preds) == before


def test_output_hard_linked_to_a_data_file_outside_the_data_dir_is_refused(data, tmp_path):
    link = tmp_path / "elsewhere.jsonl"
    os.link(data / "RJUA_valid.json", link)
    before = _sha(link)
    with pytest.raises(RJUAError, match="same file as the data file"):
        predict_split("valid", link, data, overwrite=True, progress=False)
    assert _sha(link) == before and (data / "RJUA_valid.json").is_file()


def test_predict_overwrite_never_deletes_the_gold_file(data):
    before = _sha(data / "RJUA_valid.json")
    r = run_cli("predict", "--split", "valid", "--data-dir", data, "--out", data / "RJUA_valid.json", "--overwrite")
    assert r.returncode != 0 and "RJUA_valid.json" in r.stderr and "Traceback" not in r.stderr
    assert _sha(data / "RJUA_valid.json") == before


@pytest.mark.parametrize("args", [("predict", "--out", "RJUA_pred.json"), ("eval", "--out", "."),
                                  ("eval", "--out", "run"), ("index", "build", "--out", "idx")])
def test_writers_refuse_outputs_inside_the_data_dir(data, args):
    *cmd, opt, name = args
    split = ["--split", "test"] if cmd[0] in ("predict", "eval") else []
    r = run_cli(*cmd, *split, "--data-dir", data, opt, data / name)
    assert r.returncode != 0 and "inside the data directory" in r.stderr, r.stderr
    assert sorted(p.name for p in data.iterdir()) == ["RJUA_test.json", "RJUA_valid.json"]
    assert sorted(find_split_files(data)) == ["test", "valid"]


def test_run_outputs_in_a_data_dir_are_not_taken_for_splits(data, tmp_path):
    out = tmp_path / "run"
    eval_split("test", out, data, resamples=10, progress=False)
    shutil.copy(out / "predictions.jsonl", data / "predictions.jsonl")  # put there by hand
    shutil.copy(out / "per_sample.jsonl", data / "per_sample.jsonl")
    assert sorted(find_split_files(data)) == ["test", "valid"]


class Swapper:
    """A backend that, while answering, replaces the gold split file with other labels."""

    name, model = "swapper", "swapper"
    target: Path

    def __init__(self, model=None):
        pass

    def count_tokens(self, text):
        return len(text)

    def generate(self, requests):
        lines = [json.loads(x) for x in self.target.read_text(encoding="utf-8").splitlines() if x.strip()]
        for rec in lines:
            rec["disease"], rec["advice"] = "完全不同的病", "完全不同的建议"
        tmp = self.target.with_suffix(".new")
        tmp.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
        os.replace(tmp, self.target)
        reply = GenResult(text="诊断：肾结石\n建议：多饮水", diseases=["肾结石"], advices=["多饮水"])
        return [reply for _ in requests]


@pytest.fixture
def swapper():
    register_backend("swapper", Swapper, takes_model=False)
    yield Swapper
    REGISTRY.pop("swapper", None)


def test_eval_scores_the_gold_it_read_and_hashed_even_if_the_file_is_replaced(data, tmp_path, swapper):
    clean = tmp_path / "clean"
    shutil.copytree(data, clean)
    swapper.target = data / "RJUA_test.json"
    before = _sha(swapper.target)
    spec = RunSpec(backend="swapper", context="none")
    s_swapped = eval_split("test", tmp_path / "a", data, resamples=10, progress=False, spec=spec, batch_size=2)
    assert _sha(swapper.target) != before  # the file really was replaced mid-run
    swapper.target = tmp_path / "scratch.json"
    shutil.copy(clean / "RJUA_test.json", swapper.target)
    s_clean = eval_split("test", tmp_path / "b", clean, resamples=10, progress=False, spec=spec, batch_size=2)
    assert s_swapped["f1"] == s_clean["f1"] > 0
    cfg = json.loads((tmp_path / "a" / "config.json").read_text(encoding="utf-8"))
    assert cfg["config"]["data_sha256"] == before


class Deleter(Swapper):
    """A backend that deletes the predictions file being written."""

    def generate(self, requests):
        self.target.unlink(missing_ok=True)
        return [GenResult(text="诊断：肾结石", diseases=["肾结石"]) for _ in requests]


def test_predict_output_deleted_during_the_run_is_an_error(tmp_path):
    register_backend("deleter", Deleter, takes_model=False)
    try:
        out = tmp_path / "p.jsonl"
        Deleter.target = out
        with pytest.raises(RJUAError, match="deleted or replaced during the run"):
            predict_split("test", out, progress=False, spec=RunSpec(backend="deleter", context="none"))
    finally:
        REGISTRY.pop("deleter", None)


def test_full_disk_while_writing_per_sample_leaves_no_truncated_file(preds, data, tmp_path, monkeypatch, capsys):
    import builtins

    from rjua.cli import main

    real_open = builtins.open

    class Full:
        def __init__(self, f):
            self.f = f

        def write(self, text):
            self.f.write(text[: len(text) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.f, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

    def fake_open(file, mode="r", *a, **kw):
        f = real_open(file, mode, *a, **kw)
        return Full(f) if "w" in mode and "per" in str(file) else f

    per = tmp_path / "per.jsonl"
    monkeypatch.setattr(builtins, "open", fake_open)
    monkeypatch.setattr(Path, "write_text", lambda self, text, encoding=None: fake_open(self, "w").write(text))
    rc = main(["score", str(preds), "--split", "valid", "--data-dir", str(data), "--per-sample", str(per)])
    err = capsys.readouterr().err
    assert rc != 0 and "per.jsonl" in err and "No space left" in err
    assert not per.exists()
    assert [p.name for p in tmp_path.iterdir() if "per" in p.name] == []


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("opt", ["--out", "--per-sample"])
def test_a_full_device_is_reported_naming_the_file(preds, data, opt):
    r = run_cli("score", preds, "--split", "valid", "--data-dir", data, opt, "/dev/full")
    assert r.returncode != 0 and "/dev/full" in r.stderr and "No space left" in r.stderr, r.stderr
