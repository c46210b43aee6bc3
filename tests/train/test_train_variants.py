"""RL modes and selection orders are registries (rjua/train/variants.py): a new variant is one entry there, and the
config validation, the TRL recipe, the budget selection and the verl path all pick it up."""
import ast
import json
from pathlib import Path

import pytest
import torch
from conftest import on_device

from rjua.errors import RJUAError
from rjua.train.c3po import budget_mask
from rjua.train.config import RLConfig, load_config
from rjua.train.variants import MODES, ORDERS, Mode, check_order
from rjua.train.verl.loss import read_settings, select_step_tokens

ROOT = Path(__file__).resolve().parents[2]


def _reverse(lengths, groups, generator):  # a new order: last generated response first
    return torch.arange(lengths.numel() - 1, -1, -1)


def test_a_new_selection_order_is_one_registry_entry(monkeypatch):
    with pytest.raises(RJUAError, match="selection_order must be one of"):
        load_config(RLConfig, "rl_c3po_tiny", ["selection_order=reverse"])
    monkeypatch.setitem(ORDERS, "reverse", _reverse)
    assert load_config(RLConfig, "rl_c3po_tiny", ["selection_order=reverse"]).selection_order == "reverse"
    mask = torch.tensor([[1, 1, 1, 0], [1, 1, 0, 0], [1, 1, 1, 1]])
    assert budget_mask(mask, 5, "reverse").tolist() == [[0, 0, 0, 0], [1, 0, 0, 0], [1, 1, 1, 1]]
    sel, stats = select_step_tokens(mask, ["a", "a", "b"], 5, mini_batch_size=3, order="reverse")  # verl path
    assert sel.tolist() == [[0, 0, 0, 0], [1, 0, 0, 0], [1, 1, 1, 1]] and stats["binding"] == [True]


def test_a_new_mode_is_one_registry_entry(monkeypatch):
    from rjua.train.rl import grpo_config

    with pytest.raises(RJUAError, match="mode must be c3po or grpo"):
        load_config(RLConfig, "rl_c3po_tiny", ["mode=dr_grpo"])
    monkeypatch.setitem(MODES, "dr_grpo", Mode("dr_grpo", budget=False))
    cfg = load_config(RLConfig, "rl_c3po_tiny", ["mode=dr_grpo"])
    assert grpo_config(cfg).loss_type == "dr_grpo"
    assert grpo_config(load_config(RLConfig, "rl_c3po_tiny")).loss_type == "dapo"


def test_verl_supports_every_registered_order_or_refuses(monkeypatch):
    mask = torch.ones(8, 3, dtype=torch.long)
    index = ["a", "a", "a", "a", "b", "b", "c", "c"]
    for order in ORDERS:
        sel, _ = select_step_tokens(mask, index, 9, mini_batch_size=8, order=order,
                                    generator=torch.Generator().manual_seed(0))
        assert int(sel.sum()) == 9, order
    sel, _ = select_step_tokens(mask, index, 9, mini_batch_size=8, order="balanced",
                                generator=torch.Generator().manual_seed(0))
    assert sorted(index[i] for i in range(8) if sel[i].any()) == ["a", "b", "c"]  # one per prompt, not random
    monkeypatch.setenv("RJUA_C3PO", json.dumps({"token_budget": 4, "order": "widest"}))
    with pytest.raises(ValueError, match="c3po.order: unknown selection order 'widest'; choose one of random"):
        read_settings(None)
    monkeypatch.setenv("RJUA_C3PO", json.dumps({"token_budget": 4, "order": "shortest"}))
    assert read_settings(None)["order"] == "shortest"
    assert check_order("longest") is ORDERS["longest"]


def test_no_string_switch_on_mode_or_order_names_outside_the_registry():
    names = set(MODES) | set(ORDERS)
    found = []
    for path in sorted((ROOT / "rjua").rglob("*.py")):
        if path.name == "variants.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                consts = [x for side in sides for x in [side, *getattr(side, "elts", [])]
                          if isinstance(x, ast.Constant)]
                hits = [x.value for x in consts if x.value in names]
                if hits:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {hits}")
    assert not found, found


def test_trl_args_pass_any_grpo_setting_and_old_top_level_keys_still_work():
    from rjua.train.rl import grpo_config

    cfg = load_config(RLConfig, "rl_c3po_tiny", ["max_steps=1", "trl_args.top_p=0.9", "temperature=0.7"])
    assert cfg.trl_args["max_steps"] == 1 and cfg.max_steps == 1  # old spelling lands in trl_args
    args = grpo_config(cfg)
    assert (args.max_steps, args.top_p, args.temperature, args.learning_rate) == (1, 0.9, 0.7, 1e-4)
    with pytest.raises(RJUAError, match="trl_args.bogus: not a setting of TRL's GRPOConfig"):
        grpo_config(load_config(RLConfig, "rl_c3po_tiny", ["trl_args.bogus=1"]))
    with pytest.raises(RJUAError, match="trl_args.seed: set by rjua"):
        load_config(RLConfig, "rl_c3po_tiny", ["trl_args.seed=3"])
    with pytest.raises(RJUAError, match="learning_rate must be > 0"):
        load_config(RLConfig, "rl_c3po_tiny", ["trl_args.learning_rate=-1e-5"])


def test_selection_is_the_trainers_own_field_and_attention_sees_every_token(tmp_path, monkeypatch):
    from trl import GRPOTrainer

    from rjua.train.rl import build_trainer

    cfg = load_config(RLConfig, "rl_c3po_tiny", [f"output_dir={tmp_path / 'rl'}", "model=tiny-dense", "beta=0",
                                                 "selection_order=generation", "token_budget=10", "pack=false"])
    trainer = build_trainer(cfg)
    model = trainer.model.train()
    trainer.current_gradient_accumulation_steps = 1
    seen = {}
    loss_fn, fwd_fn = GRPOTrainer._compute_loss, GRPOTrainer._get_per_token_logps_and_entropies

    def spy_loss(self, model, inputs):
        seen["inputs"] = dict(inputs)
        return loss_fn(self, model, inputs)

    def spy_fwd(self, model, input_ids, attention_mask, *a, **kw):
        seen["attention"] = attention_mask.clone()
        return fwd_fn(self, model, input_ids, attention_mask, *a, **kw)

    monkeypatch.setattr(GRPOTrainer, "_compute_loss", spy_loss)
    monkeypatch.setattr(GRPOTrainer, "_get_per_token_logps_and_entropies", spy_fwd)
    torch.manual_seed(0)
    cmask = torch.tensor([[1] * n + [0] * (6 - n) for n in (6, 3, 5, 2)])
    inputs = {"prompt_ids": torch.randint(3, 50, (4, 5)), "prompt_mask": torch.ones(4, 5, dtype=torch.long),
              "completion_ids": torch.randint(3, 50, (4, 6)), "completion_mask": cmask,
              "advantages": torch.tensor([1.0, -2.0, 0.5, 3.0]), "num_items_in_batch": torch.tensor(16.0)}
    trainer._compute_loss(model, on_device(inputs, model))
    got = seen["inputs"]
    assert "tool_mask" not in got and "c3po_sel" not in got  # TRL's tool_mask is not used for the selection
    assert got["completion_mask"].sum(1).tolist() == [6, 3, 1]  # 6 + 3 + 1 = Φ; the unselected row is dropped
    assert seen["attention"][:, 5:].sum(1).tolist() == [6, 3, 5]  # attention still sees the whole responses
