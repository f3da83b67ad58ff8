#!/usr/bin/env python3
"""Issue 29 item 1, reproduced as an operator would meet it: two terminals
run `slipway deploy --env production` (protected: `protected = true`, or
by its name for a slipway from before the flag) against one `slipway
node`; both wait at the "Type `production`" prompt; the first is answered
and finishes, then the second. Prints how many transactions each
sent (the deployer's nonce before and after). Before the fix the second
sent every call step again; now it must send none and say why.

Usage: bench/double-deploy.py   (SLIPWAY=path to a built binary; default:
target/release/slipway, built if missing)
"""
import json, os, pty, select, shutil, socket, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SLIPWAY = os.environ.get("SLIPWAY") or os.path.join(ROOT, "target/release/slipway")
DEV_KEY = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
DEPLOYER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"

if not os.path.exists(SLIPWAY):
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "slipway"], cwd=ROOT, check=True)

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def rpc(url, method, params):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    req = urllib.request.Request(url, body, {"content-type": "application/json"})
    return json.load(urllib.request.urlopen(req, timeout=10))["result"]

def nonce(url):
    return int(rpc(url, "eth_getTransactionCount", [DEPLOYER, "latest"]), 16)

def spawn(args, env):
    """A process on a pty (it sees a terminal, as a person's shell would)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(args[0], args, env)
    return pid, fd

def read_until(fd, text, seconds=300):
    seen = b""
    deadline = time.time() + seconds
    while time.time() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if text.encode() in seen:
                return seen.decode(errors="replace")
    raise SystemExit(f"never saw {text!r}; output:\n{seen.decode(errors='replace')}")

def drain(fd, pid):
    out = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), out.decode(errors="replace")

def main():
    work = tempfile.mkdtemp()
    node = None
    try:
        project = os.path.join(work, "p")
        fixture = os.path.join(ROOT, "crates/slipway/tests/fixtures/deploy")
        shutil.copytree(fixture, project)
        os.symlink(os.path.join(ROOT, "node_modules"), os.path.join(project, "node_modules"))
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = dict(os.environ, KEY=DEV_KEY, PASSWORD="pw", SLIPWAY_KEYSTORE_PASSWORD="pw")
        subprocess.run([SLIPWAY, "--root", project, "-q", "account", "import", "deployer",
                        "--private-key-env", "KEY", "--password-env", "PASSWORD",
                        "--dir", os.path.join(project, "keys")], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        config = os.path.join(project, "slipway.toml")
        with open(config) as f:
            base = f.read()
        section = (f'\n[environments.production]\nchain = "development"\nrpc = ["{url}"]\n'
                   'multisig = false\nconfirmations = 1\n'
                   'signer = { kind = "keystore", path = "keys/deployer.json", password_env = "SLIPWAY_KEYSTORE_PASSWORD" }\n')
        with open(config, "w") as f:
            f.write(base + section + "protected = true\n")
        known = subprocess.run([SLIPWAY, "--root", project, "-q", "config", "--env", "production"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
        if not known:  # a slipway from before `protected`: the name protects
            with open(config, "w") as f:
                f.write(base + section)
        subprocess.run([SLIPWAY, "--root", project, "-q", "build"], env=env, check=True)
        node = subprocess.Popen([SLIPWAY, "--root", project, "-q", "node", "--automine",
                                 "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):
            try:
                rpc(url, "eth_chainId", [])
                break
            except Exception:
                time.sleep(0.05)
        deploy = [SLIPWAY, "--root", project, "--color", "never", "deploy", "--env", "production"]
        before = nonce(url)
        first = spawn(deploy, env)
        read_until(first[1], "Type `production`")
        second = spawn(deploy, env)
        read_until(second[1], "Type `production`")
        os.write(first[1], b"production\n")
        code1, out1 = drain(*reversed(first))
        after_first = nonce(url)
        os.write(second[1], b"production\n")
        code2, out2 = drain(*reversed(second))
        after_second = nonce(url)
        print(f"first terminal:  exit {code1}, sent {after_first - before} transactions")
        print(f"second terminal: exit {code2}, sent {after_second - after_first} transactions")
        last = [l for l in out2.splitlines() if l.strip()][-1:] or [""]
        print(f"second terminal said: {last[0].strip()}")
        if after_second != after_first:
            print("DEFECT: the second deploy sent again")
            return 1
        print("ok: the second deploy found its effect stale and sent nothing")
        return 0
    finally:
        if node:
            node.terminate()
            node.wait()
        shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    sys.exit(main())
