#!/usr/bin/env bash
# Reproduces five classes of issue 16 against a running `slipway node`:
#  (2) `slipway node --fresh` on the state of a running node: refused, and
#      the running node still serves the transaction it had mined;
#  (6) unpolled pending-transaction filters: N filters installed and never
#      polled, then N transactions; the node's resident memory before and
#      after (it reached 1.5 GB for 5,000 + 5,000 before filters were
#      capped and expired);
#  (8) a web page or a DNS-rebound name driving the unlocked dev accounts:
#      the HTTP status of a request with a foreign Host, with a foreign
#      Origin, and with neither (403, 403, 200 expected);
#  (5) oversized requests: eth_feeHistory with 100,000 reward percentiles
#      (a 200 KB body that aborted the node), eth_getLogs over 100,001
#      blocks — each refused with an error, RSS before and after;
#  (9) WebSocket details: `"jsonrpc":"1.0"` and an object id refused (as
#      over HTTP), eth_subscribe inside a batch answered with an id.
# Usage: bench/devnet-abuse.sh [N] [RESULTS.md]   (SLIPWAY=path to use a
# built binary; default: a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-5000}
out=${2:-/dev/stdout}
. bench/node-lib.sh
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
port=8641
url=http://127.0.0.1:$port

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

# (5)
rpc anvil_mine '["0x186a0"]' >/dev/null   # so that the span is not cut at the head
rss5a=$(rss_kb "$pid")
python3 -c 'import json; print(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_feeHistory", "params": ["0x1", "latest", [50] * 100000]}))' > "$work/fee.json"
fee=$(curl -s -X POST -H 'content-type: application/json' --data @"$work/fee.json" "$url" | head -c 160 || true)
logs=$( (rpc eth_getLogs '[{"fromBlock":"0x0","toBlock":"0x186a0"}]' || echo "no answer") | head -c 160)
rss5b=$(rss_kb "$pid")

# (9)
ws=$(python3 - "$port" <<'PY'
import base64, json, os, socket, sys
port = int(sys.argv[1])
def frame(text):
    data = text.encode(); mask = os.urandom(4)
    n = len(data)
    head = bytes([0x81, 0x80 | n]) if n < 126 else bytes([0x81, 0xFE]) + n.to_bytes(2, "big")
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data))
def read(s):
    head = s.recv(2); n = head[1] & 0x7F
    if n == 126: n = int.from_bytes(s.recv(2), "big")
    data = b""
    while len(data) < n: data += s.recv(n - len(data))
    return json.loads(data)
s = socket.create_connection(("127.0.0.1", port))
key = base64.b64encode(os.urandom(16)).decode()
s.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
s.recv(4096)
out = []
s.sendall(frame('{"jsonrpc":"1.0","id":1,"method":"eth_chainId"}'))
out.append("1.0: " + ("refused" if "error" in read(s) else "served"))
s.sendall(frame('{"jsonrpc":"2.0","id":{"a":1},"method":"eth_chainId"}'))
out.append("object id: " + ("refused" if "error" in read(s) else "served"))
s.sendall(frame('[{"jsonrpc":"2.0","id":7,"method":"eth_subscribe","params":["newHeads"]}]'))
reply = read(s)
ok = isinstance(reply, list) and reply and "result" in reply[0]
out.append("subscribe in a batch: " + ("answered" if ok else "refused"))
print(" / ".join(out))
PY
)

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
  echo "| eth_feeHistory, 100,000 percentiles | \`$(echo "$fee" | tr -d '|')\` |"
  echo "| eth_getLogs over 100,001 blocks | \`$(echo "$logs" | tr -d '|')\` |"
  echo "| RSS before / after those two | $((rss5a / 1024)) / $((rss5b / 1024)) MB |"
  echo "| WebSocket: $ws | |"
} >> "$out"
