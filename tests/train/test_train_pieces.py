import json

import pytest
import torch
from conftest import run_cli

from rjua.data import load_split, subset_records
from rjua.train.config import DataConfig, SFTConfig, load_config
from rjua.train.data import fit_sft_rows, sft_rows


@pytest.fixture(scope="module")
def tiny_tok():
    from rjua.testing import tiny_tokenizer

    return tiny_tokenizer()


def test_sft_trims_evidence_instead_of_dropping(tiny_tok):
    recs = load_split("valid")
    cfg = DataConfig(context_tokens=4096)
    def count(t):
        return len(tiny_tok(t, add_special_tokens=False)["input_ids"])
    def render(ms):
        return tiny_tok.apply_chat_template(ms, tokenize=False)
    full = [count(render(r["prompt"] + r["completion"])) for r in sft_rows(recs, cfg, count)]
    limit = sorted(full)[len(full) // 4]  # three quarters of the examples are too long as they are
    rows, st = fit_sft_rows(recs, cfg, render, count, limit)
    assert st["trimmed"] >= 1 and st["n"] == len(recs) == len(rows) + st["dropped"]
    assert len(rows) > sum(n <= limit for n in full)  # more kept than the untrimmed examples that fit
    assert all(count(render(r["prompt"] + r["completion"])) <= limit for r in rows)
    by_id = {r.id: r for r in recs}
    kept_ids = [r.id for r in recs if r.id not in st["dropped_ids"]]
    for rid, row in zip(kept_ids, rows):  # the question and the answer are never cut
        r = by_id[rid]
        assert r.question.strip() in row["prompt"][-1]["content"]
        labels = f"诊断：{'、'.join(r.diseases)}\n建议：{'、'.join(r.advices)}"
        assert row["completion"][0]["content"].startswith(labels)


def test_lora_learning_rate_default_and_dtype_option(monkeypatch):
    from rjua import modeling as models
    from rjua.errors import RJUAError
    from rjua.train.sft import default_learning_rate

    assert default_learning_rate(load_config(SFTConfig, None, ["lora=true"])) == 2e-4
    assert default_learning_rate(load_config(SFTConfig, None, [])) == 1e-5
    assert default_learning_rate(load_config(SFTConfig, None, ["lora=true", "learning_rate=5e-5"])) == 5e-5
    monkeypatch.setattr(models, "_BF16_FAST", False)  # a CPU whose bf16 is slow (or absent): float32
    assert models.resolve_dtype("auto", "cpu") is torch.float32
    monkeypatch.setattr(models, "_BF16_FAST", True)
    assert models.resolve_dtype("auto", "cpu") is torch.bfloat16
    with pytest.raises(RJUAError, match="dtype must be"):
        load_config(SFTConfig, None, ["dtype=int8"])


def test_predict_subset_heldout_is_exactly_the_held_out_part(tmp_path):
    out = tmp_path / "p.jsonl"
    r = run_cli("predict", "--split", "valid", "--subset", "heldout", "--out", out, "--no-progress")
    assert r.returncode == 0, r.stderr[-2000:]
    ids = [json.loads(x)["id"] for x in out.read_text().splitlines()]
    assert ids == [x.id for x in subset_records(load_split("valid"), "heldout")] and ids
    run_dir = tmp_path / "ev"
    r = run_cli("eval", "--split", "valid", "--subset", "train", "--out", run_dir, "--no-progress",
                "--resamples", "10", "--json")
    assert r.returncode == 0, r.stderr[-2000:]
    assert json.loads(r.stdout)["subset"].startswith(f"{len(subset_records(load_split('valid'), 'train'))} of ")
    bad = run_cli("predict", "--split", "valid", "--subset", "test", "--out", tmp_path / "x.jsonl")
    assert bad.returncode == 2 and "--subset must be one of" in bad.stderr


def test_chooser_generate_mode_answers_from_candidates(tmp_path):
    from rjua.pipeline import build_pipeline
    from rjua.testing import tiny_causal_lm

    path = tiny_causal_lm(tmp_path / "lm")
    recs = load_split("test")[:1]
    pipe = build_pipeline("test", backend="chooser", model=str(path), context="gold",
                          backend_options={"mode": "generate", "max_new_tokens": 24, "dtype": "float32"})
    (p,) = pipe.answer_many([(r.question, r) for r in recs])
    req = pipe._request(recs[0].question, recs[0])
    cands = {k: set(pipe.backend.case._candidates(req.question, req.cases, k, req.exclude).items)
             for k in ("disease", "advice")}
    raw_new = {x.strip()[2:] for x in p.raw.replace("\n", "、").split("、") if x.strip().startswith("新")}
    if p.disease_rule == "field":
        assert set(p.diseases) <= cands["disease"] | raw_new
    assert p.backend == "chooser" and p.completion_tokens <= 24


def test_broken_checkpoint_records_are_one_line_errors_naming_the_file(tmp_path):
    # a torn adapter_config.json / rjua_checkpoint.json used to surface as a raw JSONDecodeError
    from rjua.errors import RJUAError
    from rjua.handover import INFO_FILE, checkpoint_info

    for name in ("adapter_config.json", INFO_FILE):
        d = tmp_path / name.replace(".", "_")
        d.mkdir()
        (d / name).write_text("{not json", encoding="utf-8")
        with pytest.raises(RJUAError) as e:
            checkpoint_info(d)
        assert name in str(e.value) and "\n" not in str(e.value)
