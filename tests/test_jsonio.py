"""Hostile JSON: one guarded reader for data, predictions and resume."""
import json

import pytest
from conftest import make_record, run_cli, write_jsonl

from rjua import jsonio
from rjua.data import read_records, validate_file
from rjua.errors import RJUAFormatError
from rjua.scoring import load_predictions

SURROGATE = '"x\\ud800y"'  # the six characters \ud800 in the file: valid JSON syntax, not valid Unicode


def _with_raw(tmp_path, name, raw_line, at=1, n=3):
    recs = [make_record(i) for i in range(n)]
    return write_jsonl(tmp_path / name, recs, raw_lines={at: raw_line})


def test_lone_surrogate_refused_by_validate_show_and_score(tmp_path):
    line = json.dumps(make_record(1), ensure_ascii=False).replace(f'"{make_record(1)["question"]}"', SURROGATE)
    bad = _with_raw(tmp_path, "valid.jsonl", line)
    r = run_cli("data", "validate", bad)
    assert r.returncode == 2 and (r.stdout.strip()
                                  == f'{bad}:2: field "question": lone surrogate \\ud800 (not valid Unicode)')
    r = run_cli("data", "show", "0", "--data-dir", tmp_path)
    assert r.returncode == 2 and r.stderr.strip().startswith(f'error: {bad}:2: field "question": lone surrogate')
    preds = tmp_path / "p.jsonl"
    preds.write_text('{"id": "201", "answer": "ok"}\n{"id": "202", "answer": ' + SURROGATE + "}\n", encoding="utf-8")
    r = run_cli("score", preds, "--split", "test", "--allow-missing")
    assert r.returncode == 2 and f'{preds}:2: field "answer": lone surrogate' in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_lone_surrogate_in_a_key_is_a_printable_one_line_problem(tmp_path):
    # the key used to go into the message raw: `data validate` then died printing it (exit 1, raw codec message)
    line = json.dumps(make_record(1), ensure_ascii=False)[:-1] + ', "x\\udc00": 1}'
    bad = _with_raw(tmp_path, "valid.jsonl", line)
    r = run_cli("data", "validate", bad)
    assert r.returncode == 2, r.stderr
    assert r.stdout.strip() == f'{bad}:2: field "x\\udc00": lone surrogate in a key (not valid Unicode)'
    r = run_cli("data", "show", "0", "--data-dir", tmp_path)
    assert r.returncode == 2 and "lone surrogate in a key" in r.stderr


def test_surrogate_pairs_and_escaped_cjk_are_fine(tmp_path):
    rec = make_record(1, question="尿频😀怎么办？")
    p = tmp_path / "ok.jsonl"
    p.write_text(json.dumps(rec) + "\n", encoding="utf-8")  # ensure_ascii: \u5c3f ... \ud83d\ude00 (a valid pair)
    assert validate_file(p) == [] and read_records(p)[0].question == "尿频😀怎么办？"


def test_deep_nesting_is_one_line_naming_file_and_line(tmp_path):
    deep = '{"id": "1", "question": ' + "[" * 100_000 + "]" * 100_000 + "}"
    bad = _with_raw(tmp_path, "deep.jsonl", deep, at=2)
    r = run_cli("data", "validate", bad)
    assert r.returncode == 2 and r.stdout.strip() == f"{bad}:3: nesting deeper than {jsonio.MAX_DEPTH} levels"
    assert "Recursion" not in r.stdout + r.stderr
    preds = tmp_path / "p.jsonl"
    preds.write_text('{"id": "201", "answer": "a"}\n' + deep + "\n", encoding="utf-8")
    r = run_cli("score", preds, "--split", "test", "--allow-missing")
    assert r.returncode == 2 and r.stderr.strip() == f"error: {preds}:2: nesting deeper than 64 levels"


def test_deep_nesting_inside_a_json_array_names_its_line(tmp_path):
    p = tmp_path / "arr.json"
    p.write_text("[\n" + json.dumps(make_record(0)) + ",\n" + "[" * 5000 + "]" * 5000 + "\n]\n", encoding="utf-8")
    probs = validate_file(p)
    assert (probs[0].line, probs[0].reason) == (3, "nesting deeper than 64 levels")


def test_huge_integer_id_names_file_line_and_field(tmp_path):
    bad = _with_raw(tmp_path, "big.jsonl", '{"id": ' + "7" * 5000 + ', "question": "q"}', at=1)
    r = run_cli("data", "validate", bad)
    assert r.returncode == 2 and r.stdout.strip() == f'{bad}:2: field "id": integer with 5000 digits (more than 100)'
    preds = tmp_path / "p.jsonl"
    preds.write_text('{"id": ' + "9" * 5000 + ', "answer": "a"}\n', encoding="utf-8")
    with pytest.raises(RJUAFormatError, match=r'p\.jsonl:1: field "id": integer with 5000 digits'):
        load_predictions(preds)


def test_huge_integer_in_a_json_array_element_names_its_line(tmp_path):
    p = tmp_path / "arr.json"
    good = json.dumps(make_record(0), ensure_ascii=False)
    p.write_text("[\n" + good + ',\n{"id": "1", "advice": [1, {"n": ' + "9" * 300 + "}]}\n]\n", encoding="utf-8")
    probs = validate_file(p)
    assert str(probs[0]) == f'{p}:3: field "advice[1].n": integer with 300 digits (more than 100)'


def test_size_limits(tmp_path, monkeypatch):
    p = write_jsonl(tmp_path / "x.jsonl", [make_record(i) for i in range(3)])
    monkeypatch.setattr(jsonio, "MAX_LINE_BYTES", 50)
    assert validate_file(p)[0].reason.startswith("line is ") and validate_file(p)[0].line == 1
    monkeypatch.setattr(jsonio, "MAX_FILE_BYTES", 10)
    with pytest.raises(RJUAFormatError, match="over the limit of 10"):
        read_records(p)


def test_read_json_file_names_the_file(tmp_path):
    p = tmp_path / "m.json"
    p.write_text('{"config": {"a": ', encoding="utf-8")
    with pytest.raises(RJUAFormatError, match=r"m\.json:1: invalid JSON"):
        jsonio.read_json_file(p)
    p.write_bytes(b'{"a": "\xff"}')
    with pytest.raises(RJUAFormatError, match=r"m\.json:1: not UTF-8"):
        jsonio.read_json_file(p)


def test_depth_check_is_linear_and_ignores_brackets_in_strings():
    import time

    ok = '{"id": "1", "q": "' + "[{" * 5000 + '\\"]"}'  # brackets inside a string (with an escaped quote)
    assert jsonio.loads(ok)["q"].startswith("[{[{")
    hostile = "[" * 65 + '"' + '\\"' * 200_000  # an unterminated string of escaped quotes
    t = time.perf_counter()
    with pytest.raises(RJUAFormatError, match="nesting deeper than 64 levels"):
        jsonio.loads(hostile)
    with pytest.raises(RJUAFormatError, match="invalid JSON"):
        jsonio.loads("[" * 60 + '"' + '\\"' * 200_000)
    assert time.perf_counter() - t < 2.0
