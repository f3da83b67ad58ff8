// The same deployment as slipway's deploy/bridge.toml: the bridge by
// CREATE2, two role grants, three operator calls after the operator grant.
const { buildModule } = require("@nomicfoundation/hardhat-ignition/modules");
const { keccak256, toUtf8Bytes, ZeroAddress } = require("ethers");

module.exports = buildModule("Bridge", (m) => {
  const deployer = m.getAccount(0);
  const bridge = m.contract("Bridge", [
    deployer,
    86400,
    [m.getAccount(2), m.getAccount(3), m.getAccount(4)],
    2,
    m.getAccount(5),
    m.getAccount(6),
  ]);
  const operator = m.call(bridge, "grantRole", [keccak256(toUtf8Bytes("OPERATOR_ROLE")), deployer], { id: "grant_operator" });
  m.call(bridge, "grantRole", [keccak256(toUtf8Bytes("GUARDIAN_ROLE")), m.getAccount(1)], { id: "grant_guardian" });
  m.call(bridge, "configureToken", [ZeroAddress, [true, 10, 100000000000000n, 100000000000000000000n, 1000000000000000000000n]], { id: "configure_eth", after: [operator] });
  m.call(bridge, "setRemoteBridge", [138, bridge], { id: "remote_bridge", after: [operator] });
  m.call(bridge, "mapToken", [138, ZeroAddress, ZeroAddress], { id: "map_eth", after: [operator] });
  return { bridge };
});
