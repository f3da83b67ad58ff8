#!/usr/bin/env bash
# slipway test against the limit (the same calls on bare revm), and whole
# `slipway test` runs on the fixture suite and the bundled suite.
#  (1) in process: µs per unit test and fuzz runs per second, slipway's runner
#      against bare revm executing the same calls (crates/test-runner/examples/runner_bench.rs);
#  (2) hyperfine: `slipway test` end to end (build cache warm), tests per second;
#  (3) hyperfine: `slipway coverage` against `slipway test` on the same suites
#      (the instrumentation's cost; both caches warm).
# Usage: bench/test.sh   (needs hyperfine, node, npm ci done)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet -p slipway
bin=$PWD/target/release/slipway
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "## slipway test ($(date -u +%Y-%m-%d), $(nproc) cores)"
echo
echo "### In process, against bare revm"
cargo run --release --quiet -p slipway-test-runner --example runner_bench 500

# The fixture suite as a project of its own (its failing tests fail on
# purpose: hyperfine ignores the exit status).
mkdir -p "$work/fixtures/contracts"
cp -r crates/test-runner/testdata/contracts/test crates/test-runner/testdata/contracts/src "$work/fixtures/contracts/"
cp -r contracts/lib "$work/fixtures/contracts/"
"$bin" --root "$work/fixtures" -q test >/dev/null || true
# The bundled project.
mkdir -p "$work/bundled"
cp -r slipway.toml contracts "$work/bundled/"
ln -s "$PWD/node_modules" "$work/bundled/node_modules"
"$bin" --root "$work/bundled" -q test >/dev/null

count() { "$bin" --root "$1" -q test --json --fuzz-seed 1 | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s).summary;console.log(j.passed+j.failed+j.skipped)})' || true; }
echo
echo "### End to end"
echo "fixture suite: $(count "$work/fixtures") tests; bundled suite: $(count "$work/bundled") tests"
hyperfine -N -i --warmup 3 --runs 20 \
  -n "fixture suite" "$bin --root $work/fixtures -q test --fuzz-seed 1" \
  -n "bundled suite" "$bin --root $work/bundled -q test --fuzz-seed 1"

echo
echo "### Coverage against test"
"$bin" --root "$work/fixtures" -q coverage --report summary >/dev/null 2>&1 || true
"$bin" --root "$work/bundled" -q coverage --report summary >/dev/null 2>&1 || true
hyperfine -N -i --warmup 2 --runs 10 \
  -n "fixture: test" "$bin --root $work/fixtures -q test --fuzz-seed 1" \
  -n "fixture: coverage" "$bin --root $work/fixtures -q coverage --fuzz-seed 1 --report summary" \
  -n "bundled: test" "$bin --root $work/bundled -q test --fuzz-seed 1" \
  -n "bundled: coverage" "$bin --root $work/bundled -q coverage --fuzz-seed 1 --report summary"
