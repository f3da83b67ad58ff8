#!/usr/bin/env bash
# Restart of the dev chain after Hardhat-fixture-style history: N cycles of
# evm_snapshot, a transfer, evm_revert (what loadFixture does per test),
# then SIGKILL and a restart: the time from start to the first answer
# (median of 3), and the time of an anvil_rollback over the same log.
# Before issue 16, each rewind replayed everything before it again: 22
# cycles took 109 s to restart.
# Usage: bench/devnet-rewinds.sh [CYCLES] [RESULTS.md]
set -euo pipefail
cd "$(dirname "$0")/.."
cycles=${1:-1000}
out=${2:-/dev/stdout}
cargo build --release --quiet -p slipway
cargo build --release --quiet -p slipway-devnet --example rpc_bench
slipway=$PWD/target/release/slipway
load=$PWD/target/release/examples/rpc_bench
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

port=8631
url=http://127.0.0.1:$port
rpc() { curl -sf -X POST -H 'content-type: application/json' --data "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}" "$url"; }
wait_up() { for _ in $(seq 1 3000); do rpc eth_chainId '[]' >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
result() { sed 's/.*"result":"\{0,1\}\([^",}]*\).*/\1/'; }

"$slipway" --root "$work" -q node --port $port --automine >/dev/null 2>&1 & pid=$!
wait_up
from=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
started=$(date +%s.%N)
for _ in $(seq 1 "$cycles"); do
  id=$(rpc evm_snapshot '[]' | result)
  rpc eth_sendTransaction "[{\"from\":\"$from\",\"to\":\"0x00000000000000000000000000000000000000ee\",\"value\":\"0x1\"}]" >/dev/null
  rpc evm_revert "[\"$id\"]" >/dev/null
done
played=$(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $started }")
rpc eth_sendTransaction "[{\"from\":\"$from\",\"to\":\"0x00000000000000000000000000000000000000ee\",\"value\":\"0x7\"}]" >/dev/null
lines=$(wc -l < "$work/.slipway/devnet/chain.log")
kill -9 "$pid"; wait "$pid" 2>/dev/null || true; pid=

samples=()
for _ in 1 2 3; do
  samples+=("$("$load" start "$url" -- "$slipway" --root "$work" -q node --port $port --automine | sed 's/.*"ms":\([0-9.]*\).*/\1/')")
done
restart=$(printf '%s\n' "${samples[@]}" | sort -n | sed -n 2p | xargs printf "%.0f")

"$slipway" --root "$work" -q node --port $port --automine >/dev/null 2>&1 & pid=$!
wait_up
rb_start=$(date +%s%N)
rpc anvil_rollback '[1]' >/dev/null
rollback_ms=$(( ($(date +%s%N) - rb_start) / 1000000 ))
head=$(rpc eth_blockNumber '[]' | result)

{
  echo "## Restart after $cycles snapshot/revert cycles ($(date -u +%Y-%m-%d), $(nproc) cores)"
  echo
  echo '```'
  echo "bench/devnet-rewinds.sh $cycles"
  echo '```'
  echo
  echo "| what | figure |"
  echo "|:---|---:|"
  echo "| cycles played over JSON-RPC | $cycles in ${played} s |"
  echo "| log | $lines lines |"
  echo "| restart to first answer (median of 3) | ${restart} ms |"
  echo "| anvil_rollback of 1 block | ${rollback_ms} ms (head after: $head) |"
} >> "$out"
