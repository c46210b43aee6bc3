"""MoE like Ring-lite: router outputs of Qwen2-MoE, Mixtral and BailingMoe; both MoE losses in every C3PO path.

The BailingMoe-shaped model is written here (shared experts, top-k routing, a gate returning
``(topk_idx, topk_weight, logits)`` like Ring-lite's modeling code), so CI needs no remote code.
"""
import math

import pytest
import torch
import torch.nn.functional as F
from conftest import on_device
from torch import nn

from rjua.train.config import RLConfig, load_config
from rjua.train.moe import find_routers, load_balance_loss, moe_shape, router_logits, router_z_loss


class BailingGate(nn.Module):
    """Ring-lite's gate shape: returns the top-k indices FIRST, then their weights, then the logits."""

    def __init__(self, cfg):
        super().__init__()
        self.top_k, self.norm = cfg.num_experts_per_tok, True
        self.weight = nn.Parameter(torch.randn(cfg.num_experts, cfg.hidden_size) * 0.2)

    def forward(self, hidden):
        flat = hidden.reshape(-1, hidden.size(-1))
        logits = F.linear(flat, self.weight)
        scores = logits.softmax(-1, dtype=torch.float32)
        w, idx = torch.topk(scores, self.top_k, dim=-1, sorted=False)
        if self.norm:
            w = w / w.sum(-1, keepdim=True)
        return idx, w.to(hidden.dtype), logits


class Expert(nn.Module):
    def __init__(self, hidden, inter):
        super().__init__()
        self.gate_proj, self.up_proj = nn.Linear(hidden, inter, bias=False), nn.Linear(hidden, inter, bias=False)
        self.down_proj = nn.Linear(inter, hidden, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class BailingSparseMoe(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.gate = BailingGate(cfg)
        self.experts = nn.ModuleList(Expert(cfg.hidden_size, cfg.moe_intermediate_size)
                                     for _ in range(cfg.num_experts))
        self.shared_experts = Expert(cfg.hidden_size, cfg.moe_intermediate_size * cfg.num_shared_experts)

    def forward(self, hidden):
        shape = hidden.shape
        idx, w, _ = self.gate(hidden)
        flat = hidden.reshape(-1, shape[-1])
        out = torch.zeros_like(flat)
        for e, expert in enumerate(self.experts):
            hit = idx == e
            rows = hit.any(-1)
            if rows.any():
                out[rows] = out[rows] + expert(flat[rows]) * (w * hit).sum(-1)[rows, None]
        return out.view(shape) + self.shared_experts(hidden)


def bailing_classes():
    from transformers import AutoConfig, AutoModelForCausalLM, Qwen2Config, Qwen2ForCausalLM

    class TinyBailingMoeConfig(Qwen2Config):
        model_type = "tiny_bailing_moe"
        auto_map = {}  # noqa: RUF012  TRL reads it to pick the auto class of remote-code models; this one is registered locally

        def __init__(self, num_experts=4, num_experts_per_tok=2, num_shared_experts=1, moe_intermediate_size=16,
                     **kw):
            self.num_experts, self.num_experts_per_tok = num_experts, num_experts_per_tok
            self.num_shared_experts, self.moe_intermediate_size = num_shared_experts, moe_intermediate_size
            super().__init__(**kw)

    class TinyBailingMoeForCausalLM(Qwen2ForCausalLM):
        config_class = TinyBailingMoeConfig

        def __init__(self, config):
            super().__init__(config)
            for layer in self.model.layers:
                layer.mlp = BailingSparseMoe(config)
            self.post_init()

    AutoConfig.register("tiny_bailing_moe", TinyBailingMoeConfig, exist_ok=True)
    AutoModelForCausalLM.register(TinyBailingMoeConfig, TinyBailingMoeForCausalLM, exist_ok=True)
    return TinyBailingMoeConfig, TinyBailingMoeForCausalLM


def tiny_bailing(path):
    from rjua.testing import tiny_tokenizer

    cfg_cls, model_cls = bailing_classes()
    tok = tiny_tokenizer()
    cfg = cfg_cls(vocab_size=len(tok), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                  num_key_value_heads=2, intermediate_size=64, max_position_embeddings=4096,
                  bos_token_id=tok.eos_token_id, eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id,
                  tie_word_embeddings=True)
    torch.manual_seed(0)
    model = model_cls(cfg)
    model.generation_config.eos_token_id = tok.eos_token_id
    model.generation_config.pad_token_id = tok.pad_token_id
    model.save_pretrained(path)
    tok.save_pretrained(path)
    return path


def test_router_logits_for_qwen2moe_mixtral_and_bailing_forms():
    from transformers import MixtralConfig, Qwen2MoeConfig
    from transformers.models.mixtral.modeling_mixtral import MixtralTopKRouter
    from transformers.models.qwen2_moe.modeling_qwen2_moe import Qwen2MoeTopKRouter

    torch.manual_seed(0)
    x = torch.randn(2, 5, 8)
    common = {"hidden_size": 8, "num_experts_per_tok": 2}
    for router in (Qwen2MoeTopKRouter(Qwen2MoeConfig(num_experts=4, **common)),
                   MixtralTopKRouter(MixtralConfig(num_local_experts=4, **common)),
                   BailingGate(Qwen2MoeConfig(num_experts=4, **common)), nn.Linear(8, 4, bias=False)):
        with torch.no_grad():
            router.weight.normal_()
        out = router(x)
        got = router_logits(router, (x,), out)
        assert got.shape == (10, 4) and torch.allclose(got, x.reshape(-1, 8) @ router.weight.T, atol=1e-5)
    assert not torch.is_floating_point(out[0]) if isinstance(out, tuple) else True
    idx, w, logits = BailingGate(Qwen2MoeConfig(num_experts=4, **common))(x)
    assert idx.dtype == torch.long  # what the old hook (`out[0]`) took for logits: the z-loss was silently dropped
    assert torch.allclose(router_logits(None, (), (idx, w, logits)), logits)  # fallback: widest float output


def test_moe_loss_values():
    assert float(load_balance_loss([torch.zeros(8, 4)], 1)) == pytest.approx(1.0)
    skewed = torch.tensor([[5.0, 0, 0, 0]] * 8)
    assert float(load_balance_loss([skewed], 1)) > 3.5  # all tokens on one expert: ≈ E
    assert float(router_z_loss([torch.zeros(3, 4)])) == pytest.approx(math.log(4) ** 2)


def _inputs(vocab):
    torch.manual_seed(0)
    prompt = torch.randint(3, vocab, (2, 5)).repeat_interleave(2, 0)
    pmask = torch.ones(4, 5, dtype=torch.long)
    pmask[2:, :1] = 0
    cmask = torch.tensor([[1] * n + [0] * (6 - n) for n in (6, 3, 5, 2)])
    return {"prompt_ids": prompt, "prompt_mask": pmask, "completion_ids": torch.randint(3, vocab, (4, 6)),
            "completion_mask": cmask, "advantages": torch.zeros(4),
            "old_per_token_logps": torch.full((4, 6), -3.0), "ref_per_token_logps": torch.full((4, 6), -3.1),
            "num_items_in_batch": torch.tensor(16.0)}


@pytest.mark.parametrize("pack", [True, False])
def test_bailing_moe_c3po_both_moe_losses_reach_the_router(tmp_path, pack):
    from rjua.train.rl import build_trainer

    path = tiny_bailing(tmp_path / "bailing")
    cfg = load_config(RLConfig, "rl_c3po_tiny", [f"output_dir={tmp_path / 'rl'}", f"model={path}", "beta=0",
                                                 "selection_order=generation", "token_budget=10", f"pack={pack}"])
    trainer = build_trainer(cfg)
    assert trainer.moe == (4, 2) and len(find_routers(trainer.model)) == 2
    model = trainer.model.train()
    trainer.current_gradient_accumulation_steps = 1
    model.zero_grad()
    loss = trainer._compute_loss(model, on_device(_inputs(model.config.vocab_size), model))
    loss.backward()  # advantages 0 and β = 0: the policy term has no gradient, only the MoE losses do
    for key in ("aux_loss", "router_z_loss"):
        val = trainer._metrics["train"][key][-1]
        assert math.isfinite(val) and val > 0, key
    grads = [m.weight.grad for m in find_routers(model)]
    assert all(g is not None and torch.isfinite(g).all() and g.abs().sum() > 0 for g in grads)


@pytest.mark.slow
@pytest.mark.parametrize("pack", [True, False])
def test_bailing_moe_trains_with_c3po(tmp_path, pack):
    from rjua.train.rl import run_rl

    path = tiny_bailing(tmp_path / "bailing")
    cfg = load_config(RLConfig, "rl_c3po_tiny", [f"output_dir={tmp_path / 'rl'}", f"model={path}", "max_steps=1",
                                                 f"pack={pack}"])
    res = run_rl(cfg)
    assert res["steps"][0]["tokens_in_loss"] == cfg.token_budget
    assert res["aux"]["aux_loss"] and res["aux"]["router_z_loss"]
    assert all(math.isfinite(v) and v > 0 for v in res["aux"]["aux_loss"] + res["aux"]["router_z_loss"])


def test_moe_shape_from_configs():
    from transformers import MixtralConfig, Qwen2Config, Qwen2MoeConfig

    assert moe_shape(Qwen2MoeConfig(num_experts=4, num_experts_per_tok=2)) == (4, 2)
    assert moe_shape(MixtralConfig(num_local_experts=8, num_experts_per_tok=2)) == (8, 2)
    assert moe_shape(Qwen2Config()) is None
    assert moe_shape(bailing_classes()[0]()) == (4, 2)
