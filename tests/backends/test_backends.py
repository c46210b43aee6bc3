import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from rjua.backends import GenRequest, get_backend
from rjua.backends.case import CaseBackend, choose_expected_f1, fix_side, side_of
from rjua.backends.openai import OpenAIBackend
from rjua.errors import RJUAError
from rjua.prompts import build_messages


def test_case_backend_helpers():
    assert side_of("右侧腰痛") == "右" and side_of("腰痛") is None
    assert fix_side("左肾结石", "右") == "右肾结石" and fix_side("双肾结石", "右") == "双肾结石"
    assert choose_expected_f1({"a": 0.95}, 1.0) == ["a"]
    assert choose_expected_f1({"a": 0.6, "b": 0.6, "c": 0.6}, 3.0) == ["a", "b", "c"]


def test_case_backend_cross_fitting_uses_fold_models():
    from rjua.retrieval.build import build_retriever

    r, _ = build_retriever(pool=["valid"])
    be = CaseBackend().fit(r)
    assert set(be.weights["disease"]) >= {None} and len(be.weights["disease"]) > 1
    folds = {be.fold_of(c.key) for c in r.cases.cases}
    assert len(folds) > 1


class _Handler(BaseHTTPRequestHandler):
    script: list = []
    seen: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Handler.seen.append((self.path, self.headers.get("Authorization"), body["model"]))
        action = _Handler.script.pop(0) if _Handler.script else "ok"
        if action == "429":
            self.send_response(429)
            self.send_header("Retry-After", "0")
            self.end_headers()
            return
        if action == "sleep":
            time.sleep(1.5)
        payload = {"choices": [{"message": {"content": "诊断：肾结石\n建议：多饮水\n回答：您好"}}],
                   "usage": {"completion_tokens": 7, "prompt_tokens": 30}}
        if action == "malformed":
            payload = {"nothing": True}
        data = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *a):
        pass


@pytest.fixture
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    _Handler.script, _Handler.seen = [], []
    yield f"http://127.0.0.1:{srv.server_address[1]}/v1"
    srv.shutdown()


def _req():
    return GenRequest("尿频", build_messages("尿频", ["膀胱炎"]))


def test_openai_happy_429_timeout_malformed(server, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret")
    be = OpenAIBackend("m1", base_url=server, backoff=0.01, timeout=1.0, max_retries=2)
    assert "sk-test" not in repr(be)
    r = be.generate([_req()])[0]
    assert r.error is None and r.text.startswith("诊断") and r.completion_tokens == 7
    assert _Handler.seen[-1] == ("/v1/chat/completions", "Bearer sk-test-secret", "m1")
    _Handler.script = ["429", "429"]
    r = be.generate([_req()])[0]
    assert r.error is None and len(_Handler.seen) == 4
    _Handler.script = ["sleep", "sleep", "sleep"]
    r = be.generate([_req()])[0]
    assert r.error and "timed out" in r.error.lower() or "timeout" in r.error.lower()
    _Handler.script = ["malformed"]
    r = be.generate([_req()])[0]
    assert r.error and "malformed" in r.error


def test_openai_errors_are_per_record(server):
    be = OpenAIBackend("m", base_url=server, backoff=0.01, max_retries=0, concurrency=3)
    _Handler.script = ["ok", "malformed", "ok"]
    res = be.generate([_req(), _req(), _req()])
    assert sum(r.error is not None for r in res) == 1 and sum(bool(r.text) for r in res) == 2


def test_openai_unreachable_is_recorded():
    be = OpenAIBackend("m", base_url="http://127.0.0.1:9/v1", backoff=0.01, max_retries=1, timeout=0.5)
    assert be.generate([_req()])[0].error.startswith("openai request failed")


def test_openai_pipeline_and_predict(server, tmp_path):
    from rjua.runs import predict_split

    rows = predict_split("test", tmp_path / "p.jsonl", backend="openai", model="m", limit=3, progress=False,
                         backend_options={"base_url": server, "backoff": 0.01})
    assert [r["disease"] for r in rows] == [["肾结石"]] * 3 and rows[0]["answer"] == "您好"
    assert rows[0]["disease_rule"] == "section"


def test_vllm_missing_is_a_clear_error():
    be = get_backend("vllm", "x")
    with pytest.raises(RJUAError, match="vllm backend needs"):
        be.generate([_req()])
    with pytest.raises(RJUAError, match="unknown backend"):
        get_backend("magic")


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    from rjua.testing import tiny_causal_lm

    return str(tiny_causal_lm(tmp_path_factory.mktemp("m") / "tiny"))


def test_hf_backend_with_tiny_random_model(tiny_model, tmp_path):
    from rjua.data import load_split
    from rjua.runs import predict_split
    from rjua.scoring import load_predictions, score_predictions

    be = get_backend("hf", tiny_model, max_new_tokens=8, batch_size=2)
    res = be.generate([_req(), GenRequest("腰痛", build_messages("腰痛", []))])
    assert len(res) == 2 and all(r.completion_tokens > 0 for r in res)
    assert be.count_tokens("肾结石") > 0
    out = tmp_path / "hf.jsonl"
    rows = predict_split("test", out, backend="hf", model=tiny_model, context="gold", limit=3, progress=False,
                         backend_options={"max_new_tokens": 8})
    assert len(rows) == 3 and all(r["backend"] == "hf" for r in rows)
    gold = load_split("test")[:3]
    s = score_predictions(gold, load_predictions(out), n_resamples=20).summary
    assert s["n"] == 3


def test_hf_missing_model_is_clear():
    be = get_backend("hf", "/nonexistent/model")
    with pytest.raises(RJUAError, match="cannot load model"):
        be.count_tokens("x")
