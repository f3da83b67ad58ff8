#!/usr/bin/env bash
# slipway analyze beside Slither 0.11.5 on the labelled corpus
# (crates/analyze/testdata/corpus): recall and precision per class, and the
# High/Medium findings on clean audited code (OpenZeppelin 5.0.2 and solmate
# 6.8.0 from node_modules, compiled as a project of their own). Both tools
# read forge's build: Slither through `--foundry-ignore-compile`, slipway
# through the same foundry.toml. Scoring: bench/analyze-corpus.py.
# Usage: bench/analyze-corpus.sh [RESULTS.md]   (needs node, `npm ci` done,
# python3; installs Slither into a virtualenv under the work dir unless
# SLITHER names one; SLIPWAY names a slipway binary to score instead of
# building this tree's; CARGO_TARGET_DIR is honoured)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/dev/stdout}
bin=${SLIPWAY:-}
if [ -z "$bin" ]; then
  cargo build --release --quiet -p slipway
  bin=${CARGO_TARGET_DIR:-$PWD/target}/release/slipway
fi
forge=$PWD/node_modules/.bin/forge
[ -x "$forge" ] || { echo "forge not found: run npm ci" >&2; exit 2; }
[ -d node_modules/solmate ] || { echo "solmate not found: run npm ci" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
slither=${SLITHER:-}
if [ -z "$slither" ]; then
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install --quiet -r requirements-dev.txt
  slither=$work/venv/bin/slither
fi
export PATH="$PWD/node_modules/.bin:$PATH"   # Slither runs `forge` to read the build
corpus=$PWD/crates/analyze/testdata/corpus

# project DIR [VERSION]: foundry.toml for sources in DIR/src, node_modules
# as libs, compiled by the solc slipway picks for VERSION (default 0.8.20;
# its solcjs shim).
project() {
  ln -s "$PWD/node_modules" "$1/node_modules"
  printf '[profile.default]\nsrc = "src"\nlibs = ["node_modules"]\nsolc = "%s"\noffline = true\nbuild_info = true\nremappings = ["@openzeppelin/=node_modules/@openzeppelin/", "solmate/=node_modules/solmate/"]\n' "${2:-0.8.20}" > "$1/foundry.toml"
  local solc
  solc=$("$bin" --root "$1" build --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).compiler.path))')
  sed -i "s|^solc = .*|solc = \"$solc\"|" "$1/foundry.toml"
  (cd "$1" && "$forge" build --offline >/dev/null 2>&1)
}

mkdir -p "$work/corpus" "$work/legacy" "$work/clean/src"
cp -r "$corpus/src" "$work/corpus/src"
project "$work/corpus"
cp -r "$corpus/legacy/src" "$work/legacy/src"
project "$work/legacy" 0.4.26
cp -r node_modules/@openzeppelin/contracts "$work/clean/src/oz"
rm -rf "$work/clean/src/oz/package.json" "$work/clean/src/oz/README.md" "$work/clean/src/oz/build"
cp -r node_modules/solmate/src "$work/clean/src/solmate"
rm -rf "$work/clean/src/solmate/test"
project "$work/clean"

for p in corpus legacy clean; do
  (cd "$work/$p" && { "$slither" . --foundry-ignore-compile --json "$work/slither-$p.json" >/dev/null 2>&1 || true; })
  "$bin" --root "$work/$p" -q analyze --json --no-cache > "$work/slipway-$p.json" || true
done
"$slither" --list-detectors-json 2>/dev/null | python3 -c 'import json,sys; print(json.dumps([d["check"] for d in json.load(sys.stdin)]))' > "$work/ids.json"
{
  echo
  echo "Labelled corpus (crates/analyze/testdata/corpus), slipway ${SLIPWAY:-$(git rev-parse --short HEAD)} beside Slither $("$slither" --version):"
  echo
} >>"$out"
python3 bench/analyze-corpus.py "$corpus" "$work/slipway-corpus.json,$work/slipway-legacy.json" \
  "$work/slither-corpus.json,$work/slither-legacy.json" "$work/ids.json" \
  "$work/slipway-clean.json" "$work/slither-clean.json" --out "$out"
