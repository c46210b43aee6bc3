"""RL modes and selection orders are registries (rjua/train/variants.py): a new variant is one entry there, and the
config validation, the TRL recipe, the budget selection and the verl path all pick it up."""
import ast
import json
from pathlib import Path

import pytest
import torch

from rjua.errors import RJUAError
from rjua.train.c3po import budget_mask
from rjua.train.config import RLConfig, load_config
from rjua.train.variants import MODES, ORDERS, Mode, check_order
from rjua.train.verl.loss import read_settings, select_step_tokens

ROOT = Path(__file__).resolve().parents[1]


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
                consts = [x for side in sides for x in [side, *getattr(side, "elts", [])] if isinstance(x, ast.Constant)]
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
