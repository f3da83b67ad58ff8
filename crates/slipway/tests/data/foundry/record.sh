#!/usr/bin/env bash
# Records forge's verdict on each Foundry project here, which the CLI test
# `foundry_projects` holds slipway to without running forge. Run it after
# changing a project; commit what it writes.
#
#   crates/slipway/tests/data/foundry/record.sh
#
# Needs `npm ci` at the repository root (forge 1.7.1 from npm) and the
# solcjs 0.8.20 shim any slipway build installs under ~/.cache/slipway;
# forge compiles offline through the same compiler.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../../.." && pwd)
forge=${FORGE:-$root/node_modules/.bin/forge}
solc=${SOLC:-$HOME/.cache/slipway/solcjs/0.8.20/solc}
export FOUNDRY_SOLC=$solc FOUNDRY_OFFLINE=true
"$forge" --version | head -1 > "$here/FORGE_VERSION"

record() { # project, then forge test arguments
    local project=$1
    shift
    local work
    work=$(mktemp -d)
    cp -r "$here/$project/." "$work"
    # forge exits 1 when a test fails; these projects fail some on purpose.
    (cd "$work" && "$forge" test --json "$@" > "$work/out.json") || true
    python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$work/out.json"
    echo "$work"
}

work=$(record modern)
cp "$work/out.json" "$here/modern/forge-test.json"
# Only a run without --json writes snapshots/<group>.json.
(cd "$work" && "$forge" test --match-test '^test_GasSection\(\)$' > /dev/null)
mkdir -p "$here/modern/forge-snapshots"
cp "$work/snapshots/counter.json" "$here/modern/forge-snapshots/counter.json"
(cd "$work" && "$forge" snapshot --match-contract '^CounterTest$' --snap "$here/modern/forge.gas-snapshot" > /dev/null)
rm -rf "$work"

work=$(record classic)
cp "$work/out.json" "$here/classic/forge-test.json"
rm -rf "$work"
work=$(record classic --no-match-test testFail)
cp "$work/out.json" "$here/classic/forge-test-no-testfail.json"
rm -rf "$work"
echo "recorded with $(cat "$here/FORGE_VERSION")"
