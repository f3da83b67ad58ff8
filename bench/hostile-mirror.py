#!/usr/bin/env python3
"""Issue 29 item 6, reproduced: `slipway build` in a fresh project with a
fresh compiler cache (SLIPWAY_HOME), its native-compiler mirror
(SLIPWAY_SOLC_MIRROR) a local server that lies:

  big-list    a list.json of 300 MB (the official one is about 300 KB);
  4gib        a list naming the build, whose "binary" declares 4 GiB and
              then streams zeros;
  stall       a binary that sends a byte a second.

For each, slipway's peak resident memory (VmHWM) and how long until it
gives up on the native compiler (its "not native" note). The build is then
stopped: what follows is solcjs from npm, not under test.

Usage: bench/hostile-mirror.py [SLIPWAY ...]   one column per binary.
"""
import http.server, json, os, socketserver, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = "solc-linux-amd64-v0.8.20+commit.a1b79de6"
LIST = json.dumps({"builds": [{"path": BINARY, "version": "0.8.20", "build": "commit.a1b79de6",
                               "longVersion": "0.8.20+commit.a1b79de6", "sha256": "0x00",
                               "keccak256": "0x00", "urls": []}],
                   "releases": {"0.8.20": BINARY}, "latestRelease": "0.8.20"}).encode()

class Handler(http.server.BaseHTTPRequestHandler):
    mode = "big-list"
    def log_message(self, *args):
        pass
    def do_GET(self):
        try:
            if self.path.endswith("list.json"):
                self.send_response(200)
                if self.mode == "big-list":
                    size = 300 * 1024 * 1024
                    self.send_header("content-length", str(size))
                    self.end_headers()
                    chunk = b" " * (1024 * 1024)
                    for _ in range(300):
                        self.wfile.write(chunk)
                else:
                    self.send_header("content-length", str(len(LIST)))
                    self.end_headers()
                    self.wfile.write(LIST)
                return
            self.send_response(200)
            if self.mode == "4gib":
                self.send_header("content-length", str(4 * 1024 ** 3))
                self.end_headers()
                chunk = b"\0" * (1024 * 1024)
                for _ in range(4096):
                    self.wfile.write(chunk)
            else:  # stall
                self.send_header("content-length", str(50 * 1024 * 1024))
                self.end_headers()
                for _ in range(600):
                    self.wfile.write(b"\0")
                    self.wfile.flush()
                    time.sleep(1)
        except (BrokenPipeError, ConnectionResetError):
            pass

class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

def peak_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM"):
                    return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return float("nan")

def run(slipway, mode, limit=300):
    Handler.mode = mode
    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    work = tempfile.mkdtemp()
    project = os.path.join(work, "p")
    subprocess.run([slipway, "init", project, "--no-install"], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True)
    env = dict(os.environ, SLIPWAY_HOME=os.path.join(work, "home"),
               SLIPWAY_SOLC_MIRROR=f"http://127.0.0.1:{server.server_address[1]}")
    env.pop("SLIPWAY_OFFLINE", None)
    started = time.time()
    proc = subprocess.Popen([slipway, "--root", project, "build"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak, ended, outcome = 0.0, None, "still trying"
    os.set_blocking(proc.stderr.fileno(), False)
    seen = ""
    while time.time() - started < limit:
        peak = max(peak, peak_mb(proc.pid) or 0)
        try:
            seen += os.read(proc.stderr.fileno(), 65536).decode(errors="replace")
        except BlockingIOError:
            pass
        if "not native" in seen:
            ended = time.time() - started
            outcome = "fell back to solcjs"
            break
        if proc.poll() is not None:
            ended = time.time() - started
            errors = [l for l in seen.splitlines() if "error" in l.lower()]
            outcome = f"build failed (exit {proc.returncode}{': ' + errors[0].strip()[:80] if errors else ''})"
            break
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    server.shutdown()
    took = f"{ended:.1f} s" if ended is not None else f">{limit} s"
    return f"peak {peak:.0f} MB, {took}, {outcome}"

def main():
    binaries = sys.argv[1:] or [os.path.join(ROOT, "target/release/slipway")]
    print("| mirror | " + " | ".join(binaries) + " |")
    print("|---|" + "---|" * len(binaries))
    for mode in ["big-list", "4gib", "stall"]:
        print(f"| {mode} | " + " | ".join(run(b, mode) for b in binaries) + " |", flush=True)

if __name__ == "__main__":
    main()
