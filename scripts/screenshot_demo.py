"""Retake the documentation's screenshots in a real headless browser.

    python scripts/screenshot_demo.py                 # docs/demo.png and docs/report.png
    python scripts/screenshot_demo.py --no-report --question "..."

1. ``docs/demo.png``: starts ``rjua demo`` on 127.0.0.1 (a free port, the ``case`` backend, the bundled sample),
   waits until it is ready, asks a self-written patient question in headless Chromium, waits for the
   diagnoses and the evidence, and saves the whole page; the answer shown is printed, so it can be read
   before the picture is committed.
2. ``docs/report.png``: ``rjua eval --split test`` on the bundled sample into a temporary run directory, then
   its ``report.html`` opened in the same browser.

Needs the ``demo`` extra, playwright (``dev``), Chromium and a Chinese font
(``apt-get install chromium fonts-wqy-zenhei``; or ``--chromium PATH``).
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A self-written question (not from any record): a man asking about himself, one side, a classic picture.
QUESTION = ("医生您好，我是男的，38岁。今天早上突然右边腰部一阵一阵地剧烈绞痛，疼到右下腹和大腿根，"
            "小便颜色有点发红，还恶心想吐。急诊B超说右输尿管上段有个5毫米左右的结石，右肾轻度积水。"
            "请问该怎么治疗？")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env() -> dict[str, str]:
    """This checkout's rjua on the bundled sample, whatever the caller's environment points at."""
    env = {k: v for k, v in os.environ.items() if k != "RJUA_DATA_DIR"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    return env


def _wait_http(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"rjua demo exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"rjua demo did not answer on {url} within {timeout:.0f} s")


def shoot_demo(browser, out: Path, question: str) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    cmd = [sys.executable, "-m", "rjua.cli", "demo", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=_env(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _wait_http(url, proc)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, device_scale_factor=1)
        page.goto(url, wait_until="networkidle")
        page.wait_for_function("!document.querySelector('#status').innerText.includes('loading')", timeout=120_000)
        page.fill("#question textarea", question)
        page.click("#submit")
        page.wait_for_function("document.querySelector('#items').innerText.trim().length > 0", timeout=120_000)
        page.wait_for_function("document.querySelector('#passages').innerText.length > 20", timeout=60_000)
        page.wait_for_timeout(500)  # let the last rows render
        print("items:", " | ".join(page.inner_text("#items").split()))
        print("answer:", page.input_value("#answer textarea"))
        page.screenshot(path=str(out), full_page=True)
        page.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out} ({out.stat().st_size:,} bytes)")


def shoot_report(browser, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        run = Path(tmp) / "run"
        subprocess.run([sys.executable, "-m", "rjua.cli", "eval", "--split", "test", "--out", str(run)],
                       env=_env(), cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        page = browser.new_page(viewport={"width": 1200, "height": 1300}, device_scale_factor=1)
        page.goto((run / "report.html").as_uri(), wait_until="load")
        page.screenshot(path=str(out))  # the top of the report: scores, consistency, per-disease F1
        page.close()
    print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out} ({out.stat().st_size:,} bytes)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--question", default=QUESTION, help="the patient question to ask")
    ap.add_argument("--out-dir", type=Path, default=ROOT / "docs", help="where demo.png and report.png go")
    ap.add_argument("--no-report", action="store_true", help="only the demo")
    ap.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"))
    args = ap.parse_args(argv)
    if not args.chromium:
        print("error: Chromium not found (apt-get install chromium, or --chromium PATH)", file=sys.stderr)
        return 2
    if shutil.which("fc-list") and not subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout:
        print("error: no Chinese font, the page would show boxes (apt-get install fonts-wqy-zenhei)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    args.out_dir.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, headless=True, args=BROWSER_ARGS)
        try:
            shoot_demo(browser, args.out_dir / "demo.png", args.question)
            if not args.no_report:
                shoot_report(browser, args.out_dir / "report.png")
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
