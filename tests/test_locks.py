"""One writer per output: real concurrent `rjua predict` / `rjua eval` processes."""
import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from conftest import ROOT, run_cli

from rjua.locks import OutputLockedError, lock_path, output_lock

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="flock")


def _start(*args):
    """A real CLI process, paused (SIGSTOP) as soon as it reports holding its output: inside the lock."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RJUA_PROGRESS": "", "RJUA_PROGRESS_SECONDS": "0"}
    env.pop("RJUA_DEBUG", None)
    p = subprocess.Popen([sys.executable, "-m", "rjua.cli", *map(str, args)], cwd=ROOT, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        line = p.stderr.readline()
        if not line:  # exited without ever reporting: it never held the lock (or old code without progress)
            p.wait()
            pytest.fail(f"first writer ended before holding the lock (rc {p.returncode})")
        if "records to do" in line:
            p.send_signal(signal.SIGSTOP)
            return p
    p.kill()
    pytest.fail("first writer never reported")


def _ids(path):
    return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]


def test_second_predict_on_same_out_is_refused_naming_the_holder(tmp_path):
    out = tmp_path / "c.jsonl"
    first = _start("predict", "--split", "test", "--out", out)
    try:
        r = run_cli("predict", "--split", "test", "--out", out)
        assert r.returncode == 3, r.stderr
        msg = r.stderr.strip()
        assert len(msg.splitlines()) == 1 and msg.startswith(f"error: {out} is being written by another run")
        assert f"pid {first.pid} on {socket.gethostname()}, started 20" in msg
    finally:
        first.send_signal(signal.SIGCONT)
    _, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    ids = _ids(out)
    assert len(ids) == len(set(ids)) == 14  # no duplicated lines
    assert not lock_path(out).exists()
    again = run_cli("predict", "--split", "test", "--out", out)  # resumes: nothing to do, still 14 lines
    assert again.returncode == 0 and _ids(out) == ids


def test_second_eval_on_same_run_dir_is_refused(tmp_path):
    d = tmp_path / "run"
    first = _start("eval", "--split", "test", "--out", d, "--resamples", "20", "--json")
    try:
        r = run_cli("eval", "--split", "test", "--out", d, "--resamples", "20")
        assert r.returncode == 3 and f"error: {d} is being written by another run (pid {first.pid}" in r.stderr
    finally:
        first.send_signal(signal.SIGCONT)
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert json.loads(out)["n"] == 14 and json.loads((d / "scores.json").read_text())["n"] == 14
    assert len(_ids(d / "predictions.jsonl")) == 14


def test_lock_of_a_killed_writer_does_not_block(tmp_path):
    out = tmp_path / "c.jsonl"
    first = _start("predict", "--split", "test", "--out", out, "--batch-size", "1")
    first.send_signal(signal.SIGKILL)  # kill -9 while holding the lock
    first.wait(timeout=60)
    first.stderr.close()
    first.stdout.close()
    assert lock_path(out).exists() and str(first.pid) in lock_path(out).read_text()  # the stale lock file stays
    r = run_cli("predict", "--split", "test", "--out", out)
    assert r.returncode == 0, r.stderr
    ids = _ids(out)
    assert len(ids) == len(set(ids)) == 14


def test_output_lock_in_process(tmp_path):
    out = tmp_path / "x.jsonl"
    with output_lock(out) as lp:
        info = json.loads(lp.read_text())
        assert info["pid"] == os.getpid() and info["host"] == socket.gethostname()
        with pytest.raises(OutputLockedError, match=rf"pid {os.getpid()} on "), output_lock(out):
            pass
    with output_lock(out):  # released: free again
        pass
    d = tmp_path / "dir"
    d.mkdir()
    assert lock_path(d) == d / ".lock"


def test_two_names_of_one_output_share_one_lock(tmp_path):
    # `--out real.jsonl` and `--out link.jsonl` (a symlink to it) used to lock different files: 2 writers, 422 lines
    real = tmp_path / "real.jsonl"
    (tmp_path / "link.jsonl").symlink_to(real)
    (tmp_path / "rundir").mkdir()
    (tmp_path / "runlink").symlink_to(tmp_path / "rundir")
    for a, b in [(real, tmp_path / "link.jsonl"), (tmp_path / "rundir", tmp_path / "runlink")]:
        with output_lock(a), pytest.raises(OutputLockedError, match="being written by another run"), output_lock(b):
            pass
