// Safe's own SDK as the other side of a multisig: with mode "sign" an
// owner's key signs the SafeTx (EIP-712, eth_signTypedData_v4) and the
// signature is printed; with mode "execute" the signatures given are added
// and protocol-kit sends execTransaction. Input on the command line as JSON:
// {mode, rpc, chainId, safe, key, contracts, tx: {to, value, data,
// operation}, nonce, signatures?: [{signer, data}]}.
'use strict';
const { default: Safe, EthSafeSignature } = require('@safe-global/protocol-kit');

async function main() {
  const input = JSON.parse(process.argv[2]);
  const kit = await Safe.init({
    provider: input.rpc,
    signer: input.key,
    safeAddress: input.safe,
    contractNetworks: { [String(input.chainId)]: input.contracts },
  });
  const tx = await kit.createTransaction({
    transactions: [input.tx],
    options: { nonce: input.nonce },
  });
  const safeTxHash = await kit.getTransactionHash(tx);
  if (input.mode === 'sign') {
    const signed = await kit.signTransaction(tx, 'eth_signTypedData_v4');
    const [signature] = [...signed.signatures.values()];
    process.stdout.write(JSON.stringify({ safeTxHash, signer: signature.signer, data: signature.data }) + '\n');
    return;
  }
  for (const s of input.signatures) {
    tx.addSignature(new EthSafeSignature(s.signer, s.data));
  }
  const result = await kit.executeTransaction(tx);
  process.stdout.write(JSON.stringify({ safeTxHash, hash: result.hash }) + '\n');
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + '\n');
  process.exit(1);
});
