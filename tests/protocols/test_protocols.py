"""Scoring protocols side by side: official, DoctorRAG (closed vocabulary, rule verdicts, jieba text metrics), open."""
import json
import random
import shutil

import pytest
from conftest import json_server, run_cli

from rjua.data import data_file, load_split
from rjua.errors import RJUAError
from rjua.extract import Vocabulary
from rjua.protocols import parse_protocols
from rjua.protocols.doctorrag import (
    balanced_advice,
    bleu4,
    closed_picks,
    strict_diagnosis,
    token_rouge_l,
)

GOLD = load_split("test")


def test_parse_protocols():
    assert parse_protocols(None) == ["official"]
    assert parse_protocols(["open", "doctorrag"]) == ["official", "doctorrag", "open"]
    with pytest.raises(RJUAError, match="unknown --protocol 'bleu'"):
        parse_protocols(["bleu"])


def test_strict_diagnosis_and_balanced_advice_rules():
    assert strict_diagnosis(["肾结石"], ["肾结石"]) and not strict_diagnosis(["肾结石"], ["肾结石", "肾积水"])
    assert strict_diagnosis(["左肾结石"], ["肾结石"])  # containment either way, as their rule-based fallback
    assert not strict_diagnosis([], ["肾结石"]) and not strict_diagnosis(["肾结石"], [])
    assert balanced_advice(["多饮水", "复查"], ["多饮水", "复查"])
    assert not balanced_advice(["多饮水"], ["多饮水", "复查"])
    assert balanced_advice(["多饮水", "复查B超"], ["多饮水", "复查B超", "碎石", "手术"])
    assert not balanced_advice(["多饮水"], ["多饮水", "复查B超", "碎石"])


def test_closed_vocabulary_picks_at_most_five_labels():
    labels = [f"病{i}号" for i in range(8)]
    v = Vocabulary.from_items(labels, [])
    assert closed_picks(labels, "", v, "disease") == labels[:5]
    assert closed_picks(["不在表里的病"], "", v, "disease") == []
    assert closed_picks([], "考虑病3号和病1号", v, "disease") == ["病3号", "病1号"]


def test_bleu4_matches_nltk_method1():
    nltk_bleu = pytest.importorskip("nltk.translate.bleu_score")
    smooth = nltk_bleu.SmoothingFunction().method1
    rng = random.Random(0)
    vocab = list("肾结石膀胱炎尿路感染复查多饮水")
    for _ in range(200):
        ref = [rng.choice(vocab) for _ in range(rng.randint(1, 30))]
        pred = [rng.choice(vocab) for _ in range(rng.randint(1, 30))]
        want = nltk_bleu.sentence_bleu([ref], pred, smoothing_function=smooth, weights=(0.25,) * 4)
        assert bleu4(pred, ref) == pytest.approx(want, abs=1e-12), (pred, ref)


def _lcs(a, b):
    dp = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            dp[i][j] = dp[i - 1][j - 1] + 1 if a[i - 1] == b[j - 1] else max(dp[i - 1][j], dp[i][j - 1])
    return dp[-1][-1]


def test_token_rouge_l_is_the_lcs_f1_of_tokens():
    rng = random.Random(1)
    words = ["肾结石", "建议", "复查", "B超", "，", "多饮水", "。"]
    for _ in range(100):
        a = [rng.choice(words) for _ in range(rng.randint(1, 15))]
        b = [rng.choice(words) for _ in range(rng.randint(1, 15))]
        lcs = _lcs(a, b)
        want = 0.0 if lcs == 0 else 2 * (lcs / len(a)) * (lcs / len(b)) / (lcs / len(a) + lcs / len(b))
        assert token_rouge_l(a, b) == pytest.approx(want)
    assert token_rouge_l([], ["a"]) == 0.0


def _label_lists(tmp_path):
    d, a = tmp_path / "disease.txt", tmp_path / "advice.txt"
    d.write_text(json.dumps(sorted({x for r in GOLD for x in r.diseases}), ensure_ascii=False), encoding="utf-8")
    a.write_text("\n".join(sorted({x for r in GOLD for x in r.advices})) + "\nnan\n", encoding="utf-8")
    return d, a


def test_score_protocols_side_by_side_on_gold(tmp_path):
    d, a = _label_lists(tmp_path)
    r = run_cli("score", "--gold-as-prediction", "--split", "test", "--protocol", "official,doctorrag",
                "--disease-list", d, "--advice-list", a, "--resamples", "20")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    head = next(i for i, x in enumerate(lines) if x.startswith("protocol"))
    assert lines[head + 1].split()[:6] == ["official", "14", "1.0000", "1.0000", "1.0000", "1.0000"]
    row = lines[head + 2].split()
    assert row[:4] == ["doctorrag", "14", "1.0000", "1.0000"] and row[5:7] == ["1.0000", "1.0000"]
    j = json.loads(run_cli("score", "--gold-as-prediction", "--split", "test", "--protocol", "doctorrag",
                           "--disease-list", d, "--advice-list", a, "--resamples", "20", "--json").stdout)
    dr = j["protocols"][1]["detail"]
    skipped = dr["vocabulary"]["skipped"]
    assert sum(skipped["disease"].values()) == 0 and sum(skipped["advice"].values()) == 1  # the 'nan' line
    assert dr["max_picks"] == 5
    md = run_cli("score", "--gold-as-prediction", "--split", "test", "--protocol", "doctorrag", "--format", "md",
                 "--disease-list", d, "--advice-list", a, "--resamples", "20").stdout
    assert "## Protocols on the same predictions" in md and "| doctorrag | 14 |" in md


def test_doctorrag_excludes_empty_picks_and_counts_them(tmp_path):
    d, a = _label_lists(tmp_path)
    rows = [{"id": r.id, "answer": "诊断：" + "、".join(r.diseases) + "\n建议：" + "、".join(r.advices)} for r in GOLD]
    rows[0]["answer"] = "您好，请到正规医院就诊。"
    p = tmp_path / "p.jsonl"
    p.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in rows), encoding="utf-8")
    j = json.loads(run_cli("score", p, "--split", "test", "--protocol", "doctorrag", "--disease-list", d,
                           "--advice-list", a, "--resamples", "20", "--json").stdout)
    dr = j["protocols"][1]
    assert dr["diagnosis"] == 1.0 and dr["detail"]["diagnosis_acc_all"] == pytest.approx(13 / 14)
    assert dr["excluded"]["no disease pick"] == 1 and dr["detail"]["excluded_empty"]["disease"]["ids"] == [GOLD[0].id]


def test_doctorrag_without_any_label_list_says_what_to_pass(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(data_file("test"), data / "RJUA_test.json")  # the bundled, self-written sample
    r = run_cli("score", "--gold-as-prediction", "--data-dir", data, "--protocol", "doctorrag")
    assert r.returncode == 2 and "--disease-list FILE" in r.stderr
    assert "--split defaults to 'test'" in r.stderr
    d, a = _label_lists(tmp_path)
    ok = run_cli("score", "--gold-as-prediction", "--data-dir", data, "--protocol", "doctorrag",
                 "--disease-list", d, "--advice-list", a, "--resamples", "10")
    assert ok.returncode == 0 and "doctorrag  14" in ok.stdout, ok.stderr


@pytest.fixture
def judge_endpoint():
    """An OpenAI-compatible judge: every verdict 'correct', except that one request in four fails (HTTP 400)."""
    n = {"calls": 0}

    def respond(path, body):
        n["calls"] += 1
        if n["calls"] % 4 == 0:
            return 400, {"error": {"message": "bad request"}}
        return 200, {"choices": [{"message": {"content": "理由：无\n诊断：正确\n建议：错误"}}]}

    with json_server(respond) as url:
        yield url, n


def test_open_protocol_excludes_failed_judge_calls_and_counts_them(tmp_path, judge_endpoint):
    url, n = judge_endpoint
    rows = [{"id": r.id, "answer": "诊断：" + "、".join(r.diseases)} for r in GOLD]
    p = tmp_path / "p.jsonl"
    p.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in rows), encoding="utf-8")
    r = run_cli("score", p, "--split", "test", "--protocol", "open", "--judge", "openai", "--judge-model", "j",
                "--judge-base-url", url, "--resamples", "20", "--json",
                env={"OPENAI_API_KEY": "sk-test", "RJUA_CACHE_DIR": str(tmp_path / "cache")})
    assert r.returncode == 0, r.stderr
    rows = {x["protocol"]: x for x in json.loads(r.stdout)["protocols"]}
    op = rows["open"]
    failed = op["excluded"]["failed judge calls"]
    assert failed >= 1 and op["n"] == 14 - failed and n["calls"] >= 14
    assert op["diagnosis"] == 1.0 and op["advice"] == 0.0 and op["combined"] == 0.0
    r2 = run_cli("score", p, "--split", "test", "--protocol", "all")
    assert r2.returncode == 2 and "--protocol open need a PREDICTIONS file and a judge" in r2.stderr
