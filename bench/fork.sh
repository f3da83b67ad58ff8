#!/usr/bin/env bash
# slipway test --fork-url beside forge test --fork-url (forge 1.7.1 from
# npm, offline through the same solcjs): the same tests
# (bench/fork/ForkRead.t.sol: 5 tests reading 60 storage slots each, over
# overlapping ranges, and one reading 40 balances) against the same remote,
# anvil (npm) on chain 4242 pinned at one block, through a relay that
# counts every HTTP request and JSON-RPC call (bench/fork-relay.py).
#  - cold: each tool's fork cache removed first (slipway's
#    .slipway/fork-cache, forge's ~/.foundry/cache/rpc, forge's HOME set
#    to a scratch directory);
#  - warm: the cache the run before left.
# Measured: requests and calls made of the remote (one run each), and the
# wall time (hyperfine).
# Goal (issue 36): fewer requests, and faster, cold and warm.
# Usage: bench/fork.sh [RESULTS.md]   (needs hyperfine, node, npm ci done)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/dev/stdout}
cargo build --release --quiet -p slipway
bin=${CARGO_TARGET_DIR:-$PWD/target}/release/slipway
forge=$PWD/node_modules/.bin/forge
anvil=$PWD/node_modules/.bin/anvil
if [ ! -x "$forge" ] || [ ! -x "$anvil" ]; then echo "forge/anvil not found: run npm ci" >&2; exit 2; fi
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

aport=$(free_port)
"$anvil" --port "$aport" --chain-id 4242 --silent >/dev/null 2>&1 &
pids+=($!)
aurl=http://127.0.0.1:$aport
rpc() {
  curl -s "$aurl" -H 'content-type: application/json' \
    -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}"
}
for _ in $(seq 1 200); do rpc eth_chainId '[]' >/dev/null 2>&1 && break; sleep 0.05; done
store=0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC
rpc anvil_setCode "[\"$store\",\"0x6004355460005260206000f3\"]" >/dev/null
for i in $(seq 0 199); do
  rpc anvil_setStorageAt "[\"$store\",\"$(printf '0x%x' "$i")\",\"$(printf '0x%064x' $((i + 1)))\"]" >/dev/null
done
for i in $(seq 1 40); do
  rpc anvil_setBalance "[\"$(printf '0x%040x' $((i * 65536)))\",\"0xde0b6b3a7640000\"]" >/dev/null
done
rpc anvil_mine '["0x5"]' >/dev/null
block=$(rpc eth_blockNumber '[]' | python3 -c 'import json,sys;print(int(json.load(sys.stdin)["result"],16))')

rport=$(free_port)
python3 bench/fork-relay.py "$rport" "$aurl" "$work/relay.log" &
pids+=($!)
rurl=http://127.0.0.1:$rport
for _ in $(seq 1 200); do
  curl -s -o /dev/null "$rurl" -H 'content-type: application/json' \
    -d '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' && break
  sleep 0.05
done

mkdir -p "$work/p" "$work/home"
cp -r slipway.toml contracts "$work/p/"
cp bench/fork/ForkRead.t.sol "$work/p/contracts/test/"
ln -s "$PWD/node_modules" "$work/p/node_modules"
"$bin" --root "$work/p" -q build >/dev/null
# shellcheck source=bench/forge-lib.sh
. bench/forge-lib.sh
solc=$(solc_path "$bin" "$work/p")
foundry_toml "$work/p" "$solc"
(cd "$work/p" && HOME=$work/home "$forge" build --offline >/dev/null)

args="test --match-contract ForkReadTest --fork-url $rurl --fork-block-number $block"
slipway_cmd="$bin --root $work/p -q $args"
forge_cmd="env HOME=$work/home $forge $args --offline"
slipway_cold="rm -rf $work/p/.slipway/fork-cache"
forge_cold="rm -rf $work/home/.foundry/cache/rpc"

# Requests and calls of one run: HTTP requests, JSON-RPC calls, calls by
# method.
counted() {
  : >"$work/relay.log"
  (cd "$work/p" && eval "$1" >"$work/run.log" 2>&1) || { cat "$work/run.log" >&2; exit 1; }
  local methods
  methods=$(cut -d' ' -f2- "$work/relay.log" | tr ' ' '\n' | sort | uniq -c | sort -rn |
    awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1}')
  echo "$(wc -l <"$work/relay.log") | $(awk '{s += $1} END {print s + 0}' "$work/relay.log") ($methods)"
}
eval "$slipway_cold"; eval "$forge_cold"
s_cold=$(counted "$slipway_cmd"); s_warm=$(counted "$slipway_cmd")
f_cold=$(counted "$forge_cmd"); f_warm=$(counted "$forge_cmd")

{
  echo "## slipway test --fork-url beside forge test --fork-url ($(date -u +%Y-%m-%d), $(nproc) cores, $("$forge" --version | head -1))"
  echo
  echo '```'
  echo "bench/fork.sh"
  echo '```'
  echo
  echo "Remote requests, one run each (the relay's count):"
  echo
  echo "| run | slipway: HTTP requests | JSON-RPC calls | forge: HTTP requests | JSON-RPC calls |"
  echo "|---|---|---|---|---|"
  echo "| cold cache | $s_cold | $f_cold |"
  echo "| warm cache | $s_warm | $f_warm |"
  echo
} >>"$out"
cd "$work/p"
hyperfine -N --runs 10 --export-markdown "$work/cold.md" \
  -n "slipway test --fork-url (cold)" --prepare "$slipway_cold" "$slipway_cmd" \
  -n "forge test --fork-url (cold)" --prepare "$forge_cold" "$forge_cmd" >/dev/null
hyperfine -N --warmup 1 --runs 10 --export-markdown "$work/warm.md" \
  -n "slipway test --fork-url (warm)" "$slipway_cmd" \
  -n "forge test --fork-url (warm)" "$forge_cmd" >/dev/null
cat "$work/cold.md" "$work/warm.md" >>"$out"
