// A client nobody here wrote: ethers v6 against the slipway dev chain.
// Usage: node ethers.mjs <rpc url> <artifact.json>
import { readFileSync } from "node:fs";
import assert from "node:assert/strict";
import { ethers } from "ethers";

const [url, artifactPath] = process.argv.slice(2);
const artifact = JSON.parse(readFileSync(artifactPath, "utf8"));
// cacheTimeout -1: ethers otherwise reuses a nonce it read < 250 ms ago, and this
// chain mines faster than that.
const provider = new ethers.JsonRpcProvider(url, undefined, { staticNetwork: true, pollingInterval: 50, cacheTimeout: -1 });
assert.equal((await provider.getNetwork()).chainId, 1337n);

// A wallet signing locally (eth_sendRawTransaction) with the first test key.
const wallet = new ethers.Wallet("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", provider);
const factory = new ethers.ContractFactory(artifact.abi, artifact.bytecode.object, wallet);
const fixture = await factory.deploy();
await fixture.waitForDeployment();
const address = await fixture.getAddress();
assert.notEqual(await provider.getCode(address), "0x");

// Call and event.
const tx = await fixture.bump("from ethers");
const receipt = await tx.wait();
assert.equal(receipt.status, 1);
const event = receipt.logs.map((l) => fixture.interface.parseLog(l)).find((e) => e && e.name === "Counted");
assert.equal(event.args.note, "from ethers");
assert.equal(event.args.count, 1n);
assert.equal(await fixture.count(), 1n);
const logs = await fixture.queryFilter(fixture.filters.Counted(wallet.address));
assert.equal(logs.length, 1);

// A revert with a custom error, decoded by ethers from the revert data.
await assert.rejects(fixture.need(5n), (err) => {
  assert.equal(err.code, "CALL_EXCEPTION");
  assert.equal(err.revert?.name, "Insufficient");
  assert.deepEqual(err.revert?.args.map((a) => a), [1n, 5n]);
  return true;
});
await assert.rejects(fixture.fail(), (err) => err.reason === "always fails");

// Snapshot and revert through raw JSON-RPC.
const snapshot = await provider.send("evm_snapshot", []);
await (await fixture.bump("undone")).wait();
assert.equal(await fixture.count(), 2n);
assert.equal(await provider.send("evm_revert", [snapshot]), true);
assert.equal(await fixture.count(), 1n);

// eth_sendTransaction from an unlocked dev account (JsonRpcSigner).
const unlocked = await provider.getSigner(1);
const sent = await unlocked.sendTransaction({ to: wallet.address, value: 1n });
assert.equal((await sent.wait()).status, 1);

// EIP-712 signature by the node, checked by ethers.
const domain = { name: "slipway", version: "1", chainId: 1337, verifyingContract: address };
const types = { Mail: [{ name: "to", type: "address" }, { name: "amount", type: "uint256" }] };
const value = { to: wallet.address, amount: 42n };
const signature = await unlocked.signTypedData(domain, types, value);
assert.equal(ethers.verifyTypedData(domain, types, value, signature), await unlocked.getAddress());

// Time travel: automined blocks run ahead of the wall clock; an hour's
// jump still lands at least an hour after the latest block.
for (let i = 0; i < 5; i++) await (await fixture.bump("ahead")).wait();
const before = await provider.getBlock("latest");
await provider.send("evm_increaseTime", [3600]);
await provider.send("evm_mine", []);
const after = await provider.getBlock("latest");
assert.ok(after.timestamp - before.timestamp >= 3600, `${after.timestamp} - ${before.timestamp}`);

// The pending block: the next number and base fee, and what waits in the pool.
await provider.send("evm_setAutomine", [false]);
const waiting = await unlocked.sendTransaction({ to: wallet.address, value: 2n });
const pending = await provider.getBlock("pending");
assert.ok(pending, "a pending block, not null");
assert.equal(pending.number, after.number + 1);
assert.ok(pending.baseFeePerGas > 0n);
assert.deepEqual([...pending.transactions], [waiting.hash]);
await provider.send("evm_mine", []);
await provider.send("evm_setAutomine", [true]);
assert.equal((await waiting.wait()).status, 1);

// Insufficient funds on eth_estimateGas and eth_call, worded as geth
// does: ethers names it on an estimate (not "missing revert data"); on a
// call it reports every node error as a call exception, with the node's
// message kept.
const poor = ethers.Wallet.createRandom().address;
await assert.rejects(provider.estimateGas({ from: poor, to: wallet.address, value: 1n }), (err) => {
  assert.equal(err.code, "INSUFFICIENT_FUNDS", `${err.code}: ${err.message}`);
  return true;
});
await assert.rejects(provider.call({ from: poor, to: wallet.address, value: 1n }), (err) => {
  assert.match(err.info?.error?.message ?? "", /^insufficient funds for gas \* price \+ value: address 0x[0-9a-fA-F]{40} have 0 want 1$/);
  return true;
});

console.log("ethers compatibility: ok");
