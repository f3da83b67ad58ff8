#!/usr/bin/env bash
# Public Foundry projects, untouched, under forge 1.7.1 and slipway side by
# side: every test's status and every unit test's gas compared from both
# tools' JSON (bench/foundry-compare.py), then warm `test` timed with
# hyperfine (both compile caches warm, the same solc: slipway's solcjs
# shim, given to forge as FOUNDRY_SOLC; fuzz runs and invariant calls of
# both printed, from each tool's own foundry.toml reading).
#
#   bench/foundry-projects.sh MIRRORS [RESULTS.md]
#
# MIRRORS holds the projects and their submodules as bare repositories,
# OWNER+NAME/repo (the search tool's fetch lays them out so); every pin is
# checked and a missing one named (bench/foundry-checkout.sh). Needs
# hyperfine, python3, node and `npm ci` (forge from npm).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
mirrors=$1
out=${2:-/dev/stdout}
cargo build --release --quiet -p slipway || exit 2
bin=${CARGO_TARGET_DIR:-$PWD/target}/release/slipway
forge=$PWD/node_modules/.bin/forge
[ -x "$forge" ] || { echo "forge not found: run npm ci" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SLIPWAY_OFFLINE=1 FOUNDRY_OFFLINE=true

# name | repository | commit | forge's extra arguments (a suite with
# testFail… is refused whole by forge 1.x: compared without them)
projects=(
  "solmate|transmissions11/solmate|HEAD|--no-match-test testFail"
  "forge-template|foundry-rs/forge-template|HEAD|"
  "prb-math|PaulRBerg/prb-math|HEAD|"
  "fund-me|Cyfrin/foundry-fund-me-f23|HEAD|"
  "forge-std|foundry-rs/forge-std|v1.9.7|"
)

# Dependencies a project takes from npm's GitHub specifiers, which the
# registry cannot serve: laid out from the mirror at the pinned commit.
npm_deps() {
  case $1 in
    prb-math)
      mkdir -p "$2/node_modules/forge-std"
      git --git-dir="$mirrors/foundry-rs+forge-std/repo" archive 77041d2 | tar -x -C "$2/node_modules/forge-std"
      ;;
  esac
}

{
  echo "## Public Foundry projects under slipway and forge ($(date -u +%Y-%m-%d), $(nproc) cores, $("$forge" --version | head -1))"
  echo
  echo '```'
  echo "bench/foundry-projects.sh MIRRORS"
  echo '```'
  echo
  echo "| project | tests forge ran | same status | unit gas equal | fuzz runs forge / slipway | invariant calls forge / slipway |"
  echo "|---|---|---|---|---|---|"
} >>"$out"
timings=()
for spec in "${projects[@]}"; do
  IFS='|' read -r name repo commit extra <<<"$spec"
  dir=$work/$name
  if ! bench/foundry-checkout.sh "$mirrors" "$repo" "$commit" "$dir"; then
    echo "| $name | missing pins (see above): skipped | | | | |" >>"$out"
    continue
  fi
  npm_deps "$name" "$dir"
  # slipway picks (and installs) the compiler; forge is given the same one.
  solc=$("$bin" --root "$dir" -q build --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["compiler"]["path"])')
  if [ -z "$solc" ]; then
    echo "| $name | slipway could not build it | | | | |" >>"$out"
    continue
  fi
  # shellcheck disable=SC2086
  (cd "$dir" && FOUNDRY_SOLC=$solc "$forge" test --json $extra >"$work/$name.forge.json" 2>"$work/$name.forge.err")
  "$bin" --root "$dir" -q test --json >"$work/$name.slipway.json" 2>"$work/$name.slipway.err"
  python3 bench/foundry-compare.py "$name" "$work/$name.forge.json" "$work/$name.slipway.json" >>"$out" 2>"$work/$name.diff"
  cat "$work/$name.diff" >&2
  # shellcheck disable=SC2086
  hyperfine -N -i --warmup 1 --runs 5 --export-markdown "$work/$name.time.md" \
    -n "slipway test ($name)" "$bin --root $dir -q test" \
    -n "forge test ($name)" "env FOUNDRY_SOLC=$solc FOUNDRY_OFFLINE=true $forge test --root $dir $extra" >/dev/null
  timings+=("$work/$name.time.md")
done
{
  echo
  echo "Warm \`test\` (both compile caches warm):"
  echo
  for t in "${timings[@]}"; do
    cat "$t"
    echo
  done
} >>"$out"
