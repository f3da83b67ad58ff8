#!/usr/bin/env python3
"""Mutation check of the bundled contracts: every `require`, `if (…) revert`
and modifier condition in contracts/src is negated in turn, `slipway test`
runs, and the file is restored. A mutant is killed when the tests fail.

Usage: scripts/mutants.py [--slipway PATH] [--fuzz-runs N] [--invariant-runs N]
Prints each survivor and `killed/total`; exits 1 if any mutant survives.
"""

import argparse
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def matching_paren(text, open_index):
    depth = 0
    for i in range(open_index, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    raise ValueError("unbalanced parentheses")


def strip_comments(text):
    """Blanks out comments (keeping offsets) so conditions in them are skipped."""
    def blank(match):
        return re.sub(r"[^\n]", " ", match.group(0))
    return re.sub(r"//[^\n]*|/\*.*?\*/", blank, text, flags=re.S)


def mutants(text):
    """(start, end, negated condition, description) of each condition."""
    code = strip_comments(text)
    found = []
    for match in re.finditer(r"\b(require|if)\s*\(", code):
        open_index = match.end() - 1
        close = matching_paren(code, open_index)
        if match.group(1) == "require":
            # require(condition, message): negate the first argument.
            depth, end = 0, close
            for i in range(open_index + 1, close):
                c = code[i]
                if c in "([":
                    depth += 1
                elif c in ")]":
                    depth -= 1
                elif c == "," and depth == 0:
                    end = i
                    break
            start = open_index + 1
        else:
            after = code[close + 1:].lstrip()
            if not (after.startswith("revert") or re.match(r"\{\s*revert", after)):
                continue
            start, end = open_index + 1, close
        condition = text[start:end]
        line = text.count("\n", 0, start) + 1
        found.append((start, end, f"!({condition})", f"line {line}: {condition.strip()}"))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--slipway", default=str(ROOT / "target/release/slipway"))
    parser.add_argument("--fuzz-runs", default="64")
    parser.add_argument("--invariant-runs", default="32")
    args = parser.parse_args()

    sources = sorted((ROOT / "contracts/src").rglob("*.sol"))
    total, killed, survivors = 0, 0, []
    for path in sources:
        original = path.read_text()
        for start, end, negated, description in mutants(original):
            total += 1
            mutated = original[:start] + negated + original[end:]
            try:
                path.write_text(mutated)
                result = subprocess.run(
                    [args.slipway, "--root", str(ROOT), "-q", "test",
                     "--fuzz-runs", args.fuzz_runs, "--fuzz-seed", "1",
                     "--invariant-runs", args.invariant_runs],
                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                )
            finally:
                path.write_text(original)
            rel = path.relative_to(ROOT)
            if result.returncode != 0 and "compilation failed" not in result.stderr:
                killed += 1
                print(f"killed   {rel} {description}", flush=True)
            elif result.returncode != 0:
                survivors.append(f"{rel} {description} (did not compile)")
                print(f"invalid  {rel} {description}", flush=True)
            else:
                survivors.append(f"{rel} {description}")
                print(f"SURVIVED {rel} {description}", flush=True)
    print(f"\n{killed}/{total} mutants killed")
    for survivor in survivors:
        print(f"  survivor: {survivor}")
    return 0 if killed == total else 1


if __name__ == "__main__":
    sys.exit(main())
