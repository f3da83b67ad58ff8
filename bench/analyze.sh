#!/usr/bin/env bash
# slipway analyze and slipway lint beside Slither (PyPI slither-analyzer, on
# forge's build output) and forge lint (npm forge 1.7.1, offline through slipway's solcjs
# shim), on the bundled project, every tool warm: builds done and cached
# before timing. Then both analysers on slipway's detector fixtures, with a
# table of which finds each bad case and which reports a safe twin
# (bench/analyze-compare.py).
# Usage: bench/analyze.sh [RESULTS.md]   (needs hyperfine, node, npm ci
# done, python3; installs Slither into a virtualenv under the work dir
# unless SLITHER names one; CARGO_TARGET_DIR is honoured)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/dev/stdout}
cargo build --release --quiet -p slipway
bin=${CARGO_TARGET_DIR:-$PWD/target}/release/slipway
forge=$PWD/node_modules/.bin/forge
[ -x "$forge" ] || { echo "forge not found: run npm ci" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
slither=${SLITHER:-}
if [ -z "$slither" ]; then
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install --quiet -r "$(dirname "$0")/../requirements-dev.txt"
  slither=$work/venv/bin/slither
fi
export PATH="$PWD/node_modules/.bin:$PATH"   # Slither runs `forge` to read the build

mkdir -p "$work/suite"
cp -r slipway.toml contracts "$work/suite/"
ln -s "$PWD/node_modules" "$work/suite/node_modules"
"$bin" --root "$work/suite" -q build
. bench/forge-lib.sh
solc=$(solc_path "$bin" "$work/suite")
foundry_toml "$work/suite" "$solc"
echo 'build_info = true' >> "$work/suite/foundry.toml"
(cd "$work/suite" && "$forge" build --offline >/dev/null 2>&1)
"$bin" --root "$work/suite" -q analyze >/dev/null || true
"$bin" --root "$work/suite" -q lint >/dev/null || true

{
  echo "## slipway analyze beside Slither and forge lint ($(date -u +%Y-%m-%d), $(nproc) cores, Slither $("$slither" --version), $("$forge" --version | head -1))"
  echo
  echo '```'
  echo "bench/analyze.sh"
  echo '```'
  echo
} >>"$out"
cd "$work/suite"
# Slither analyses every contract of the build (tests and libraries too);
# `slipway analyze contracts` does as well (no cache: every file analysed);
# plain `slipway analyze` is the everyday run (source directory, cache warm).
hyperfine -N -i --warmup 1 --runs 10 --export-markdown "$work/table.md" \
  -n "slipway lint + slipway analyze" "bash -c '$bin --root $work/suite -q lint >/dev/null; $bin --root $work/suite -q analyze >/dev/null'" \
  -n "slipway analyze" "$bin --root $work/suite -q analyze" \
  -n "slipway lint" "$bin --root $work/suite -q lint" \
  -n "slipway analyze contracts --no-cache" "$bin --root $work/suite -q analyze contracts --no-cache" \
  -n "slither (build done)" "$slither . --foundry-ignore-compile" \
  -n "forge lint" "$forge lint --offline"
cat "$work/table.md" >>"$out"

# The fixtures: which tool finds what.
cd "$OLDPWD"
mkdir -p "$work/fx"
cp -r crates/analyze/testdata/src "$work/fx/src"
printf '[project]\nsrc = "src"\ntest = "test"\n' > "$work/fx/slipway.toml"
printf '[profile.default]\nsrc = "src"\nsolc = "%s"\noffline = true\nbuild_info = true\n' "$solc" > "$work/fx/foundry.toml"
(cd "$work/fx" && "$forge" build --offline >/dev/null 2>&1 && "$slither" . --foundry-ignore-compile --json "$work/slither.json" >/dev/null 2>&1 || true)
"$bin" --root "$work/fx" -q analyze --json --no-cache > "$work/slipway.json" || true
"$slither" --list-detectors-json 2>/dev/null | python3 -c 'import json,sys; print(json.dumps([d["check"] for d in json.load(sys.stdin)]))' > "$work/ids.json"
{
  echo
  echo "Detector fixtures (crates/analyze/testdata/src), ids both tools have:"
  echo
} >>"$out"
python3 bench/analyze-compare.py "$work/slither.json" "$work/slipway.json" "$out" "$work/ids.json"
