#!/usr/bin/env bash
# `slipway deploy` of the bundled plan (deploy/bridge.toml: 6 transactions,
# dependency depth 3) on the development chain served by `slipway node` with
# interval mining (2 s blocks, the preset), a fresh chain each run: wall time
# and blocks used, against the plan's depth (the goal: blocks used = depth,
# i.e. every level's transactions land in one block).
# Usage: bench/deploy.sh [RUNS] [RESULTS.md]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
out=${2:-/dev/stdout}
cargo build --release --quiet -p slipway
slipway=$PWD/target/release/slipway
work=$(mktemp -d)
node_pid=
cleanup() { [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
cp -r contracts deploy slipway.toml package.json "$work/"
ln -s "$PWD/node_modules" "$work/node_modules"
"$slipway" --root "$work" -q build

{
  echo "| run | wall time (s) | transactions | blocks used | plan depth |"
  echo "|---|---|---|---|---|"
} > "$work/table.md"
port=18645
for run in $(seq 1 "$runs"); do
  rm -rf "$work/deployments" "$work/.slipway/devnet"
  "$slipway" --root "$work" -q node --port "$port" --block-time 2 --fresh >"$work/node.log" 2>&1 &
  node_pid=$!
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port" -H 'content-type: application/json' \
      -d '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' && break
    sleep 0.1
  done
  start=$(date +%s.%N)
  "$slipway" --root "$work" -q deploy >/dev/null
  end=$(date +%s.%N)
  read -r sent blocks < <(python3 - "$work/deployments/development/bridge.journal.jsonl" <<'PY'
import json, sys
records = [json.loads(l) for l in open(sys.argv[1])]
sent = sum(1 for r in records if r["record"] == "sent")
blocks = {r["block"] for r in records if r["record"] == "confirmed"}
print(sent, len(blocks))
PY
)
  printf '| %s | %.2f | %s | %s | 3 |\n' "$run" "$(echo "$end - $start" | bc)" "$sent" "$blocks" >> "$work/table.md"
  kill "$node_pid"; wait "$node_pid" 2>/dev/null || true; node_pid=
done
{
  echo "slipway deploy, deploy/bridge.toml on \`slipway node --block-time 2\` ($(nproc) cores, $(date -u +%Y-%m-%d)):"
  echo
  cat "$work/table.md"
} > "$out"
