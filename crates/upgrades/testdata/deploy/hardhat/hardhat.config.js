// Hardhat 2 with @openzeppelin/hardhat-upgrades, for the import test
// (crates/slipway/tests/it/proxies.rs): offline, the solcjs build that
// slipway installed (SOLJSON) stands in for Hardhat's compiler download.
const { subtask } = require("hardhat/config");
const { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } = require("hardhat/builtin-tasks/task-names");
require("@nomicfoundation/hardhat-ethers");
require("@openzeppelin/hardhat-upgrades");

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args, hre, runSuper) => {
  if (args.solcVersion !== "0.8.20" || !process.env.SOLJSON) return runSuper();
  return {
    compilerPath: process.env.SOLJSON,
    isSolcJs: true,
    version: args.solcVersion,
    longVersion: "0.8.20+commit.a1b79de6",
  };
});

module.exports = {
  solidity: { version: "0.8.20", settings: { optimizer: { enabled: true, runs: 200 } } },
  paths: { sources: "contracts/src" },
  networks: { local: { url: process.env.LOCAL_URL || "http://127.0.0.1:8545" } },
};
