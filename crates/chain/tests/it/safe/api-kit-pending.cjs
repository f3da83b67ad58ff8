// Safe's own client of the Transaction Service (npm @safe-global/api-kit)
// pointed at the stand-in: prints what getPendingTransactions answers (it
// reads the Safe first for its nonce, then the queue). Input on the command
// line as JSON: {url, chainId, safe}.
'use strict';
const SafeApiKit = require('@safe-global/api-kit').default;

async function main() {
  const input = JSON.parse(process.argv[2]);
  const kit = new SafeApiKit({ chainId: BigInt(input.chainId), txServiceUrl: input.url + '/api' });
  const pending = await kit.getPendingTransactions(input.safe);
  const info = await kit.getSafeInfo(input.safe);
  process.stdout.write(JSON.stringify({
    count: pending.count,
    nonce: info.nonce,
    results: pending.results.map((tx) => ({
      safeTxHash: tx.safeTxHash,
      nonce: tx.nonce,
      confirmations: (tx.confirmations || []).map((c) => c.owner),
    })),
  }) + '\n');
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + '\n');
  process.exit(1);
});
