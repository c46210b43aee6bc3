"""Ring-lite's choices in the TRL recipe: step-level greedy budget, non-binding warning, Φ from the data,
binary reward, stage 2 with its own data / length, trust_remote_code off by default."""
import logging

import pytest
import torch
from conftest import on_device

from rjua.train.c3po import budget_mask, suggest_token_budget
from rjua.train.config import RewardConfig, RLConfig, StagesConfig, load_config
from rjua.train.rewards import score_completion


def _trainer(tmp_path, *overrides):
    from rjua.train.rl import build_trainer

    cfg = load_config(RLConfig, "rl_c3po_tiny", [f"output_dir={tmp_path / 'rl'}", "model=tiny-dense", "beta=0",
                                                 "selection_order=generation", *overrides])
    return cfg, build_trainer(cfg)


def _micro(cmask, adv, sel=None, seed=0):
    torch.manual_seed(seed)
    b, t = cmask.shape
    out = {"prompt_ids": torch.randint(3, 50, (b, 5)), "prompt_mask": torch.ones(b, 5, dtype=torch.long),
           "completion_ids": torch.randint(3, 50, (b, t)), "completion_mask": cmask, "advantages": adv,
           "num_items_in_batch": torch.tensor(float(cmask.sum()))}
    if sel is not None:
        out["c3po_sel"] = sel
    return out


def test_step_level_selection_is_used_per_micro_batch_even_when_empty(tmp_path):
    _, trainer = _trainer(tmp_path, "token_budget=10", "gradient_accumulation_steps=2")
    model = trainer.model.train()
    trainer.current_gradient_accumulation_steps = 2
    cmask = torch.tensor([[1] * 6, [1, 1, 0, 0, 0, 0]])
    # the step's greedy fill gives this micro-batch 8 tokens (more than Φ / 2 = 5) and the next one 2
    sel = budget_mask(torch.cat([cmask, torch.ones(2, 6, dtype=torch.long)]), 10, "generation")
    assert sel[:2].sum() == 8 and sel[2:].sum() == 2
    loss = trainer._compute_loss(model, on_device(_micro(cmask, torch.tensor([1.0, 1.0]), sel[:2]), model))
    assert trainer._micro_tokens[-1] == 8  # budget_scope=micro would have cut at 5
    assert float(loss) == pytest.approx(-8 / 10, abs=1e-5)  # on-policy: -Σ A / Φ
    loss = trainer._compute_loss(model, on_device(_micro(torch.ones(2, 6, dtype=torch.long), torch.tensor([1.0, 1.0]),
                                                         torch.zeros(2, 6, dtype=torch.long)), model))
    assert trainer._micro_tokens[-1] == 0 and float(loss) == 0.0  # a micro-batch with nothing selected


def test_budget_not_binding_is_warned_and_logged(tmp_path, caplog):
    from rjua.train.rl import run_rl

    cfg = load_config(RLConfig, "rl_c3po_tiny", [f"output_dir={tmp_path / 'rl'}", "model=tiny-dense",
                                                 "token_budget=100000", "max_steps=1"])
    with caplog.at_level(logging.WARNING, logger="rjua.train.c3po"):
        res = run_rl(cfg)
    assert "does not bind" in caplog.text
    step = res["steps"][0]
    assert step["budget_binds"] == 0.0 and step["tokens_in_loss"] == step["batch_tokens"] < 100000


def test_token_budget_derived_from_data(tmp_path):
    from rjua.prompts import format_answer
    from rjua.train.data import load_parts
    from rjua.train.rl import derived_token_budget

    cfg, trainer = _trainer(tmp_path, "token_budget=null")
    tok = trainer.processing_class
    train, _ = load_parts(cfg.data)
    lengths = sorted(min(len(tok(format_answer(r.diseases, r.advices, reply=r.answer),
                                 add_special_tokens=False)["input_ids"]), cfg.max_completion_length) for r in train)
    per_step = cfg.per_device_train_batch_size * cfg.gradient_accumulation_steps
    assert trainer.token_budget == lengths[(len(lengths) - 1) // 2] * per_step
    assert trainer.token_budget == derived_token_budget(cfg, train, lambda t: len(tok(t, add_special_tokens=False)
                                                                                   ["input_ids"]))
    assert suggest_token_budget([3, 1, 2], 10) == 20


def test_paper_binary_reward_has_no_format_term():
    gold = (["肾结石"], ["多饮水"])
    paper = RewardConfig(disease_weight=1.0, advice_weight=0.0, binary=True)
    assert score_completion("不太确定是什么病", *gold, paper)["reward"] == 0.0  # nothing extracted -> not correct
    assert score_completion("考虑肾结石", *gold, paper)["reward"] == 1.0  # prose read by the same extractor
    assert score_completion("诊断：肾结石", *gold, paper)["reward"] == 1.0  # no 建议 section: no format penalty
    disease_only = RewardConfig(disease_weight=1.0, advice_weight=0.0)
    assert score_completion("诊断：肾结石", *gold, disease_only)["reward"] == 0.0
    assert score_completion("诊断：肾结石、膀胱炎\n建议：多饮水", *gold, paper)["reward"] == 0.0  # partly right = 0


def test_stage2_has_its_own_data_and_longer_length(monkeypatch, tmp_path):
    from rjua.train import stages

    seen = []

    def fake_run(cfg, generation_kwargs=None):
        seen.append(cfg)
        return {"final": f"{cfg.output_dir}/final"}

    monkeypatch.setattr(stages, "run_rl", fake_run)
    cfg = load_config(StagesConfig, "stages_tiny", ["stage2.data.context=gold", "stage2.data.split_salt=other",
                                                    "stage2.max_completion_length=64"])
    stages.run_stages(cfg)
    assert seen[1].model == "runs/stage1_tiny/final" and seen[1].max_completion_length == 64
    assert seen[1].data.context == "gold" and seen[0].data.context == "none"
    assert StagesConfig().stage2.max_completion_length > StagesConfig().stage1.max_completion_length


def test_trust_remote_code_is_off_by_default_and_passed_when_on(tmp_path):
    assert RLConfig().trust_remote_code is False
    _, trainer = _trainer(tmp_path, "token_budget=8", "dtype=float32")  # float32: TRL's default, no dtype key
    assert not trainer.args.model_init_kwargs
    _, trainer = _trainer(tmp_path, "token_budget=8", "trust_remote_code=true", "dtype=float32")
    assert trainer.args.model_init_kwargs == {"trust_remote_code": True}


def test_gpu_config_has_the_paper_values():
    cfg = load_config(RLConfig, "rl_c3po_gpu")
    assert (cfg.entropy_coef, cfg.learning_rate, cfg.num_generations) == (5e-4, 3e-6, 16)
    assert cfg.token_budget is None and cfg.budget_scope == "step"


def test_verl_prepare_binary_reward_and_suggested_budget(tmp_path):
    from datasets import Dataset

    from rjua.data import internal_split
    from rjua.prompts import format_answer
    from rjua.testing import tiny_tokenizer
    from rjua.train.verl.prepare import prepare

    tok = tiny_tokenizer()
    tok.save_pretrained(tmp_path / "tok")
    info = prepare(str(tmp_path / "v"), stage=1, binary=True, tokenizer=str(tmp_path / "tok"), completions_per_step=10)
    row = Dataset.from_parquet(str(tmp_path / "v" / "train.parquet"))[0]
    assert row["extra_info"]["reward"]["binary"] is True
    from rjua.data import load_split

    train, _ = internal_split(load_split("valid"))
    lengths = sorted(len(tok(format_answer(r.diseases, r.advices, reply=r.answer), add_special_tokens=False)
                         ["input_ids"]) for r in train)
    assert info["suggested_token_budget"] == lengths[(len(lengths) - 1) // 2] * 10
