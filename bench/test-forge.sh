#!/usr/bin/env bash
# slipway test beside forge test (forge 1.7.1 from npm, offline through the
# same solcjs), side by side on the bundled suite with the same settings:
# fuzz runs 256 and seed 1, invariant runs 256 and depth 50 (forge's default
# depth is 500: set to slipway's), both build caches warm, so that the
# figure is the run of the tests. slipway-std is remapped as forge-std/ for
# forge, as tests/it/foundry_suite.rs does.
# Usage: bench/test-forge.sh [RESULTS.md]   (needs hyperfine, node, npm ci
# done; CARGO_TARGET_DIR is honoured)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/dev/stdout}
cargo build --release --quiet -p slipway
bin=${CARGO_TARGET_DIR:-$PWD/target}/release/slipway
forge=$PWD/node_modules/.bin/forge
[ -x "$forge" ] || { echo "forge not found: run npm ci" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/suite"
cp -r slipway.toml contracts "$work/suite/"
ln -s "$PWD/node_modules" "$work/suite/node_modules"
"$bin" --root "$work/suite" -q test --fuzz-seed 1 >/dev/null
. bench/forge-lib.sh
solc=$(solc_path "$bin" "$work/suite")
foundry_toml "$work/suite" "$solc"
same_runs "$work/suite"
(cd "$work/suite" && "$forge" test --offline >/dev/null)

{
  echo "## slipway test beside forge test ($(date -u +%Y-%m-%d), $(nproc) cores, $("$forge" --version | head -1))"
  echo
  echo '```'
  echo "bench/test-forge.sh"
  echo '```'
  echo
} >>"$out"
cd "$work/suite"
hyperfine -N --warmup 2 --runs 10 --export-markdown "$work/table.md" \
  -n "slipway test" "$bin --root $work/suite -q test --fuzz-seed 1" \
  -n "forge test" "$forge test --offline"
cat "$work/table.md" >>"$out"
