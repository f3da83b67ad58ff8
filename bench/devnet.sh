#!/usr/bin/env bash
# The dev chain against Hardhat's node, side by side, both automining, slipway
# with its durable log on. Same client (crates/devnet/examples/rpc_bench.rs),
# same load, one run:
#  (a) eth_sendRawTransaction of pre-signed ETH transfers, 32 in flight
#  (b) eth_call of a view function, 32 in flight (p50/p99 latency)
#  (c) start to first answered request (median of 5)
#  (d) resident memory after 100,000 transactions
# Usage: bench/devnet.sh [RESULTS.md]   (needs node/npm; installs hardhat@2 in a temp dir)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/dev/stdout}
cargo build --release --quiet -p slipway
cargo build --release --quiet -p slipway-devnet --example rpc_bench
slipway=$PWD/target/release/slipway
load=$PWD/target/release/examples/rpc_bench
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

mkdir -p "$work/hardhat" "$work/slipway"
(cd "$work/hardhat" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent hardhat@2 >/dev/null)
cat > "$work/hardhat/hardhat.config.js" <<'JS'
module.exports = {
  networks: { hardhat: { chainId: 1337, accounts: { count: 32 }, mining: { auto: true } } },
};
JS
hardhat_version=$(cd "$work/hardhat" && node -e 'console.log(require("hardhat/package.json").version)')

wait_up() { for _ in $(seq 1 600); do curl -sf -X POST -H 'content-type: application/json' --data '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}' "$1" >/dev/null && return 0; sleep 0.1; done; return 1; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

(cd "$work/hardhat" && exec node node_modules/.bin/hardhat node --port 8601 >/dev/null 2>&1) & pids+=($!); hh=$!
"$slipway" --root "$work/slipway" -q node --port 8602 --automine --accounts 32 >/dev/null 2>&1 & pids+=($!); sw=$!
wait_up http://127.0.0.1:8601; wait_up http://127.0.0.1:8602

declare -A result
for who in hardhat slipway; do
  url=http://127.0.0.1:$([ $who = hardhat ] && echo 8601 || echo 8602)
  result[$who.transfers]=$("$load" transfers "$url" 20000 32)
  result[$who.calls]=$("$load" calls "$url" 20000 32)
  "$load" transfers "$url" 80000 32 >/dev/null   # 100,000 transactions in all
done
result[hardhat.rss]=$(rss_kb $hh); result[slipway.rss]=$(rss_kb $sw)

median_start() {
  local samples=()
  for i in 1 2 3 4 5; do samples+=("$("$load" start "$1" -- "${@:2}" | sed 's/.*"ms":\([0-9.]*\).*/\1/')"); done
  printf '%s\n' "${samples[@]}" | sort -n | sed -n 3p
}
start_sw=$(median_start http://127.0.0.1:8612 "$slipway" --root "$work/slipway-start" -q node --port 8612 --automine --fresh)
start_hh=$(cd "$work/hardhat" && median_start http://127.0.0.1:8611 node node_modules/.bin/hardhat node --port 8611)

field() { echo "$1" | sed "s/.*\"$2\":\([0-9.]*\).*/\1/"; }
ratio() { awk "BEGIN { printf \"%.1f\", $1 / $2 }"; }
{
  echo "## slipway node vs Hardhat node ($(date -u +%Y-%m-%d), $(nproc) cores, hardhat $hardhat_version)"
  echo
  echo '```'
  echo "bench/devnet.sh"
  echo '```'
  echo
  echo "| measure | Hardhat node | slipway node | slipway / Hardhat |"
  echo "|:---|---:|---:|---:|"
  for k in transfers calls; do
    h=$(field "${result[hardhat.$k]}" per_second); s=$(field "${result[slipway.$k]}" per_second)
    echo "| ($([ $k = transfers ] && echo a || echo b)) $k per second, 32 in flight | $(printf %.0f "$h") | $(printf %.0f "$s") | $(ratio "$s" "$h")× |"
    echo "| $k p50 / p99 latency (ms) | $(field "${result[hardhat.$k]}" p50_ms) / $(field "${result[hardhat.$k]}" p99_ms) | $(field "${result[slipway.$k]}" p50_ms) / $(field "${result[slipway.$k]}" p99_ms) | |"
  done
  echo "| (c) start to first answer (ms, median of 5) | $start_hh | $start_sw | $(ratio "$start_hh" "$start_sw")× faster |"
  echo "| (d) resident memory after 100,000 transactions (MiB) | $((result[hardhat.rss] / 1024)) | $((result[slipway.rss] / 1024)) | $(ratio "${result[hardhat.rss]}" "${result[slipway.rss]}")× less |"
  echo
  echo "failures: hardhat transfers $(field "${result[hardhat.transfers]}" failures), calls $(field "${result[hardhat.calls]}" failures); slipway transfers $(field "${result[slipway.transfers]}" failures), calls $(field "${result[slipway.calls]}" failures)"
} >>"$out"
