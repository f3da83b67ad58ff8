// Hardhat + Ignition for bench/deploy.sh: the bundled bridge deployed as
// slipway's deploy/bridge.toml deploys it, on a Hardhat node with 2 s blocks.
const path = require("path");
const { subtask } = require("hardhat/config");
const { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } = require("hardhat/builtin-tasks/task-names");
require("@nomicfoundation/hardhat-ignition");

// Offline: npm's solc 0.8.20 (soljson.js) instead of a downloaded compiler.
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args, hre, runSuper) => {
  if (args.solcVersion !== "0.8.20") return runSuper();
  return {
    compilerPath: path.join(__dirname, "node_modules/solc/soljson.js"),
    isSolcJs: true,
    version: "0.8.20",
    longVersion: "0.8.20+commit.a1b79de6",
  };
});

module.exports = {
  solidity: { version: "0.8.20", settings: { optimizer: { enabled: true, runs: 200 } } },
  networks: {
    hardhat: { mining: { auto: false, interval: 2000 } },
    bench: { url: process.env.BENCH_RPC_URL || "http://127.0.0.1:18745" },
  },
  ignition: { requiredConfirmations: 1 },
};
