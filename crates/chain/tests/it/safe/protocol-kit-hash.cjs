// Safe's own SDK as a second implementation of the safeTxHash: prints
// protocol-kit's calculateSafeTransactionHash for the SafeTx given as JSON
// on the command line ({safe, chainId, version, tx: {...}}), computed off
// chain (no provider).
'use strict';
const { calculateSafeTransactionHash } = require('@safe-global/protocol-kit');
const input = JSON.parse(process.argv[2]);
const hash = calculateSafeTransactionHash(input.safe, input.tx, input.version, BigInt(input.chainId));
process.stdout.write(hash + '\n');
