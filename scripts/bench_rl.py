"""Benchmark C3PO against GRPO on a tiny random Qwen2-MoE (CPU): tokens per optimizer step and step time.

Both modes run the same recipe, seeds and data for N optimizer steps; sampling adds an
EOS logit bias (generation only) so the random model's responses have varied lengths,
as a real policy's do. Reported per mode: completion tokens entering the loss per step
(mean, std), update time (forward + backward + optimizer, generation excluded) and
whole-step time, each with its coefficient of variation, and the token positions the
update's forward computes (padding included; C3PO packs its selection, see
rjua.train.packing) — a timing-noise-free view of the same cost. Targets: C3PO's tokens-per-step
std = 0 and its update-time CV below GRPO's ("step time" read as the optimizer step's
training time: C3PO acts on training, not on rollouts, whose time follows the longest sample
in both modes; the whole-step CV is printed too).

Run: python scripts/bench_rl.py [--steps 20] [--order balanced] [--max-completion-length 512] (~10 min)
"""
import argparse
import contextlib
import statistics
import sys
import tempfile

from rjua.train.config import RLConfig, load_config
from rjua.train.rl import run_rl


def cv(xs):
    m = statistics.mean(xs)
    return statistics.pstdev(xs) / m if m else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--budget", type=int, default=384, help="Φ; keep it below a batch's total tokens")
    ap.add_argument("--hidden", type=int, default=256, help="model width (compute should dominate overhead)")
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--eos-bias", type=float, default=2.5)
    ap.add_argument("--max-completion-length", type=int, default=512,
                    help="response cap; 512 rarely binds (as in real RL); at 256 it truncates the long tail")
    ap.add_argument("--no-pack", action="store_true", help="C3PO on padded rows instead of one packed row")
    ap.add_argument("--order", default="balanced",
                    help="C3PO selection order: balanced | random | generation | shortest | longest")
    ap.add_argument("--warmup", type=int, default=2, help="first steps left out of the timing statistics")
    args = ap.parse_args()
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        from rjua.testing import tiny_causal_lm
        with contextlib.redirect_stdout(sys.stderr):
            model = tiny_causal_lm(f"{tmp}/model", moe=True, hidden_size=args.hidden, layers=args.layers, experts=8)
        for mode in ("grpo", "c3po"):
            cfg = load_config(RLConfig, "rl_c3po_tiny", [
                f"model={model}", f"output_dir={tmp}/{mode}", f"mode={mode}", f"max_steps={args.steps + args.warmup}",
                f"token_budget={args.budget}", "num_generations=4", "per_device_train_batch_size=8",
                f"max_completion_length={args.max_completion_length}", "logging_steps=1000",
                f"selection_order={args.order}", f"pack={not args.no_pack}"])
            eos = None
            with contextlib.redirect_stdout(sys.stderr):
                from transformers import AutoTokenizer

                from rjua.train.models import resolve_model
                eos = AutoTokenizer.from_pretrained(resolve_model(cfg.model, cfg.output_dir)).eos_token_id
                res = run_rl(cfg, generation_kwargs={"sequence_bias": [[[eos], args.eos_bias]]})
            rows[mode] = res["steps"][args.warmup:]
    print(f"random Qwen2-MoE (hidden {args.hidden}, {args.layers} layers, 8 experts), "
          f"{args.steps} optimizer steps per mode (after {args.warmup} warm-up), "
          f"8 completions/step (K=4), Φ = {args.budget}, C3PO order {args.order}, "
          f"{'padded' if args.no_pack else 'packed'}")
    print(f"{'mode':<6} {'tokens/step mean':>16} {'std':>7} {'forward tok mean':>16} {'fwd CV':>7} "
          f"{'update s mean':>14} {'update CV':>10} {'step s mean':>12} {'step CV':>8}")
    stats = {}
    for mode, steps in rows.items():
        tok = [s["tokens_in_loss"] for s in steps]
        up = [s["update_seconds"] for s in steps]
        st = [s["step_seconds"] for s in steps]
        fw = [s["forward_tokens"] for s in steps]
        stats[mode] = (statistics.pstdev(tok), cv(up), cv(st), statistics.mean(up), cv(fw))
        print(f"{mode:<6} {statistics.mean(tok):>16.1f} {statistics.pstdev(tok):>7.2f} {statistics.mean(fw):>16.1f} "
              f"{cv(fw):>7.3f} {statistics.mean(up):>14.3f} {cv(up):>10.3f} {statistics.mean(st):>12.3f} "
              f"{cv(st):>8.3f}")
    g, c = stats["grpo"], stats["c3po"]
    print(f"C3PO tokens/step std = {c[0]:.2f} (target 0); update-time CV C3PO/GRPO = {c[1] / g[1]:.2f} "
          f"(target < 1); whole-step CV C3PO/GRPO = {c[2] / g[2]:.2f}; "
          f"forward-token CV C3PO/GRPO = {c[4] / g[4]:.2f}; "
          f"C3PO update {g[3] / c[3]:.1f}x faster than GRPO's")


if __name__ == "__main__":
    main()
