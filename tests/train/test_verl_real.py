"""rjua's verl integration against the REAL verl 0.9 (own venv: it pins transformers < 5.11).

Skipped where verl is not importable (the main venv); CI runs them with ``pytest -m verl`` in
its own venv (see .ci/run). Each test reproduces one failure of the old integration.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.verl
verl = pytest.importorskip("verl", reason="verl is not installed (runs in the verl CI job)")

import torch  # noqa: E402 (only once verl is known to be importable: the module is skipped otherwise)

from rjua.train.verl.launch import CONFIG_DIR  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
QWEN = Path(os.environ.get("RJUA_QWEN05B", "models/qwen2.5-coder-0.5b-instruct"))  # a real tokenizer, if present


def compose(name="c3po_multi_gpu", overrides=()):
    from hydra import compose as hydra_compose, initialize_config_dir

    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base=None):
        return hydra_compose(config_name=name, overrides=list(overrides))


def actor_config(cfg):
    from verl.utils.config import omega_conf_to_dataclass

    return omega_conf_to_dataclass(cfg.actor_rollout_ref.actor)  # unknown keys / bad loss_agg_mode raise here


def test_registry_lookup_in_a_fresh_verl_process():
    # VERL_USE_EXTERNAL_MODULES is how verl imports the plugin in every Ray worker
    code = ("from verl.trainer.ppo.core_algos import get_policy_loss_fn, get_adv_estimator_fn\n"
            "from rjua.train.verl.loss import c3po_policy_loss, c3po_grpo_advantage\n"
            "assert get_policy_loss_fn('c3po') is c3po_policy_loss\n"
            "assert get_adv_estimator_fn('c3po_grpo') is c3po_grpo_advantage\nprint('ok')")
    env = dict(os.environ, VERL_USE_EXTERNAL_MODULES="rjua.train.verl.plugin", PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300, check=False)
    assert r.returncode == 0 and "ok" in r.stdout, r.stderr[-2000:]


@pytest.mark.parametrize("name", ["c3po_multi_gpu", "c3po_stage2"])
def test_configs_compose_with_verl_defaults_and_validate(name):
    cfg = compose(name)
    actor = actor_config(cfg)  # was: MissingConfigException / unknown c3po_* keys / Invalid loss_agg_mode
    assert actor.policy_loss.loss_mode == "c3po" and actor.loss_agg_mode == "token-mean"
    assert actor.loss_scale_factor == cfg.c3po.token_budget and actor.shuffle is False
    assert cfg.algorithm.adv_estimator == "c3po_grpo"
    assert cfg.reward.custom_reward_function.path == "pkg://rjua.train.verl.reward"
    assert "rjua.train.verl.plugin" in cfg.ray_kwargs.ray_init.runtime_env.env_vars.VERL_USE_EXTERNAL_MODULES
    assert cfg.actor_rollout_ref.actor.optim.lr == 3e-6 and cfg.actor_rollout_ref.rollout.n == 16
    assert cfg.actor_rollout_ref.actor.entropy_coeff == 5e-4
    if name == "c3po_stage2":
        assert cfg.data.max_response_length == 4096 and "stage2" in cfg.data.train_files


def _padded_batch(resp_lens, prompt_len=3, resp_width=5, seed=0):
    g = torch.Generator().manual_seed(seed)
    b = len(resp_lens)
    prompts = torch.randint(5, 100, (b, prompt_len), generator=g)
    responses = torch.randint(5, 100, (b, resp_width), generator=g)
    rmask = torch.tensor([[1] * n + [0] * (resp_width - n) for n in resp_lens])
    am = torch.cat([torch.ones(b, prompt_len, dtype=torch.long), rmask], 1)
    return {"prompts": prompts, "responses": responses, "input_ids": torch.cat([prompts, responses], 1),
            "attention_mask": am, "position_ids": (am.cumsum(1) - 1).clamp(min=0), "response_mask": rmask}


def test_step_budget_and_loss_through_verls_advantage_and_ppo_loss():
    """verl's compute_advantage -> padding conversion -> ppo_loss (the exact call and kwargs verl makes)."""
    import numpy as np
    from verl import DataProto
    from verl.trainer.ppo.ray_trainer import compute_advantage
    from verl.utils import tensordict_utils as tu
    from verl.workers.utils.losses import ppo_loss
    from verl.workers.utils.padding import left_right_2_no_padding

    import rjua.train.verl.plugin  # noqa: F401  (registers c3po / c3po_grpo, as VERL_USE_EXTERNAL_MODULES does)

    phi = 7
    cfg = compose(overrides=[f"c3po.token_budget={phi}", "c3po.order=generation", "actor_rollout_ref.rollout.n=2",
                             "actor_rollout_ref.actor.ppo_mini_batch_size=2", "trainer.n_gpus_per_node=1"])
    lens = [5, 4, 2, 3, 5, 5, 1, 2]  # 8 completions = 2 optimizer steps of 2 prompts x n=2
    batch = _padded_batch(lens)
    rewards = torch.zeros(8, 5)
    rewards[torch.arange(8), torch.tensor(lens) - 1] = torch.tensor([1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0])
    data = DataProto.from_dict(tensors={**batch, "token_level_rewards": rewards},
                               non_tensors={"uid": np.array(["a", "a", "b", "b", "c", "c", "d", "d"], dtype=object)})
    data = compute_advantage(data, adv_estimator="c3po_grpo", num_repeat=2, config=cfg.algorithm)
    sel = data.batch["response_mask"]
    assert sel[:4].sum() == phi and sel[4:].sum() == phi  # Φ per mini-batch (= optimizer step), not per micro-batch
    assert sel[:4].sum(1).tolist() == [5, 2, 0, 0]  # whole responses first in order, the last one cut
    actor = actor_config(cfg)
    torch.manual_seed(0)
    old = torch.randn(8, 5) * 0.1
    data.batch["old_log_probs"] = old
    data.batch["ref_log_prob"] = old - 0.1
    td = left_right_2_no_padding(data[:4].to_tensordict())  # the first mini-batch, as the engine gets it
    assert int(td["loss_mask"].sum()) == phi  # the engine's batch_num_tokens
    tu.assign_non_tensor(td, dp_size=1, batch_num_tokens=int(td["loss_mask"].sum()), global_batch_size=4)
    new = (old[:4] + 0.05 * torch.randn(4, 5)).requires_grad_(True)
    ids = td["input_ids"]
    full = torch.cat([torch.zeros(4, 2), new, torch.zeros(4, 1)], 1)  # verl reads log-probs shifted left by one
    real = batch["attention_mask"][:4].bool()
    logp = torch.nested.nested_tensor_from_jagged(full[real], offsets=ids.offsets())
    ent_full = torch.cat([torch.zeros(4, 2), torch.rand(4, 5) + 1.0, torch.zeros(4, 1)], 1)
    ent = torch.nested.nested_tensor_from_jagged(ent_full[real], offsets=ids.offsets())
    loss, metrics = ppo_loss(actor, {"log_probs": logp, "entropy": ent}, td)
    ratio = torch.exp(new - old[:4])
    adv = data.batch["advantages"][:4]
    per = torch.maximum(-adv * ratio, -adv * ratio.clamp(0.8, 1.2))
    kl = torch.exp(old[:4] - 0.1 - new) - (old[:4] - 0.1 - new) - 1  # low_var_kl
    entropy = ent_full[:, 2:7]
    m = sel[:4].float()  # policy term, entropy bonus and KL all over the selected tokens only
    expected = ((per * m).sum() - 5e-4 * (entropy * m).sum() + 1e-3 * (kl * m).sum()) / phi
    assert float(loss) == pytest.approx(float(expected), rel=1e-5)
    loss.backward()
    assert int((new.grad != 0).sum()) <= phi and bool((new.grad[sel[:4] == 0] == 0).all())
    fill = metrics["actor/c3po_budget_fill"]
    assert [float(v) for v in fill.values] == [pytest.approx(1.0)]


def test_loss_refuses_an_unselected_batch_and_warns_when_budget_does_not_bind(caplog):
    from verl.trainer.ppo.core_algos import get_policy_loss_fn

    import rjua.train.verl.plugin  # noqa: F401
    from rjua.train.verl.loss import c3po_grpo_advantage

    fn = get_policy_loss_fn("c3po")
    actor = actor_config(compose(overrides=["c3po.token_budget=4"]))
    actor.global_batch_info.update(dp_size=1, batch_num_tokens=10, loss_scale_factor=4)
    lp = torch.zeros(2, 5)
    with pytest.raises(ValueError, match="c3po_grpo"):
        fn(old_log_prob=lp, log_prob=lp, advantages=lp, response_mask=torch.ones(2, 5, dtype=torch.bool),
           loss_agg_mode="token-mean", config=actor, rollout_is_weights=None)
    cfg = compose(overrides=["c3po.token_budget=100", "actor_rollout_ref.rollout.n=2",
                             "actor_rollout_ref.actor.ppo_mini_batch_size=1", "trainer.n_gpus_per_node=1"])
    mask = torch.ones(2, 5)
    with caplog.at_level("WARNING"):
        # rewards 1 and 0: an informative group (a zero-spread group would be filtered before the budget)
        rewards = torch.zeros(2, 5)
        rewards[0, 0] = 1.0
        c3po_grpo_advantage(rewards, mask, index=["a", "a"], config=cfg.algorithm)
    assert "does not bind" in caplog.text and int(mask.sum()) == 10


def test_reward_through_verls_reward_manager():
    from verl import DataProto
    from verl.experimental.reward_loop.reward_manager.naive import NaiveRewardManager
    from verl.trainer.ppo.reward import get_custom_reward_fn

    from rjua.testing import tiny_tokenizer

    cfg = compose()
    fn = get_custom_reward_fn(cfg)  # loads pkg://rjua.train.verl.reward (a file path broke on relative imports)
    tok = tiny_tokenizer()
    text = "诊断：肾结石\n建议：多饮水"
    resp = torch.tensor([tok(text, add_special_tokens=False)["input_ids"]])
    gt = json.dumps({"diseases": ["肾结石"], "advices": ["多饮水", "复查B超"]}, ensure_ascii=False)
    import numpy as np

    data = DataProto.from_dict(
        tensors={"prompts": torch.ones(1, 2, dtype=torch.long), "responses": resp,
                 "attention_mask": torch.ones(1, 2 + resp.size(1), dtype=torch.long)},
        non_tensors={"data_source": np.array(["rjua"], dtype=object),
                     "reward_model": np.array([{"ground_truth": gt}], dtype=object),
                     "extra_info": np.array([{"reward": {"disease_weight": 1.0, "advice_weight": 0.0}}],
                                            dtype=object)})
    mgr = NaiveRewardManager(cfg, tok, fn)
    out = mgr.loop.run_until_complete(mgr.run_single(data))  # verl's own event loop, as its reward loop runs it
    assert out["reward_score"] == 1.0 and out["reward_extra_info"]["disease_f1"] == 1.0


def test_prepare_parquet_through_verls_dataset(tmp_path):
    from omegaconf import OmegaConf
    from transformers import AutoTokenizer
    from verl.utils.dataset.rl_dataset import RLHFDataset

    from rjua.testing import tiny_tokenizer
    from rjua.train.verl.prepare import prepare

    info = prepare(str(tmp_path / "v"), stage=1)
    tok = AutoTokenizer.from_pretrained(QWEN) if (QWEN / "tokenizer_config.json").is_file() else tiny_tokenizer()
    data_cfg = OmegaConf.merge(compose().data, {"max_prompt_length": 4096, "filter_overlong_prompts": True})
    ds = RLHFDataset(str(tmp_path / "v" / "train.parquet"), tok, data_cfg)
    assert len(ds) == info["train"] > 0
    row = ds[0]
    assert row["data_source"] == "rjua" and json.loads(row["reward_model"]["ground_truth"])["diseases"]
    assert row["extra_info"]["reward"]["advice_weight"] == 0.0
    assert "raw_prompt" in row or "input_ids" in row


def test_launch_dry_run_prints_the_composed_job():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-m", "rjua.train.verl.launch", "--cfg", "job"], env=env, cwd=ROOT,
                       capture_output=True, text=True, timeout=300, check=False)
    assert r.returncode == 0, r.stderr[-3000:]
    import yaml

    job = yaml.safe_load("\n".join(x for x in r.stdout.splitlines() if not x.startswith(("WARNING", "INFO"))))
    assert job["actor_rollout_ref"]["actor"]["policy_loss"]["loss_mode"] == "c3po"
    assert job["c3po"]["token_budget"] == 286720


def test_budget_follows_verls_own_dp_and_mini_batch_split():
    """Φ per global mini-batch with 2 GPUs, checked with verl's own chunking and mini-batch iterator."""
    import numpy as np
    from verl import DataProto
    from verl.trainer.ppo.ray_trainer import compute_advantage
    from verl.utils import tensordict_utils as tu

    import rjua.train.verl.plugin  # noqa: F401

    phi = 9
    cfg = compose(overrides=[f"c3po.token_budget={phi}", "actor_rollout_ref.rollout.n=2",
                             "actor_rollout_ref.actor.ppo_mini_batch_size=2", "trainer.n_gpus_per_node=2"])
    lens = [5, 4, 2, 3, 5, 5, 1, 2, 4, 4, 3, 5, 2, 5, 5, 4]  # 16 completions = 4 steps of 2 prompts x n=2
    batch = _padded_batch(lens)
    rewards = torch.zeros(16, 5)
    rewards[torch.arange(16), torch.tensor(lens) - 1] = torch.tensor([1.0, 0.0] * 8)
    uids = np.array([f"p{i // 2}" for i in range(16)], dtype=object)
    data = DataProto.from_dict(tensors={**batch, "token_level_rewards": rewards}, non_tensors={"uid": uids})
    data = compute_advantage(data, adv_estimator="c3po_grpo", num_repeat=2, config=cfg.algorithm)
    td = data.select(batch_keys=["response_mask"]).to_tensordict()
    per_step: dict[int, int] = {}
    for shard in tu.chunk_tensordict(td, 2):  # what the dispatcher gives each GPU
        it = tu.make_iterator(shard, mini_batch_size=2, epochs=1, seed=42, dataloader_kwargs={"shuffle": False})
        for j, mini in enumerate(it):
            per_step[j] = per_step.get(j, 0) + int(mini["response_mask"].sum())
    assert per_step == {0: phi, 1: phi, 2: phi, 3: phi}
