// Deploys BoxV1 behind a UUPS proxy with hardhat-upgrades, as a team on
// Hardhat does (`upgrades.deployProxy`), and prints the proxy's address.
const { ethers, upgrades } = require("hardhat");

async function main() {
  const [owner] = await ethers.getSigners();
  const Box = await ethers.getContractFactory("BoxV1");
  const box = await upgrades.deployProxy(Box, [owner.address, 42], {
    kind: "uups",
    initializer: "initialize",
  });
  await box.waitForDeployment();
  console.log(await box.getAddress());
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
