#!/usr/bin/env python3
"""`slipway test --watch`: from saving a test file to the first result line.

    bench/watch-latency.py SLIPWAY ROOT TEST_FILE SOLC_LOG [ROUNDS]

Runs `SLIPWAY --root ROOT test --watch --match-path TEST_FILE`, waits for it
to watch, then ROUNDS times (default 5): rewrites TEST_FILE with a changed
constant and times the first `[PASS]`/`[FAIL]` line that follows. The
project's compiler is a wrapper that appends `start end` (seconds, as
floats) to SOLC_LOG for every compiler run, so the time of compiling that
file alone is read from the same cycle. Prints one line per round and the
medians: latency, compiler time, and slipway's own share (latency minus
compiler time).
"""

import re
import statistics
import subprocess
import sys
import threading
import time


def main():
    slipway, root, test_file, solc_log = sys.argv[1:5]
    rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 5
    proc = subprocess.Popen(
        [slipway, "--root", root, "--color", "never", "test", "--watch",
         "--match-path", test_file],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    lines = []
    cond = threading.Condition()

    def reader():
        for line in proc.stdout:
            with cond:
                lines.append((time.monotonic(), line.rstrip("\n")))
                cond.notify_all()

    threading.Thread(target=reader, daemon=True).start()

    def wait_for(pattern, since, timeout=120):
        deadline = time.monotonic() + timeout
        with cond:
            while True:
                for i in range(since, len(lines)):
                    if re.search(pattern, lines[i][1]):
                        return i, lines[i][0]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SystemExit(f"timed out waiting for {pattern!r}: {lines[-5:]}")
                cond.wait(left)

    path = f"{root}/{test_file}"
    original = open(path, encoding="utf-8").read()
    seen, _ = wait_for(r"Watching", 0)
    results = []
    try:
        for n in range(1, rounds + 1):
            open(solc_log, "w").close()
            text = original.replace("uint256 constant ROUND = 0;", f"uint256 constant ROUND = {n};")
            if text == original:
                raise SystemExit("the test file has no `uint256 constant ROUND = 0;` to change")
            saved = time.monotonic()
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            seen, at = wait_for(r"^\s*\[(PASS|FAIL)", seen + 1)
            seen, _ = wait_for(r"Watching", seen + 1)
            runs = [tuple(map(float, l.split())) for l in open(solc_log) if l.strip()]
            compiler = sum(end - start for start, end in runs)
            latency = at - saved
            results.append((latency, compiler))
            print(f"round {n}: first result {latency * 1000:.0f} ms after the save; "
                  f"compiler {compiler * 1000:.0f} ms in {len(runs)} run(s); "
                  f"slipway {1000 * (latency - compiler):.0f} ms")
    finally:
        with open(path, "w", encoding="utf-8") as f:
            f.write(original)
        proc.terminate()
        proc.wait(timeout=10)
    latency = statistics.median(r[0] for r in results)
    compiler = statistics.median(r[1] for r in results)
    own = statistics.median(r[0] - r[1] for r in results)
    print(f"median: first result {latency * 1000:.0f} ms, compiling the file "
          f"{compiler * 1000:.0f} ms, slipway's own {own * 1000:.0f} ms (goal: at most 100 ms)")


if __name__ == "__main__":
    main()
