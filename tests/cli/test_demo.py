import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "apps"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url():
    from demo import build_demo

    from rjua.service import DemoService

    app = build_demo(DemoService.from_data())
    port = free_port()
    app.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    app.close()


def test_library_has_no_ui_imports():
    code = ("import sys, rjua, rjua.pipeline, rjua.service, rjua.scoring, rjua.retrieval; "
            "print('gradio' in sys.modules, 'typer' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT).stdout.split()
    assert out == ["False", "False"]


def test_module_level_demo_exists():
    import demo as d
    import gradio as gr

    assert isinstance(d.demo, gr.Blocks)


def test_answer_endpoint_with_gradio_client(app_url):
    from gradio_client import Client

    c = Client(app_url, verbose=False)
    r = c.predict("我右侧腰部绞痛，尿里有血，B超提示右输尿管结石", api_name="/answer")
    assert {"diseases", "advice", "answer", "evidence"} <= set(r)
    assert r["diseases"] and r["evidence"]["passages"] and r["evidence"]["similar_cases"]
    assert "不构成医疗建议" in r["disclaimer"]
    for bad, msg in (("   ", "empty"), ("尿" * 2001, "too long")):
        with pytest.raises(Exception, match=msg):
            c.predict(bad, api_name="/answer")


def test_question_from_data_never_sees_itself(app_url):
    from gradio_client import Client

    from rjua.data import load_split

    rec = load_split("valid")[0]
    r = Client(app_url, verbose=False).predict(rec.question, api_name="/answer")
    assert f"valid:{rec.id}" not in [c["key"] for c in r["evidence"]["similar_cases"]]


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM, reason="Debian chromium not installed")
def test_real_browser_question_to_evidence(app_url, tmp_path):
    from playwright.sync_api import sync_playwright

    shot = Path(os.environ.get("RJUA_SCREENSHOT", tmp_path / "demo.png"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1400, "height": 1300})
        page.goto(app_url, wait_until="networkidle")
        xss = '<img src=x onerror="window.__xss=1">'
        page.fill("#question textarea", "我65岁，晚上起夜4次，小便很慢很细，尿不干净。" + xss)
        page.click("#submit")
        page.wait_for_function("document.querySelector('#items') "
                               "&& document.querySelector('#items').innerText.includes('前列腺')",
                               timeout=60_000)
        page.wait_for_function("document.querySelector('#passages').innerText.length > 20", timeout=30_000)
        assert "前列腺" in page.inner_text("#cases")
        assert "不构成医疗建议" in page.inner_text("#disclaimer")
        assert page.evaluate("window.__xss") is None  # model/question text is rendered as text
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert shot.stat().st_size > 10_000


def test_rjua_demo_command_binds_loopback(tmp_path):
    from gradio_client import Client

    port = free_port()
    err = open(tmp_path / "demo.log", "w+")  # noqa: SIM115 (the child writes it until the end)
    proc = subprocess.Popen([sys.executable, "-m", "rjua.cli", "demo", "--port", str(port)], cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=err)
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("demo did not start")
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        for _ in range(120):  # the pipeline loads in the background; "loading" until then
            try:
                r = client.predict("尿频尿急尿痛", api_name="/answer")
                break
            except Exception as e:
                assert "loading" in str(e)
                time.sleep(0.5)
        assert r["diseases"]
        with pytest.raises(Exception, match="empty"):
            client.predict("   ", api_name="/answer")
        out = subprocess.run(["ss", "-ltn"], capture_output=True, text=True).stdout if shutil.which("ss") else ""
        if out:
            assert f"127.0.0.1:{port}" in out and f"0.0.0.0:{port}" not in out
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    err.close()
    log = (tmp_path / "demo.log").read_text(encoding="utf-8")
    assert "loading lexical retrieval" in log and "ready in" in log and "serving on http://127.0.0.1" in log
    assert "refused: 请输入问题" in log  # an expected input error is logged as one line ...
    assert "Traceback" not in log  # ... without a traceback


class _Backend:
    name, model = "fake", "m"


class _Pipe:
    """A pipeline whose backend misbehaves the way a malformed endpoint reply did."""

    backend = _Backend()

    def __init__(self, raise_exc=None, error=None):
        self.raise_exc, self.error = raise_exc, error

    def answer(self, q, exclude=()):
        from rjua.pipeline import Prediction

        if self.raise_exc:
            raise self.raise_exc
        return Prediction(id="q0", answer="", diseases=[], advices=[], evidence={}, backend="fake", model="m",
                          latency_s=0.0, error=self.error)


@pytest.mark.parametrize("pipe", [_Pipe(raise_exc=AttributeError("'list' object has no attribute 'get'")),
                                  _Pipe(error="AttributeError: 'list' object has no attribute 'get'")])
def test_unexpected_backend_error_is_a_friendly_message(pipe, caplog):
    from rjua.errors import RJUAError
    from rjua.service import DemoService

    svc = DemoService.from_data()
    svc.pipeline = pipe
    with caplog.at_level("ERROR", logger="rjua.demo"), pytest.raises(RJUAError) as ei:
        svc.answer("尿频尿急尿痛")
    msg = str(ei.value)
    assert "'list'" not in msg and "attribute" not in msg and "server log" in msg
    assert "'list' object has no attribute 'get'" in caplog.text  # the detail stays server-side


def test_friendly_error_classes():
    from rjua.service import friendly_error

    assert "超时" in friendly_error(TimeoutError("The read operation timed out"))
    assert "无法连接" in friendly_error(ConnectionRefusedError(111, "Connection refused"))
    assert "凭据" in friendly_error("HTTP 401 Unauthorized")
    assert "Traceback" not in friendly_error(KeyError("usage"))


def test_non_text_question_is_refused_plainly():
    from rjua.errors import RJUAError
    from rjua.service import DemoService

    with pytest.raises(RJUAError, match="must be text"):
        DemoService.from_data().answer(["a", "b"])


def test_service_serves_while_the_pipeline_loads(monkeypatch):
    import threading

    import rjua.pipeline
    from rjua.errors import RJUAError
    from rjua.service import LOADING, DemoService

    real, gate = rjua.pipeline.build_pipeline, threading.Event()

    def slow(*a, **k):
        gate.wait(30)
        return real(*a, **k)

    monkeypatch.setattr(rjua.pipeline, "build_pipeline", slow)
    t0 = time.perf_counter()
    svc = DemoService.from_data(background=True)
    assert time.perf_counter() - t0 < 5 and svc.status == "loading…"
    with pytest.raises(RJUAError) as ei:
        svc.answer("尿频尿急尿痛")
    assert str(ei.value) == LOADING
    gate.set()
    assert svc.wait(60) and svc.status == "ready"
    assert svc.answer("尿频尿急尿痛")["diseases"]


def test_failed_background_load_is_reported(tmp_path):
    from rjua.errors import RJUAError
    from rjua.service import DemoService

    svc = DemoService.from_data(index=tmp_path / "no-index", background=True)
    assert not svc.wait(60) and svc.status.startswith("failed: ")
    with pytest.raises(RJUAError, match="failed to start"):
        svc.answer("尿频")


def test_demo_command_refuses_a_missing_index_at_once(tmp_path):
    from conftest import run_cli

    r = run_cli("demo", "--index", tmp_path / "nope", "--port", str(free_port()))
    assert r.returncode == 2 and "index directory not found" in r.stderr and "Traceback" not in r.stderr


def test_demo_app_is_importable_from_the_package_and_takes_arguments(tmp_path):
    import gradio as gr

    from rjua.cli import demo_app

    app = demo_app.create_app(background=False)
    assert isinstance(app, gr.Blocks)
    src = (ROOT / "rjua" / "cli" / "demo.py").read_text(encoding="utf-8")
    assert "os.environ" not in src and "spec_from_file_location" not in src


def test_a_submit_while_loading_gets_a_waiting_message_not_an_error(monkeypatch):
    import threading

    import rjua.pipeline
    from rjua.errors import RJUAError
    from rjua.service import LOADING, DemoService

    real, gate = rjua.pipeline.build_pipeline, threading.Event()
    monkeypatch.setattr(rjua.pipeline, "build_pipeline", lambda *a, **k: (gate.wait(30), real(*a, **k))[1])
    svc = DemoService.from_data(background=True)
    assert svc.answer_or_wait("尿频尿急尿痛") == {"waiting": LOADING}
    with pytest.raises(RJUAError, match="empty"):  # a question that can never be answered is still refused
        svc.answer_or_wait("  ")
    gate.set()
    assert svc.wait(60) and svc.answer_or_wait("尿频尿急尿痛")["diseases"]


def _event(app, name):
    return next(f for f in app.fns.values() if f.name == name)


def test_each_request_first_clears_the_previous_answer_and_renders_only_on_success():
    from demo import build_demo

    from rjua.service import DemoService

    app = build_demo(DemoService.from_data())
    ids = {b.elem_id: b._id for b in app.blocks.values() if getattr(b, "elem_id", None)}
    for fid, f in app.fns.items():
        if f.name.startswith("answer"):
            clear = app.fns[f.trigger_after]  # the answer runs after a step that empties the screen
            assert clear.name.startswith("clear") and f.trigger_after is not None
            out = {o._id for o in clear.outputs}
            assert {ids["answer"], ids["items"], ids["passages"], ids["cases"]} <= out
            assert all(not v for v in clear.fn())
            render = next(g for g in app.fns.values() if g.trigger_after == fid)
            assert render.name.startswith("render") and render.trigger_only_on_success


def test_similar_cases_sorted_by_score_and_records_numerically():
    from rjua.service import DemoService

    svc = DemoService.from_data()
    sims = [c["similarity"] for c in svc.answer("我右侧腰部绞痛，尿里有血")["evidence"]["similar_cases"]]
    assert sims == sorted(sims, reverse=True) and len(sims) > 1
    from rjua.data import Record

    rec = Record.from_dict({"id": "1", "question": "尿频", "context": "", "answer": "", "disease": "", "advice": ""})
    picker = DemoService(None, {k: ("valid", rec) for k in ("valid:10", "test:2", "valid:9", "valid:100")})
    assert picker.record_keys == ["test:2", "valid:9", "valid:10", "valid:100"]


def test_record_picker_filters_as_you_type():
    import gradio as gr
    from demo import build_demo

    from rjua.service import DemoService

    svc = DemoService.from_data()
    app = build_demo(svc)
    picker = next(b for b in app.blocks.values() if getattr(b, "elem_id", None) == "record")
    assert isinstance(picker, gr.Dropdown) and picker.filterable
    assert [c[1] if isinstance(c, tuple) else c for c in picker.choices] == svc.record_keys


def test_shared_words_highlight_skips_stop_words():
    from rjua.service import highlight

    marked = [s for s, tag in highlight("是否需要处理取决于结石大小", "我的结石需要处理吗？是一个大问题") if tag]
    assert marked == ["结石"]
    assert highlight("需要处理", "需要处理") == [("需要处理", None)]


def test_the_answer_line_shows_faithfulness_beside_consistency():
    from rjua.service import DemoService, consistency_note

    out = DemoService.from_data().answer("我右侧腰部绞痛，尿里有血，B超提示右输尿管结石")
    assert isinstance(out["faithfulness"], list)
    note = consistency_note(out)
    assert "一致性检查 consistency" in note and "忠实性 faithfulness" in note
    planted = dict(out, faithfulness=[{"rule": "fact_history", "term": "糖尿病"}])
    assert "⚠ fact_history: 糖尿病" in consistency_note(planted)
