#!/usr/bin/env python3
"""Issue 29's memory classes, measured on `slipway node` as a process
(resident memory from /proc, before and after each):

  snapshots      5,000 pending transactions, then 1,000 evm_snapshot
                 (each used to copy the pool: +5.6 MB apiece; a batch of
                 1,000 aborted the node);
  subscriptions  100,000 newHeads subscription attempts on one WebSocket,
                 then one block (618 MB at that block before the caps);
  batch          one HTTP batch of 20 x anvil_mine 100000 (mined two
                 million blocks, +126 MB for good, before the budget).

Usage: bench/devnet-hardening.py [SLIPWAY ...]   one column per binary
(default: target/release/slipway, built if missing). Needs python3 only.
"""
import base64, json, os, shutil, socket, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def post(url, body, timeout=600):
    req = urllib.request.Request(url, json.dumps(body).encode(), {"content-type": "application/json"})
    return json.load(urllib.request.urlopen(req, timeout=timeout))

def rpc(url, method, params):
    return post(url, {"jsonrpc": "2.0", "id": 1, "method": method, "params": params})

def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS"):
                    return int(line.split()[1]) / 1024
    except FileNotFoundError:
        return float("nan")
    return float("nan")

class Node:
    def __init__(self, slipway, *flags):
        self.dir = tempfile.mkdtemp()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([slipway, "--root", self.dir, "-q", "node", "--port", str(self.port), *flags],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(400):
            try:
                rpc(self.url, "eth_chainId", [])
                return
            except Exception:
                time.sleep(0.05)
        raise SystemExit(f"{slipway}: node did not start")

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

class Ws:
    """A minimal WebSocket client (RFC 6455 text frames), stdlib only."""
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
    def send(self, text):
        data = text.encode()
        mask = os.urandom(4)
        n = len(data)
        header = bytes([0x81])
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + n.to_bytes(2, "big")
        else:
            header += bytes([0x80 | 127]) + n.to_bytes(8, "big")
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))
    def recv(self):
        def exact(n):
            out = b""
            while len(out) < n:
                chunk = self.sock.recv(n - len(out))
                if not chunk:
                    raise EOFError
                out += chunk
            return out
        b0, b1 = exact(2)
        n = b1 & 0x7f
        if n == 126:
            n = int.from_bytes(exact(2), "big")
        elif n == 127:
            n = int.from_bytes(exact(8), "big")
        return exact(n).decode(errors="replace")

DEV = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"

def snapshots(slipway):
    node = Node(slipway, "--no-mining")
    try:
        batch = [{"jsonrpc": "2.0", "id": i, "method": "eth_sendTransaction",
                  "params": [{"from": DEV, "to": "0x0000000000000000000000000000000000000b0b", "value": "0x1",
                              "nonce": hex(i)}]} for i in range(5000)]
        for i in range(0, 5000, 500):
            post(node.url, batch[i:i + 500])
        before = rss_mb(node.proc.pid)
        answers = post(node.url, [{"jsonrpc": "2.0", "id": i, "method": "evm_snapshot", "params": []}
                                  for i in range(1000)])
        ok = sum(1 for a in answers if "result" in a) if isinstance(answers, list) else 0
        after = rss_mb(node.proc.pid)
        return f"{after - before:+.1f} MB ({ok} snapshots{'' if node.alive() else ', node died'})"
    except Exception as e:
        return f"failed: {e.__class__.__name__}{'' if node.alive() else ', node died'}"
    finally:
        node.stop()

def subscriptions(slipway):
    node = Node(slipway, "--no-mining")
    try:
        ws = Ws(node.port)
        before = rss_mb(node.proc.pid)
        held = 0
        for start in range(0, 100_000, 1000):
            ws.send(json.dumps([{"jsonrpc": "2.0", "id": start + i, "method": "eth_subscribe",
                                 "params": ["newHeads"]} for i in range(1000)]))
            held += sum(1 for a in json.loads(ws.recv()) if "result" in a)
        rpc(node.url, "evm_mine", [])
        time.sleep(2)
        peak = rss_mb(node.proc.pid)
        return f"{peak - before:+.1f} MB at the next block ({held} held)"
    except Exception as e:
        return f"failed: {e.__class__.__name__}{'' if node.alive() else ', node died'}"
    finally:
        node.stop()

def batch(slipway):
    node = Node(slipway, "--no-mining")
    try:
        before = rss_mb(node.proc.pid)
        post(node.url, [{"jsonrpc": "2.0", "id": i, "method": "anvil_mine", "params": ["0x186a0"]}
                        for i in range(20)])
        head = int(rpc(node.url, "eth_blockNumber", [])["result"], 16)
        after = rss_mb(node.proc.pid)
        return f"{head:,} blocks mined, {after - before:+.1f} MB"
    except Exception as e:
        return f"failed: {e.__class__.__name__}{'' if node.alive() else ', node died'}"
    finally:
        node.stop()

def main():
    binaries = sys.argv[1:] or [os.path.join(ROOT, "target/release/slipway")]
    if binaries == [os.path.join(ROOT, "target/release/slipway")] and not os.path.exists(binaries[0]):
        subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "slipway"], cwd=ROOT, check=True)
    print("| class | " + " | ".join(binaries) + " |")
    print("|---|" + "---|" * len(binaries))
    for name, run in [("5,000 pending x 1,000 snapshots", snapshots),
                      ("100,000 subscriptions, one block", subscriptions),
                      ("batch of 20 x anvil_mine 100000", batch)]:
        print(f"| {name} | " + " | ".join(run(b) for b in binaries) + " |", flush=True)

if __name__ == "__main__":
    main()
