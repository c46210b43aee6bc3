"""An RL step with a signal: informative groups fill the budget, one normaliser for every term, prompt order per
stage, the solve-rate probe and the sampled reward."""
import json

import pytest
import torch
from conftest import on_device

from rjua.train.c3po import budget_mask, informative_rows, step_normaliser
from rjua.train.config import RLConfig, load_config
from rjua.train.probe import informative_ids, summarize_groups


def _trainer(tmp_path, *overrides):
    from rjua.train.rl import build_trainer

    cfg = load_config(RLConfig, "rl_c3po_tiny", [f"output_dir={tmp_path / 'rl'}", "model=tiny-dense", "beta=0",
                                                 "selection_order=generation", *overrides])
    return build_trainer(cfg)


def _batch(lengths, adv, t=6, p=5, groups=None):
    torch.manual_seed(0)
    b = len(lengths)
    prompt = torch.randint(3, 50, (b, p))
    if groups is not None:  # rows of one group share their prompt
        base = torch.randint(3, 50, (max(groups) + 1, p))
        prompt = base[torch.tensor(groups)]
    return {"prompt_ids": prompt, "prompt_mask": torch.ones(b, p, dtype=torch.long),
            "completion_ids": torch.randint(3, 50, (b, t)),
            "completion_mask": torch.tensor([[1] * n + [0] * (t - n) for n in lengths]),
            "advantages": torch.tensor(adv), "num_items_in_batch": torch.tensor(float(sum(lengths)))}


def test_informative_rows_and_normaliser():
    adv = torch.tensor([0.0, 0.0, 0.0, 1.0, -1.0, 0.0])
    assert informative_rows(adv, torch.tensor([0, 0, 1, 1, 1, 2])).tolist() == [False, False, True, True, True,
                                                                                False]
    assert not informative_rows(torch.zeros(4), torch.tensor([0, 0, 1, 1])).any()
    assert step_normaliser(10, 25) == 10 and step_normaliser(10, 7) == 7 and step_normaliser(10, 0) == 10


def test_zero_spread_groups_are_filtered_before_the_budget(tmp_path):
    trainer = _trainer(tmp_path, "token_budget=10", "filter_groups=true")
    trainer._gen_info = {"informative_groups": 0.5}
    out = _batch([6, 6, 4, 4], [0.0, 0.0, 1.0, -1.0], groups=[0, 0, 1, 1])
    keep = informative_rows(out["advantages"], torch.tensor([0, 0, 1, 1]))
    trainer._select_step(out, out["completion_mask"] * keep[:, None], torch.tensor([0, 0, 1, 1]))
    sel = out["c3po_sel"]
    assert sel[:2].sum() == 0 and sel[2:].sum() == 8  # without the filter group 0 would have taken all 10
    assert trainer._step_norm == 8  # fewer than Φ informative tokens: divided by the 8 used, not by Φ = 10
    unfiltered = budget_mask(out["completion_mask"], 10, "generation")
    assert unfiltered[:2].sum() == 10


def test_short_step_loss_is_divided_by_the_tokens_used(tmp_path):
    trainer = _trainer(tmp_path, "token_budget=10")
    model = trainer.model.train()
    trainer.current_gradient_accumulation_steps = 1
    inputs = _batch([3, 2], [1.0, -2.0])
    out = dict(inputs)
    trainer._gen_info = {"informative_groups": 1.0}
    trainer._select_step(out, inputs["completion_mask"], torch.arange(2))
    assert trainer._step_norm == 5
    loss = trainer._compute_loss(model, on_device({**inputs, "c3po_sel": out["c3po_sel"]}, model))
    assert float(loss) == pytest.approx(-(3 * 1.0 + 2 * -2.0) / 5, abs=1e-5)  # on-policy: -Σ A / used


def test_entropy_bonus_is_divided_by_the_same_normaliser(tmp_path):
    trainer = _trainer(tmp_path, "token_budget=10", "trl_args.entropy_coef=0.5", "gradient_accumulation_steps=2")
    assert trainer._own_entropy and not trainer._entropy_bonus_enabled  # TRL's per-micro-batch mean replaced
    model = trainer.model.train()
    trainer.current_gradient_accumulation_steps = 2
    inputs = _batch([6, 3, 5, 2], [1.0, -2.0, 0.5, 3.0])
    sel = budget_mask(inputs["completion_mask"], 8, "generation")  # this micro-batch's 8 of the step's Φ = 10
    with_bonus = trainer._compute_loss(model, on_device({**inputs, "c3po_sel": sel}, model))
    ent_sum = trainer._ent[0]
    assert trainer._ent[1] == 8  # TRL's own bonus would be Σ / 8 / 2 here; C3PO's is Σ / Φ like the policy term
    trainer.entropy_coef = 0.0
    without = trainer._compute_loss(model, on_device({**inputs, "c3po_sel": sel}, model))
    assert float(with_bonus - without) == pytest.approx(-0.5 * ent_sum / 10, rel=1e-3)


def test_prompt_ids_file_and_order_per_stage(tmp_path):
    from rjua.data import load_split
    from rjua.errors import RJUAError
    from rjua.train.rl import training_prompts

    recs = load_split("valid")
    ids = tmp_path / "probe.json"
    ids.write_text(json.dumps({"keep_ids": [recs[1].id, recs[3].id]}), encoding="utf-8")
    got = training_prompts(RLConfig(prompt_ids_file=str(ids)), recs)
    assert sorted(r.id for r in got) == sorted([recs[1].id, recs[3].id])
    s1 = [r.id for r in training_prompts(RLConfig(data_order="stage1"), recs)]
    s2 = [r.id for r in training_prompts(RLConfig(data_order="stage2"), recs)]
    s1b = [r.id for r in training_prompts(RLConfig(data_order="stage1", seed=7), recs)]
    assert s1 != s2 and s1 != s1b and sorted(s1) == sorted(s2)
    ids.write_text(json.dumps(["nope"]), encoding="utf-8")
    with pytest.raises(RJUAError, match="none of its ids"):
        training_prompts(RLConfig(prompt_ids_file=str(ids)), recs)


def test_probe_summary_counts_solved_and_informative():
    groups = [{"id": "a", "rewards": [0.0] * 6, "lengths": [10] * 6},
              {"id": "b", "rewards": [0.0, 0.5, 1.0, 0.0, 0.0, 0.0], "lengths": [20] * 6},
              {"id": "c", "rewards": [1.0] * 6, "lengths": [30] * 6}]
    s = summarize_groups(groups)
    assert informative_ids(groups) == ["b"]
    assert (s["never_solved"], s["always_solved"], s["informative"], s["median_tokens"]) == (1, 1, 1, 20)
    assert s["reward_mean"] == pytest.approx((0 + 0.25 + 1) / 3, abs=1e-4) and s["ci95"][0] <= s["reward_mean"]


def test_sample_groups_on_a_tiny_model(tmp_path):
    from rjua.train.models import resolve_model
    from rjua.train.probe import _load, sample_groups

    model, tok = _load(resolve_model("tiny-dense", str(tmp_path)), "float32")
    msgs = [[{"role": "user", "content": "你好"}], [{"role": "user", "content": "腰痛"}]]
    out = sample_groups(model, tok, msgs, 3, 5, 1.0, seed=0)
    assert [len(g) for g in out] == [3, 3]
    assert all(1 <= s["tokens"] <= 5 and s["entropy_sum"] > 0 for g in out for s in g)


def test_verl_filter_normaliser_and_row_compaction():
    from rjua.train.verl.loss import c3po_policy_loss, compact_rows, select_step_tokens

    mask = torch.ones(4, 3, dtype=torch.long)
    adv_rows = torch.tensor([0.0, 0.0, 1.0, -1.0])
    keep = informative_rows(adv_rows, torch.tensor([0, 0, 1, 1]))
    sel, stats = select_step_tokens(mask, ["a", "a", "b", "b"], 10, mini_batch_size=4, order="generation", keep=keep)
    assert sel.sum(1).tolist() == [0, 0, 3, 3] and stats["binding"] == [False]
    lp = torch.zeros(4, 3)
    cfg = {"clip_ratio": 0.2, "global_batch_info": {"dp_size": 1, "batch_num_tokens": 6, "loss_scale_factor": 10}}
    loss, metrics = c3po_policy_loss(lp, lp, adv_rows[:, None].expand(4, 3), sel.bool(), "token-mean", cfg)
    assert float(loss) == pytest.approx(0.0) and metrics["actor/c3po_normaliser"] == 6
    assert compact_rows(sel, dp_size=1).tolist() == [2, 3]  # the zero-spread group costs no forward / backward
    assert compact_rows(sel, dp_size=4).tolist() == [2, 3, 0, 1]


def test_shared_prefix_generation_equals_plain_generation(tmp_path):
    from rjua.train.models import resolve_model
    from rjua.train.probe import _load, sample_groups

    model, tok = _load(resolve_model("tiny-dense", str(tmp_path)), "float32")
    msgs = [{"role": "user", "content": "医生您好，腰痛三天"}]
    got = sample_groups(model, tok, [msgs], 2, 6, 1.0, do_sample=False)[0]
    ids = tok(tok.apply_chat_template(msgs, tokenize=False, add_generation_prompt=True), return_tensors="pt",
              add_special_tokens=False)["input_ids"]
    with torch.inference_mode():
        plain = model.generate(input_ids=ids, do_sample=False, max_new_tokens=6, pad_token_id=tok.eos_token_id)
    want = tok.decode(plain[0, ids.size(1):], skip_special_tokens=True)
    assert got[0]["text"] == got[1]["text"] and want.startswith(got[0]["text"])
