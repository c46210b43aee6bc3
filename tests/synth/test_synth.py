import json

import pytest

from rjua.backends.scripted import ScriptedBackend
from rjua.data import load_all, load_split, read_records
from rjua.synth import build_taxonomy, make_seeds, run_synth
from rjua.synth.filters import NgramIndex
from rjua.synth.pipeline import parse_case, pool_records


def seed_fields(req):
    """Target diagnosis, distractor and passage ids from a generator prompt."""
    u = req.messages[1]["content"]
    target = u.split("目标诊断：")[1].split("\n")[0]
    distractor = u.split("干扰诊断：")[1].split("\n")[0]
    pids = [line[1:line.index("]")] for line in u.split("【指南段落】\n")[1].splitlines() if line.startswith("[")]
    return target, distractor, pids


POOL_ADVICE = build_taxonomy(pool_records(load_all(), ["valid"])).advices  # advice seen with each diagnosis


def good_case(target, pids, k):
    side = next((f"{s}侧" for s in "左右双" if s in target), "")  # a sided diagnosis needs the side in the question
    return {"question": f"医生您好，我是{40 + k}岁患者，第{k}次就诊，最近出现{side}相关不适，检查结果异常，"
                        f"编号{k}{k}{k}，请问怎么办？",
            "answer": f"您好，考虑{target}，建议进一步检查并规范治疗。", "disease": target,
            "advice": "、".join(list(POOL_ADVICE.get(target, {"多饮水": 1}))[:2]),
            "passage_ids": pids[:1]}


def test_parse_case_accepts_fences_and_rejects_prose():
    assert parse_case('好的```json\n{"question": "q"}\n```') == {"question": "q"}
    assert parse_case("没有 JSON") is None


def test_taxonomy_and_seeds_cover_specialties():
    tax = build_taxonomy(load_all())
    seeds = make_seeds(tax, 12, seed=1)
    assert len(seeds) == 12 and len({s.specialty for s in seeds}) == min(12, len(tax.specialties))
    for s in seeds:
        assert s.passage_ids and s.disease in tax.diseases and s.distractor != s.disease
        assert len(s.constraints) == 5


def test_every_phase_and_every_rejection_reason(tmp_path):
    evalq = load_split("test")[0].question
    plan = ["good", "unparseable", "format", "ungrounded", "not_in_vocabulary", "wrong_diagnosis", "ambiguous",
            "inconsistent", "diagnosis_in_question", "advice_unverified", "patient_inconsistent", "contaminated",
            "duplicate", "unsolvable", "trivial"]
    counter = {"i": 0}

    def generate(req):
        target, distractor, pids = seed_fields(req)
        kind = plan[counter["i"] % len(plan)]
        k = counter["i"]
        counter["i"] += 1
        c = good_case(target, pids, k)
        if kind == "unparseable":
            return "抱歉，我无法完成。"
        if kind == "format":
            c["advice"] = ""
        elif kind == "ungrounded":
            c["passage_ids"] = ["p000000000000"]
        elif kind == "not_in_vocabulary":
            c["disease"] = "火星综合征"
        elif kind == "wrong_diagnosis":
            c["disease"] = distractor + "、" + target
        elif kind == "ambiguous":
            c["disease"] = target + "、" + distractor
        elif kind == "inconsistent":
            c["answer"] = "您好，建议多喝水。"
        elif kind == "diagnosis_in_question":
            c["question"] = f"我被诊断为{target}，第{k}次来问，怎么办？"
        elif kind == "advice_unverified":
            c["advice"] += "、服用祖传秘方"
        elif kind == "patient_inconsistent":
            c["question"] = c["question"].replace("岁患者", "岁女性")
            c["answer"] += "需查前列腺特异性抗原。"
        elif kind == "contaminated":
            c["question"] = evalq[:-2] + "呢？"  # planted near-copy of an evaluation question
        elif kind == "duplicate":
            c["question"] = good_case(target, pids, 0)["question"]
        elif kind == "unsolvable":
            c["answer"] = c["answer"].replace("考虑", "考虑（难）")
            c["question"] += "【unsolvable】"
        elif kind == "trivial":
            c["question"] += "【trivial】"
        return json.dumps(c, ensure_ascii=False)

    def strong(req):
        q = req.question
        return "诊断：不知道\n建议：无" if "【unsolvable】" in q else f"诊断：{TARGETS.get(q, '')}\n建议：复查"

    def weak(req):
        q = req.question
        return f"诊断：{TARGETS.get(q, '')}\n建议：复查" if "【trivial】" in q else "诊断：不知道\n建议：无"

    TARGETS = {}

    class Recording(ScriptedBackend):
        def generate(self, requests):
            out = super().generate(requests)
            for r, o in zip(requests, out):
                c = parse_case(o.text)
                if c and isinstance(c.get("question"), str):
                    TARGETS[c["question"].strip()] = str(c.get("disease", "")).split("、")[0]
            return out

    out = tmp_path / "RJUA_synth.json"
    report = run_synth(out, Recording(generate), ScriptedBackend(strong), ScriptedBackend(weak), n=len(plan),
                       batch_size=3)
    assert report["kept"] == 1 and report["processed"] == len(plan)
    assert report["rejected"] == {r: 1 for r in plan[1:]}
    rej = [json.loads(line) for line in open(str(out) + ".rejected.jsonl", encoding="utf-8")]
    assert {r["reason"] for r in rej} == set(plan[1:]) and all(r["detail"] for r in rej)
    kept = read_records(out)  # RJUA format, loadable
    assert len(kept) == 1 and kept[0].passages and kept[0].diseases
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["synth"]["solver_diseases"]
    # resumable: a second run does no new work
    again = run_synth(out, Recording(lambda r: pytest.fail("regenerated")), ScriptedBackend(strong),
                      ScriptedBackend(weak), n=len(plan), batch_size=3)
    assert again["processed"] == len(plan)


def test_contamination_index_flags_planted_copy():
    evals = [r.question for r in load_split("test")]
    idx = NgramIndex(evals)
    planted = evals[3].replace("。", "！")[:-1] + "？"
    share, i = idx.max_containment(planted)
    assert share >= 0.5 and i == 3
    assert idx.max_containment("我是一名新病人，今天第一次来看病，主要是咳嗽发热三天。")[0] < 0.5


def test_synth_cli_errors():
    from conftest import run_cli

    r = run_cli("synth", "--out", "/tmp/x.json", "--generator", "magic", "--solver", "case")
    assert r.returncode == 2 and "unknown backend" in r.stderr


def _simple_generator():
    counter = {"i": 0}

    def generate(req):
        target, _, pids = seed_fields(req)
        counter["i"] += 1
        return json.dumps(good_case(target, pids, counter["i"]), ensure_ascii=False)
    return generate


def test_failed_generations_are_retried_on_resume_and_progress_logged(tmp_path, capsys):
    """Generator errors are redone on resume; progress lines without a TTY."""
    from rjua.backends import GenResult

    class Flaky(ScriptedBackend):
        def __init__(self, fn, fail):
            super().__init__(fn)
            self.fail = fail

        def generate(self, requests):
            out = super().generate(requests)
            return [GenResult(text="", error="HTTP 503") if self.fail else o for o in out]

    out = tmp_path / "s.jsonl"
    weak = ScriptedBackend(lambda r: "诊断：不知道\n建议：无")
    run_synth(out, Flaky(_simple_generator(), True), weak, None, n=3, batch_size=2)
    rej = [json.loads(line) for line in open(str(out) + ".rejected.jsonl", encoding="utf-8")]
    assert len(rej) == 3 and all(r["error"] == "HTTP 503" and "generation failed" in r["detail"] for r in rej)
    assert "synth: done, 3/3 seeds" in capsys.readouterr().err
    kept = run_synth(out, Flaky(_simple_generator(), True), weak, None, n=3, batch_size=2, retry_errors=False)
    assert kept["rejected"] == {"unparseable": 3}
    gen = Flaky(_simple_generator(), False)
    again = run_synth(out, gen, weak, None, n=3, batch_size=2)
    assert len(gen.calls) == 3 and again["processed"] == 3  # every failed seed redone once
    rej = [json.loads(line) for line in open(str(out) + ".rejected.jsonl", encoding="utf-8")]
    assert not any(r.get("error") for r in rej) and len(rej) + again["kept"] == 3


def test_interrupted_synth_keeps_its_work(tmp_path):
    out = tmp_path / "s.jsonl"
    inner = _simple_generator()
    calls = {"n": 0}

    def gen(req):
        calls["n"] += 1
        if calls["n"] > 2:
            raise KeyboardInterrupt
        return inner(req)

    weak = ScriptedBackend(lambda r: "诊断：不知道\n建议：无")
    with pytest.raises(KeyboardInterrupt):
        run_synth(out, ScriptedBackend(gen), weak, None, n=4, batch_size=1, progress=False)
    first = out.read_text(encoding="utf-8").splitlines() + \
        open(str(out) + ".rejected.jsonl", encoding="utf-8").read().splitlines()
    assert len(first) == 2
    gen2 = ScriptedBackend(_simple_generator())
    rep = run_synth(out, gen2, weak, None, n=4, batch_size=1, progress=False)
    assert rep["processed"] == 4 and len(gen2.calls) == 2
