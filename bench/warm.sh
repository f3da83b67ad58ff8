#!/usr/bin/env bash
# Warm commands on the bundled project (nothing changed since the last
# build), side by side in one run:
#  (1) each command's own cost: `build`, `test` of one trivial unit test,
#      `deploy` with nothing to send and `verify` (bytecode, in-process
#      chain), wall time (hyperfine) and peak RSS (GNU time, median of 5);
#  (2) deploy and verify on a chain that holds only the bundled deployment
#      and on one with 10,000 blocks of transactions more;
#  (3) `slipway test` against forge 1.7.1 (npm, offline through the same
#      solcjs, warm) on one small test file added to the project and on the
#      whole suite, with the same fuzz runs (256, seed 1) and invariant
#      runs and depth (256 × 50); the tests, fuzz runs and invariant calls
#      each ran are printed, so that a speed-up cannot come from running
#      less;
#  (4) `slipway test --watch`: from saving the small test file to its first
#      result line, beside the compiler's own time in the same cycle
#      (bench/watch-latency.py).
# Usage: bench/warm.sh [RESULTS.md]   (needs hyperfine, python3, node, npm ci
# done; CARGO_TARGET_DIR is honoured)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/dev/stdout}
cargo build --release --quiet -p slipway
bin=${CARGO_TARGET_DIR:-$PWD/target}/release/slipway
forge=$PWD/node_modules/.bin/forge
[ -x "$forge" ] || { echo "forge not found: run npm ci" >&2; exit 2; }
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# The bundled project, with one small test file of its own (a trivial unit
# test, four unit tests of the mock token and one fuzz test).
p=$work/bundled
mkdir -p "$p"
cp -r slipway.toml contracts deploy package.json "$p/"
ln -s "$PWD/node_modules" "$p/node_modules"
cat > "$p/contracts/test/Small.t.sol" <<'SOL'
// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Test} from "forge-std/Test.sol";
import {MockToken} from "./bridge/MockToken.sol";

contract SmallTest is Test {
    uint256 constant ROUND = 0;
    MockToken internal token;

    function setUp() public {
        token = new MockToken();
    }

    function test_trivial() public pure {
        assertEq(ROUND + 1, 1 + ROUND);
    }

    function test_mint() public {
        token.mint(address(this), 10);
        assertEq(token.balanceOf(address(this)), 10);
    }

    function test_transfer() public {
        token.mint(address(this), 10);
        token.transfer(address(1), 4);
        assertEq(token.balanceOf(address(1)), 4);
    }

    function test_supply() public {
        token.mint(address(1), 3);
        token.mint(address(2), 5);
        assertEq(token.totalSupply(), 8);
    }

    function test_RevertWhen_TransferExceedsBalance() public {
        vm.expectRevert();
        token.transfer(address(1), 1);
    }

    function testFuzz_mint(address to, uint128 amount) public {
        vm.assume(to != address(0));
        token.mint(to, amount);
        assertEq(token.balanceOf(to), amount);
    }
}
SOL
# Sources dated back: a file changed within two seconds of a build is not
# trusted by its fingerprint (as git's index treats racy files).
find "$p" -path "$p/node_modules" -prune -o -type f -exec touch -d '-1 minute' {} +
"$bin" --root "$p" -q build >/dev/null
"$bin" --root "$p" -q deploy --env development >/dev/null

rss() { # median peak RSS (MB) of 5 runs of the command
  for _ in 1 2 3 4 5; do /usr/bin/time -f %M "$@" >/dev/null 2>"$work/rss" || true; tail -1 "$work/rss"; done |
    sort -n | sed -n 3p | awk '{printf "%.0f", $1 / 1024}'
}

{
  echo "## Warm commands ($(date -u +%Y-%m-%d), $(nproc) cores, $("$forge" --version | head -1))"
  echo
  echo '```'
  echo "bench/warm.sh"
  echo '```'
  echo
  echo "### (1) Each command's own cost, nothing changed"
  echo
} >>"$out"
hyperfine -N -i --warmup 3 --runs 20 --export-markdown "$work/own.md" \
  -n "build" "$bin --root $p -q build" \
  -n "test (one trivial unit test)" "$bin --root $p -q test --match-test test_trivial" \
  -n "deploy (nothing to send)" "$bin --root $p -q deploy --env development" \
  -n "verify (bytecode)" "$bin --root $p -q verify --env development" >/dev/null
cat "$work/own.md" >>"$out"
{
  echo
  echo "| command | peak RSS (MB, median of 5) |"
  echo "|---|---|"
  echo "| build | $(rss "$bin" --root "$p" -q build) |"
  echo "| test (one trivial unit test) | $(rss "$bin" --root "$p" -q test --match-test test_trivial) |"
  echo "| deploy (nothing to send) | $(rss "$bin" --root "$p" -q deploy --env development) |"
  echo "| verify (bytecode) | $(rss "$bin" --root "$p" -q verify --env development) |"
} >>"$out"

# (2) The same chain with 10,000 blocks of transactions more (a transfer a
# block, automined through `slipway node`).
big=$work/big
mkdir -p "$big"
cp -r "$p/." "$big/"
port=8671
url=http://127.0.0.1:$port
"$bin" --root "$big" -q node --port $port --automine >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 300); do curl -sf -o /dev/null -H 'content-type: application/json' \
  -d '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "$url" && break; sleep 0.05; done
python3 - "$url" <<'PY'
import json, sys, urllib.request
url = sys.argv[1]
sender = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"   # dev account 1
for chunk in range(20):
    batch = [{"jsonrpc": "2.0", "id": i, "method": "eth_sendTransaction",
              "params": [{"from": sender, "to": "0x" + "11" * 20, "value": "0x1",
                          "gas": "0x5208", "maxFeePerGas": "0x3b9aca00",
                          "maxPriorityFeePerGas": "0x1"}]}
             for i in range(500)]
    req = urllib.request.Request(url, json.dumps(batch).encode(), {"content-type": "application/json"})
    answers = json.load(urllib.request.urlopen(req, timeout=120))
    failed = [a for a in answers if "error" in a]
    if failed:
        raise SystemExit(f"transfers refused: {failed[:2]}")
PY
blocks=$(curl -sf -H 'content-type: application/json' \
  -d '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}' "$url" | python3 -c 'import json,sys;print(int(json.load(sys.stdin)["result"],16))')
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
{
  echo
  echo "### (2) Deploy and verify as the chain grows"
  echo
  echo "The second chain holds $blocks blocks (the bundled deployment, then a transfer a block)."
  echo
} >>"$out"
hyperfine -N -i --warmup 3 --runs 20 --export-markdown "$work/grow.md" \
  -n "deploy, bundled deployment only" "$bin --root $p -q deploy --env development" \
  -n "deploy, $blocks blocks" "$bin --root $big -q deploy --env development" \
  -n "verify, bundled deployment only" "$bin --root $p -q verify --env development" \
  -n "verify, $blocks blocks" "$bin --root $big -q verify --env development" >/dev/null
cat "$work/grow.md" >>"$out"
echo >>"$out"
echo "Peak RSS at $blocks blocks: deploy $(rss "$bin" --root "$big" -q deploy --env development) MB, verify $(rss "$bin" --root "$big" -q verify --env development) MB." >>"$out"

# (3) Against forge, both warm, the same runs.
. bench/forge-lib.sh
solc=$(solc_path "$bin" "$p")
foundry_toml "$p" "$solc"
same_runs "$p"
(cd "$p" && "$forge" test --offline >/dev/null)
same="--fuzz-runs 256 --fuzz-seed 1 --invariant-runs 256 --invariant-depth 50"
small=contracts/test/Small.t.sol
# shellcheck disable=SC2086
"$bin" --root "$p" -q test $same --match-path $small --json >"$work/s-small.json" || true
(cd "$p" && "$forge" test --offline --match-path $small --json >"$work/f-small.json") || true
# shellcheck disable=SC2086
"$bin" --root "$p" -q test $same --json >"$work/s-all.json" || true
(cd "$p" && "$forge" test --offline --json >"$work/f-all.json") || true
{
  echo
  echo "### (3) slipway test against forge test, both warm"
  echo
  echo "| project | tests (forge) | same status | unit gas equal | fuzz runs forge / slipway | invariant calls forge / slipway |"
  echo "|---|---|---|---|---|---|"
  python3 bench/foundry-compare.py "small file" "$work/f-small.json" "$work/s-small.json" 2>/dev/null || true
  python3 bench/foundry-compare.py "whole suite" "$work/f-all.json" "$work/s-all.json" 2>/dev/null || true
  echo
} >>"$out"
cd "$p"
# shellcheck disable=SC2086
hyperfine -N -i --warmup 2 --runs 10 --export-markdown "$work/forge.md" \
  -n "slipway test, small file" "$bin --root $p -q test $same --match-path $small" \
  -n "forge test, small file" "$forge test --offline --match-path $small" \
  -n "slipway test, whole suite" "$bin --root $p -q test $same" \
  -n "forge test, whole suite" "$forge test --offline" >/dev/null
cd - >/dev/null
cat "$work/forge.md" >>"$out"

# (4) --watch: the compiler wrapped to log its own time in each cycle (it
# answers --version from a copy, so that probing it costs no node start).
"$solc" --version >"$work/solc.version"
cat >"$work/solc" <<SH
#!/bin/sh
[ "\$1" = "--version" ] && exec cat "$work/solc.version"
start=\$(date +%s.%N)
"$solc" "\$@"
status=\$?
echo "\$start \$(date +%s.%N)" >>"$work/solc.log"
exit \$status
SH
chmod +x "$work/solc"
rm -f "$p/foundry.toml"
export SLIPWAY_SOLC=$work/solc
"$bin" --root "$p" -q build >/dev/null
{
  echo
  echo "### (4) test --watch: saving the small test file to its first result line"
  echo
  echo '```'
  python3 bench/watch-latency.py "$bin" "$p" "$small" "$work/solc.log" 5
  echo '```'
} >>"$out"
