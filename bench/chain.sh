#!/usr/bin/env bash
# What a dead first RPC provider costs (slipway-chain failover): 200 requests
# through [dead, healthy] against [healthy] alone, for a provider refusing
# connections and one that never answers (500 ms timeout).
# Usage: bench/chain.sh
set -euo pipefail
cd "$(dirname "$0")/.."
echo "## slipway-chain failover ($(date -u +%Y-%m-%d), $(nproc) cores)"
cargo run --release --quiet -p slipway-chain --example failover_bench
