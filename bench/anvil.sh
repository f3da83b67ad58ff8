#!/usr/bin/env bash
# The bundled plan (deploy/bridge.toml, 6 transactions) deployed to
# staging (chain 80002) by `slipway deploy`, side by side in one run, on:
#  - `slipway node --automine` (plain HTTP);
#  - Foundry's anvil 1.7.1 from npm (automine, plain HTTP);
#  - the same anvil behind stunnel (HTTPS with a CA made here).
# A fresh chain for every run of each. Reported: wall time of the deploy
# command, and the ratios.
# Usage: bench/anvil.sh [RUNS] [RESULTS.md]   (needs `npm ci`, stunnel4, openssl)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
out=${2:-/dev/stdout}
cargo build --release --quiet -p slipway
slipway=$PWD/target/release/slipway
anvil=$PWD/node_modules/.bin/anvil
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

mkdir -p "$work/p"
cp -r contracts deploy slipway.toml package.json "$work/p/"
ln -s "$PWD/node_modules" "$work/p/node_modules"
printf '\n[environments.staging]\nrpc = ["${AMOY_URL}"]\nconfirmations = 1\n' >> "$work/p/slipway.toml"
"$slipway" --root "$work/p" -q build

# A CA and a certificate for 127.0.0.1, as the tests make them.
(cd "$work" && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
   -keyout ca.key -out ca.pem -days 2 -subj "/CN=bench CA" \
   -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null \
 && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout s.key -out s.csr \
   -subj "/CN=bench" 2>/dev/null \
 && printf 'subjectAltName=IP:127.0.0.1\n' > s.ext \
 && openssl x509 -req -in s.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out s.pem -days 2 \
   -extfile s.ext 2>/dev/null)

export STAGING_PRIVATE_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
export BRIDGE_GUARDIAN=0x70997970C51812dc3A010C7d01b50e0d17dc79C8
export BRIDGE_VALIDATOR_1=0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC
export BRIDGE_VALIDATOR_2=0x90F79bf6EB2c4f870365E785982E1f101E93b906
export BRIDGE_VALIDATOR_3=0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65
export BRIDGE_RECOVERY=0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc
export BRIDGE_TREASURY=0x976EA74026E726554dB657fA54763abd0C3a0aa9
export SSL_CERT_FILE=$work/ca.pem

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_for() {
  for _ in $(seq 1 200); do
    curl -sk -o /dev/null "$1" -H 'content-type: application/json' \
      -d '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' && return 0
    sleep 0.05
  done
  echo "nothing answers at $1" >&2; return 1
}
deploy() {
  rm -rf "$work/p/deployments"
  local start end
  start=$(date +%s.%N)
  AMOY_URL=$1 "$slipway" --root "$work/p" -q deploy --env staging >/dev/null || return 1
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

rows=()
for run in $(seq 1 "$runs"); do
  port=$(free_port)
  "$slipway" --root "$work/p" -q node --chain-id 80002 --automine --port "$port" \
    --state "$work/devnet" --fresh >"$work/node.log" 2>&1 &
  pid=$!; pids+=("$pid"); wait_for "http://127.0.0.1:$port"
  s=$(deploy "http://127.0.0.1:$port"); stop "$pid"

  port=$(free_port)
  "$anvil" --host 127.0.0.1 --port "$port" --chain-id 80002 --silent &
  pid=$!; pids+=("$pid"); wait_for "http://127.0.0.1:$port"
  a=$(deploy "http://127.0.0.1:$port")
  stop "$pid"

  # A fresh anvil behind stunnel.
  port=$(free_port)
  "$anvil" --host 127.0.0.1 --port "$port" --chain-id 80002 --silent &
  pid=$!; pids+=("$pid"); wait_for "http://127.0.0.1:$port"
  tls=$(free_port)
  printf 'foreground = yes\npid =\n[f]\naccept = 127.0.0.1:%s\nconnect = 127.0.0.1:%s\ncert = %s\nkey = %s\n' \
    "$tls" "$port" "$work/s.pem" "$work/s.key" > "$work/stunnel.conf"
  stunnel "$work/stunnel.conf" 2>"$work/stunnel.log" &
  spid=$!; pids+=("$spid"); wait_for "https://127.0.0.1:$tls"
  t=$(deploy "https://127.0.0.1:$tls")
  stop "$spid"; stop "$pid"
  rows+=("| $run | $(printf %.2f "$s") | $(printf %.2f "$a") | $(printf %.2f "$t") | $(echo "scale=2; $a / $s" | bc) | $(echo "scale=2; $t / $a" | bc) |")
done

{
  echo "bench/anvil.sh $runs — $(nproc) cores, $(date -u +%Y-%m-%d); deploy/bridge.toml on staging (chain 80002), automine; $("$anvil" --version | head -1)."
  echo
  echo "| run | slipway node (s) | anvil (s) | anvil over TLS (s) | anvil / slipway node | TLS / plain on anvil |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} > "$out"
