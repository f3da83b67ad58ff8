#!/usr/bin/env bash
# The bundled bridge's deployment (6 transactions, dependency depth 3: the
# bridge; two role grants; three operator calls) on a chain with 2 s blocks,
# side by side in one run:
#  - slipway deploy of deploy/bridge.toml on `slipway node --block-time 2`;
#  - Hardhat Ignition (the tool a Hardhat team would pick; module in
#    bench/ignition/Bridge.js, the same steps) on `hardhat node` with 2 s
#    interval mining, requiredConfirmations 1 as slipway's development.
# A fresh chain for every run of either. Reported: wall time of the deploy
# command and blocks used, against the plan's depth (goal: blocks = depth).
# Usage: bench/deploy.sh [RUNS] [RESULTS.md]   (needs node/npm; installs
# hardhat@2 and @nomicfoundation/hardhat-ignition@0.15 in a temp dir)
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

# slipway's project: the repository's suite and plan.
mkdir -p "$work/slipway"
cp -r contracts deploy slipway.toml package.json "$work/slipway/"
ln -s "$PWD/node_modules" "$work/slipway/node_modules"
"$slipway" --root "$work/slipway" -q build

# Hardhat + Ignition: the bridge's sources, compiled by npm's solc 0.8.20.
hh=$work/hardhat
mkdir -p "$hh/contracts" "$hh/ignition/modules"
cp -r contracts/src/bridge "$hh/contracts/"
cp bench/ignition/hardhat.config.js "$hh/"
cp bench/ignition/Bridge.js "$hh/ignition/modules/"
(cd "$hh" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent \
  hardhat@2.29.1 @nomicfoundation/hardhat-ignition@0.15 @nomicfoundation/hardhat-verify@2 \
  @openzeppelin/contracts@5.0.2 solc@0.8.20 >/dev/null && npx hardhat compile --quiet)
ignition_version=$(python3 -c "import json;print(json.load(open('$hh/node_modules/@nomicfoundation/hardhat-ignition/package.json'))['version'])")

port=18645
wait_for_node() {
  for _ in $(seq 1 200); do
    curl -s -o /dev/null "http://127.0.0.1:$port" -H 'content-type: application/json' \
      -d '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' && return 0
    sleep 0.1
  done
  echo "no node on $port" >&2; return 1
}
seconds() { echo "$2 - $1" | bc; }

rows=()
for run in $(seq 1 "$runs"); do
  # slipway
  rm -rf "$work/slipway/deployments" "$work/slipway/.slipway/devnet"
  "$slipway" --root "$work/slipway" -q node --port "$port" --block-time 2 --fresh >"$work/node.log" 2>&1 &
  node_pid=$!; wait_for_node
  start=$(date +%s.%N); "$slipway" --root "$work/slipway" -q deploy >/dev/null; end=$(date +%s.%N)
  s_time=$(seconds "$start" "$end")
  s_blocks=$(python3 -c "
import json,sys
print(len({r['block'] for r in map(json.loads, open(sys.argv[1])) if r['record']=='confirmed'}))" \
    "$work/slipway/deployments/development/bridge.journal.jsonl")
  kill "$node_pid"; wait "$node_pid" 2>/dev/null || true; node_pid=

  # Hardhat Ignition
  rm -rf "$hh/ignition/deployments"
  (cd "$hh" && exec node node_modules/.bin/hardhat node --port "$port" >"$work/hh.log" 2>&1) &
  node_pid=$!; wait_for_node
  start=$(date +%s.%N)
  (cd "$hh" && BENCH_RPC_URL="http://127.0.0.1:$port" npx hardhat ignition deploy ignition/modules/Bridge.js --network bench >/dev/null)
  end=$(date +%s.%N)
  i_time=$(seconds "$start" "$end")
  i_blocks=$(python3 -c "
import json,sys
rs=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(len({r['receipt']['blockNumber'] for r in rs if r.get('type')=='TRANSACTION_CONFIRM'}))" \
    "$hh/ignition/deployments/chain-31337/journal.jsonl")
  kill "$node_pid"; wait "$node_pid" 2>/dev/null || true; node_pid=
  rows+=("| $run | $(printf %.2f "$s_time") | $s_blocks | $(printf %.2f "$i_time") | $i_blocks | $(echo "scale=2; $i_time / $s_time" | bc) |")
done

{
  echo "bench/deploy.sh $runs — $(nproc) cores, $(date -u +%Y-%m-%d); plan depth 3, 6 transactions, 2 s blocks;"
  echo "Hardhat Ignition $ignition_version on Hardhat 2.29.1."
  echo
  echo "| run | slipway deploy (s) | slipway blocks | Ignition (s) | Ignition blocks | Ignition / slipway |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} > "$out"
