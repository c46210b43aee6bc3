"""rjua compare (table, chart, paired bootstrap) and the free-text extras (character BLEU, BERTScore)."""
import json

import numpy as np
import pytest
from conftest import run_cli

from rjua.compare import compare_runs, paired_bootstrap, plot_comparison
from rjua.data import load_split
from rjua.errors import RJUAError
from rjua.runs import eval_split
from rjua.scoring import gold_as_predictions, score_predictions
from rjua.textsim import (
    TokenEmbedder,
    bertscore_from_embeddings,
    char_bleu,
    char_bleu_counts,
    corpus_char_bleu,
    text_metrics,
)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    d = tmp_path_factory.mktemp("runs")
    eval_split("test", d / "lexical", resamples=20, progress=False)
    eval_split("test", d / "dense", resamples=20, embedder="hashing-64", progress=False)
    eval_split("valid", d / "valid", resamples=20, progress=False)
    return d


def test_paired_bootstrap_detects_a_shift_and_not_noise():
    rng = np.random.default_rng(1)
    a = rng.random(300)
    assert paired_bootstrap(a, a + 0.05)["p_value"] < 0.01
    assert paired_bootstrap(a, a + rng.normal(0, 0.01, 300))["p_value"] > 0.05
    with pytest.raises(RJUAError):
        paired_bootstrap([1.0], [1.0, 2.0])


def test_compare_runs_table_tests_and_chart(runs, tmp_path):
    res = compare_runs([runs / "lexical", runs / "dense"], n_resamples=200)
    assert [r["run"] for r in res["table"]] == ["lexical", "dense"] and res["n_common"] == 14
    per = [json.loads(x) for x in (runs / "dense" / "per_sample.jsonl").read_text(encoding="utf-8").splitlines()]
    assert res["table"][1]["f1"] == pytest.approx(np.mean([r["f1"] for r in per]))
    t = next(x for x in res["tests"] if x["metric"] == "f1")
    assert t["diff"] == pytest.approx(res["table"][1]["f1"] - res["table"][0]["f1"]) and 0 <= t["p_value"] <= 1
    png = plot_comparison(res, tmp_path / "c.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(RJUAError, match="different splits"):
        compare_runs([runs / "lexical", runs / "valid"])


def test_compare_cli(runs, tmp_path):
    r = run_cli("compare", runs / "lexical", runs / "dense", "--out", tmp_path / "cmp")
    assert r.returncode == 0, r.stderr
    assert "p-value" in r.stdout and (tmp_path / "cmp" / "compare.png").is_file()
    r = run_cli("compare", runs / "lexical", tmp_path / "nothing")
    assert r.returncode == 2 and "not a run directory" in r.stderr


def test_char_bleu():
    assert char_bleu("肾结石", "肾结石") == 1.0 and char_bleu("", "肾结石") == 0.0
    assert char_bleu("膀胱炎", "肾结石") == 0.0
    assert (char_bleu("左侧输尿管结石", "左侧输尿管结石伴积水")
            < char_bleu("左侧输尿管结石伴积水", "左侧输尿管结石伴积水"))
    c = char_bleu_counts("尿 频 尿急", "尿频")
    assert c.pred_len == 4 and c.matches[0] == 2  # whitespace ignored, clipped unigram matches
    assert corpus_char_bleu(["肾结石"], ["膀胱炎"]) == 0.0


def test_bertscore_pure_and_with_a_tiny_local_encoder(tmp_path):
    a = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert bertscore_from_embeddings(a, a) == (1.0, 1.0, 1.0)
    assert bertscore_from_embeddings(a[:0], a) == (0.0, 0.0, 0.0)
    from rjua.testing import tiny_sentence_encoder

    enc = TokenEmbedder(str(tiny_sentence_encoder(tmp_path / "enc") / "_bert"))
    same, diff = enc.score(["尿频尿急", "尿频尿急"], ["尿频尿急", "腰痛发热伴血尿"])
    assert same[2] == pytest.approx(1.0, abs=1e-4) and diff[2] < same[2]
    gold = load_split("test")
    tm = text_metrics(score_predictions(gold, gold_as_predictions(gold), n_resamples=10), n_resamples=10,
                      embedder=enc)
    assert tm["char_bleu"] == 1.0 and tm["bertscore_f"] == pytest.approx(1.0, abs=1e-3)
    with pytest.raises(RJUAError, match="cannot load BERTScore encoder"):
        TokenEmbedder(str(tmp_path / "missing"))
