#!/usr/bin/env python3
"""Recall and precision of slipway analyze and Slither on the labelled corpus.

The corpus (crates/analyze/testdata/corpus) marks each vulnerable case with
`// bug: <class>` at the end of a line; lines marked `// bug: <class> #<case>`
with the same class and case name are one case, found when any of them is.
A line in several cases lists them with commas.

A finding *hits* a case when its class matches and one of the lines it names
(slipway: the span from `line` to `end_line`; Slither: every line of every
element of the result) is one of the case's lines, in the same file.

- recall of a class: cases hit / cases;
- precision of a class: findings of the class that hit a case of their own
  class, or of a class of the same family (the reentrancy classes), over all
  findings of the class in the corpus files;
- clean: High/Medium findings of any detector in the clean files
  (clean.txt: OpenZeppelin 5.0.2 and solmate, compiled as a project of their
  own).

Usage: analyze-corpus.py CORPUS_DIR SLIPWAY.json[,…] SLITHER.json[,…] SLITHER_IDS.json
                         [SLIPWAY_CLEAN.json SLITHER_CLEAN.json] [--out F]
  SLITHER_IDS.json: `slither --list-detectors-json`'s checks, to tell a class
  Slither has no detector for from one it misses. The corpus is two
  projects (src/ with solc 0.8.20, legacy/src/ with solc 0.4.26): give each
  tool's reports of both, comma-separated.
"""
import json
import os
import re
import sys
from collections import defaultdict

# class -> (slipway ids, Slither checks)
CLASSES = {
    "reentrancy-eth": ({"reentrancy-eth"}, {"reentrancy-eth"}),
    "reentrancy-no-eth": ({"reentrancy-no-eth"}, {"reentrancy-no-eth"}),
    "reentrancy-benign": ({"reentrancy-benign"}, {"reentrancy-benign"}),
    "arbitrary-send-eth": ({"arbitrary-send-eth"}, {"arbitrary-send-eth"}),
    "arbitrary-send-erc20": ({"arbitrary-send-erc20"}, {"arbitrary-send-erc20"}),
    "controlled-delegatecall": ({"controlled-delegatecall"}, {"controlled-delegatecall"}),
    "arbitrary-call": ({"arbitrary-call"}, {"arbitrary-call"}),
    "weak-prng": ({"weak-prng"}, {"weak-prng"}),
    "timestamp": ({"timestamp"}, {"timestamp"}),
    "shadowing-local": ({"shadowing-local"}, {"shadowing-local"}),
    "locked-ether": ({"locked-ether"}, {"locked-ether"}),
    "missing-access-control": ({"access-admin-state"}, set()),
    "unprotected-upgrade": ({"unprotected-upgrade"}, {"unprotected-upgrade"}),
    "uninitialized-storage": ({"uninitialized-storage"}, {"uninitialized-storage"}),
}
FAMILIES = [{"reentrancy-eth", "reentrancy-no-eth", "reentrancy-benign"}]
LABEL = re.compile(r"//\s*bug:\s*(.+?)\s*$")
ONE = re.compile(r"^([a-z0-9-]+)(?:\s+#(\S+))?$")


def family(cls):
    for f in FAMILIES:
        if cls in f:
            return f
    return {cls}


SOURCE_DIRS = ["src", os.path.join("legacy", "src")]


def corpus_files(corpus):
    """(directory, file name) of every corpus source."""
    return [(os.path.join(corpus, d), name)
            for d in SOURCE_DIRS if os.path.isdir(os.path.join(corpus, d))
            for name in sorted(os.listdir(os.path.join(corpus, d))) if name.endswith(".sol")]


def labels(corpus):
    """(class, file, case) -> set of lines."""
    cases = defaultdict(set)
    for src, name in corpus_files(corpus):
        with open(os.path.join(src, name), encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                m = LABEL.search(line)
                if not m:
                    continue
                for label in m.group(1).split(","):
                    one = ONE.match(label.strip())
                    if not one or one.group(1) not in CLASSES:
                        sys.exit(f"{name}:{number}: unknown label {label.strip()!r}")
                    cls, case = one.group(1), one.group(2) or f"line{number}"
                    cases[(cls, name, case)].add(number)
    return cases


def slipway_findings(paths):
    """[(id, file basename, path, lines, severity)] from comma-separated files"""
    out = []
    for path in paths.split(","):
        out.extend(slipway_file(path))
    return out


def slipway_file(path):
    data = json.load(open(path))
    out = []
    for f in data["findings"]:
        lines = set(range(f["line"], f["end_line"] + 1))
        if f.get("suppressed"):
            continue  # the source's own `slither-disable` comments, as Slither honours them
        out.append((f["id"], os.path.basename(f["path"]), f["path"], lines, f["severity"].lower()))
    return out


def slither_findings(paths):
    out = []
    for path in paths.split(","):
        out.extend(slither_file(path))
    return out


def slither_file(path):
    data = json.load(open(path))
    out = []
    for r in data.get("results", {}).get("detectors", []):
        by_file = defaultdict(set)
        for e in r["elements"]:
            sm = e.get("source_mapping") or {}
            file = sm.get("filename_relative") or ""
            by_file[file] |= set(sm.get("lines") or [])
        for file, lines in by_file.items():
            out.append((r["check"], os.path.basename(file), file, lines, r["impact"].lower()))
    return out


def in_corpus(path):
    return path.startswith("src/") and "/" not in path[len("src/"):]


def score(cases, findings, tool_index, corpus_files):
    rows = {}
    for cls, ids in CLASSES.items():
        ids = ids[tool_index]
        mine = {k: v for k, v in cases.items() if k[0] == cls}
        found = set()
        for key, lines in mine.items():
            _, file, _ = key
            if any(fid in ids and fname == file and lines & flines
                   for fid, fname, fpath, flines, _ in findings if in_corpus(fpath)):
                found.add(key)
        relevant = [f for f in findings if f[0] in ids and in_corpus(f[2]) and f[1] in corpus_files]
        fam = family(cls)
        true = 0
        for fid, fname, _, flines, _ in relevant:
            if any(c in fam and file == fname and lines & flines for (c, file, _), lines in cases.items()):
                true += 1
        rows[cls] = (len(found), len(mine), true, len(relevant), sorted(mine.keys() - found))
    return rows


def clean_count(findings, clean_list):
    wanted = set()
    for line in clean_list:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        line = line.replace("@openzeppelin/contracts/", "src/oz/").replace("solmate/src/", "src/solmate/")
        wanted.add(line)
    hits = [f for f in findings if f[2] in wanted and f[4] in ("high", "medium")]
    return hits


def main():
    args = sys.argv[1:]
    out = sys.stdout
    if "--out" in args:
        i = args.index("--out")
        out = open(args[i + 1], "a")
        del args[i:i + 2]
    corpus, ours_path, theirs_path, ids_path = args[:4]
    cases = labels(corpus)
    names = {name for _, name in corpus_files(corpus)}
    slither_ids = set(json.load(open(ids_path)))
    ours = score(cases, slipway_findings(ours_path), 0, names)
    theirs = score(cases, slither_findings(theirs_path), 1, names)

    def ratio(a, b):
        return f"{a / b:.2f}" if b else "–"

    print("| class | cases | slipway recall | slipway precision | Slither recall | Slither precision |", file=out)
    print("|---|---|---|---|---|---|", file=out)
    totals = defaultdict(int)
    for cls in CLASSES:
        f, n, t, r, _ = ours[cls]
        sf, _, st, sr, _ = theirs[cls]
        has = bool(CLASSES[cls][1] & slither_ids)
        totals["n"] += n
        totals["f"] += f
        totals["t"] += t
        totals["r"] += r
        if has:
            totals["sf"] += sf
            totals["st"] += st
            totals["sr"] += sr
            totals["sn"] += n
        sl = f"{ratio(sf, n)} ({sf}/{n}) | {ratio(st, sr)} ({st}/{sr})" if has else "no detector | –"
        print(f"| {cls} | {n} | {ratio(f, n)} ({f}/{n}) | {ratio(t, r)} ({t}/{r}) | {sl} |", file=out)
    print(f"| **all** | {totals['n']} | **{ratio(totals['f'], totals['n'])}** ({totals['f']}/{totals['n']}) "
          f"| **{ratio(totals['t'], totals['r'])}** ({totals['t']}/{totals['r']}) "
          f"| {ratio(totals['sf'], totals['sn'])} ({totals['sf']}/{totals['sn']} of its classes) "
          f"| {ratio(totals['st'], totals['sr'])} ({totals['st']}/{totals['sr']}) |", file=out)
    if len(args) >= 6:
        clean_list = open(os.path.join(corpus, "clean.txt")).read().splitlines()
        mine = clean_count(slipway_findings(args[4]), clean_list)
        theirs_clean = clean_count(slither_findings(args[5]), clean_list)
        print(file=out)
        print(f"High/Medium findings on the clean files: slipway {len(mine)}, Slither {len(theirs_clean)}", file=out)
        for fid, _, path, lines, sev in mine:
            print(f"  slipway {fid} ({sev}) {path}:{min(lines)}", file=out)
        for fid, _, path, lines, sev in theirs_clean:
            print(f"  Slither {fid} ({sev}) {path}:{min(lines) if lines else '?'}", file=out)
    print(file=out)
    print("Cases slipway misses:", file=out)
    for cls in CLASSES:
        for cls_, file, case in ours[cls][4]:
            lines = sorted(cases[(cls_, file, case)])
            print(f"  {cls}: {file}:{lines[0]}", file=out)


if __name__ == "__main__":
    main()
