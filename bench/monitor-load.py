#!/usr/bin/env python3
"""Puts N blocks carrying a Deposited event each on an automining node:
depositETH(1, recipient) from the node's unlocked accounts, one
transaction a block. Usage: monitor-load.py URL BRIDGE N"""
import json
import sys
import urllib.request

url, bridge, n = sys.argv[1], sys.argv[2], int(sys.argv[3])


def rpc(method, params):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    request = urllib.request.Request(url, body, {"content-type": "application/json"})
    with urllib.request.urlopen(request) as response:
        answer = json.load(response)
    if "error" in answer:
        raise SystemExit(f"{method}: {answer['error']}")
    return answer["result"]


# The node hashes the signature (no keccak library needed here).
selector = rpc("web3_sha3", ["0x" + b"depositETH(uint256,address)".hex()])[:10]
recipient = "23618e81e3f5cdf7f54c3d65f7fbc0abf5b21e8f"
# Staging's remote chain in the plan: 1.
data = selector + f"{1:064x}" + recipient.rjust(64, "0")
senders = rpc("eth_accounts", [])[:8]
for i in range(n):
    rpc("eth_sendTransaction", [{
        "from": senders[i % len(senders)],
        "to": bridge,
        "value": hex(10**15),
        "data": data,
        "gas": hex(300000),
        "maxFeePerGas": hex(10**11),
        "maxPriorityFeePerGas": hex(10**9),
    }])
print(f"{n} deposits sent", file=sys.stderr)
