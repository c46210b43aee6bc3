"""LLM judge against a local OpenAI-compatible stub and a tiny random hf model."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import run_cli, write_jsonl

from rjua.data import load_split
from rjua.errors import RJUAError
from rjua.judge import JudgeCache, judge_backend, judge_split, parse_verdict
from rjua.judge.agreement import agreement_html, agreement_markdown, agreement_report
from rjua.judge.prompts import MalformedVerdict
from rjua.locks import output_lock
from rjua.scoring import gold_as_predictions


class Stub:
    """Replies by gold disease: a valid verdict, a malformed one ('坏') or an HTTP 400 ('挂')."""

    def __init__(self):
        self.requests = []
        stub = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stub.requests.append(body)
                user = body["messages"][-1]["content"]
                gold = user.split("【标准诊断】", 1)[1].split("\n", 1)[0]
                if "挂" in gold:
                    self.send_response(400)
                    self.end_headers()
                    return
                if "坏" in gold:
                    text = "我觉得还行吧"
                elif "膀胱" in gold:
                    text = "**诊断**：错误\n**建议**：正确\n理由：<b>漏诊</b>膀胱炎。"
                else:
                    text = "理由：都提到了。\n诊断：正确\n建议：正确"
                out = json.dumps({"choices": [{"message": {"content": text}}],
                                  "usage": {"completion_tokens": 9, "prompt_tokens": 50}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def stub():
    s = Stub()
    yield s
    s.server.shutdown()


def _gold(n=6, bad=(), down=()):
    gold = load_split("test")[:n]
    out = []
    for r in gold:
        d = ("坏病",) if r.id in bad else ("挂病",) if r.id in down else r.diseases
        out.append(r.__class__(r.id, r.question, r.context, r.answer, "、".join(d), r.advice, r.passages, d,
                               r.advices))
    return out


def test_verdict_formats():
    assert parse_verdict("诊断:正确\n建议:否\n理由: 好").advice is False
    assert parse_verdict("**诊断**：错误\n**建议**：正确").diagnosis is False
    assert parse_verdict("Diagnosis: correct\nAdvice: incorrect\nReason: fine").advice is False
    for bad in ("", "诊断：正确", "建议：正确", "诊断：正确\n诊断：错误\n建议：正确", "诊断：正确/错误\n建议：正确"):
        with pytest.raises(MalformedVerdict):
            parse_verdict(bad)


def test_openai_stub_errors_cache_and_resume(tmp_path, stub):
    gold = _gold(6, bad={gold_id for gold_id in [load_split("test")[1].id]}, down={load_split("test")[2].id})
    preds = gold_as_predictions(load_split("test")[:6])
    be = judge_backend("openai", "stub-judge", stub.url)
    cfg = {"v": 1}
    out = tmp_path / "j.jsonl"
    cache = JudgeCache(tmp_path / "c.sqlite")
    rows = judge_split(gold[:3], preds, be, out, cache, cfg)  # first half, then "crash"
    assert [r["error_kind"] for r in rows] == [None, "malformed", "backend"]
    assert rows[1]["error"].startswith("malformed verdict") and rows[0]["diagnosis"] is not None
    n_first = len(stub.requests)
    assert n_first == 3
    rows = judge_split(gold, preds, be, out, JudgeCache(tmp_path / "fresh.sqlite"), cfg)  # resume, no cache
    # 3 new records + the backend failure retried; the malformed verdict is kept, not asked again
    assert len(stub.requests) == n_first + 4 and len(rows) == 6
    assert sum(r["error_kind"] == "malformed" for r in rows) == 1
    # a rerun from scratch on the first cache costs nothing for what it holds
    rows2 = judge_split(gold, preds, be, tmp_path / "k.jsonl", cache, cfg)
    assert cache.hits == 2 and rows2[0]["cached"] is True  # records 1 and 2 (the 400 was never cached)
    with pytest.raises(RJUAError, match="different configuration"):
        judge_split(gold, preds, be, out, cache, {"v": 2})


def test_second_writer_refused(tmp_path, stub):
    out = tmp_path / "j.jsonl"
    with output_lock(out), pytest.raises(RJUAError, match="being written by another run"):
        judge_split(_gold(1), gold_as_predictions(load_split("test")[:1]), judge_backend("openai", "m", stub.url),
                    out, JudgeCache(":memory:"), {})


def test_agreement_report_and_html_escaping(tmp_path, stub):
    gold = load_split("test")
    preds = gold_as_predictions(gold)
    rows = judge_split(gold, preds, judge_backend("openai", "m", stub.url), tmp_path / "j.jsonl",
                       JudgeCache(":memory:"), {})
    rep = agreement_report(gold, preds, rows)
    s = rep["summary"]
    n_bladder = sum("膀胱" in "、".join(r.diseases) for r in gold)
    assert 0 < n_bladder < len(gold)
    assert s["judge"]["diagnosis_acc"] == pytest.approx(1 - n_bladder / len(gold), abs=1e-4)
    assert s["mean_f1"]["disease_f1_exact"] == 1.0 and s["kappa"]["diagnosis~disease_f1_exact"] == 0.0
    assert rep["most_disagreeing"][0] in {r.id for r in gold if "膀胱" in "、".join(r.diseases)}
    html = agreement_html(rep)
    assert "<b>漏诊</b>" not in html and "&lt;b&gt;漏诊&lt;/b&gt;" in html
    assert "Cohen" in agreement_markdown(rep)


def test_agreement_html_sections_rows_and_escaping():
    rep = {"summary": {"judge": {"n": 3, "n_judged": 2, "n_errors": 1, "errors": {"backend": 1},
                                 "diagnosis_acc": 0.5, "advice_acc": 1.0, "both_acc": 0.5},
                       "mean_f1": {"disease_f1_exact": 0.5}, "kappa": {"diagnosis~disease_f1_exact": 0.25}},
           "records": [{"id": "1<i>", "diagnosis": True, "advice": False, "reason": "<script>x</script>",
                        "error": None, "disease_f1_exact": 1.0, "disease_f1_fuzzy": 1.0, "advice_f1_exact": 0.5,
                        "advice_f1_fuzzy": 0.25},
                       {"id": "2", "diagnosis": None, "advice": None, "reason": "", "error": "HTTP 500",
                        "disease_f1_exact": 0.0, "disease_f1_fuzzy": 0.0, "advice_f1_exact": 0.0,
                        "advice_f1_fuzzy": 0.0}],
           "most_disagreeing": ["2", "1<i>"]}
    page = agreement_html(rep)
    assert [h.split("</h2>")[0] for h in page.split("<h2>")[1:]] == [
        "Mean F1", "Cohen's κ (judge vs F1 ≥ 0.5)", "Most disagreeing records"]
    assert "2 of 3 records judged" in page and "<td>diagnosis (strict)</td><td>0.500</td>" in page
    assert "<td>disease_f1_exact</td><td>0.500</td>" in page
    assert "<td>diagnosis~disease_f1_exact</td><td>0.250</td>" in page
    assert page.index("<td>2</td><td>—</td><td>0.00 / 0.00</td>") < page.index(
        "<td>1&lt;i&gt;</td><td>✓</td><td>1.00 / 1.00</td><td>✗</td><td>0.50 / 0.25</td><td>&lt;script&gt;")
    assert "<script>" not in page and "<i>" not in page and "<td>HTTP 500</td>" in page


def test_cli_judge_and_show_prompt(tmp_path, stub):
    r = run_cli("judge", "--show-prompt")
    assert r.returncode == 0 and "judge-zh-2" in r.stdout and "【标准诊断】" in r.stdout
    gold = load_split("test")
    f = write_jsonl(tmp_path / "p.jsonl", [{"id": p.id, "answer": p.answer, "disease": p.disease, "advice": p.advice}
                                           for p in gold_as_predictions(gold)])
    args = ["judge", f, "--split", "test", "--judge-backend", "openai", "--judge-model", "m", "--base-url", stub.url,
            "--cache", tmp_path / "c.sqlite", "--limit", "4"]
    r = run_cli(*args)
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert s["judge"]["n"] == 4 and s["cache_misses"] == 4
    assert (tmp_path / "p.judge.agreement.html").is_file()
    r = run_cli(*args, "--out", tmp_path / "again.jsonl")
    assert json.loads(r.stdout)["cache_hits"] == 4 and len(stub.requests) == 4
    r = run_cli("judge", f, "--split", "test", "--judge-backend", "nope", "--judge-model", "m")
    assert r.returncode == 2 and "choose openai, hf or vllm" in r.stderr


@pytest.mark.slow
def test_tiny_random_hf_judge_gives_per_record_errors_and_caches(tmp_path):
    from rjua.testing import tiny_causal_lm

    model = tiny_causal_lm(tmp_path / "tiny")
    gold = load_split("test")[:3]
    preds = gold_as_predictions(gold)
    be = judge_backend("hf", str(model), max_new_tokens=8, batch_size=2)
    cache = JudgeCache(tmp_path / "c.sqlite")
    rows = judge_split(gold, preds, be, tmp_path / "j.jsonl", cache, {})
    assert len(rows) == 3 and all(r["error_kind"] in (None, "malformed") for r in rows)
    assert all(r["raw"] is not None for r in rows) and cache.misses == 3
    rows2 = judge_split(gold, preds, be, tmp_path / "j2.jsonl", cache, {})
    assert cache.hits == 3 and [r["raw"] for r in rows2] == [r["raw"] for r in rows]


def test_score_with_judge(tmp_path, stub):
    gold = load_split("test")
    rows = [{"id": p.id, "answer": p.answer, "disease": p.disease, "advice": p.advice}
            for p in gold_as_predictions(gold)]
    f = write_jsonl(tmp_path / "p.jsonl", rows[:5])
    r = run_cli("score", f, "--split", "test", "--only-predicted", "--judge", "openai", "--judge-model", "m",
                "--judge-base-url", stub.url, env={"RJUA_CACHE_DIR": str(tmp_path / "cache")})
    assert r.returncode == 0, r.stderr
    assert "judge (m): diagnosis" in r.stdout and "only the 5 predicted records" in r.stdout
    assert len(stub.requests) == 5 and (tmp_path / "cache" / "judge.sqlite").is_file()
