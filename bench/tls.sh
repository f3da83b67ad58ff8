#!/usr/bin/env bash
# What TLS costs per JSON-RPC request after the handshake: anvil behind one
# nginx front with a plain and a TLS port, slipway's providers over each,
# keep-alive, alternating rounds (goal: TLS under 10 % more per request).
# Usage: bench/tls.sh [REQUESTS]   (needs nginx-core + libnginx-mod-stream
# from Debian and `npm ci` for anvil)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v nginx >/dev/null || { echo "apt-get install nginx-core libnginx-mod-stream" >&2; exit 2; }
echo "## TLS per request ($(date -u +%Y-%m-%d), $(nproc) cores)"
cargo run --release --quiet -p slipway-chain --example tls_bench -- "${1:-5000}"
