import json

import pytest
from conftest import make_record, run_cli, write_jsonl


def test_version_and_help():
    r = run_cli("--version")
    assert r.returncode == 0 and r.stdout.startswith("rjua ")
    for cmd in (["--help"], ["data", "--help"], ["data", "stats", "--help"], ["score", "--help"]):
        r = run_cli(*cmd)
        assert r.returncode == 0 and "Usage" in r.stdout


def test_data_stats_json_per_split_and_all():
    one = json.loads(run_cli("data", "stats", "--split", "valid", "--json").stdout)
    assert one["n"] == 16 and one["distinct_passages"] > 0
    both = json.loads(run_cli("data", "stats", "--json").stdout)
    assert set(both) == {"valid", "test"} and both["test"]["n"] == 14


def test_data_show():
    r = run_cli("data", "show", "101")
    assert r.returncode == 0 and "右输尿管结石" in r.stdout
    r = run_cli("data", "show", "nope")
    assert r.returncode == 2 and r.stderr.strip() == "error: no record with id 'nope' in split 'valid'"


def test_validate_good_and_broken_line_7(tmp_path):
    good = write_jsonl(tmp_path / "good.jsonl", [make_record(i) for i in range(9)])
    assert run_cli("data", "validate", good).returncode == 0
    bad = write_jsonl(tmp_path / "bad.jsonl", [make_record(i) for i in range(9)], raw_lines={6: '{"id": "6",'})
    r = run_cli("data", "validate", bad)
    assert r.returncode == 2
    assert r.stdout.strip().startswith(f"{bad}:7: invalid JSON")


def test_errors_are_one_line_without_traceback(tmp_path):
    r = run_cli("data", "stats", "--data-dir", tmp_path / "missing")
    assert r.returncode == 2 and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = run_cli("data", "stats", "--data-dir", tmp_path / "missing", env={"RJUA_DEBUG": "1"})
    assert r.returncode != 0 and "Traceback" in r.stderr


def test_score_json_and_reports(tmp_path):
    r = run_cli("score", "--gold-as-prediction", "--split", "valid", "--json", "--resamples", "50")
    s = json.loads(r.stdout)
    assert r.returncode == 0 and s["f1"] == 1.0 and s["n"] == 16
    preds = tmp_path / "p.jsonl"
    preds.write_text("\n".join(json.dumps({"id": i, "answer": "诊断：膀胱炎<script>x</script>"})
                               for i in ["201", "202"]) + "\n", encoding="utf-8")
    r = run_cli("score", preds, "--split", "test")
    assert r.returncode == 2 and "12 gold id(s) have no prediction" in r.stderr and "Traceback" not in r.stderr
    html_out, per = tmp_path / "r.html", tmp_path / "per.jsonl"
    r = run_cli("score", preds, "--split", "test", "--allow-missing", "--format", "html", "--out", html_out,
                "--per-sample", per)
    assert r.returncode == 0 and "12 gold record(s) had no prediction" in r.stderr
    assert "<script>x" not in html_out.read_text(encoding="utf-8")
    assert len(per.read_text(encoding="utf-8").splitlines()) == 14


def test_score_bad_prediction_file(tmp_path):
    p = tmp_path / "p.jsonl"
    p.write_text('{"id": "201", "answer": "x"}\n{oops\n', encoding="utf-8")
    r = run_cli("score", p, "--split", "test")
    assert r.returncode == 2 and f"{p}:2: invalid JSON" in r.stderr
    p.write_text("", encoding="utf-8")
    r = run_cli("score", p, "--split", "test")
    assert r.returncode == 2 and "no predictions" in r.stderr


@pytest.mark.real_data
def test_stats_on_real_data(real_dir):
    s = json.loads(run_cli("data", "stats", "--split", "valid", "--data-dir", real_dir, "--json").stdout)
    assert s["n"] == 211


@pytest.mark.real_data
def test_gold_as_prediction_cli_real(real_dir):
    r = run_cli("score", "--gold-as-prediction", "--split", "valid", "--data-dir", real_dir, "--json")
    s = json.loads(r.stdout)
    assert s["f1"] == s["rouge_l"] == s["disease_f1"] == s["advice_f1"] == 1.0


def test_bad_option_values_are_one_line_naming_the_option(tmp_path):
    """Each of these was once an IndexError, a raw Python message or a silent exit 0."""
    out = tmp_path / "x.jsonl"
    cases = [
        (["score", "--gold-as-prediction", "--resamples", "0"], "'--resamples'"),
        (["score", "--gold-as-prediction", "--resamples", "-5"], "'--resamples'"),
        (["score", "--gold-as-prediction", "--seed", "-1"], "'--seed'"),
        (["synth", "--out", out, "--generator", "case", "--solver", "case", "--n", "-5"], "'--n'"),
        (["synth", "--out", out, "--generator", "case", "--solver", "case", "--batch-size", "0"], "'--batch-size'"),
        (["synth", "--out", tmp_path, "--generator", "case", "--solver", "case"], "'--out'"),
        (["predict", "--out", out, "--batch-size", "0"], "'--batch-size'"),
        (["predict", "--out", out, "--limit", "0"], "'--limit'"),
        (["predict", "--out", tmp_path], "'--out'"),
        (["eval", "--out", tmp_path / "run", "--resamples", "0"], "'--resamples'"),
        (["score", "--gold-as-prediction", "--out", tmp_path], "'--out'"),
    ]
    for args, opt in cases:
        r = run_cli(*args)
        msg = r.stderr.strip()
        assert (r.returncode == 2 and len(msg.splitlines()) == 1 and opt in msg
                and msg.startswith("error: ")), (args, msg)
    assert not out.exists()


def test_huge_resamples_and_bad_match_are_refused_before_any_work(tmp_path):
    # --resamples 1e14 was a MemoryError ("9.95 PiB", exit 1); eval --match bogus predicted the whole split first
    for args in (["score", "--gold-as-prediction", "--resamples", "99999999999999"],
                 ["eval", "--out", tmp_path / "run", "--resamples", "100001"]):
        r = run_cli(*args)
        assert r.returncode == 2 and "'--resamples'" in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    r = run_cli("eval", "--out", tmp_path / "run", "--match", "bogus")
    assert r.returncode == 2 and "unknown match mode 'bogus'" in r.stderr
    assert not (tmp_path / "run").exists()


def test_score_never_writes_its_report_over_the_predictions_or_a_run_output(tmp_path):
    # `rjua score P --out P` (or --per-sample P) used to replace the predictions with the report, exit 0
    preds = tmp_path / "p.jsonl"
    r = run_cli("predict", "--split", "test", "--out", preds)
    assert r.returncode == 0, r.stderr
    other = tmp_path / "copy.jsonl"
    other.write_bytes(preds.read_bytes())
    before = other.read_bytes()
    for extra in (["--out", other], ["--per-sample", other],
                  ["--out", tmp_path / "r.txt", "--per-sample", tmp_path / "r.txt"],
                  ["--per-sample", preds]):
        r = run_cli("score", other, "--split", "test", "--resamples", "10", *extra)
        assert (r.returncode == 2 and r.stderr.startswith("error: '--")
                and len(r.stderr.strip().splitlines()) == 1), r.stderr
        assert other.read_bytes() == before
    assert len(preds.read_text().splitlines()) == len(before.splitlines())
    r = run_cli("score", other, "--split", "test", "--resamples", "10", "--out", tmp_path / "r.md", "--format", "md")
    assert r.returncode == 0 and (tmp_path / "r.md").read_text().strip()


def test_library_refuses_bad_counts(tmp_path):
    import pytest

    from rjua.errors import RJUAError
    from rjua.runs import predict_split

    with pytest.raises(RJUAError, match="--batch-size must be a whole number >= 1, got 0"):
        predict_split("test", tmp_path / "p.jsonl", batch_size=0)
    with pytest.raises(RJUAError, match="is a directory; --out must name a file"):
        predict_split("test", tmp_path)


def test_terminal_control_sequences_in_data_are_shown_escaped(tmp_path):
    # `data show` / `retrieve` printed ESC sequences from a data file raw (retitled or rewrote the terminal)
    from conftest import make_record, write_jsonl

    esc = "\x1b]0;owned\x07\x1b[2J\u202e"
    recs = [make_record(i) for i in range(3)]
    recs[1] = make_record(1, answer="考虑膀胱炎" + esc, context="Context：尿频尿急" + esc + "多饮水。")
    write_jsonl(tmp_path / "RJUA_valid.json", recs)
    for args in (["data", "show", "1", "--data-dir", tmp_path],
                 ["retrieve", "尿频尿急", "--data-dir", tmp_path, "-k", "5"]):
        r = run_cli(*args)
        assert r.returncode == 0, r.stderr
        assert "\x1b" not in r.stdout and "\u202e" not in r.stdout and "\\x1b]0;owned\\x07" in r.stdout, r.stdout

