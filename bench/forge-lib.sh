# Sourced by the bench scripts that run forge 1.7.1 (npm) on a copy of the
# bundled project: the foundry.toml that builds it as slipway does, offline
# through the given solc executable (slipway's solcjs shim), with
# slipway-std also under forge-std/.
# foundry_toml DIR SOLC  — writes DIR/foundry.toml; append sections after.
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
