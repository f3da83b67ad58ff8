#!/usr/bin/env python3
"""slipway analyze beside Slither on slipway's detector fixtures.

Each fixture `crates/analyze/testdata/src/<id>.sol` holds contracts named
`...Bad...` with the problem and safe twins. For every id Slither shares,
this prints whether each tool reports that id on the bad contracts
(recall) and on the safe twins (false alarms).

Usage: analyze-compare.py SLITHER.json SLIPWAY.json [RESULTS.md]
(SLITHER.json from `slither . --foundry-ignore-compile --json F`,
SLIPWAY.json from `slipway analyze --json` on the same sources).
"""
import json
import sys
from collections import defaultdict


def contract_of(element):
    while element:
        if element.get("type") == "contract":
            return element.get("name")
        element = element.get("type_specific_fields", {}).get("parent")
    return None


def slither_hits(path):
    hits = defaultdict(set)  # (check, file) -> contracts
    data = json.load(open(path))
    for result in data["results"].get("detectors", []):
        for element in result["elements"]:
            file = element.get("source_mapping", {}).get("filename_relative", "")
            contract = contract_of(element)
            if contract:
                hits[(result["check"], file.split("/")[-1])].add(contract)
            elif file:
                # File-level results (rtlo): the fixture's only such text
                # is in its bad contract.
                hits[(result["check"], file.split("/")[-1])].add("Bad (file level)")
    return hits


def slipway_hits(path):
    hits = defaultdict(set)
    data = json.load(open(path))
    for f in data["findings"]:
        if f["contract"]:
            hits[(f["id"], f["path"].split("/")[-1])].add(f["contract"])
    return hits, data["detectors"]


def main():
    slither, (ours, ids) = slither_hits(sys.argv[1]), slipway_hits(sys.argv[2])
    out = open(sys.argv[3], "a") if len(sys.argv) > 3 else sys.stdout
    known = {check for check, _ in slither}
    slither_ids = set(json.load(open(sys.argv[4]))) if len(sys.argv) > 4 else known
    rows = []
    totals = defaultdict(int)
    for id in ids:
        if id not in slither_ids:
            continue
        file = f"{id}.sol"
        row = [id]
        for hits in (slither, ours):
            found = hits.get((id, file), set())
            bad = sorted(c for c in found if "Bad" in c)
            safe = sorted(c for c in found if "Bad" not in c)
            row.append("yes" if bad else "**no**")
            row.append(", ".join(safe) if safe else "-")
        totals["slither_recall"] += row[1] == "yes"
        totals["slipway_recall"] += row[3] == "yes"
        totals["slither_fp"] += row[2] != "-"
        totals["slipway_fp"] += row[4] != "-"
        rows.append(row)
    print("| id | Slither finds the bad case | Slither on the safe twins | slipway finds the bad case | slipway on the safe twins |", file=out)
    print("|:---|:---:|:---|:---:|:---|", file=out)
    for row in rows:
        print("| " + " | ".join(row) + " |", file=out)
    print(
        f"\n{len(rows)} shared ids: Slither finds {totals['slither_recall']} bad cases and reports "
        f"{totals['slither_fp']} fixtures' safe twins; slipway finds {totals['slipway_recall']} "
        f"and reports {totals['slipway_fp']}.",
        file=out,
    )


if __name__ == "__main__":
    main()
