#!/usr/bin/env bash
# Issue 16 item 7, measured against `slipway node` as a process:
#  (a) anvil_mine 100000: bytes added to chain.log (+ its head marker) and
#      resident memory added (targets: < 1 MB, < 10 MB);
#  (b) evm_snapshot with 20,000 storage slots set: resident memory added by
#      200 snapshots (each copied the whole state before: ~2 MB apiece);
#  (c) interval mining with nothing to mine, `--block-time 1` for SECONDS
#      seconds (default 125: two minute batches): log bytes per empty
#      block, and that rate times 86,400 — an idle day (target: < 1 MB);
#  (d) 500 WebSocket connections opened, subscribed, closed: resident
#      memory before, with them open, and after they closed.
# Usage: bench/devnet-growth.sh [SECONDS] [RESULTS.md]   (SLIPWAY=path to
# use a built binary; default: a release build; needs python3)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-125}
out=${2:-/dev/stdout}
. bench/node-lib.sh
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
port=8661
url=http://127.0.0.1:$port
log_bytes() { cat "$1/.slipway/devnet/chain.log" "$1/.slipway/devnet/chain.log.head" 2>/dev/null | wc -c || true; }
start() { # root, extra flags…
  "$SLIPWAY" --root "$1" -q node --port $port "${@:2}" >/dev/null 2>&1 & pid=$!
  for _ in $(seq 1 300); do rpc eth_chainId '[]' >/dev/null 2>&1 && return 0; sleep 0.05; done
  return 1
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; }

# (a)
start "$work/a" --automine
rss0=$(rss_kb "$pid"); log0=$(log_bytes "$work/a")
rpc anvil_mine '["0x186a0"]' >/dev/null
rss1=$(rss_kb "$pid"); log1=$(log_bytes "$work/a")
head=$(rpc eth_blockNumber '[]' | sed 's/.*"result":"\([^"]*\)".*/\1/')
stop

# (b)
start "$work/b" --automine
python3 - "$url" <<'PY'
import json, sys, urllib.request
url = sys.argv[1]
for chunk in range(20):
    batch = [{"jsonrpc": "2.0", "id": i, "method": "hardhat_setStorageAt",
              "params": ["0x" + "5a" * 20, hex(chunk * 1000 + i), "0x" + "%064x" % (i + 1)]}
             for i in range(1000)]
    req = urllib.request.Request(url, json.dumps(batch).encode(), {"content-type": "application/json"})
    urllib.request.urlopen(req).read()
PY
rss_b0=$(rss_kb "$pid")
for _ in $(seq 1 200); do rpc evm_snapshot '[]' >/dev/null; done
rss_b1=$(rss_kb "$pid")
stop

# (c)
start "$work/c" --block-time 1
n0=$(rpc eth_blockNumber '[]' | sed 's/.*"result":"\([^"]*\)".*/\1/'); c0=$(log_bytes "$work/c")
sleep "$seconds"
n1=$(rpc eth_blockNumber '[]' | sed 's/.*"result":"\([^"]*\)".*/\1/'); c1=$(log_bytes "$work/c")
stop
blocks=$(( n1 - n0 ))

# (d)
start "$work/d" --automine
rss_d0=$(rss_kb "$pid")
python3 - "$port" "$pid" > "$work/ws" <<'PY'
import base64, os, socket, sys
port, pid = int(sys.argv[1]), sys.argv[2]
def rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1])
def frame(text):
    data = text.encode(); mask = os.urandom(4)
    head = bytes([0x81, 0x80 | len(data)]) if len(data) < 126 else bytes([0x81, 0xFE]) + len(data).to_bytes(2, "big")
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data))
conns = []
for _ in range(500):
    s = socket.create_connection(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
    s.recv(4096)
    s.sendall(frame('{"jsonrpc":"2.0","id":1,"method":"eth_subscribe","params":["newHeads"]}'))
    s.recv(4096)
    conns.append(s)
print(rss())
for s in conns:
    s.close()
PY
sleep 1
rss_d1=$(head -1 "$work/ws"); rss_d2=$(rss_kb "$pid")
stop

{
  echo "## Growth: anvil_mine, snapshots, idle interval mining, WebSocket connections ($(date -u +%Y-%m-%d), $(nproc) cores)"
  echo
  echo "| what | figure |"
  echo "|:---|---:|"
  echo "| (a) anvil_mine 100000 (head $head): log bytes added | $(( log1 - log0 )) |"
  echo "| (a) resident memory added | $(( (rss1 - rss0) / 1024 )) MB |"
  echo "| (b) 200 evm_snapshot at 20,000 slots: resident memory added | $(( (rss_b1 - rss_b0) / 1024 )) MB |"
  echo "| (c) empty blocks mined in ${seconds} s at --block-time 1 | $blocks |"
  echo "| (c) log bytes per empty block | $(awk "BEGIN { printf \"%.1f\", ($c1 - $c0) / ($blocks > 0 ? $blocks : 1) }") |"
  echo "| (c) an idle day at that rate (86,400 blocks) | $(awk "BEGIN { printf \"%.0f\", ($c1 - $c0) / ($blocks > 0 ? $blocks : 1) * 86400 / 1024 }") KB |"
  echo "| (d) RSS before / with 500 subscribed WebSockets / after they closed | $((rss_d0 / 1024)) / $((rss_d1 / 1024)) / $((rss_d2 / 1024)) MB |"
} >> "$out"
