// Keystore interoperability with ethers v6 (npm): `encrypt KEY PASSWORD FILE`
// writes ethers' keystore; `decrypt FILE PASSWORD` prints the address of one.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";

const require = createRequire(resolve(process.cwd(), "package.json"));
const { Wallet } = require("ethers");

const [command, a, b, c] = process.argv.slice(2);
if (command === "encrypt") {
  const wallet = new Wallet(a);
  writeFileSync(c, await wallet.encrypt(b));
  console.log(wallet.address);
} else if (command === "decrypt") {
  const wallet = await Wallet.fromEncryptedJson(readFileSync(a, "utf8"), b);
  console.log(wallet.address);
} else {
  throw new Error(`unknown command ${command}`);
}
