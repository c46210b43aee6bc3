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
        page.wait_for_function("document.querySelector('#items') && document.querySelector('#items').innerText.includes('前列腺')",
                               timeout=60_000)
        page.wait_for_function("document.querySelector('#passages').innerText.length > 20", timeout=30_000)
        assert "前列腺" in page.inner_text("#cases")
        assert "不构成医疗建议" in page.inner_text("#disclaimer")
        assert page.evaluate("window.__xss") is None  # model/question text is rendered as text
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert shot.stat().st_size > 10_000


def test_rjua_demo_command_binds_loopback():
    from gradio_client import Client

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "rjua.cli", "demo", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
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
        r = Client(f"http://127.0.0.1:{port}/", verbose=False).predict("尿频尿急尿痛", api_name="/answer")
        assert r["diseases"]
        out = subprocess.run(["ss", "-ltn"], capture_output=True, text=True).stdout if shutil.which("ss") else ""
        if out:
            assert f"127.0.0.1:{port}" in out and f"0.0.0.0:{port}" not in out
    finally:
        proc.terminate()
        proc.wait(timeout=20)
