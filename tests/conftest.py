import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REAL_DIR = (ROOT.parent / "shared" / "data" / "rjua-qa").resolve()


@pytest.fixture
def real_dir():
    if not (REAL_DIR / "RJUA_valid.json").is_file():
        pytest.skip("real RJUA-QA valid split not present")
    return REAL_DIR


def make_record(i, **kw):
    rec = {"id": str(i), "question": f"问题{i}：尿频尿急怎么办？", "context": f"Context：段落{i}。\nContext：共享段落。",
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
