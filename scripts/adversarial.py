"""Adversarial pass: hostile inputs thrown at the ``rjua`` command line, one subprocess each, in temporary folders.

Every case runs ``python -m rjua.cli ...`` (or the CLI entry point after registering an in-process test backend)
on a fresh copy of the bundled sample data and is classified:

- ``traceback``: a Python traceback (or the "unexpected error" line) reached the user;
- ``data loss``: a protected input (gold split, predictions, a file outside the run) was changed or removed;
- ``silently wrong score``: the command exited 0 but its score differs from the correct one;
- ``handled``: the expected outcome: an ``error:`` naming the problem (one line, or a multi-problem report of at
  most :data:`MAX_ERROR_LINES` lines) and a non-zero exit, or success with the correct result;
- ``other``: none of these (e.g. exit 0 where a refusal was expected, or a multi-line error).

Classes: output paths over inputs, gold changed mid-run, run outputs in the data dir, hostile synthesis
generations, training paths, failing writes, stale index temp folders, malformed inputs, retrieval settings.

Run: python scripts/adversarial.py [--jobs 2] [--only CLASS] [--json out.json]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
MAX_ERROR_LINES = 5  # "error: N problems found:" and a few of them
SAMPLE = ROOT / "rjua" / "_sample"

# an in-process plugin: test backends registered, then the normal CLI entry point
PLUGIN = r'''
import json, os, sys
from pathlib import Path
from rjua.backends import GenResult, register_backend

class Base:
    name = model = "adv"
    def __init__(self, model=None, **kw): pass
    def count_tokens(self, text): return len(text)
    def reply(self, requests):
        r = GenResult(text="诊断：肾结石\n建议：多饮水", diseases=["肾结石"], advices=["多饮水"])
        return [r for _ in requests]

class Hostile(Base):  # synthesis generator: the text of $ADV_TEXT
    def generate(self, requests):
        text = Path(os.environ["ADV_TEXT"]).read_text(encoding="utf-8", errors="surrogatepass")
        return [GenResult(text=text) for _ in requests]

class Mutate(Base):  # does $ADV_ACTION to $ADV_TARGET on its first call
    done = False
    def generate(self, requests):
        t, act = Path(os.environ["ADV_TARGET"]), os.environ["ADV_ACTION"]
        if not Mutate.done:
            Mutate.done = True
            if act == "relabel":
                rows = [json.loads(x) for x in t.read_text(encoding="utf-8").splitlines() if x.strip()]
                for r in rows:
                    r["disease"], r["advice"] = "别的病", "别的建议"
                t.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
            elif act == "delete":
                t.unlink()
            elif act == "truncate":
                t.write_bytes(t.read_bytes()[: t.stat().st_size // 2])
            elif act == "garbage":
                t.write_text("not json at all\n", encoding="utf-8")
            elif act == "append":
                with open(t, "a", encoding="utf-8") as f:
                    f.write(json.dumps({"id": "x1", "question": "问", "context": "Context：段", "answer": "答",
                                        "disease": "病", "advice": "议"}, ensure_ascii=False) + "\n")
            elif act == "replace":
                t.unlink()
                t.write_text("", encoding="utf-8")
        return self.reply(requests)

class Constant(Base):
    def generate(self, requests): return self.reply(requests)

for n, c in (("hostile", Hostile), ("mutate", Mutate), ("constant", Constant)):
    register_backend(n, c, takes_model=False)
if os.environ.get("ADV_ENOSPC"):  # every write to a file whose name holds $ADV_ENOSPC fails half-way
    import builtins, errno
    real = builtins.open
    class Full:
        def __init__(self, f): self.f = f
        def write(self, s):
            self.f.write(s[: len(s) // 2]); raise OSError(errno.ENOSPC, "No space left on device")
        def __getattr__(self, k): return getattr(self.f, k)
        def __enter__(self): return self
        def __exit__(self, *a): self.f.close()
    def fake(file, mode="r", *a, **kw):
        f = real(file, mode, *a, **kw)
        name = str(file)
        hit = os.environ["ADV_ENOSPC"] in name and not any(x in name for x in ("manifest", "lock"))
        return Full(f) if ("w" in mode or "a" in mode) and hit else f
    builtins.open = fake
from rjua.cli import main
sys.exit(main(sys.argv[1:]))
'''


@dataclass
class Case:
    cls: str
    name: str
    args: list                       # CLI arguments (strings; {d} {t} {p} formatted)
    expect: str = "refuse"           # refuse | ok
    words: tuple = ()                # words the error (refuse) must contain
    plugin: bool = False
    env: dict = field(default_factory=dict)
    setup: Callable | None = None    # setup(tmp) before the run
    check: Callable | None = None    # check(tmp, proc) -> None | "silently wrong score" | "other: why"
    protect: tuple = ("d/RJUA_valid.json", "d/RJUA_test.json", "preds.jsonl")
    repeat: int = 1                  # run the same command this many times (resume)
    timeout: int = 180


def sha(p: Path) -> str | None:
    return hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else None


def prepare(tmp: Path) -> None:
    shutil.copytree(SAMPLE, tmp / "d")
    rows = []
    for line in (tmp / "d" / "RJUA_valid.json").read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            rows.append({"id": r["id"], "answer": r["answer"], "disease": r["disease"], "advice": r["advice"]})
    (tmp / "preds.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                     encoding="utf-8")


def run_case(case: Case, base: Path) -> dict:
    tmp = Path(tempfile.mkdtemp(dir=base))
    prepare(tmp)
    if case.setup:
        case.setup(tmp)
    before = {p: sha(tmp / p) for p in case.protect}
    env = {k: v for k, v in os.environ.items() if k not in ("RJUA_DATA_DIR", "RJUA_DEBUG")}
    env.update(PYTHONPATH=str(ROOT), RJUA_PROGRESS="0", HOME=str(tmp / "home"),
               **{k: v.format(t=tmp) for k, v in case.env.items()})
    args = [str(a).format(d=tmp / "d", t=tmp, p=tmp / "preds.jsonl") for a in case.args]
    cmd = [sys.executable, "-c", PLUGIN, *args] if case.plugin else [sys.executable, "-m", "rjua.cli", *args]
    t0 = time.perf_counter()
    for _ in range(case.repeat):
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace", env=env, cwd=tmp,
                                  timeout=case.timeout)
        except subprocess.TimeoutExpired:
            return {"cls": case.cls, "name": case.name, "verdict": "other", "why": "timed out"}
        if proc.returncode != 0 and case.expect == "ok":
            break
    verdict, why = classify(case, tmp, proc, before)
    out = {"cls": case.cls, "name": case.name, "verdict": verdict, "why": why, "rc": proc.returncode,
           "seconds": round(time.perf_counter() - t0, 1), "stderr_tail": proc.stderr.strip()[-300:]}
    shutil.rmtree(tmp, ignore_errors=True)
    return out


def classify(case: Case, tmp: Path, proc, before: dict) -> tuple[str, str]:
    err = proc.stderr
    if "Traceback (most recent call last)" in err or "RJUA_DEBUG=1 for a traceback" in err:
        return "traceback", err.strip().splitlines()[-1][:200]
    for p, h in before.items():
        if h is not None and sha(tmp / p) != h:
            return "data loss", f"{p} changed or removed"
    if case.expect == "refuse":
        lines = [x for x in err.strip().splitlines() if x.strip()]
        if proc.returncode == 0:
            return "other", "exit 0 where a refusal was expected"
        if len(lines) > MAX_ERROR_LINES or not lines[0].startswith("error:"):
            return "other", f"{len(lines)} stderr lines"
        missing = [w for w in case.words if w not in "\n".join(lines)]
        if missing:
            return "other", f"error does not say {missing}: {lines[0][:160]}"
    elif proc.returncode != 0:
        return "other", f"exit {proc.returncode}: {err.strip()[-200:]}"
    if case.check:
        res = case.check(tmp, proc)
        if res:
            return ("silently wrong score", res) if res.startswith("silently") else ("other", res)
    return "handled", ""


# ------------------------------------------------------------------------------------------------ the cases
def _link(src: str, dst: str, sym: bool = False):
    def setup(tmp):
        (tmp / dst).parent.mkdir(parents=True, exist_ok=True)
        (os.symlink if sym else os.link)(tmp / src, tmp / dst)
    return setup


def _score_ok(f1: float = 1.0, n: int | None = None):
    def check(tmp, proc):
        try:
            s = json.loads(proc.stdout)
        except ValueError:
            return "other: no JSON summary on stdout"
        if abs(s["f1"] - f1) > 1e-9 or (n is not None and s["n"] != n):
            return f"silently wrong score: f1 {s['f1']} n {s['n']} (expected {f1}, {n})"
        return None
    return check


def outputs_over_inputs() -> list[Case]:
    c = []
    score = ["score", "{p}", "--split", "valid", "--data-dir", "{d}"]
    targets = {"gold": ("{d}/RJUA_valid.json", None), "other-gold": ("{d}/RJUA_test.json", None),
               "predictions": ("{p}", None), "hardlink-preds": ("{t}/hl.txt", _link("preds.jsonl", "hl.txt")),
               "symlink-preds": ("{t}/sl.txt", _link("preds.jsonl", "sl.txt", True)),
               "hardlink-gold": ("{t}/g.json", _link("d/RJUA_valid.json", "g.json")),
               "symlink-gold": ("{t}/gs.json", _link("d/RJUA_valid.json", "gs.json", True)),
               "inside-data-dir": ("{d}/report.txt", None), "nested-in-data-dir": ("{d}/sub/x.json", None),
               "dotdot-gold": ("{d}/../d/RJUA_valid.json", None)}
    for opt in ("--out", "--per-sample"):
        for name, (target, setup) in targets.items():
            c.append(Case("outputs over inputs", f"score {opt} {name}", [*score, opt, target], setup=setup))
    c.append(Case("outputs over inputs", "score --out = --per-sample", [*score, "--out", "{t}/a", "--per-sample",
                                                                         "{t}/a"], words=("also",)))
    pred = ["predict", "--split", "valid", "--data-dir", "{d}"]
    for name, (target, setup) in targets.items():
        if name not in ("predictions", "hardlink-preds", "symlink-preds"):
            c.append(Case("outputs over inputs", f"predict --overwrite {name}", [*pred, "--out", target,
                                                                                  "--overwrite"], setup=setup))
    c.append(Case("outputs over inputs", "predict gold (no overwrite)", [*pred, "--out", "{d}/RJUA_valid.json"]))
    c.append(Case("outputs over inputs", "predict RJUA_pred.json twice", [*pred, "--out", "{d}/RJUA_pred.json"],
                  repeat=2, words=("inside the data directory",)))
    for name, target, setup in (("data dir", "{d}", None), ("data dir/.", "{d}/.", None), ("subdir", "{d}/run", None),
                                ("symlink to data dir", "{t}/dl", _link("d", "dl", True))):
        c.append(Case("outputs over inputs", f"eval --out {name}", ["eval", "--split", "test", "--data-dir", "{d}",
                                                                     "--out", target], setup=setup))
    for name, target, setup in (("gold", "{d}/RJUA_valid.json", None), ("predictions", "{p}", None),
                                ("hardlink-preds", "{t}/hl.jsonl", _link("preds.jsonl", "hl.jsonl")),
                                ("inside data dir", "{d}/j.jsonl", None)):
        c.append(Case("outputs over inputs", f"judge --out {name}", ["judge", "{p}", "--split", "valid",
                                                                      "--data-dir", "{d}", "--out", target],
                      setup=setup))
    for name, target, setup in (("inside data dir", "{d}/RJUA_synth.json", None),
                                ("hardlink-gold", "{t}/s.json", _link("d/RJUA_valid.json", "s.json"))):
        c.append(Case("outputs over inputs", f"synth --out {name}", ["synth", "--out", target, "--generator",
                                                                      "case", "--solver", "case", "--n", "1",
                                                                      "--data-dir", "{d}"], setup=setup))
    for name, target in (("data dir", "{d}"), ("inside data dir", "{d}/idx")):
        c.append(Case("outputs over inputs", f"index build --out {name}", ["index", "build", "--out", target,
                                                                            "--data-dir", "{d}"]))
    for cmd, cfg, target in (("run", "run_tiny", "{d}"), ("run", "run_tiny", "{d}/run"), ("sft", "sft_tiny", "{d}/s")):
        c.append(Case("outputs over inputs", f"train {cmd} output_dir={target[3:] or 'data dir'}",
                      ["train", cmd, "--config", cfg, f"output_dir={target}", "data.data_dir={d}"],
                      words=("inside the data directory",)))
    return c


def gold_mid_run() -> list[Case]:
    c = []
    for act in ("relabel", "delete", "truncate", "garbage", "append", "replace"):
        def check(tmp, proc):
            s = json.loads(proc.stdout)
            cfg = json.loads((tmp / "run" / "config.json").read_text(encoding="utf-8"))
            if cfg["config"]["data_sha256"] != ORIGINAL_TEST_SHA:
                return "silently wrong score: config.json records another data_sha256"
            if abs(s["f1"] - CLEAN_F1["test"]) > 1e-9 or s["n"] != CLEAN_F1["n"]:
                return f"silently wrong score: f1 {s['f1']} (clean run {CLEAN_F1['test']})"
            return None
        c.append(Case("gold changed mid-run", f"eval while the split is {act}d",
                      ["eval", "--split", "test", "--data-dir", "{d}", "--out", "{t}/run", "--backend", "mutate",
                       "--context", "none", "--batch-size", "2", "--resamples", "10", "--json"], expect="ok",
                      plugin=True, env={"ADV_TARGET": "{t}/d/RJUA_test.json", "ADV_ACTION": act}, check=check,
                      protect=("d/RJUA_valid.json", "preds.jsonl")))
    return c


def outputs_become_splits() -> list[Case]:
    def put(name: str, text: str):
        def setup(tmp):
            (tmp / "d" / name).write_text(text, encoding="utf-8")
        return setup
    pred_row = json.dumps({"id": "101", "answer": "答", "disease": "病", "advice": "议", "question": "问",
                           "evidence": {}}, ensure_ascii=False) + "\n"
    files = {"predictions.jsonl": pred_row, "per_sample.jsonl": '{"id": "101", "f1": 0.5}\n',
             "scores.json": '{"f1": 0.5}', "config.json": '{"config": {"split": "valid"}}',
             "preds.jsonl.manifest.json": '{"config": {}}', "p.judge.jsonl": '{"id": "1", "question": "q"}\n',
             "s.jsonl.rejected.jsonl": pred_row, "notes.json": '{"question": "只有问题"}\n',
             "valid2.jsonl": pred_row, "extra.json": "[" + pred_row.strip() + "]",
             ".RJUA_valid.json.tmp-123": pred_row, "RJUA_valid.json.tmp": pred_row, "report.md": "# report\n"}
    def only_two_splits(tmp, proc):  # `data stats` reads every split found: exactly test and valid
        found = [line.split("]")[0][1:] for line in proc.stdout.splitlines() if line.startswith("[")]
        return None if found == ["test", "valid"] else f"other: splits found {found}"
    return [Case("run outputs become splits", f"data stats with {n} in the data dir", ["data", "stats",
                                                                                      "--data-dir", "{d}"],
                 expect="ok", setup=put(n, t), check=only_two_splits) for n, t in files.items()]


HOSTILE_TEXTS: dict[str, str] = {
    "escaped surrogate in advice": '{"question": "q", "answer": "a", "disease": "d", "advice": "\\udfff"}',
    "decoded surrogate in text": '{"question": "q\udfff", "answer": "a", "disease": "d", "advice": "x"}',
    "surrogate outside the JSON": "好的\udfff " + '{"question": "q"}',
    "unbalanced {\"a\": x50000": '{"a":' * 50_000,
    "balanced nesting 30000": '{"a":' * 30_000 + "1" + "}" * 30_000,
    "5000-digit integer": '{"question": ' + "9" * 5000 + "}",
    "2M-character question": '{"question": "' + "问" * 2_000_000 + '"}',
    "{ x 1,000,000": "{" * 1_000_000,
    "} x 100,000": "}" * 100_000,
    "quotes x 100,000": '"' * 100_000,
    "disease is a separator": '{"question": "q", "answer": "a", "disease": "、", "advice": "x", "passage_ids": []}',
    "passage_ids objects": '{"question": "q", "answer": "a", "disease": "d", "advice": "x", "passage_ids": [{}]}',
    "10,000 passage ids": json.dumps({"question": "q", "answer": "a", "disease": "d", "advice": "x",
                                      "passage_ids": list(range(10_000))}),
    "question a long list": json.dumps({"question": ["x"] * 100_000, "answer": "a", "disease": "d", "advice": "x"}),
    "NaN and Infinity": '{"question": NaN, "answer": Infinity, "disease": -Infinity, "advice": "x"}',
    "1e400": '{"question": 1e400, "answer": "a", "disease": "d", "advice": "x"}',
    "a JSON array": '[{"question": "q"}]',
    "a JSON string": '"question"',
    "empty": "",
    "NUL bytes": '{"question": "q\x00", "answer": "\x00", "disease": "d", "advice": "x"}',
    "prose with braces 150k": "说明 {x} " * 20_000,
    "10,000 keys": json.dumps({f"k{i}": i for i in range(10_000)}),
    "control characters": '{"question": "\\u001b]0;owned\\u0007", "answer": "a", "disease": "d", "advice": "x"}',
}


def hostile_generations() -> list[Case]:
    def setup_for(text):
        def setup(tmp):
            (tmp / "gen.txt").write_text(text, encoding="utf-8", errors="surrogatepass")
        return setup

    def check(tmp, proc):
        try:
            rep = json.loads(proc.stdout)
        except ValueError:
            return "other: no report on stdout"
        if rep.get("processed") != 2:
            return f"other: processed {rep.get('processed')} of 2"
        sys.path.insert(0, str(ROOT))
        from rjua.runs import read_done

        try:
            read_done(tmp / "s.jsonl.rejected.jsonl")
        except Exception as e:  # noqa: BLE001 - any failure to read back is a finding
            return f"other: rejected file unreadable: {e}"
        return None
    args = ["synth", "--out", "{t}/s.jsonl", "--generator", "hostile", "--solver", "case", "--weak", "none",
            "--n", "2", "--data-dir", "{d}"]
    return [Case("hostile synthesis generations", name, args, expect="ok", plugin=True, setup=setup_for(text),
                 env={"ADV_TEXT": "{t}/gen.txt"}, check=check, repeat=2) for name, text in HOSTILE_TEXTS.items()]


def training_paths() -> list[Case]:
    def nothing_created(name):
        def check(tmp, proc):
            return f"other: {name} was created" if (tmp / name).exists() else None
        return check

    def mk(tmp):
        (tmp / "empty").mkdir()
        (tmp / "afile").write_text("x")
        (tmp / "bad").mkdir()
        (tmp / "bad" / "RJUA_valid.json").write_text('{"id": "1"}\n')
    c = []
    for cmd, cfg in (("run", "run_tiny"), ("sft", "sft_tiny"), ("rl", "rl_c3po_tiny"), ("stages", "stages_tiny")):
        out = "stage1.output_dir" if cmd == "stages" else "output_dir"
        for name, extra, words in (("data dir missing", ["data.data_dir=/nonexistent-adv"], ("/nonexistent-adv",)),
                                   ("malformed data", ["data.data_dir={t}/bad"], ("RJUA_valid.json",)),
                                   ("no such split", ["data.split=nosuch"], ("nosuch",))):
            if cmd == "stages":
                extra = [e.replace("data.", "stage1.data.") for e in extra]
            c.append(Case("training paths", f"train {cmd}: {name}", ["train", cmd, "--config", cfg,
                                                                     f"{out}={{t}}/X", *extra],
                          words=words, setup=mk, check=nothing_created("X")))
    for name, model, words in (("empty folder", "{t}/empty", ("not a model folder",)),
                               ("a file", "{t}/afile", ("not a model folder",)),
                               ("~ path", "~/no-such-model", ("does not exist",)),
                               ("./ path", "./no-such-model", ("does not exist",))):
        for cmd, cfg in (("run", "run_tiny"), ("sft", "sft_tiny")):
            c.append(Case("training paths", f"train {cmd}: model is {name}", ["train", cmd, "--config", cfg,
                                                                             f"model={model}", "output_dir={t}/X"],
                          words=words, setup=mk, check=nothing_created("X")))
    c.append(Case("training paths", "train run: output_dir is a file", ["train", "run", "--config", "run_tiny",
                                                                       "output_dir={t}/afile"], setup=mk,
                  words=("is a file",)))
    return c


def failing_writes() -> list[Case]:
    score = ["score", "{p}", "--split", "valid", "--data-dir", "{d}"]
    c = [Case("failing writes", f"score {o} {t}", [*score, o, t], words=(t,))
         for o in ("--out", "--per-sample") for t in ("/dev/full", "/proc/version")]

    def no_leftovers(tmp, proc):
        left = [p.name for p in tmp.iterdir() if p.name.startswith(("per", ".per", "rep", ".rep"))]
        return f"other: left behind {left}" if left else None
    for o, name in (("--per-sample", "per.jsonl"), ("--out", "rep.txt")):
        c.append(Case("failing writes", f"score {o}: disk full mid-write", [*score, o, f"{{t}}/{name}"],
                      plugin=True, env={"ADV_ENOSPC": name}, words=(name, "No space left"), check=no_leftovers))
    c.append(Case("failing writes", "score --per-sample under a file", [*score, "--per-sample", "{p}/x.jsonl"],
                  words=("preds.jsonl",)))
    c.append(Case("failing writes", "predict: disk full mid-run", ["predict", "--split", "test", "--out",
                                                                    "{t}/o.jsonl", "--backend", "constant",
                                                                    "--context", "none"],
                  plugin=True, env={"ADV_ENOSPC": "o.jsonl"}, words=("o.jsonl",)))
    for act in ("delete", "replace"):
        c.append(Case("failing writes", f"predict: output {act}d mid-run",
                      ["predict", "--split", "test", "--out", "{t}/o.jsonl", "--backend", "mutate", "--context",
                       "none", "--batch-size", "2"], plugin=True,
                      env={"ADV_TARGET": "{t}/o.jsonl", "ADV_ACTION": act}, words=("o.jsonl", "during the run")))
    c.append(Case("failing writes", "eval --out under /proc", ["eval", "--split", "test", "--out", "/proc/adv-run"]))
    return c


def stale_index_temps() -> list[Case]:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    alive = str(os.getpid())
    specs = {"dead tmp": (f".idx.tmp-{dead}-aa", False), "dead old": (f".idx.old-{dead}-bb", False),
             "live tmp": (f".idx.tmp-{alive}-cc", True), "not a pid": (".idx.tmp-abc-dd", True),
             "huge pid": (".idx.tmp-99999999999999999999-ee", True), "other index": (f".idy.tmp-{dead}-ff", True),
             "a file, not a folder": (f".idx.tmp-{dead}-file", True),
             "symlink to outside": (f".idx.tmp-{dead}-link", True)}
    c = []
    for name, (fname, keep) in specs.items():
        def setup(tmp, fname=fname):
            if "file" in fname:
                (tmp / fname).write_text("x")
            elif "link" in fname:
                (tmp / "outside").mkdir()
                (tmp / "outside" / "canary").write_text("alive")
                os.symlink(tmp / "outside", tmp / fname)
            else:
                (tmp / fname).mkdir()
                (tmp / fname / "passages.jsonl").write_text("x" * 1000)

        def check(tmp, proc, fname=fname, keep=keep):
            exists = os.path.lexists(tmp / fname)
            if "link" in fname and not (tmp / "outside" / "canary").is_file():
                return "other: followed a symlink and deleted outside files"
            if exists != keep:
                return f"other: {fname} {'removed' if exists is False else 'left behind'}"
            return None
        c.append(Case("stale index temp folders", name, ["index", "build", "--out", "{t}/idx"], expect="ok",
                      setup=setup, check=check))
    return c


def malformed_inputs() -> list[Case]:
    rows = None

    def write(data: bytes):
        def setup(tmp):
            (tmp / "bad.jsonl").write_bytes(data.replace(b"@GOOD@", (tmp / "preds.jsonl").read_bytes()))
        return setup
    bad = {"lone surrogate": b'{"id": "101", "answer": "\\udfff"}\n', "deep nesting": b"[" * 100_000,
           "5000-digit id": b'{"id": ' + b"1" * 5000 + b"}\n", "not UTF-8": b'{"id": "\xff\xfe"}\n',
           "empty": b"", "only blank lines": b"\n\n \n", "CSV": b"id,answer\n101,x\n" * 50,
           "binary": bytes(range(256)) * 10, "NUL bytes": b"\x00" * 1000, "missing id": b'{"answer": "x"}\n',
           "id is a list": b'{"id": [1]}\n', "answer is a dict": b'{"id": "101", "answer": {}}\n',
           "10 MB line": b'{"id": "101", "answer": "' + b"x" * 10_000_000 + b'"}\n',
           "NaN": b'{"id": "101", "answer": NaN}\n', "top-level number": b"42\n", "unknown ids": b'{"id": "zz"}\n'}
    c = [Case("malformed inputs", f"score predictions: {n}", ["score", "{t}/bad.jsonl", "--split", "valid",
                                                              "--data-dir", "{d}"], setup=write(b))
         for n, b in bad.items()]
    ok = {"BOM": b"\xef\xbb\xbf@GOOD@", "CRLF": None, "truncated last line": b"@GOOD@" + b'{"id": "10'}
    for n, b in ok.items():
        def setup(tmp, b=b):
            good = (tmp / "preds.jsonl").read_bytes()
            data = good.replace(b"\n", b"\r\n") if b is None else b.replace(b"@GOOD@", good)
            (tmp / "bad.jsonl").write_bytes(data)
        expect, check = ("ok", _score_ok(1.0, 16)) if n != "truncated last line" else ("refuse", None)
        c.append(Case("malformed inputs", f"score predictions: {n}", ["score", "{t}/bad.jsonl", "--split", "valid",
                                                                      "--data-dir", "{d}", "--json"],
                      expect=expect, setup=setup, check=check))
    for n, b in (("gold with a surrogate", b'{"id": "1", "question": "\\udfff"}\n'),
                 ("gold nested", b"{" * 100_000), ("gold not UTF-8", b"\xff\n")):
        def setup(tmp, b=b):
            (tmp / "d" / "RJUA_valid.json").write_bytes(b)
        c.append(Case("malformed inputs", f"score: {n}", ["score", "--gold-as-prediction", "--split", "valid",
                                                          "--data-dir", "{d}"], setup=setup, protect=()))
    c.append(Case("malformed inputs", "score: predictions is a directory", ["score", "{d}", "--split", "valid",
                                                                            "--data-dir", "{d}"]))
    c.append(Case("malformed inputs", "score: no such predictions", ["score", "{t}/nope", "--split", "valid",
                                                                     "--data-dir", "{d}"]))
    del rows
    return c


def retrieval_settings() -> list[Case]:
    return [Case("retrieval settings", f"answer --retrieval {v}", ["answer", "尿频尿急怎么办", "--retrieval", v])
            for v in ("rrf_k=1e309", "depth=1e12", "depth=-1", "case_weight=nan", "case_weight=inf",
                      "case_weight=-5", "rrf_k=-1")]


CLASSES = (outputs_over_inputs, gold_mid_run, outputs_become_splits, hostile_generations, training_paths,
           failing_writes, stale_index_temps, malformed_inputs, retrieval_settings)
ORIGINAL_TEST_SHA = hashlib.sha256((SAMPLE / "RJUA_test.json").read_bytes()).hexdigest()
CLEAN_F1: dict = {}


def clean_baseline(base: Path) -> None:
    """The test split's score with the constant backend on untouched data (what every mid-run case must match)."""
    tmp = Path(tempfile.mkdtemp(dir=base))
    prepare(tmp)
    env = {k: v for k, v in os.environ.items() if k not in ("RJUA_DATA_DIR", "RJUA_DEBUG")}
    env.update(PYTHONPATH=str(ROOT), RJUA_PROGRESS="0")
    proc = subprocess.run([sys.executable, "-c", PLUGIN, "eval", "--split", "test", "--data-dir", str(tmp / "d"),
                           "--out", str(tmp / "run"), "--backend", "constant", "--context", "none", "--batch-size",
                           "2", "--resamples", "10", "--json"], capture_output=True, text=True, env=env, cwd=tmp)
    s = json.loads(proc.stdout)
    CLEAN_F1.update(test=s["f1"], n=s["n"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", help="run one class (substring of its name)")
    ap.add_argument("--json", type=Path, help="write every case's result here")
    a = ap.parse_args()
    cases = [c for make in CLASSES for c in make() if not a.only or a.only in c.cls]
    base = Path(tempfile.mkdtemp(prefix="rjua-adv-"))
    t0 = time.perf_counter()
    clean_baseline(base)
    done = Counter()

    def one(c):
        r = run_case(c, base)
        done["n"] += 1
        print(f"[{done['n']}/{len(cases)}] {r['verdict']}: {c.cls} / {c.name}", file=sys.stderr, flush=True)
        return r
    with ThreadPoolExecutor(a.jobs) as ex:
        results = list(ex.map(one, cases))
    shutil.rmtree(base, ignore_errors=True)
    by = defaultdict(Counter)
    for r in results:
        by[r["cls"]][r["verdict"]] += 1
    kinds = ("handled", "data loss", "silently wrong score", "traceback", "other")
    print(f"{len(results)} hostile inputs, {time.perf_counter() - t0:.0f} s wall\n")
    print(f"| class | inputs | {' | '.join(kinds)} |\n|---|---:|" + "---:|" * len(kinds))
    for cls, cnt in by.items():
        print(f"| {cls} | {sum(cnt.values())} | " + " | ".join(str(cnt.get(k, 0)) for k in kinds) + " |")
    total = Counter(r["verdict"] for r in results)
    print(f"| **all** | {len(results)} | " + " | ".join(str(total.get(k, 0)) for k in kinds) + " |\n")
    for r in results:
        if r["verdict"] != "handled":
            print(f"- [{r['verdict']}] {r['cls']} / {r['name']}: {r['why']}")
    if a.json:
        a.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if total["handled"] == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
