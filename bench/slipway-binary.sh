# Shared by the bench scripts that drive a built slipway: sets SLIPWAY to
# the binary to run (the caller's SLIPWAY, or a fresh release build).
if [ -z "${SLIPWAY:-}" ]; then
  cargo build --release --quiet -p slipway
  SLIPWAY=$PWD/target/release/slipway
fi
