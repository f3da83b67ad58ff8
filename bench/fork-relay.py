#!/usr/bin/env python3
"""A JSON-RPC relay that counts: forwards every POST to TARGET and appends
one line per HTTP request to LOG (the number of JSON-RPC calls it carried,
then their methods), so that bench/fork.sh can tell how many requests each
tool made of the remote. Usage: fork-relay.py PORT TARGET LOG"""
import http.server
import json
import sys
import urllib.request

PORT, TARGET, LOG = int(sys.argv[1]), sys.argv[2], sys.argv[3]


class Relay(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # One write per answer, sent at once: with Nagle's algorithm and
    # delayed ACKs, a header written apart from its body costs 40 ms.
    disable_nagle_algorithm = True
    wbufsize = -1

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        try:
            parsed = json.loads(body)
            calls = parsed if isinstance(parsed, list) else [parsed]
            methods = [c.get("method", "?") for c in calls]
        except ValueError:
            methods = ["(not JSON)"]
        with open(LOG, "a") as log:
            log.write(f"{len(methods)} {' '.join(methods)}\n")
        request = urllib.request.Request(
            TARGET, data=body, headers={"content-type": "application/json"}
        )
        with urllib.request.urlopen(request) as answer:
            data = answer.read()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def log_message(self, *_):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Relay).serve_forever()
