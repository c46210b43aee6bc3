#!/usr/bin/env bash
# A one-minute check of a GPU machine: the whole recipe (run_gpu: bf16, full SFT, selection, C3PO x2,
# held-out evaluation) on the tiny random model and the bundled sample, with short steps, then the
# trainer tests. Run from a checkout with rjua[train] installed on a CUDA torch:  bash scripts/gpu_check.sh
# (Measured on one H200: the recipe in 41 s; see docs/results.md, "GPU check".)
set -euo pipefail
out=${1:-runs/gpu_check}
python3 -c "import torch; assert torch.cuda.is_available(), 'no CUDA device'; print(torch.cuda.get_device_name(0))"
RJUA_DATA_DIR= python3 -m rjua.cli train run --config run_gpu model=tiny-dense output_dir="$out" \
  sft.max_steps=4 sft.save_steps=2 sft.max_length=768 data.context_tokens=256 select.n_prompts=4 \
  select.max_new_tokens=32 stage1.max_steps=2 stage2.max_steps=2 stage1.max_completion_length=64 \
  stage2.max_completion_length=64 stage1.token_budget=512 stage2.token_budget=512 eval.n_records=8 \
  eval.max_new_tokens=32 > "$out.metrics.json"
python3 -c "import json,sys; s=json.load(open('$out/run_state.json')); print('sft dtype:', s['sft']['dtype'])"
RJUA_DATA_DIR= python3 -m pytest -q -m "slow or not slow" tests/train tests/backends/test_chooser.py
