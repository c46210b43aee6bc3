import json
from pathlib import Path

import pytest

import rjua
from rjua.data import load_split
from rjua.errors import RJUAError, RJUAFormatError
from rjua.report import to_html, to_markdown
from rjua.scoring import PredRow, gold_as_predictions, load_predictions, score_predictions

GOLD = load_split("test")
VALID = load_split("valid")


def test_gold_as_prediction_all_ones():
    res = score_predictions(GOLD, gold_as_predictions(GOLD), n_resamples=100)
    for k in ("disease_f1", "advice_f1", "f1", "rouge_l"):
        assert res.summary[k] == 1.0 and res.summary["micro"][k] == 1.0 and res.summary["ci95"][k] == [1.0, 1.0]


def test_summary_keys_and_values():
    preds = [PredRow(r.id, "诊断：" + r.diseases[0] + "\n建议：多饮水") for r in GOLD]
    s = score_predictions(GOLD, preds, n_resamples=200).summary
    for k in ("n", "match", "disease_f1", "advice_f1", "f1", "rouge_l", "micro", "ci95", "missing_ids", "extra_ids"):
        assert k in s
    assert s["n"] == len(GOLD) and s["match"] == "exact"
    assert 0 < s["disease_f1"] < 1 and s["f1"] == pytest.approx((2 * s["disease_f1"] + s["advice_f1"]) / 3)
    for k in ("disease_f1", "f1", "rouge_l"):
        lo, hi = s["ci95"][k]
        assert lo <= s[k] <= hi
    assert s["extraction_rules"]["disease"] == {"section": len(GOLD)}


def test_fuzzy_is_reported_and_not_lower():
    preds = [PredRow(r.id, "", disease=[r.diseases[0] + "症"]) for r in GOLD]
    ex = score_predictions(GOLD, preds, n_resamples=50).summary
    fz = score_predictions(GOLD, preds, match="fuzzy", n_resamples=50).summary
    assert fz["match"] == "fuzzy" and fz["disease_f1"] > ex["disease_f1"] == 0.0


def test_id_errors_and_allow_missing():
    preds = gold_as_predictions(GOLD)
    with pytest.raises(RJUAError, match=r"1 gold id\(s\) have no prediction: '201'"):
        score_predictions(GOLD, preds[1:])
    with pytest.raises(RJUAError, match=r"not in the gold split: 'zzz'"):
        score_predictions(GOLD, preds + [PredRow("zzz", "x")])
    with pytest.raises(RJUAError, match="duplicate"):
        score_predictions(GOLD, preds + [preds[0]])
    res = score_predictions(GOLD, preds[1:], allow_missing=True, n_resamples=50)
    assert res.summary["missing_ids"] == ["201"] and res.summary["n_missing"] == 1
    assert res.summary["f1"] == pytest.approx((len(GOLD) - 1) / len(GOLD))


def test_load_predictions_errors(tmp_path):
    p = tmp_path / "p.jsonl"
    p.write_text('{"id": "1", "answer": "a"}\n{"id": "2", "answer": 3}\n{broken\n{"id": "1", "answer": "b"}\n'
                 '{"id": "4", "disease": {"x": 1}}\n', encoding="utf-8")
    with pytest.raises(RJUAFormatError) as ei:
        load_predictions(p)
    assert [(x.line, x.field) for x in ei.value.problems] == [(2, "answer"), (3, None), (4, "id"), (5, "disease")]
    empty = tmp_path / "e.jsonl"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(RJUAFormatError, match="no predictions"):
        load_predictions(empty)
    arr = tmp_path / "a.json"
    arr.write_text(json.dumps([{"id": 1, "answer": "x", "disease": ["A"]}]), encoding="utf-8")
    assert load_predictions(arr)[0].id == "1"


def test_html_escapes_model_text():
    preds = gold_as_predictions(GOLD)
    preds[0] = PredRow(preds[0].id, "<script>alert(1)</script>诊断：<img src=x onerror=alert(2)>")
    res = score_predictions(GOLD, preds, n_resamples=20)
    page = to_html(res)
    assert "<script>" not in page and "<img" not in page and "&lt;script&gt;" in page
    assert "<svg" in page and "worst" in page.lower()
    assert "| f1 |" in to_markdown(res)


@pytest.mark.real_data
def test_gold_as_prediction_real_valid(real_dir):
    gold = load_split("valid", real_dir)
    s = score_predictions(gold, gold_as_predictions(gold), n_resamples=100).summary
    assert s["n"] == 211 and s["f1"] == s["rouge_l"] == s["micro"]["f1"] == 1.0


def test_vocab_fallback_uses_other_splits_only(tmp_path):
    from conftest import run_cli

    preds = tmp_path / "p.jsonl"
    preds.write_text("\n".join(json.dumps({"id": r.id, "answer": "从描述看" + "、".join(r.diseases) + "比较常见。"},
                                          ensure_ascii=False)
                               for r in GOLD) + "\n", encoding="utf-8")
    plain = json.loads(run_cli("score", preds, "--split", "test", "--json", "--resamples", "20").stdout)
    res = run_cli("score", preds, "--split", "test", "--json", "--resamples", "20", "--vocab", "pool")
    vocab = json.loads(res.stdout)
    assert plain["disease_f1"] == 0.0 and vocab["extraction_rules"]["disease"].get("vocabulary", 0) > 0
    assert 0 < vocab["disease_f1"] < 1  # test-only labels are unknown to the valid vocabulary
    assert vocab["vocabulary"]["source"] == "pool:valid" and "vocabulary: pool:valid" in res.stderr


def test_vocab_from_label_lists_and_nothing_to_build_from(tmp_path):
    import shutil

    from conftest import run_cli

    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(Path(rjua.__file__).parent / "_sample" / "RJUA_valid.json", data)
    preds = tmp_path / "p.jsonl"
    preds.write_text("\n".join(json.dumps({"id": r.id, "answer": "从描述看" + "、".join(r.diseases) + "比较常见"},
                                          ensure_ascii=False) for r in VALID) + "\n", encoding="utf-8")
    res = run_cli("score", preds, "--split", "valid", "--data-dir", data, "--vocab", "pool")
    assert res.returncode != 0 and "no labelled split other than 'valid'" in res.stderr
    labels = sorted({d for r in VALID for d in r.diseases})
    lst = tmp_path / "disease.txt"  # the official list format: a Python-list-like text with junk entries
    lst.write_text("[" + ", ".join(f"'{x}'" for x in labels) + ", nan, '', nan]", encoding="utf-8")
    res = run_cli("score", preds, "--split", "valid", "--data-dir", data, "--vocab", lst, "--json")
    out = json.loads(res.stdout)
    assert out["disease_f1"] == 1.0 and out["extraction_rules"]["disease"] == {"vocabulary": len(VALID)}
    assert f"{len(labels)} labels (skipped: blank 1, junk 2)" in res.stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("nan\n\n", encoding="utf-8")
    res = run_cli("score", preds, "--split", "valid", "--data-dir", data, "--vocab", empty)
    assert res.returncode != 0 and "no labels in the list" in res.stderr and "Traceback" not in res.stderr


def test_per_disease_rows_are_ordered_by_support_then_label():
    from rjua.scoring import per_disease_f1

    gold = load_split("test")
    rows = per_disease_f1(score_predictions(gold, gold_as_predictions(gold)).records, top=1000)
    assert rows == sorted(rows, key=lambda r: (-r[1], r[0]))
