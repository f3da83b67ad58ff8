# Sourced by the bench scripts that run forge 1.7.1 (npm) on a copy of the
# bundled project: the foundry.toml that builds it as slipway does, offline
# through the given solc executable (slipway's solcjs shim), with
# slipway-std also under forge-std/.
# foundry_toml DIR SOLC  — writes DIR/foundry.toml; append sections after.
# solc_path BIN DIR      — the solc executable slipway builds DIR with.
# same_runs DIR          — appends slipway's fuzz and invariant settings
#                          (256 runs, seed 1; 256 runs of depth 50).
foundry_toml() {
  cat > "$1/foundry.toml" <<TOML
[profile.default]
src = "contracts/src"
test = "contracts/test"
libs = ["node_modules", "contracts/lib"]
solc = "$2"
offline = true
optimizer = true
optimizer_runs = 200
remappings = ["@openzeppelin/=node_modules/@openzeppelin/", "slipway-std/=contracts/lib/slipway-std/", "forge-std/=contracts/lib/slipway-std/"]
TOML
}

# solc_path BIN DIR — the compiler slipway uses for the project in DIR
# (builds it); forge is pointed at the same executable.
solc_path() {
  "$1" --root "$2" build --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).compiler.path))'
}

# same_runs DIR — forge runs what `slipway test --fuzz-seed 1` runs.
same_runs() {
  cat >> "$1/foundry.toml" <<TOML

[fuzz]
runs = 256
seed = "0x1"

[invariant]
runs = 256
depth = 50
TOML
}
