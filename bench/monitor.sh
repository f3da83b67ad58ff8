#!/usr/bin/env bash
# slipway monitor catching up: the bundled bridge deployed to staging
# (its chain id set to the local node's) on a local node (`slipway node`, chain 1337, over
# HTTP: anvil_mine of 90,000 blocks takes anvil 1.7.1 over half an hour
# here), then EVENT_BLOCKS blocks each carrying a Deposited event
# (eth_sendTransaction from the node's unlocked accounts,
# bench/monitor-load.py), then empty blocks up to TOTAL_BLOCKS (anvil_mine).
# `slipway monitor --once` with 5 rules (4 on events, 1 on calls, which
# reads every block's transactions) reads them from a fresh cursor:
#  - catch-up speed, blocks per second, with the 5 rules and with the 4
#    event rules alone;
#  - peak RSS after reading 10,000 blocks and after 100,000.
# Goals (issue 35): >= 1,000 blocks/s from a local node; RSS at 100,000
# blocks <= RSS at 10,000 + 10 %.
# Usage: bench/monitor.sh [EVENT_BLOCKS] [TOTAL_BLOCKS] [RESULTS.md]
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-10000}
total=${2:-100000}
out=${3:-/dev/stdout}
cargo build --release --quiet -p slipway
slipway=$PWD/target/release/slipway
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
port=$(free_port)
mkdir -p "$work/node"
"$slipway" --root "$work/node" node --port "$port" --automine >/dev/null 2>&1 &
pids+=($!)
url=http://127.0.0.1:$port
for _ in $(seq 1 200); do
  curl -s -o /dev/null "$url" -H 'content-type: application/json' \
    -d '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' && break
  sleep 0.05
done

mkdir -p "$work/p"
cp -r contracts deploy slipway.toml package.json "$work/p/"
ln -s "$PWD/node_modules" "$work/p/node_modules"
cat >> "$work/p/slipway.toml" <<'TOML'

[environments.staging]
chain_id = 1337
rpc = ["${BENCH_URL}"]
confirmations = 1

[monitor]
max_catch_up = 1000000

[[monitor.sink]]
kind = "jsonl"
path = "alerts.jsonl"

[[monitor.rule]]
id = "big-deposit"
event = "Deposited"
when = "amount > 1000 ether"

[[monitor.rule]]
id = "release"
event = "Released"

[[monitor.rule]]
id = "admin-granted"
event = "RoleGranted"
when = "role == DEFAULT_ADMIN_ROLE"

[[monitor.rule]]
id = "pause-changed"
event = "PauseLevelChanged"
TOML
cp "$work/p/slipway.toml" "$work/p/events-only.toml"
cat >> "$work/p/slipway.toml" <<'TOML'

[[monitor.rule]]
id = "threshold-set"
call = "setThreshold"
TOML

export BENCH_URL=$url
export STAGING_PRIVATE_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
export BRIDGE_GUARDIAN=0x70997970C51812dc3A010C7d01b50e0d17dc79C8
export BRIDGE_VALIDATOR_1=0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC
export BRIDGE_VALIDATOR_2=0x90F79bf6EB2c4f870365E785982E1f101E93b906
export BRIDGE_VALIDATOR_3=0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65
export BRIDGE_RECOVERY=0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc
export BRIDGE_TREASURY=0x976EA74026E726554dB657fA54763abd0C3a0aa9
export SLIPWAY_OFFLINE=1
"$slipway" --root "$work/p" -q deploy --env staging >/dev/null
bridge=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["address"])' "$work/p/deployments/staging/Bridge.json")
python3 bench/monitor-load.py "$url" "$bridge" "$events"

# One catch-up from a fresh cursor; prints "blocks seconds peak-rss-kb".
catch_up() {
  local config=$1 state=$work/state-$RANDOM
  cp "$work/p/$config" "$work/p/slipway.toml.run"
  cp "$work/p/slipway.toml" "$work/p/slipway.toml.keep"
  cp "$work/p/slipway.toml.run" "$work/p/slipway.toml"
  local start end head
  head=$(curl -s "$url" -H 'content-type: application/json' \
    -d '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}' | python3 -c 'import json,sys;print(int(json.load(sys.stdin)["result"],16))')
  start=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$work/rss" "$slipway" --root "$work/p" -q monitor --once --env staging \
    --state-dir "$state" >/dev/null 2>"$work/err" || true
  end=$(date +%s.%N)
  cp "$work/p/slipway.toml.keep" "$work/p/slipway.toml"
  # The pass must have read every block to the head.
  python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); sys.exit(c["next"] <= int(sys.argv[2]))' \
    "$state/cursor.json" "$head" || { echo "the monitor did not catch up:" >&2; cat "$work/err" >&2; exit 1; }
  echo "$head $(python3 -c "print($end-$start)") $(cat "$work/rss")"
}

cp "$work/p/slipway.toml" "$work/p/all-rules.toml"
read -r b10 t10 r10 < <(catch_up all-rules.toml)
read -r e10 te10 re10 < <(catch_up events-only.toml)
# Empty blocks up to TOTAL.
more=$((total - b10))
curl -s -o /dev/null "$url" -H 'content-type: application/json' \
  -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"anvil_mine\",\"params\":[\"0x$(printf %x "$more")\"]}"
read -r b100 t100 r100 < <(catch_up all-rules.toml)
read -r e100 te100 re100 < <(catch_up events-only.toml)

{
  echo "| run | blocks | seconds | blocks/s | peak RSS |"
  echo "|---|---|---|---|---|"
  python3 - "$b10" "$t10" "$r10" "$e10" "$te10" "$re10" "$b100" "$t100" "$r100" "$e100" "$te100" "$re100" <<'PY'
import sys
a = sys.argv[1:]
rows = [("5 rules, to the events' end", a[0:3]), ("4 event rules, to the events' end", a[3:6]),
        ("5 rules, with the empty blocks", a[6:9]), ("4 event rules, with the empty blocks", a[9:12])]
for name, (blocks, secs, rss) in rows:
    print(f"| {name} | {int(blocks):,} | {float(secs):.2f} | {int(blocks)/float(secs):,.0f} | {int(rss)/1024:.1f} MiB |")
r10, r100 = int(a[2]), int(a[8])
print(f"\nRSS at {int(a[6]):,} blocks / RSS at {int(a[0]):,}: {r100/r10:.3f} (goal <= 1.10)")
PY
} | tee -a "$out"
