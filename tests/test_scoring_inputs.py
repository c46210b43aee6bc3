"""score_predictions inputs (PredRow, dict, datasets.Dataset), id problems in one message, --only-predicted."""
import json

import pytest
from conftest import run_cli, write_jsonl
from datasets import Dataset

from rjua.cli.score import _format_score
from rjua.data import load_split
from rjua.errors import RJUAError, RJUAFormatError
from rjua.scoring import gold_as_predictions, score_predictions


def _dicts(gold):
    return [{"id": p.id, "answer": p.answer, "disease": p.disease, "advice": p.advice}
            for p in gold_as_predictions(gold)]


def test_dicts_predrows_and_dataset_score_the_same():
    gold = load_split("test")
    d = _dicts(gold)
    d[0]["disease"] = ["别的病"]
    rows = gold_as_predictions(gold)
    a = score_predictions(gold, d, n_resamples=20).summary
    b = score_predictions(gold, Dataset.from_list(d), n_resamples=20).summary
    assert a == b and a["f1"] < 1.0
    assert score_predictions(gold, rows, n_resamples=20).summary["f1"] == 1.0


def test_bad_dict_rows_are_all_reported():
    gold = load_split("test")
    with pytest.raises(RJUAFormatError) as e:
        score_predictions(gold, [{"answer": "x"}, {"id": "1", "disease": 5}])
    assert len(e.value.problems) == 2


def test_all_id_problems_in_one_message():
    gold = load_split("test")
    d = _dicts(gold)[2:] + [{"id": "nope", "answer": "x"}, _dicts(gold)[3]]
    with pytest.raises(RJUAError) as e:
        score_predictions(gold, d)
    msg = str(e.value)
    assert "1 duplicate id(s)" in msg and "1 id(s) not in the gold split: 'nope'" in msg
    assert "2 gold id(s) have no prediction" in msg and "--only-predicted" in msg


def test_only_predicted_scores_the_subset_and_says_so_everywhere(tmp_path):
    gold = load_split("test")
    part = _dicts(gold)[:4]
    res = score_predictions(gold, part, only_predicted=True, n_resamples=20)
    full = score_predictions(gold, part, allow_missing=True, n_resamples=20)
    assert res.summary["n"] == 4 and res.summary["f1"] == 1.0 and full.summary["f1"] < 0.5
    for fmt in ("json", "text", "md", "html"):
        assert "only the 4 predicted records of 14 gold records" in _format_score(res, fmt), fmt
    f = write_jsonl(tmp_path / "p.jsonl", part)
    r = run_cli("score", f, "--split", "test", "--only-predicted", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["only_predicted"] is True
    r = run_cli("score", f, "--split", "test")
    assert r.returncode == 2 and "10 gold id(s) have no prediction" in r.stderr
