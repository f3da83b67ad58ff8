#!/usr/bin/env python3
"""Compares forge's and slipway's `test --json` on one project.

    bench/foundry-compare.py NAME FORGE.json SLIPWAY.json

Prints one markdown table row: tests forge ran, how many have the same
status under slipway, unit tests with equal gas, fuzz runs and invariant
calls of both, and then (on stderr) every test that disagrees. Exits 1
when any status differs.
"""

import json
import sys


def forge_tests(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    out = {}
    for suite, body in data.items():
        contract = suite.rsplit(":", 1)[-1]
        for signature, test in body["test_results"].items():
            status = {"Success": "pass", "Failure": "fail", "Skipped": "skip"}[test["status"]]
            kind = test["kind"]
            out[f"{contract}.{signature}"] = {
                "status": status,
                "reason": test.get("reason"),
                "gas": kind.get("Unit", {}).get("gas"),
                "runs": (kind.get("Fuzz") or {}).get("runs"),
                "calls": (kind.get("Invariant") or {}).get("calls"),
            }
    return out


def slipway_tests(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    out = {}
    for contract in data["contracts"]:
        for test in contract["tests"]:
            unit = not test.get("fuzz") and not test.get("invariant")
            out[f"{contract['name']}.{test['signature']}"] = {
                "status": test["status"],
                "reason": test.get("reason"),
                "gas": test.get("gas") if unit else None,
                "runs": (test.get("fuzz") or {}).get("runs"),
                "calls": (test.get("invariant") or {}).get("calls"),
            }
    return out


def main():
    name, forge_path, slipway_path = sys.argv[1:4]
    forge = forge_tests(forge_path)
    ours = slipway_tests(slipway_path)
    same = 0
    unit = 0
    unit_equal = 0
    disagree = []
    gas_differ = []
    fuzz_runs = [0, 0]
    invariant_calls = [0, 0]
    for test, theirs in sorted(forge.items()):
        mine = ours.get(test)
        if mine is None:
            disagree.append(f"{test}: forge {theirs['status']}, slipway did not run it")
            continue
        if mine["status"] == theirs["status"]:
            same += 1
        else:
            disagree.append(
                f"{test}: forge {theirs['status']} ({theirs['reason']}), slipway {mine['status']} ({mine['reason']})"
            )
        if theirs["gas"] is not None and mine["gas"] is not None:
            unit += 1
            if theirs["gas"] == mine["gas"]:
                unit_equal += 1
            else:
                gas_differ.append(f"{test}: forge {theirs['gas']}, slipway {mine['gas']}")
        fuzz_runs[0] += theirs["runs"] or 0
        fuzz_runs[1] += mine["runs"] or 0
        invariant_calls[0] += theirs["calls"] or 0
        invariant_calls[1] += mine["calls"] or 0
    print(
        f"| {name} | {len(forge)} | {same} | {unit_equal}/{unit} | "
        f"{fuzz_runs[0]} / {fuzz_runs[1]} | {invariant_calls[0]} / {invariant_calls[1]} |"
    )
    for line in disagree:
        print(f"  status differs: {line}", file=sys.stderr)
    for line in gas_differ[:20]:
        print(f"  gas differs: {line}", file=sys.stderr)
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
