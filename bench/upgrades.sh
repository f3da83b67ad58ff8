#!/usr/bin/env bash
# slipway upgrade check beside OpenZeppelin's own validator,
# `openzeppelin-upgrades-core validate` (npm @openzeppelin/upgrades-core
# 1.46.0), on the same build-info that slipway's build wrote:
#  - one upgrade pair: crates/upgrades/testdata/layout/Insert.sol,
#    InsertV2 against InsertV1 (validation and storage layout);
#  - the whole of OpenZeppelin Contracts Upgradeable 5.0.2 (npm): every
#    upgradeable deployable contract found and validated (both tools find
#    the same 4 and pass them);
#  - `slipway upgrade --dry-run Box`: a UUPS proxy deployed from a plan
#    on the embedded chain (crates/upgrades/testdata/deploy, BoxV1), its
#    plan moved to BoxV2: the whole command (build fingerprint, plan,
#    chain, effect, the check against the recorded layout), beside
#    upgrades-core validating BoxV2 against BoxV1 on the same build-info.
# slipway's time includes its build's fingerprint check (a user runs it
# that way); neither tool compiles. Wall time, warm, by hyperfine.
# slipway keeps each check's answer per build (.slipway/cache/upgrades/):
# it is timed answering from it, and without it (the cache removed
# before each run), as a first check of a new build is.
# Goal (issue 38): at least 10x faster on both.
# Usage: bench/upgrades.sh [RESULTS.md]   (needs hyperfine, node, npm ci done)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/dev/stdout}
cargo build --release --quiet -p slipway
bin=${CARGO_TARGET_DIR:-$PWD/target}/release/slipway
oz=$PWD/node_modules/.bin/openzeppelin-upgrades-core
if [ ! -x "$oz" ] || [ ! -d node_modules/@openzeppelin/contracts-upgradeable ]; then
  echo "upgrades-core or contracts-upgradeable not found: run npm ci" >&2; exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SLIPWAY_OFFLINE=1

mkdir -p "$work/pair/contracts/src"
cp crates/upgrades/testdata/layout/Insert.sol "$work/pair/contracts/src/"
printf '[compiler]\nversion = "0.8.20"\n' > "$work/pair/slipway.toml"
(cd "$work/pair" && "$bin" -q build)

mkdir -p "$work/ozu"
ln -s "$PWD/node_modules" "$work/ozu/node_modules"
printf '[project]\nsrc = "node_modules/@openzeppelin/contracts-upgradeable"\n\n[compiler]\nversion = "0.8.20"\n' > "$work/ozu/slipway.toml"
(cd "$work/ozu" && "$bin" -q build)
found=$(cd "$work/ozu" && "$bin" -q upgrade check --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["contracts"]), "found, ok" if d["ok"] else "found, FAILED")')
theirs=$(cd "$work/ozu" && "$oz" validate out/build-info | tail -1)
{
  echo "## slipway upgrade check vs upgrades-core validate"
  echo
  echo "OpenZeppelin Contracts Upgradeable 5.0.2: slipway $found; upgrades-core: $theirs"
  echo
} >> "$out"
# --prepare: once per command, in order (only the second removes the cache).
(cd "$work/pair" && hyperfine -N -i --warmup 3 --runs 20 --export-markdown "$work/pair.md" \
  --prepare true --prepare "rm -rf .slipway/cache/upgrades" --prepare true \
  -n "slipway (one pair)" "$bin -q upgrade check InsertV2 --reference InsertV1" \
  -n "slipway (one pair, no kept answer)" "$bin -q upgrade check InsertV2 --reference InsertV1" \
  -n "upgrades-core (one pair)" "$oz validate out/build-info --contract InsertV2 --reference InsertV1" >&2)
(cd "$work/ozu" && hyperfine -N -i --warmup 3 --runs 20 --export-markdown "$work/ozu.md" \
  --prepare true --prepare "rm -rf .slipway/cache/upgrades" --prepare true \
  -n "slipway (Contracts Upgradeable 5.0.2)" "$bin -q upgrade check" \
  -n "slipway (Contracts Upgradeable 5.0.2, no kept answer)" "$bin -q upgrade check" \
  -n "upgrades-core (Contracts Upgradeable 5.0.2)" "$oz validate out/build-info" >&2)

mkdir -p "$work/proxy/contracts/src" "$work/proxy/deploy"
cp crates/upgrades/testdata/deploy/src/*.sol "$work/proxy/contracts/src/"
ln -s "$PWD/node_modules" "$work/proxy/node_modules"
printf '[compiler]\nversion = "0.8.20"\n' > "$work/proxy/slipway.toml"
plan='[[step]]\nid = "Box"\ndeploy = "%s"\nproxy = "uups"\ninitializer = "initialize"\nargs = ["@deployer", 42]\n'
# shellcheck disable=SC2059
printf "$plan" BoxV1 > "$work/proxy/deploy/box.toml"
(cd "$work/proxy" && "$bin" -q deploy > /dev/null)
# shellcheck disable=SC2059
printf "$plan" BoxV2 > "$work/proxy/deploy/box.toml"
(cd "$work/proxy" && hyperfine -N -i --warmup 3 --runs 20 --export-markdown "$work/proxy.md" \
  -n "slipway upgrade --dry-run (deployed UUPS proxy)" "$bin -q upgrade Box --dry-run" \
  -n "upgrades-core (BoxV2 against BoxV1)" "$oz validate out/build-info --contract BoxV2 --reference BoxV1" >&2)
cat "$work/pair.md" "$work/ozu.md" "$work/proxy.md" >> "$out"
