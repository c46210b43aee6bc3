"""Progress lines: the rate and ETA follow the recent pace; library bars stay out of non-terminal logs."""
import io

from conftest import run_cli

from rjua import progress
from rjua.progress import Progress


def test_eta_comes_from_the_recent_pace_not_the_slow_start(monkeypatch):
    clock = {"t": 0.0}
    monkeypatch.setattr(progress.time, "monotonic", lambda: clock["t"])
    buf = io.StringIO()
    p = Progress(211, desc="predict", unit="records", stream=buf, interval=0)
    clock["t"] = 80.0  # loading the pipeline, then the first batch
    p.update(8)
    for _ in range(5):  # then 8 records every 2 s: 4/s
        clock["t"] += 2.0
        p.update(8)
    last = buf.getvalue().strip().splitlines()[-1]
    assert "4.0/s" in last and "ETA 41s" in last, last  # (211 - 48) / 4; the whole-run mean said ~ 300 s


def test_transformers_loading_bars_do_not_leak_into_logs(tmp_path):
    from rjua.testing import tiny_causal_lm

    model = tiny_causal_lm(tmp_path / "lm")
    r = run_cli("answer", "我右侧腰痛，尿里有血", "--backend", "hf", "--model", model, "--max-new-tokens", "4")
    assert r.returncode == 0, r.stderr
    assert "Loading weights" not in r.stderr and "\r" not in r.stderr, r.stderr[-500:]
