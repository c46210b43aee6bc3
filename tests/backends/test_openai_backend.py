"""The openai backend against hostile local endpoints.

Every server here is a real HTTP server on 127.0.0.1 in a thread; deadlines are ~1 s.
"""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import run_cli

from rjua.backends import GenRequest
from rjua.backends.openai import OpenAIBackend, public_options
from rjua.data import load_split
from rjua.errors import RJUAError
from rjua.prompts import build_messages

KEY = "sk-test-very-secret-0123456789"
GOOD = {"choices": [{"message": {"content": "诊断：肾结石\n建议：多饮水\n回答：您好"}}],
        "usage": {"completion_tokens": 7, "prompt_tokens": 30}}


def _json(h, obj=GOOD, code=200, ctype="application/json", extra=()):
    data = obj if isinstance(obj, bytes) else json.dumps(obj, ensure_ascii=False).encode()
    h.send_response(code)
    h.send_header("Content-Type", ctype)
    h.send_header("Content-Length", str(len(data)))
    for k, v in extra:
        h.send_header(k, v)
    h.end_headers()
    h.wfile.write(data)


def _with(**kw):
    return lambda h: _json(h, {**GOOD, **kw})


def _short_body(h):  # declares 500 bytes, sends 40, closes: the connection breaks mid-body
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", "500")
    h.end_headers()
    h.wfile.write(json.dumps(GOOD).encode()[:40])


def _huge_stream(h):  # no Content-Length, 9 MiB of JSON-ish bytes until the client hangs up
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.end_headers()
    h.wfile.write(b'{"choices": [{"message": {"content": "')
    for _ in range(9 * 16):
        h.wfile.write(b"x" * 65536)


def _huge_declared(h):
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(50 * 2**20))
    h.end_headers()
    h.wfile.write(b"{")


def _drip(h):  # 8 bytes every 0.25 s of an 800-byte body: each read is quick, the whole reply takes 25 s
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", "800")
    h.end_headers()
    for _ in range(100):
        h.wfile.write(b" " * 8)
        h.wfile.flush()
        if h.server.stop.wait(0.25):
            return


def _stall(h):
    h.server.stop.wait(10)


MALFORMED = {
    "usage_list": _with(usage=[1, 2]),
    "usage_string": _with(usage="many"),
    "usage_1e400": lambda h: _json(h, json.dumps(GOOD).replace('"completion_tokens": 7', '"completion_tokens": 1e400')
                                   .encode()),
    "usage_negative": _with(usage={"completion_tokens": -3}),
    "choices_missing": lambda h: _json(h, {"usage": {}}),
    "choices_empty": _with(choices=[]),
    "choices_not_list": _with(choices={"message": {"content": "x"}}),
    "content_not_string": _with(choices=[{"message": {"content": ["诊断"]}}]),
    "content_null": _with(choices=[{"message": {"content": None}}]),
    "truncated_json": lambda h: _json(h, json.dumps(GOOD).encode()[:-9]),
    "short_body": _short_body,
    "not_json": lambda h: _json(h, b"<html>502 Bad Gateway</html>", ctype="application/json"),
    "wrong_content_type": lambda h: _json(h, GOOD, ctype="text/html"),
    "huge_stream": _huge_stream,
    "huge_declared": _huge_declared,
    "json_list": lambda h: _json(h, [GOOD]),
    "lone_surrogate": lambda h: _json(h, b'{"choices": [{"message": {"content": "\\u8bca\\ud800\\u65ad"}}]}'),
}


class Stub:
    """A local endpoint; ``plan(body)`` names what to do with each request (a callable on the handler)."""

    def __init__(self, plan=None):
        self.plan, self.seen, stub = plan or (lambda body: None), [], self

        class H(BaseHTTPRequestHandler):
            def _any(self):
                n = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(n) if n else b""
                body = json.loads(raw) if raw else {}
                stub.seen.append({"method": self.command, "path": self.path,
                                  "auth": self.headers.get("Authorization"), "body": body})
                (stub.plan(body) or _json)(self)

            do_POST = do_GET = _any

            def log_message(self, *a):
                pass

        self.srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.srv.stop = threading.Event()
        self.srv.handle_error = lambda *a: None
        threading.Thread(target=self.srv.serve_forever, args=(0.05,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.srv.server_address[1]}/v1"
        self.port = self.srv.server_address[1]

    def script(self, *actions):
        todo = list(actions)
        self.plan = lambda body: todo.pop(0) if todo else None
        return self

    def close(self):
        self.srv.stop.set()
        self.srv.shutdown()
        self.srv.server_close()


@pytest.fixture
def stubs():
    made = []

    def make(plan=None):
        made.append(Stub(plan))
        return made[-1]

    yield make
    for s in made:
        s.close()


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


def _req(q="尿频"):
    return GenRequest(q, build_messages(q, ["膀胱炎"]))


def _be(url, **kw):
    return OpenAIBackend("m", base_url=url, **{"backoff": 0.01, "timeout": 1.0, "max_retries": 1, **kw})


# --- item 1: credentials go to the configured host only --------------------------------------------------------------

@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_redirect_is_a_record_error_and_the_other_host_gets_nothing(stubs, code):
    other = stubs()
    loc = f"http://user:sk-in-location@127.0.0.1:{other.port}/v1/chat/completions"
    first = stubs(lambda body: lambda h: _json(h, {}, code=code, extra=[("Location", loc)]))
    r = _be(first.url).generate([_req()])[0]
    assert first.seen[0]["auth"] == f"Bearer {KEY}"
    assert other.seen == [], "the redirect target must get no request at all (and so no key)"
    assert r.error and f"HTTP {code}" in r.error and f"127.0.0.1:{other.port}" in r.error and not r.text
    assert "sk-in-location" not in r.error and len(first.seen) == 1  # not retried


def test_base_url_with_credentials_is_refused_and_never_written(stubs, tmp_path, monkeypatch):
    from rjua.runs import predict_split

    srv = stubs()
    url = srv.url.replace("http://", f"http://user:{KEY}@")
    with pytest.raises(RJUAError) as e:
        predict_split("test", tmp_path / "lib" / "p.jsonl", backend="openai", model="m", limit=2, progress=False,
                      backend_options={"base_url": url})
    assert KEY not in str(e.value) and "OPENAI_API_KEY" in str(e.value)
    with pytest.raises(RJUAError):
        public_options({"base_url": url})
    monkeypatch.setenv("OPENAI_BASE_URL", url)  # the same through the environment (the demo's way)
    with pytest.raises(RJUAError) as e:
        OpenAIBackend("m")
    assert KEY not in str(e.value)
    monkeypatch.delenv("OPENAI_BASE_URL")
    for args in (["predict", "--out", tmp_path / "cli" / "p.jsonl", "--limit", "2"],
                 ["eval", "--out", tmp_path / "run", "--limit", "2"]):
        r = run_cli(*args, "--backend", "openai", "--model", "m", "--base-url", url, "--split", "test",
                    env={"OPENAI_API_KEY": "sk-other-key"})
        assert r.returncode == 2, r.stderr
        assert KEY not in r.stderr + r.stdout and len(r.stderr.strip().splitlines()) == 1
        assert "OPENAI_API_KEY" in r.stderr
    assert srv.seen == []
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert all(KEY not in p.read_text(errors="replace") for p in written)


@pytest.mark.parametrize("tail", [f"?api_key={KEY}", f"#{KEY}", f"/?key={KEY}"])
def test_base_url_with_a_query_or_fragment_is_refused_and_never_written(stubs, tmp_path, tail):
    # "…/v1?api_key=KEY" used to be written to the manifest and posted to "/v1?api_key=KEY/chat/completions"
    srv = stubs()
    with pytest.raises(RJUAError, match="query or fragment") as e:
        public_options({"base_url": srv.url + tail})
    assert KEY not in str(e.value)
    r = run_cli("predict", "--out", tmp_path / "p.jsonl", "--limit", "2", "--backend", "openai", "--model", "m",
                "--base-url", srv.url + tail, "--split", "test", env={"OPENAI_API_KEY": "sk-other-key"})
    assert r.returncode == 2 and KEY not in r.stderr and "query or fragment" in r.stderr, r.stderr
    assert srv.seen == []
    assert all(KEY not in p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file())


def test_manifest_records_no_transport_settings_or_keys(stubs, tmp_path):
    from rjua.runs import predict_split

    srv = stubs()
    predict_split("test", tmp_path / "p.jsonl", backend="openai", model="m", limit=1, progress=False,
                  backend_options={"base_url": srv.url, "timeout": 2.0})
    man = json.loads((tmp_path / "p.jsonl.manifest.json").read_text())
    assert man["config"]["backend_options"] == {"base_url": srv.url}
    assert srv.seen[0]["auth"] == f"Bearer {KEY}" and srv.seen[0]["path"] == "/v1/chat/completions"
    assert all(KEY not in p.read_text() for p in tmp_path.iterdir())


def test_a_reply_echoing_the_key_is_not_kept(stubs):
    srv = stubs(lambda body: _with(choices=[{"message": {"content": f"诊断：肾结石 {KEY}"}}]))
    r = _be(srv.url).generate([_req()])[0]
    assert r.error is None and KEY not in r.text and "***" in r.text


# --- item 5: malformed replies, deadlines, retries -------------------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_each_malformed_reply_is_only_that_records_error(stubs, kind):
    srv = stubs(lambda body: MALFORMED[kind] if "坏" in json.dumps(body, ensure_ascii=False) else None)
    t0 = time.monotonic()
    res = _be(srv.url, concurrency=3).generate([_req("好一"), _req("坏"), _req("好二")])
    assert time.monotonic() - t0 < 5
    assert res[0].error is None and res[2].error is None and res[0].completion_tokens == 7
    assert res[1].error and res[1].error.startswith("openai request failed") and not res[1].text
    assert len(res[1].error) < 400


def test_predict_run_goes_on_through_malformed_replies(stubs, tmp_path):
    from rjua.runs import predict_split

    recs = load_split("test")
    kinds = sorted(MALFORMED)[: len(recs) - 3]
    bad = {r.question: MALFORMED[k] for r, k in zip(recs, kinds)}
    srv = stubs(lambda body: next((f for q, f in bad.items() if q in body["messages"][-1]["content"]), None))
    rows = predict_split("test", tmp_path / "p.jsonl", backend="openai", model="m", progress=False,
                         backend_options={"base_url": srv.url, "backoff": 0.01, "max_retries": 1, "timeout": 2.0})
    errs = {r["id"] for r in rows if r.get("error")}
    assert len(rows) == len(recs) and errs == {r.id for r in recs[: len(kinds)]}
    assert all(r["disease"] == ["肾结石"] for r in rows if r["id"] not in errs)
    assert len((tmp_path / "p.jsonl").read_text().splitlines()) == len(recs)


def test_lone_surrogate_in_a_reply_is_a_record_error_not_the_end_of_the_run(stubs, tmp_path):
    # json.loads accepts "\ud800"; writing it as UTF-8 used to end predict (exit 1, 0 rows) and `rjua answer`
    recs = load_split("test")[:3]
    srv = stubs(lambda body: (MALFORMED["lone_surrogate"] if recs[1].question in body["messages"][-1]["content"]
                              else None))
    r = run_cli("predict", "--backend", "openai", "--model", "m", "--base-url", srv.url, "--split", "test",
                "--limit", "3", "--out", tmp_path / "p.jsonl", env={"OPENAI_API_KEY": KEY})
    assert r.returncode == 0, r.stderr
    rows = [json.loads(x) for x in (tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [bool(x["error"]) for x in rows] == [False, True, False]
    assert "lone surrogate" in rows[1]["error"]
    r = run_cli("answer", recs[1].question, "--backend", "openai", "--model", "m", "--base-url", srv.url,
                env={"OPENAI_API_KEY": KEY})
    assert r.returncode == 1 and "lone surrogate" in r.stderr, r.stderr  # a failed answer is not exit 0


def test_answer_shows_an_endpoints_terminal_escapes_escaped(stubs):
    # a hostile endpoint's "\x1b]0;…\x07" reached the terminal raw through `rjua answer`
    srv = stubs(lambda body: _with(choices=[{"message": {"content": "诊断：肾结石\x1b]0;owned\x07\x1b[2J"}}]))
    r = run_cli("answer", "右侧腰痛伴血尿怎么办", "--backend", "openai", "--model", "m", "--base-url", srv.url,
                env={"OPENAI_API_KEY": KEY})
    assert r.returncode == 0, r.stderr
    assert "\x1b" not in r.stdout and "\\x1b]0;owned\\x07" in r.stdout


def test_cli_predict_records_errors_and_exits_zero(stubs, tmp_path):
    other = stubs()
    recs = load_split("test")[:4]
    plan = {recs[0].question: lambda h: _json(h, {}, code=302, extra=[("Location", other.url + "/chat/completions")]),
            recs[1].question: MALFORMED["usage_1e400"], recs[2].question: MALFORMED["truncated_json"]}
    srv = stubs(lambda body: next((f for q, f in plan.items() if q in body["messages"][-1]["content"]), None))
    r = run_cli("predict", "--backend", "openai", "--model", "m", "--base-url", srv.url, "--split", "test",
                "--limit", "4", "--timeout", "2", "--out", tmp_path / "p.jsonl", env={"OPENAI_API_KEY": KEY})
    assert r.returncode == 0, r.stderr
    assert "wrote 4 predictions" in r.stderr and "(3 with errors)" in r.stderr
    rows = [json.loads(x) for x in (tmp_path / "p.jsonl").read_text().splitlines()]
    assert [bool(x["error"]) for x in rows] == [True, True, True, False]
    assert "HTTP 302" in rows[0]["error"] and other.seen == []
    assert all(KEY not in p.read_text() for p in tmp_path.iterdir())


@pytest.mark.parametrize("kind", ["drip", "stall"])
def test_total_deadline_per_attempt(stubs, kind):
    srv = stubs(lambda body: {"drip": _drip, "stall": _stall}[kind])
    t0 = time.monotonic()
    r = _be(srv.url, timeout=1.0, max_retries=1, backoff=0.05).generate([_req()])[0]
    took = time.monotonic() - t0
    assert r.error and "timed out" in r.error and "2 attempts" in r.error
    assert len(srv.seen) == 2 and took < 2 * 1.0 + 0.05 + 1.0, took


def test_429_then_success_honours_retry_after_up_to_the_cap(stubs):
    srv = stubs().script(lambda h: _json(h, {}, code=429, extra=[("Retry-After", "1")]), None)
    t0 = time.monotonic()
    r = _be(srv.url).generate([_req()])[0]
    assert r.error is None and r.completion_tokens == 7 and len(srv.seen) == 2
    assert 0.9 < time.monotonic() - t0 < 3
    srv.script(lambda h: _json(h, {}, code=503, extra=[("Retry-After", "3600")]), None)
    t0 = time.monotonic()
    r = _be(srv.url, max_retry_after=0.2).generate([_req()])[0]
    assert r.error is None and time.monotonic() - t0 < 2


def test_retries_are_bounded_and_client_errors_not_retried(stubs):
    srv = stubs(lambda body: lambda h: _json(h, {"error": {"message": "busy"}}, code=500))
    r = _be(srv.url, max_retries=2).generate([_req()])[0]
    assert "HTTP 500" in r.error and "3 attempts" in r.error and len(srv.seen) == 3
    srv.plan = lambda body: lambda h: _json(h, {"error": {"message": "no such model"}}, code=404)
    r = _be(srv.url, max_retries=2).generate([_req()])[0]
    assert "HTTP 404" in r.error and len(srv.seen) == 4


def test_connect_error_is_retried_then_recorded():
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    t0 = time.monotonic()
    r = _be(f"http://127.0.0.1:{port}/v1", max_retries=2).generate([_req()])[0]
    assert r.error.startswith("openai request failed: Connect") and "3 attempts" in r.error
    assert time.monotonic() - t0 < 3


def test_bad_base_urls_are_one_line_errors():
    for url in ("ftp://host/v1", "127.0.0.1:8000", "http://:80/v1", "http://host:99999/v1"):
        with pytest.raises(RJUAError, match="not an http"):
            OpenAIBackend("m", base_url=url)


def test_generate_inside_a_running_event_loop(stubs):
    import asyncio

    srv = stubs()

    async def main():
        return _be(srv.url).generate([_req()])

    assert asyncio.run(main())[0].error is None


def test_cli_synth_goes_on_through_malformed_replies_and_refuses_keys_in_urls(stubs, tmp_path):
    srv = stubs(lambda body: MALFORMED["usage_list"])
    r = run_cli("synth", "--generator", "openai", "--solver", "case", "--weak", "none", "--n", "2",
                "--base-url", srv.url, "--timeout", "2", "--out", tmp_path / "s.jsonl", env={"OPENAI_API_KEY": KEY})
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["processed"] == 2 and len(srv.seen) == 2
    assert len((tmp_path / "s.jsonl.rejected.jsonl").read_text().splitlines()) == 2
    r = run_cli("synth", "--generator", "openai", "--solver", "case", "--n", "1", "--out", tmp_path / "k" / "s.jsonl",
                "--base-url", srv.url.replace("http://", f"http://u:{KEY}@"), env={"OPENAI_API_KEY": "sk-x"})
    assert r.returncode == 2 and KEY not in r.stderr and "OPENAI_API_KEY" in r.stderr
    assert len(srv.seen) == 2 and not (tmp_path / "k").exists()
    assert all(KEY not in p.read_text() for p in tmp_path.rglob("*") if p.is_file())
