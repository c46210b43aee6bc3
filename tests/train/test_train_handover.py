import json
import os

import pytest
from conftest import run_cli

from rjua.train.config import RLConfig, SelectConfig, SFTConfig, load_config


@pytest.mark.slow
def test_lora_sft_select_c3po_predict_end_to_end(tmp_path):
    """SFT (LoRA) -> select-checkpoint -> C3PO from the selected LoRA checkpoint -> rjua predict --backend hf."""
    from rjua.handover import checkpoint_info
    from rjua.train.entropy import select_checkpoint
    from rjua.train.rl import run_rl
    from rjua.train.sft import run_sft

    sft = tmp_path / "sft"
    res = run_sft(load_config(SFTConfig, "sft_tiny", [f"output_dir={sft}", "max_steps=2", "lora=true",
                                                      "data.context_tokens=64"]))
    assert res["kind"] == "lora" and res["learning_rate"] == 1e-3  # the config's rate wins over the LoRA default
    info = checkpoint_info(sft / "checkpoint-2")
    assert info["kind"] == "lora" and os.path.isabs(info["base_model"]) and info["data"]["context_tokens"] == 64
    assert not (sft / "checkpoint-2" / "config.json").exists()  # adapters only: this used to break RL
    # selection reads SFT's data settings (context_tokens=64), not the select config's own (96)
    sel = select_checkpoint(load_config(SelectConfig, "select_tiny", [f"checkpoints_dir={sft}"]))
    assert sel["data"]["context_tokens"] == 64 and (sft / "selected").is_symlink()
    rl = run_rl(load_config(RLConfig, "rl_c3po_tiny", [f"output_dir={tmp_path / 'rl'}", f"model={sft / 'selected'}",
                                                       "max_steps=1"]))
    assert rl["steps"][0]["tokens_in_loss"] == 48
    final = tmp_path / "rl" / "final"
    assert checkpoint_info(final)["kind"] == "full" and (final / "config.json").is_file()
    # both kinds of checkpoint answer through the hf backend by their folder
    for model in (final, sft / "checkpoint-1"):
        out = tmp_path / f"pred-{model.name}.jsonl"
        r = run_cli("predict", "--split", "valid", "--backend", "hf", "--model", model, "--context", "gold",
                    "--max-new-tokens", "4", "--limit", "2", "--subset", "heldout", "--out", out,
                    "--context-tokens", "32", "--no-progress")
        assert r.returncode == 0, r.stderr[-2000:]
        rows = [json.loads(x) for x in out.read_text().splitlines()]
        assert len(rows) == 2 and all(not row["error"] for row in rows)
