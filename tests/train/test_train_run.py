import json

import pytest
from conftest import run_cli


@pytest.mark.slow
def test_train_run_tiny_end_to_end_and_resume(tmp_path):
    out = tmp_path / "run"
    r = run_cli("train", "run", "--config", "run_tiny", f"output_dir={out}")
    assert r.returncode == 0, r.stderr[-3000:]
    metrics = json.loads(r.stdout)
    assert set(metrics["heldout"]) == {"base", "sft", "stage1", "stage2"}
    for phase in metrics["heldout"].values():
        assert phase["n"] == 2 and 0.0 <= phase["exact"]["f1"] <= 1.0
        assert set(phase["consistency"]["records_by_group"]) >= {"sex", "age", "laterality"}
    assert set(metrics["paired_exact_f1"]) == {"sft - base", "stage1 - sft", "stage2 - sft", "stage2 - base"}
    assert all(g["n"] == 2 and -1.0 <= g["diff"] <= 1.0 for g in metrics["paired_exact_f1"].values())
    assert metrics["sft"]["kind"] == "lora" and metrics["stage1"]["steps"] == 1
    assert metrics["stage1"]["tokens_in_loss_per_step"] == 32
    assert metrics["probe"]["n"] == 4 and metrics["probe"]["kept"] == 4 and not metrics["probe"]["filter_applied"]
    assert all(ph["sampled"]["k"] == 2 and ph["sampled"]["n"] == 2 for ph in metrics["heldout"].values())
    assert set(metrics["paired_sampled_reward"]) == set(metrics["paired_exact_f1"])
    assert metrics["stage1"]["informative_groups_per_step"] == [0.0]  # a random model: no reward spread
    assert metrics["select"]["qualified"] in (True, False) and metrics["select"]["reference_entropy"] > 0
    assert sorted(metrics["plots"]) == ["entropy.png", "heldout_f1.png", "rl_reward.png", "rl_tokens.png",
                                        "sft_loss.png"]
    for name in metrics["plots"]:
        assert (out / name).read_bytes()[:4] == b"\x89PNG"
    chosen = (out / "chosen_checkpoint.txt").read_text().strip()
    assert chosen == metrics["select"]["chosen"] and "/sft/checkpoint-" in chosen
    assert json.loads((out / "metrics.json").read_text())["heldout"] == metrics["heldout"]
    # a second run resumes: every phase is done, nothing is retrained
    again = run_cli("train", "run", "--config", "run_tiny", f"output_dir={out}")
    assert again.returncode == 0, again.stderr[-2000:]
    assert again.stderr.count(": done\n") == 9 and "starting" not in again.stderr
    assert json.loads(again.stdout)["heldout"] == metrics["heldout"]


def test_train_run_bad_skip_is_one_line(tmp_path):
    r = run_cli("train", "run", "--config", "run_tiny", f"output_dir={tmp_path}", "skip=sft,bogus")
    assert r.returncode == 2 and "unknown phase(s) bogus" in r.stderr and "Traceback" not in r.stderr


def test_summarize_takes_rescored_phases_and_paired_gains_align_ids():
    from rjua.train.run import paired_gains, summarize

    state = {"eval_base": {"n": 2, "exact": {"f1": 0.1}, "fuzzy": {"f1": 0.2}, "seconds": 3.0}}
    rescored = {"eval_base": {"exact": {"f1": 0.5}, "consistency": {"records_flagged": 1}}}
    row = summarize(state, rescored)["heldout"]["base"]
    assert row["exact"] == {"f1": 0.5} and row["consistency"]["records_flagged"] == 1 and row["fuzzy"]["f1"] == 0.2
    # only ids both phases scored are paired
    g = paired_gains({"base": {"a": 0.0, "b": 1.0, "c": 0.0}, "sft": {"a": 1.0, "b": 1.0}})
    assert g["sft - base"]["n"] == 2 and g["sft - base"]["diff"] == 0.5 and "stage2 - base" not in g


def test_train_run_refuses_to_resume_with_other_settings(tmp_path):
    from rjua.train.run import PHASES

    every = "skip=" + ",".join(PHASES)  # every phase (the probe included)
    first = run_cli("train", "run", "--config", "run_tiny", f"output_dir={tmp_path}", every)
    assert first.returncode == 0, first.stderr[-2000:]
    again = run_cli("train", "run", "--config", "run_tiny", f"output_dir={tmp_path}", every, "sft.max_steps=3")
    assert again.returncode == 2 and "sft.max_steps 2 -> 3" in again.stderr and "Traceback" not in again.stderr
    # changing only which phases are skipped is allowed
    ok = run_cli("train", "run", "--config", "run_tiny", f"output_dir={tmp_path}",
                 "skip=" + ",".join(reversed(every.removeprefix("skip=").split(","))))
    assert ok.returncode == 0, ok.stderr[-2000:]
