"""Error output stays short however broken the input: a few lines and a count, reasons clipped."""
import json

from conftest import run_cli

from rjua.errors import MAX_SHOWN, Problem, RJUAFormatError, format_problems


def test_format_problems_shows_a_few_and_counts_the_rest():
    probs = [Problem("p.csv", n, None, "invalid JSON") for n in range(1, 1001)]
    text = format_problems(probs)
    assert len(text.splitlines()) == MAX_SHOWN + 1
    assert text.endswith(f"… and {1000 - MAX_SHOWN} more problems (not shown)")
    assert len(RJUAFormatError("p.csv", problems=probs).report().splitlines()) == MAX_SHOWN + 1
    assert format_problems(probs[:3]).count("\n") == 2  # a few problems: all of them, no count line


def test_a_reason_quoting_a_huge_value_is_clipped():
    p = Problem("c.json", 1, "id", "expected a non-empty string, got " + repr([str(i) for i in range(5000)]))
    assert len(str(p)) < 400 and str(p).endswith("characters)")


def test_scoring_a_csv_prints_a_few_lines_and_a_count(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("id,answer\n" + "".join(f"{i},诊断：肾结石\n" for i in range(20000)), encoding="utf-8")
    r = run_cli("score", f, "--split", "test")
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert len(lines) <= MAX_SHOWN + 2, len(lines)
    assert lines[0] == "error: 20001 problems found:"
    assert lines[-1] == f"… and {20001 - MAX_SHOWN} more problems (not shown)"


def test_a_columnar_json_error_does_not_print_the_id_list(tmp_path):
    f = tmp_path / "col.json"
    f.write_text(json.dumps({"id": [str(i) for i in range(3000)], "answer": ["诊断：肾结石"] * 3000}))
    r = run_cli("score", f, "--split", "test")
    assert r.returncode == 2 and len(r.stderr) < 1500, len(r.stderr)
    assert f"{f}:1: field \"id\"" in r.stderr


def test_data_validate_caps_its_listing(tmp_path):
    f = tmp_path / "bad.jsonl"
    f.write_text("not json\n" * 5000)
    r = run_cli("data", "validate", f)
    lines = r.stdout.strip().splitlines()
    assert r.returncode == 2 and len(lines) == MAX_SHOWN + 1 and lines[-1].startswith("… and 499")
