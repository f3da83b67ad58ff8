#!/usr/bin/env bash
# slipway build against the raw compiler, side by side (hyperfine).
#  (1) no-op rebuild of the bundled project (goal: under 50 ms), beside
#      forge 1.7.1 (npm) doing the same on the same sources, offline through
#      the same solcjs;
#  (2) a cold build (no artifacts, no cache) against calling the same solcjs
#      directly on the very standard-JSON input slipway sends (goal: < 10 %).
# Usage: bench/build.sh [RESULTS.md]   (needs hyperfine, node, npm ci done)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/dev/stdout}
cargo build --release --quiet -p slipway
bin=$PWD/target/release/slipway
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A copy of the bundled project so the repository's own out/ is untouched.
mkdir -p "$work/project"
cp -r slipway.toml contracts "$work/project/"
ln -s "$PWD/node_modules" "$work/project/node_modules"
"$bin" --root "$work/project" -q build >/dev/null # installs solcjs on first use
. bench/forge-lib.sh
solc_dir=$(dirname "$(solc_path "$bin" "$work/project")")

# Record the exact standard-JSON input of a cold build.
cat > "$work/record-solc" <<SH
#!/bin/sh
case " \$* " in
  *" --standard-json "*) tee "$work/input.json" | "$solc_dir/solc" "\$@" ;;
  *) exec "$solc_dir/solc" "\$@" ;;
esac
SH
chmod +x "$work/record-solc"
rm -rf "$work/project/out" "$work/project/.slipway"
SLIPWAY_SOLC="$work/record-solc" "$bin" --root "$work/project" -q build >/dev/null

echo "## slipway build ($(date -u +%Y-%m-%d), $(nproc) cores)" >>"$out"
echo >>"$out"
echo '```' >>"$out"
echo "bench/build.sh" >>"$out"
echo '```' >>"$out"
# forge on a copy of the same sources (its own out/ and cache).
mkdir -p "$work/forge"
cp -r contracts "$work/forge/"
ln -s "$PWD/node_modules" "$work/forge/node_modules"
foundry_toml "$work/forge" "$solc_dir/solc"
forge=$PWD/node_modules/.bin/forge
(cd "$work/forge" && "$forge" build >/dev/null 2>&1)
hyperfine -N --warmup 5 --runs 50 --export-markdown "$work/noop.md" \
  -n "slipway -q build (no-op)" "$bin --root $work/project -q build" \
  -n "forge build (no-op)" "$forge build --root $work/forge"
cat "$work/noop.md" >>"$out"
echo >>"$out"
cd "$work/project"
hyperfine --warmup 1 --runs 10 --export-markdown "$work/cold.md" \
  --prepare "rm -rf out .slipway" \
  -n "slipway build (cold)" "$bin -q build" \
  -n "solcjs shim, same input" "node $solc_dir/solc --standard-json < $work/input.json > /dev/null" \
  -n "npm solcjs CLI, same input" "node $solc_dir/node_modules/solc/solc.js --standard-json < $work/input.json > /dev/null"
cat "$work/cold.md" >>"$out"
echo >>"$out"
