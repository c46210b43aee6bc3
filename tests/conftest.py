import contextlib
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Real data: $RJUA_DATA_DIR when set, else ../shared/data/rjua-qa. The variable is then removed from
# this process's environment so the other tests keep using the bundled sample they were written for.
REAL_DIR = Path(os.environ.pop("RJUA_DATA_DIR", "") or (ROOT.parent / "shared" / "data" / "rjua-qa")).resolve()


def real_data_present() -> bool:
    return any((REAL_DIR / n).is_file() for n in ("RJUA_valid.json", "rjua_valid.json", "valid.jsonl", "valid.json"))


@pytest.fixture
def real_dir():
    if not real_data_present():
        pytest.skip(f"real RJUA-QA valid split not present in {REAL_DIR} (set RJUA_DATA_DIR)")
    return REAL_DIR


def pytest_collection_modifyitems(config, items):
    """Every test that reads the real data carries the ``real_data`` marker (so ``-m "not real_data"`` works)."""
    for item in items:
        if "real_dir" in getattr(item, "fixturenames", ()) and item.get_closest_marker("real_data") is None:
            item.add_marker(pytest.mark.real_data)


def make_record(i, **kw):
    rec = {"id": str(i), "question": f"问题{i}：尿频尿急怎么办？",
           "context": f"Context：段落{i}。\nContext：共享段落。",
           "answer": f"考虑膀胱炎{i}。", "disease": f"膀胱炎{i}、尿路感染", "advice": "多饮水、尿常规"}
    rec.update(kw)
    return rec


def write_jsonl(path, records, raw_lines=None):
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    if raw_lines:
        for idx, raw in raw_lines.items():
            lines[idx] = raw
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Path(path)


def run_cli(*args, env=None, cwd=None):
    e = dict(os.environ)
    e.pop("RJUA_DEBUG", None)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "rjua.cli", *map(str, args)], capture_output=True, text=True,
                          env=e, cwd=cwd or ROOT, timeout=300)


def on_device(inputs: dict, model) -> dict:
    """A hand-built trainer batch moved to the model's device (TRL's own batches already live there), so the
    trainer tests also run on a GPU machine."""
    return {k: v.to(model.device) if hasattr(v, "to") else v for k, v in inputs.items()}


@contextlib.contextmanager
def json_server(respond):
    """A local HTTP server on 127.0.0.1 answering every POST with ``respond(path, body) -> (status, obj)`` as JSON;
    yields its ``/v1`` base URL."""
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            code, obj = respond(self.path, json.loads(raw) if raw else {})
            data = json.dumps(obj, ensure_ascii=False).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *a):
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}/v1"
    finally:
        srv.shutdown()
        srv.server_close()
