#!/usr/bin/env bash
# Reproduces three classes of issue 16 against a running `slipway node`:
#  (2) `slipway node --fresh` on the state of a running node: refused, and
#      the running node still serves the transaction it had mined;
#  (6) unpolled pending-transaction filters: N filters installed and never
#      polled, then N transactions; the node's resident memory before and
#      after (it reached 1.5 GB for 5,000 + 5,000 before filters were
#      capped and expired);
#  (8) a web page or a DNS-rebound name driving the unlocked dev accounts:
#      the HTTP status of a request with a foreign Host, with a foreign
#      Origin, and with neither (403, 403, 200 expected).
# Usage: bench/devnet-abuse.sh [N] [RESULTS.md]   (SLIPWAY=path to use a
# built binary; default: a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-5000}
out=${2:-/dev/stdout}
. bench/slipway-binary.sh
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
port=8641
url=http://127.0.0.1:$port
rpc() { curl -sf -X POST -H 'content-type: application/json' --data "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}" "$url"; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

"$SLIPWAY" --root "$work" -q node --port $port --automine >/dev/null 2>&1 & pid=$!
for _ in $(seq 1 300); do rpc eth_chainId '[]' >/dev/null 2>&1 && break; sleep 0.1; done
before=$(rss_kb "$pid")
for _ in $(seq 1 "$n"); do rpc eth_newPendingTransactionFilter '[]' >/dev/null; done
from=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
for _ in $(seq 1 "$n"); do
  rpc eth_sendTransaction "[{\"from\":\"$from\",\"to\":\"0x00000000000000000000000000000000000000ee\",\"value\":\"0x1\"}]" >/dev/null
done
after=$(rss_kb "$pid")

status() { curl -s -o /dev/null -w '%{http_code}' -X POST -H 'content-type: text/plain' "$@" \
  --data '{"jsonrpc":"2.0","id":1,"method":"eth_accounts"}' "$url"; }
hash=$(rpc eth_sendTransaction "[{\"from\":\"$from\",\"to\":\"0x00000000000000000000000000000000000000ee\",\"value\":\"0x2\"}]" | sed 's/.*"result":"\([^"]*\)".*/\1/')
if timeout 20 "$SLIPWAY" --root "$work" -q node --port $((port + 1)) --fresh >/dev/null 2>&1; then fresh=accepted; else fresh=refused; fi
receipt=$(rpc eth_getTransactionReceipt "[\"$hash\"]" | grep -q '"status":"0x1"' && echo served || echo lost)

foreign_host=$(status -H "Host: evil.example:$port")
foreign_origin=$(status -H 'Origin: https://evil.example')
plain=$(status)

{
  echo "## Unpolled filters, foreign pages, --fresh on a running node ($(date -u +%Y-%m-%d), $(nproc) cores)"
  echo
  echo "| what | figure |"
  echo "|:---|---:|"
  echo "| RSS before | $((before / 1024)) MB |"
  echo "| RSS after $n unpolled pending filters and $n transactions | $((after / 1024)) MB |"
  echo "| status: foreign Host / foreign Origin / neither | $foreign_host / $foreign_origin / $plain |"
  echo "| --fresh on the running node's state / its last receipt | $fresh / $receipt |"
} >> "$out"
