"""The openai backend's transport: compressed bodies it did not ask for, concurrency, no endpoint.

Servers are real HTTP servers on 127.0.0.1 in a thread (the Stub of test_openai_backend).
"""
import json
import struct
import subprocess
import sys
import textwrap
import time
import zlib

import pytest
from conftest import ROOT, run_cli
from test_openai_backend import GOOD, KEY, _be, _json, _req, stubs  # noqa: F401 (stubs is a fixture)

from rjua.backends import GenRequest
from rjua.backends.openai import OpenAIBackend
from rjua.errors import RJUAError
from rjua.testing import StubEndpoint

BOMB_MB = 1024


def _ask(text):
    """A one-message request whose stub reply echoes ``text``."""
    return GenRequest(text, [{"role": "user", "content": text}])


def _gzip_bomb(mb=BOMB_MB) -> bytes:
    """A valid gzip stream of ``mb`` MiB of zeros (about 1 MB on the wire): one fully flushed deflate block
    of 1 MiB of zeros repeated, so it is built in about a second instead of compressing a gigabyte."""
    zeros = bytes(2**20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first, again = (c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH) for _ in range(2))
    crc = 0
    for _ in range(mb):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + first + again * (mb - 1) + c.flush() + struct.pack("<II", crc, (mb << 20) & 0xFFFFFFFF)


@pytest.fixture(scope="module")
def bomb():
    return _gzip_bomb()


def _send_bomb(body, declare_length=True):
    def send(h):
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Encoding", "gzip")
        if declare_length:
            h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)
    return send


def test_the_request_asks_for_identity_and_a_gzip_reply_is_refused_undecoded(stubs, bomb):  # noqa: F811
    assert len(bomb) < 2 * 2**20 < BOMB_MB * 2**20
    srv = stubs(lambda body: _send_bomb(bomb))
    r = _be(srv.url).generate([_req()])[0]
    assert r.error and "Content-Encoding: gzip" in r.error and "identity" in r.error and not r.text, r.error
    small = stubs(lambda body: _send_bomb(zlib.compress(json.dumps(GOOD).encode())))  # even a tiny honest one
    assert "compressed body" in (_be(small.url).generate([_req()])[0].error or "")


PROBE = textwrap.dedent("""
    import resource, sys
    from rjua.backends import GenRequest
    from rjua.backends.openai import OpenAIBackend
    be = OpenAIBackend("m", base_url=sys.argv[1], timeout=20, max_retries=0)
    be.generate([])  # imports done
    import httpx  # noqa: F401
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    res = be.generate([GenRequest("q", [{"role": "user", "content": "q"}])])[0]
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(before, after, res.error)
""")


@pytest.mark.parametrize("declare_length", [True, False])
def test_a_gzip_bomb_does_not_grow_memory(stubs, bomb, declare_length):  # noqa: F811
    srv = stubs(lambda body: _send_bomb(bomb, declare_length))
    out = subprocess.run([sys.executable, "-c", PROBE, srv.url], capture_output=True, text=True, cwd=ROOT,
                         timeout=120, env={"PYTHONPATH": str(ROOT), "OPENAI_API_KEY": KEY, "PATH": ""})
    assert out.returncode == 0, out.stderr
    before, after, error = out.stdout.split(" ", 2)
    grew_mb = (int(after) - int(before)) / 1024
    assert grew_mb < 16, f"peak RSS grew by {grew_mb:.0f} MB on a {len(bomb)}-byte gzip reply ({error.strip()})"
    assert "compressed body" in error


# --- no endpoint, failed answers ---------------------------------------------------------------------------------

def test_no_base_url_is_refused_at_once(monkeypatch):
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(RJUAError, match="needs an endpoint"):
        OpenAIBackend("m")
    for args in (["answer", "右侧腰痛伴血尿怎么办"], ["predict", "--split", "test", "--out", "unused.jsonl"]):
        r = run_cli(*args, "--backend", "openai", env={"OPENAI_BASE_URL": ""})
        assert r.returncode == 2 and r.stdout == "" and "Traceback" not in r.stderr, r.stderr
        assert r.stderr.strip().splitlines() == [r.stderr.strip()] and "--base-url" in r.stderr
    assert not (ROOT / "unused.jsonl").exists()


def test_answer_with_a_failing_endpoint_exits_non_zero_with_one_line(stubs):  # noqa: F811
    srv = stubs(lambda body: lambda h: _json(h, {"error": {"message": "bad key"}}, code=401))
    for extra in ([], ["--json"]):
        r = run_cli("answer", "右侧腰痛伴血尿怎么办", "--backend", "openai", "--model", "m", "--base-url", srv.url,
                    *extra, env={"OPENAI_API_KEY": KEY})
        assert r.returncode == 1, r.stderr
        if extra:
            assert "HTTP 401" in json.loads(r.stdout)["error"]
        else:
            assert r.stdout == "" and r.stderr.strip() == "error: openai request failed: HTTP 401"
    assert len(srv.seen) == 2  # a client error is not retried
    r = run_cli("answer", "右侧腰痛伴血尿怎么办", "--backend", "openai", "--model", "m",
                env={"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": stubs().url})
    assert r.returncode == 0 and "肾结石" in r.stdout, r.stderr


# --- concurrency -------------------------------------------------------------------------------------------------

def test_requests_run_concurrently_bounded_and_in_order():
    with StubEndpoint(latency=0.1) as stub:
        be = OpenAIBackend("m", base_url=stub.url, concurrency=8)
        t0 = time.monotonic()
        res = be.generate([_ask(f"问题{i}") for i in range(40)])
        took = time.monotonic() - t0
    assert [r.text.rsplit("echo ", 1)[-1] for r in res] == [f"问题{i}" for i in range(40)]
    assert stub.peak == 8 and stub.served == 40
    assert took < 3.0, f"40 requests of 0.1 s at concurrency 8 took {took:.2f} s (serial: 4 s, ideal 0.5 s)"


@pytest.mark.parametrize("retries", [0, 6])
def test_no_lost_or_duplicated_rows_when_a_tenth_of_requests_fail(retries):
    with StubEndpoint(latency=0.01, fail_rate=0.1, seed=3) as stub:
        be = OpenAIBackend("m", base_url=stub.url, concurrency=16, max_retries=retries, backoff=0.001)
        res = be.generate([_ask(f"问题{i}") for i in range(300)])
    assert len(res) == 300 and stub.failed > 10
    ok = [i for i, r in enumerate(res) if r.error is None]
    assert all(res[i].text.endswith(f"echo 问题{i}") for i in ok)
    assert all(not r.text and "HTTP 503" in r.error for r in res if r.error)
    if retries:
        assert len(ok) == 300 and stub.served == 300 + stub.failed
    else:
        assert 300 - len(ok) == stub.failed and stub.served == 300


def test_cli_predict_with_concurrency_keeps_every_row_once(tmp_path):
    out = tmp_path / "p.jsonl"
    with StubEndpoint(latency=0.05, fail_rate=0.1, seed=5) as stub:
        args = ["predict", "--backend", "openai", "--model", "m", "--base-url", stub.url, "--split", "test",
                "--out", out, "--batch-size", "2"]
        r = run_cli(*args, "--concurrency", "16", env={"OPENAI_API_KEY": KEY})
        assert r.returncode == 0, r.stderr
        assert stub.peak > 2  # batches follow the concurrency, not the smaller --batch-size
        r2 = run_cli(*args, "--concurrency", "3", env={"OPENAI_API_KEY": KEY})  # a transport setting: resumes
        assert r2.returncode == 0, r2.stderr
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    ids = [x["id"] for x in rows]
    assert sorted(ids) == sorted(set(ids)) and len(ids) == 14
    assert all(x["question"] in x["raw"] for x in rows)  # each answer came back to its own record
    assert "concurrency" not in json.loads(out.with_name("p.jsonl.manifest.json").read_text())["config"][
        "backend_options"]
    r = run_cli("predict", "--backend", "openai", "--base-url", "http://127.0.0.1:9/v1", "--split", "test",
                "--out", tmp_path / "q.jsonl", "--concurrency", "0")
    assert r.returncode == 2 and "--concurrency" in r.stderr
