"""Unread answers and errored rows are counted, shown in every report and never scored as answers."""
import html
import json

import pytest
from conftest import json_server, run_cli

from rjua.counts import count_lines, strict_problem
from rjua.data import load_split
from rjua.report import render
from rjua.scoring import score_predictions

GOLD = load_split("test")


def _answer(r, advice=True):
    return f"诊断：{'、'.join(r.diseases)}" + (f"\n建议：{'、'.join(r.advices)}" if advice else "")


def _write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def endpoint_401():
    """An OpenAI-compatible endpoint that refuses every request (HTTP 401); yields its URL and the paths asked."""
    seen = []

    def refuse(path, body):
        seen.append(path)
        return 401, {"error": {"message": "invalid api key"}}

    with json_server(refuse) as url:
        yield url, seen


def test_eval_against_a_401_endpoint_reports_the_errors_and_no_score(endpoint_401, tmp_path):
    url, seen = endpoint_401
    run = tmp_path / "run"
    r = run_cli("eval", "--backend", "openai", "--model", "m", "--base-url", url, "--split", "test", "--limit", "3",
                "--out", run, "--resamples", "20", "--no-progress", env={"OPENAI_API_KEY": "sk-test"})
    assert seen, "the stub was never called"
    assert r.returncode == 2, r.stderr  # nothing could be scored: a failure, not a 0.0
    assert "0.0000" not in r.stdout and "f1 " not in r.stdout
    assert "errored rows: 3" in r.stdout and "HTTP 401" in r.stdout
    assert "errored rows: 3" in r.stderr and "no score" in r.stderr
    s = json.loads((run / "scores.json").read_text())
    assert s["n"] == 0 and s["f1"] is None and s["disease_f1"] is None
    assert s["errors"]["n"] == 3 and s["errors"]["excluded"] and len(s["errors"]["ids"]) == 3
    assert "HTTP 401" in next(iter(s["errors"]["messages"]))
    md = (run / "report.md").read_text()
    assert "errored rows: 3" in md and "no score" in md and "| f1 |" not in md
    assert "errored rows: 3" in (run / "report.html").read_text()


def _mixed_rows():
    rows = [{"id": r.id, "answer": _answer(r)} for r in GOLD]
    for row in rows[:2]:
        row["error"] = "openai request failed: HTTP 500"
    return rows


def test_score_excludes_errored_rows_and_says_so_in_every_format(tmp_path):
    p = _write(tmp_path / "p.jsonl", _mixed_rows())
    r = run_cli("score", p, "--split", "test", "--json", "--resamples", "20")
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert s["n"] == 12 and s["f1"] == 1.0 and s["errors"]["n"] == 2
    assert s["errors"]["ids"] == [GOLD[0].id, GOLD[1].id]
    assert "errored rows: 2" in r.stderr
    z = json.loads(run_cli("score", p, "--split", "test", "--json", "--resamples", "20", "--errors-as-zero").stdout)
    assert z["n"] == 14 and z["f1"] == pytest.approx(12 / 14) and not z["errors"]["excluded"]
    for fmt in ("text", "md", "html"):
        out = run_cli("score", p, "--split", "test", "--format", fmt, "--resamples", "20").stdout
        assert "errored rows: 2" in out and repr(GOLD[0].id) in html.unescape(out), fmt


def test_unread_answers_are_counted_per_field_with_ids():
    preds = [{"id": r.id, "answer": _answer(r, advice=i >= 3)} for i, r in enumerate(GOLD)]
    preds[5]["answer"] = "您好，请到医院就诊。"
    res = score_predictions(GOLD, preds, n_resamples=10)
    un = res.summary["unread"]
    assert un["advice"]["n"] == 4 and un["advice"]["ids"] == [GOLD[i].id for i in (0, 1, 2, 5)]
    assert un["disease"] == {"n": 1, "ids": [GOLD[5].id]} and un["any"]["n"] == 4
    for fmt in ("text", "md", "html"):
        assert "disease 1 of 14" in render(res, fmt) and "advice 4 of 14" in render(res, fmt)
    assert "unread answers" in " ".join(res.summary["counts_note"])
    assert strict_problem(res.summary) == "--strict: 0 errored row(s) and 4 unread answer(s)"


def test_strict_fails_with_exit_2_on_unread_or_errored(tmp_path):
    p = _write(tmp_path / "p.jsonl", _mixed_rows())
    r = run_cli("score", p, "--split", "test", "--strict", "--resamples", "20")
    assert r.returncode == 2 and "--strict: 2 errored row(s)" in r.stderr
    clean = _write(tmp_path / "c.jsonl", [{"id": x.id, "answer": _answer(x)} for x in GOLD])
    assert run_cli("score", clean, "--split", "test", "--strict", "--resamples", "20").returncode == 0


def test_an_other_answer_field_is_reported_not_read_as_empty(tmp_path):
    p = _write(tmp_path / "p.jsonl", [{"id": x.id, "prediction": _answer(x), "disease": list(x.diseases)}
                                      for x in GOLD])
    r = run_cli("score", p, "--split", "test")
    assert r.returncode == 2 and 'the row has "prediction" instead (--field prediction reads it)' in r.stderr
    ok = run_cli("score", p, "--split", "test", "--field", "prediction", "--json", "--resamples", "20")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["advice_f1"] == 1.0  # advice came from the prediction text


def test_no_score_summary_never_shows_zero():
    res = score_predictions(GOLD, [{"id": r.id, "answer": "", "error": "timeout"} for r in GOLD], n_resamples=10)
    text = render(res, "text")
    assert "no score" in text and "0.0000" not in text
    assert count_lines(res.summary)[0].startswith("errored rows: 14 (excluded")


def test_data_validate_predictions_lists_every_problem(tmp_path):
    rows = [{"id": x.id, "answer": _answer(x)} for x in GOLD[:10]]
    rows += [{"id": GOLD[0].id, "answer": "重复"}, {"id": "nope", "answer": "x"},
             {"id": GOLD[11].id, "output": "诊断：肾结石"}, {"id": GOLD[12].id, "answer": "", "error": "HTTP 401"},
             {"id": GOLD[13].id, "answer": "您好"}]
    p = _write(tmp_path / "p.jsonl", rows)
    r = run_cli("data", "validate", "--predictions", p, "--split", "test")
    assert r.returncode == 2
    out = r.stdout
    assert 'p.jsonl:13: field "answer": missing field; the row has "output"' in out
    assert "1 duplicate id(s)" in out and "'nope'" in out and f"{GOLD[10].id!r}" in out
    assert "errored rows: 1" in out and f"disease 1 of 11: {GOLD[13].id!r}" in out
    j = json.loads(run_cli("data", "validate", "--predictions", p, "--split", "test", "--json").stdout)
    assert j["fields"]["output"] == 1 and j["errors"]["ids"] == [GOLD[12].id] and not j["ok"]
    clean = _write(tmp_path / "c.jsonl", [{"id": x.id, "answer": _answer(x)} for x in GOLD])
    ok = run_cli("data", "validate", "--predictions", clean, "--split", "test")
    assert ok.returncode == 0 and ok.stdout.strip().endswith(": ok"), ok.stdout
