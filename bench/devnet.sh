#!/usr/bin/env bash
# The dev chain against Foundry's anvil and Hardhat's node, side by side,
# all automining, slipway with its durable log on. Same client
# (crates/devnet/examples/rpc_bench.rs), same load, one run:
#  (a) eth_sendRawTransaction of 2,000 pre-signed ETH transfers, 32 in
#      flight, timed until every transfer has a receipt (some nodes answer
#      first and mine after): mined transactions per second. 2,000, because
#      anvil 1.7.1's automine falls behind for good once thousands wait in
#      its pool (5,000 did not finish in two minutes; 2,000 take a second);
#  (b) eth_call of a view function, 32 in flight (p50/p99 latency);
#  (c) each server's own CPU time per 1,000 requests of (a) and of (b),
#      read from /proc/<pid>/stat (utime + stime): it does not depend on
#      how fast the client is;
#  (d) start to first answered request (median of 5);
#  (e) resident memory after (a) and (b). (An earlier version sent
#      100,000 transactions first; anvil 1.7.1 stopped mining for good
#      with some 9,500 waiting in its pool, so the figure had no anvil.)
# SLIPWAY_BASELINE=path/to/another/slipway adds it as one more column (an
# earlier build, to see what a change costs), with the same load.
# Usage: bench/devnet.sh [RESULTS.md]   (needs the project's node_modules:
# npm ci; installs hardhat@2 in a temp dir, which it needs to run from)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/dev/stdout}
cargo build --release --quiet -p slipway
cargo build --release --quiet -p slipway-devnet --example rpc_bench
target=${CARGO_TARGET_DIR:-$PWD/target}
slipway=$target/release/slipway
load=$target/release/examples/rpc_bench
anvil=$PWD/node_modules/.bin/anvil
[ -x "$anvil" ] || { echo "anvil not found: run npm ci" >&2; exit 2; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

mkdir -p "$work/hardhat" "$work/slipway" "$work/baseline"
(cd "$work/hardhat" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent hardhat@2 >/dev/null)
cat > "$work/hardhat/hardhat.config.js" <<'JS'
module.exports = {
  networks: { hardhat: { chainId: 1337, accounts: { count: 32 }, mining: { auto: true } } },
};
JS
hardhat_version=$(cd "$work/hardhat" && node -e 'console.log(require("hardhat/package.json").version)')
anvil_version=$("$anvil" --version | head -1)

wait_up() { for _ in $(seq 1 600); do curl -sf -X POST -H 'content-type: application/json' --data '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}' "$1" >/dev/null && return 0; sleep 0.1; done; return 1; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
# The process's user + system CPU time so far, in ms.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) * 1000 / hz }' "/proc/$1/stat"; }

declare -A port pid
port[hardhat]=8601; port[anvil]=8603; port[slipway]=8602; port[baseline]=8604
nodes=(anvil hardhat slipway)
(cd "$work/hardhat" && exec node node_modules/.bin/hardhat node --port 8601 >/dev/null 2>&1) & pids+=($!); pid[hardhat]=$!
"$anvil" --port 8603 --chain-id 1337 --accounts 32 --silent >/dev/null 2>&1 & pids+=($!); pid[anvil]=$!
"$slipway" --root "$work/slipway" -q node --port 8602 --automine --accounts 32 >/dev/null 2>&1 & pids+=($!); pid[slipway]=$!
if [ -n "${SLIPWAY_BASELINE:-}" ]; then
  "$SLIPWAY_BASELINE" --root "$work/baseline" -q node --port 8604 --automine --accounts 32 >/dev/null 2>&1 & pids+=($!); pid[baseline]=$!
  nodes+=(baseline)
fi
for who in "${nodes[@]}"; do wait_up "http://127.0.0.1:${port[$who]}"; done

declare -A result
for who in "${nodes[@]}"; do
  url=http://127.0.0.1:${port[$who]}
  c0=$(cpu_ms "${pid[$who]}")
  result[$who.transfers]=$("$load" transfers "$url" 2000 32)
  c1=$(cpu_ms "${pid[$who]}")
  result[$who.calls]=$("$load" calls "$url" 20000 32)
  c2=$(cpu_ms "${pid[$who]}")
  sent=$(echo "${result[$who.transfers]}" | sed 's/.*"requests":\([0-9]*\).*/\1/')
  result[$who.transfers_cpu]=$(awk "BEGIN { printf \"%.0f\", ($c1 - $c0) / $sent * 1000 }")
  result[$who.calls_cpu]=$(awk "BEGIN { printf \"%.0f\", ($c2 - $c1) / 20 }")
  result[$who.rss]=$(rss_kb "${pid[$who]}")
done

median_start() {
  local samples=()
  for i in 1 2 3 4 5; do samples+=("$("$load" start "$1" -- "${@:2}" | sed 's/.*"ms":\([0-9.]*\).*/\1/')"); done
  printf '%s\n' "${samples[@]}" | sort -n | sed -n 3p
}
declare -A start
start[slipway]=$(median_start http://127.0.0.1:8612 "$slipway" --root "$work/slipway-start" -q node --port 8612 --automine --fresh)
start[anvil]=$(median_start http://127.0.0.1:8613 "$anvil" --port 8613 --silent)
start[hardhat]=$(cd "$work/hardhat" && median_start http://127.0.0.1:8611 node node_modules/.bin/hardhat node --port 8611)
if [ -n "${SLIPWAY_BASELINE:-}" ]; then
  start[baseline]=$(median_start http://127.0.0.1:8614 "$SLIPWAY_BASELINE" --root "$work/baseline-start" -q node --port 8614 --automine --fresh)
fi

field() { echo "$1" | sed "s/.*\"$2\":\([0-9.]*\).*/\1/"; }
ratio() { awk "BEGIN { printf \"%.2f\", $1 / $2 }"; }
row() { # label, then one value per node
  local label=$1; shift
  printf '| %s |' "$label"; printf ' %s |' "$@"; echo
}
{
  echo "## slipway node vs anvil and Hardhat ($(date -u +%Y-%m-%d), $(nproc) cores, $anvil_version, hardhat $hardhat_version)"
  echo
  echo '```'
  echo "bench/devnet.sh"
  echo '```'
  echo
  printf '| measure |'; printf ' %s |' "${nodes[@]}"; echo
  printf '|:---|'; printf -- '---:|%.0s' "${nodes[@]}"; echo
  vals=(); for w in "${nodes[@]}"; do vals+=("$(printf %.0f "$(field "${result[$w.transfers]}" per_second)")"); done
  row "(a) transfers mined per second, 32 in flight" "${vals[@]}"
  vals=(); for w in "${nodes[@]}"; do vals+=("$(field "${result[$w.transfers]}" p50_ms) / $(field "${result[$w.transfers]}" p99_ms)"); done
  row "transfer answer p50 / p99 (ms)" "${vals[@]}"
  vals=(); for w in "${nodes[@]}"; do vals+=("$(printf %.0f "$(field "${result[$w.calls]}" per_second)")"); done
  row "(b) eth_call per second, 32 in flight" "${vals[@]}"
  vals=(); for w in "${nodes[@]}"; do vals+=("$(field "${result[$w.calls]}" p50_ms) / $(field "${result[$w.calls]}" p99_ms)"); done
  row "eth_call p50 / p99 (ms)" "${vals[@]}"
  vals=(); for w in "${nodes[@]}"; do vals+=("${result[$w.transfers_cpu]}"); done
  row "(c) server CPU ms per 1,000 transfers" "${vals[@]}"
  vals=(); for w in "${nodes[@]}"; do vals+=("${result[$w.calls_cpu]}"); done
  row "(c) server CPU ms per 1,000 eth_call" "${vals[@]}"
  vals=(); for w in "${nodes[@]}"; do vals+=("${start[$w]}"); done
  row "(d) start to first answer (ms, median of 5)" "${vals[@]}"
  vals=(); for w in "${nodes[@]}"; do vals+=("$((result[$w.rss] / 1024))"); done
  row "(e) resident memory after (a) and (b) (MiB)" "${vals[@]}"
  echo
  echo "slipway / anvil: transfers $(ratio "$(field "${result[slipway.transfers]}" per_second)" "$(field "${result[anvil.transfers]}" per_second)")×, calls $(ratio "$(field "${result[slipway.calls]}" per_second)" "$(field "${result[anvil.calls]}" per_second)")×; CPU per transfer $(ratio "${result[slipway.transfers_cpu]}" "${result[anvil.transfers_cpu]}")×, per call $(ratio "${result[slipway.calls_cpu]}" "${result[anvil.calls_cpu]}")× of anvil's"
  printf 'failures (transfers/calls):'; for w in "${nodes[@]}"; do printf ' %s %s/%s;' "$w" "$(field "${result[$w.transfers]}" failures)" "$(field "${result[$w.calls]}" failures)"; done; echo
} >>"$out"
