#!/usr/bin/env bash
# CI wheel job: build a wheel, install it into a FRESH venv (no source tree on sys.path: everything runs
# from a temporary directory), then
#   1. light install (core only, no torch): load + score work;
#   2. CPU torch first (as the README does), then the demo extra: the README's main command
#      (`rjua eval --split test`) and `rjua demo`'s start-up (127.0.0.1, free port, answers HTTP, stopped).
# Usage: bash .ci/wheel_check.sh [PYTHON]   (PYTHON builds the wheel; default python3)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${1:-python3}
WORK=$(mktemp -d)
pip_q() {  # pip, quiet, without the local index's "Location ... is ignored" noise
  "$@" -q 2>&1 | sed '/is ignored: it is neither a file nor a directory/d'
}
trap 'rm -rf "$WORK"' EXIT
pip_q "$PY" -m pip wheel . --no-deps -w "$WORK/dist"
WHEEL=$(ls "$WORK"/dist/rjua-*.whl)
echo "ci-wheel: built $(basename "$WHEEL")"
python3 -m venv "$WORK/venv"
V="$WORK/venv/bin"
cd "$WORK"

# 1. light install: core dependencies only
pip_q "$V/pip" install "$WHEEL"
"$V/python" -c "import importlib.util as u, sys; sys.exit('torch is installed in the light venv' if u.find_spec('torch') else 0)"
"$V/python" - <<'PY'
import json
import rjua
assert "site-packages" in rjua.__file__, rjua.__file__  # the installed wheel, not a checkout
recs = rjua.load_split("test")  # the bundled sample, from the installed package
with open("preds.jsonl", "w", encoding="utf-8") as f:
    for r in recs:
        row = {"id": r.id, "answer": r.answer, "disease": "、".join(r.diseases), "advice": "、".join(r.advices)}
        f.write(json.dumps(row, ensure_ascii=False) + "\n")
print("ci-wheel: rjua from", rjua.__file__)
PY
"$V/rjua" data stats --split test --json >/dev/null
"$V/rjua" score preds.jsonl --split test --json > score.json
"$V/python" -c "import json; s = json.load(open('score.json')); assert s['n'] > 0 and s['disease_f1'] > 0.9, s"
"$V/rjua" score preds.jsonl --split test --format html --out report.html >/dev/null  # the packaged template
grep -q "<h2>Worst records</h2>" report.html
echo "ci-wheel: light install (no torch) loads and scores"

# 2. CPU torch first, then the extras the README's main command and the demo need
pip_q "$V/pip" install torch --index-url https://download.pytorch.org/whl/cpu
pip_q "$V/pip" install "${WHEEL}[demo]"
"$V/rjua" eval --split test --json > eval.json
"$V/python" -c "import json; s = json.load(open('eval.json')); assert s['n'] > 0, s"
test -s runs/latest/report.html
echo "ci-wheel: rjua eval --split test ok"

PORT=$("$V/python" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
"$V/rjua" demo --host 127.0.0.1 --port "$PORT" > demo.log 2>&1 &
DEMO=$!
ok=0
for _ in $(seq 1 240); do
  if "$V/python" -c "import urllib.request, sys; urllib.request.urlopen('http://127.0.0.1:$PORT/', timeout=2)" 2>/dev/null; then
    ok=1; break
  fi
  kill -0 "$DEMO" 2>/dev/null || break
  sleep 0.5
done
kill "$DEMO" 2>/dev/null || true
wait "$DEMO" 2>/dev/null || true
if [ "$ok" != 1 ]; then
  echo "ci-wheel: rjua demo did not answer HTTP on 127.0.0.1:$PORT"; cat demo.log; exit 1
fi
echo "ci-wheel: rjua demo served http://127.0.0.1:$PORT/"
