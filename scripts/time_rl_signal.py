"""Time the pieces of the ``rl_signal_cpu`` recipe on a real model, to know what the whole run costs.

Runs each piece once, small, and records wall and process CPU seconds (all threads): the solve-rate
probe (K = 6 samples × ≤ 32 tokens per training prompt), one C3PO stage-1 step (4 prompts × K = 6,
≤ 32 tokens, Φ fixed so no probe is needed), the sampled held-out reward of one record (K = 6) and the
entropy of one full response (≤ 160 tokens). The model stands in for the SFT checkpoint: the cost per unit
does not depend on the weights. Multiply by the recipe's counts (printed) for the whole run.

Run: PYTHONPATH=$PWD python scripts/time_rl_signal.py --model /path/qwen2.5-coder-0.5b-instruct \\
         --data-dir ../shared/data/rjua-qa --out runs/time_rl_signal.json
"""
import argparse
import dataclasses
import json
import tempfile
import time
from pathlib import Path


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--probe-prompts", type=int, default=2)
    ap.add_argument("--rl-steps", type=int, default=1)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)

    from transformers import AutoTokenizer

    from rjua.train.data import load_parts, prompt_messages
    from rjua.train.entropy import checkpoint_entropy
    from rjua.train.probe import probe_training_part, sampled_reward
    from rjua.train.rl import run_rl
    from rjua.train.run import RunConfig, load_config

    cfg = load_config(RunConfig, "rl_signal_cpu", [f"data.data_dir={a.data_dir}", f"model={a.model}"])
    train, held = load_parts(cfg.data)
    s1 = cfg.stage1
    res: dict = {"model": a.model, "config": "rl_signal_cpu"}

    def timed(name, fn):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        res[name] = {"wall_s": round(time.perf_counter() - t, 1), "cpu_s": round(time.process_time() - c, 1)}
        Path(a.out).write_text(json.dumps(res, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        print(name, res[name], flush=True)
        return out

    pr = timed(f"probe_{a.probe_prompts}_prompts", lambda: probe_training_part(
        a.model, train[:a.probe_prompts], cfg.data, s1.reward, cfg.probe.k, cfg.probe.max_new_tokens,
        cfg.probe.temperature, s1.per_device_train_batch_size))
    res["probe"] = {k: v for k, v in pr.items() if k != "per_record"}
    with tempfile.TemporaryDirectory() as tmp:
        rl = dataclasses.replace(s1, model=a.model, output_dir=str(Path(tmp) / "stage1"), data=cfg.data,
                                 token_budget=768, data_order="stage1",
                                 trl_args={**s1.trl_args, "max_steps": a.rl_steps, "save_steps": 10_000})
        r = timed(f"rl_{a.rl_steps}_steps", lambda: run_rl(rl))
    res["rl_steps"] = r["steps"]
    timed("sampled_reward_1_record", lambda: sampled_reward(a.model, held[:1], cfg.data, s1.reward,
                                                            cfg.eval.sampled_k, cfg.eval.sampled_max_new_tokens))
    tok = AutoTokenizer.from_pretrained(a.model)

    def count(t):
        return len(tok(t, add_special_tokens=False)["input_ids"])

    res["entropy"] = timed("entropy_1_prompt", lambda: checkpoint_entropy(
        a.model, [prompt_messages(held[0], cfg.data, count)], [(held[0].diseases, held[0].advices)],
        cfg.select.max_new_tokens, 1.0, 0))
    res["recipe_counts"] = {"probe_prompts": cfg.probe.n_prompts, "rl_steps": s1.trl_args["max_steps"],
                            "heldout_records": len(held), "evaluations": 3,
                            "entropy_models": "checkpoints + reference", "entropy_prompts": cfg.select.n_prompts}
    Path(a.out).write_text(json.dumps(res, ensure_ascii=False, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
