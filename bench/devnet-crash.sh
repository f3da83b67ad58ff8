#!/usr/bin/env bash
# Reproduces two classes of issue 16 against `slipway node` as a process:
#  (3) SIGKILL under interval mining: four senders send transfers while the
#      node mines a block a second; the node is killed ROUNDS times at
#      random moments and restarted. Every hash it answered is then looked
#      up: lost = answered but neither mined nor pending after the restart
#      (3,709 of 11,705 were lost before the pool was logged);
#  (4) damaged logs whose every line still checks: the last two records
#      cut at a line boundary, a record deleted from the middle, one
#      repeated, two swapped. Each must be refused (exit 2) with the log
#      left byte for byte as it was.
# Usage: bench/devnet-crash.sh [ROUNDS] [RESULTS.md]   (SLIPWAY=path to use
# a built binary; default: a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-10}
out=${2:-/dev/stdout}
. bench/node-lib.sh
work=$(mktemp -d)
pid=
senders=()
cleanup() {
  for p in "${senders[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
port=8651
url=http://127.0.0.1:$port
start() {
  "$SLIPWAY" --root "$work/chain" -q node --port $port --block-time 1 >/dev/null 2>&1 & pid=$!
  for _ in $(seq 1 300); do rpc eth_chainId '[]' >/dev/null 2>&1 && return 0; sleep 0.05; done
  echo "the node did not start" >&2; return 1
}
send_forever() { # from, hashes file
  while true; do
    r=$(rpc eth_sendTransaction "[{\"from\":\"$1\",\"to\":\"0x00000000000000000000000000000000000000ee\",\"value\":\"0x1\"}]" 2>/dev/null) || continue
    echo "$r" | sed -n 's/.*"result":"\(0x[0-9a-f]*\)".*/\1/p' >> "$2"
  done
}
accounts=(0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 0x70997970C51812dc3A010C7d01b50e0d17dc79C8
  0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC 0x90F79bf6EB2c4f870365E785982E1f101E93b906)

: > "$work/hashes"
start
for a in "${accounts[@]}"; do send_forever "$a" "$work/hashes" & senders+=($!); done
for _ in $(seq 1 "$rounds"); do
  sleep "0.$((RANDOM % 9 + 1))"
  kill -9 "$pid"; wait "$pid" 2>/dev/null || true
  start
done
for p in "${senders[@]}"; do kill "$p" 2>/dev/null || true; done
senders=()
sleep 0.2
# Mine whatever waits, then look every answered hash up.
for _ in 1 2 3; do rpc evm_mine '[]' >/dev/null; done
answered=$(sort -u "$work/hashes" | wc -l)
lost=0
while read -r h; do
  rpc eth_getTransactionByHash "[\"$h\"]" | grep -q '"blockNumber":"0x' || lost=$((lost + 1))
done < <(sort -u "$work/hashes")
kill -9 "$pid"; wait "$pid" 2>/dev/null || true; pid=

# (4) Damage a log of a few blocks in each way; the node must refuse it.
damage() { # name, python expression on `lines`
  local dir=$work/damage-$1
  rm -rf "$dir"
  "$SLIPWAY" --root "$dir" -q node --port $((port + 1)) --automine >/dev/null 2>&1 & local p=$!
  for _ in $(seq 1 300); do curl -sf -X POST -H 'content-type: application/json' --data '{"jsonrpc":"2.0","id":1,"method":"evm_mine","params":[]}' "http://127.0.0.1:$((port + 1))" >/dev/null 2>&1 && break; sleep 0.05; done
  for _ in 1 2 3 4 5; do curl -sf -X POST -H 'content-type: application/json' --data '{"jsonrpc":"2.0","id":1,"method":"evm_mine","params":[]}' "http://127.0.0.1:$((port + 1))" >/dev/null; done
  kill "$p"; wait "$p" 2>/dev/null || true
  local log=$dir/.slipway/devnet/chain.log
  python3 -c "import sys; lines=open(sys.argv[1]).read().splitlines(True); lines=$2; open(sys.argv[1],'w').write(''.join(lines))" "$log"
  local before; before=$(sha256sum "$log")
  local code=0
  timeout 20 "$SLIPWAY" --root "$dir" -q node --port $((port + 1)) --automine >/dev/null 2>&1 || code=$?
  [ "$before" = "$(sha256sum "$log")" ] && untouched=yes || untouched=no
  echo "| $1 | exit $code | $untouched |"
}
rows=$(
  damage "last two records cut at a line boundary" "lines[:-2]"
  damage "a record deleted from the middle" "lines[:3] + lines[4:]"
  damage "a record repeated" "lines[:4] + lines[3:]"
  damage "two records swapped" "lines[:3] + [lines[4], lines[3]] + lines[5:]"
)

{
  echo "## SIGKILL under interval mining; damaged logs ($(date -u +%Y-%m-%d), $(nproc) cores)"
  echo
  echo "| what | figure |"
  echo "|:---|---:|"
  echo "| SIGKILLs under \`--block-time 1\` with 4 senders | $rounds |"
  echo "| transaction hashes answered | $answered |"
  echo "| answered but lost after the restarts | $lost |"
  echo
  echo "| damage | node | log untouched |"
  echo "|:---|---:|---:|"
  echo "$rows"
} >> "$out"
