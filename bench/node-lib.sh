# Shared by the bench scripts that drive a running `slipway node`:
# - SLIPWAY: the binary to run (the caller's SLIPWAY, or a fresh release build);
# - rpc METHOD PARAMS: one JSON-RPC call to $url (set by the caller), its body;
# - rss_kb PID: a process's resident memory in KiB.
if [ -z "${SLIPWAY:-}" ]; then
  cargo build --release --quiet -p slipway
  SLIPWAY=$PWD/target/release/slipway
fi
rpc() { curl -sf -X POST -H 'content-type: application/json' --data "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}" "$url"; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
