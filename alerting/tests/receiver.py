#!/usr/bin/python3
"""receiver.py PORTFILE LOGFILE -- loopback HTTP receiver for the alerting tests (stdlib only).

Binds 127.0.0.1 on a free port, writes the port to PORTFILE, appends one JSON line per request to
LOGFILE (time, method, path, headers, body, action) *before* answering. What it answers is
scripted per path prefix:  POST /_script?path=/pd  with a JSON list such as
["500", "429:1", "hang", "400", "200"]  -- consumed one per request; when empty: 200.
  "NNN"      answer status NNN          "429:S"  429 with Retry-After: S
  "hang"     read the request, answer nothing for up to 10 s, then close
GET /_ready answers 200. Stop it with SIGTERM (by PID)."""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

PORTFILE, LOGFILE = sys.argv[1], sys.argv[2]
SCRIPTS = {}
LOCK = threading.Lock()


def next_action(path):
    with LOCK:
        best = max((p for p in SCRIPTS if path.startswith(p) and SCRIPTS[p]), key=len, default=None)
        return SCRIPTS[best].pop(0) if best is not None else "200"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def handle_any(self):
        n = int(self.headers.get("Content-Length", 0) or 0)
        body = self.rfile.read(n) if n else b""
        url = urlparse(self.path)
        if url.path == "/_ready":
            return self.reply(200, b"ok\n")
        if url.path == "/_script":
            prefix = parse_qs(url.query).get("path", ["/"])[0]
            with LOCK:
                SCRIPTS.setdefault(prefix, []).extend(json.loads(body or b"[]"))
            return self.reply(200, b"ok\n")
        action = next_action(url.path)
        rec = {"t": time.time(), "method": self.command, "path": self.path,
               "headers": {k.lower(): v for k, v in self.headers.items()},
               "body": body.decode("utf-8", "replace"), "action": action}
        with LOCK, open(LOGFILE, "a") as f:
            f.write(json.dumps(rec) + "\n")
        if action == "hang":
            time.sleep(10)
            self.close_connection = True
            return
        if action.startswith("429:"):
            return self.reply(429, b"slow down\n", [("Retry-After", action[4:])])
        self.reply(int(action), b'{"status":"success"}' if action.startswith("2") else b"no\n")

    def log_message(self, fmt, *args):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True


srv = Server(("127.0.0.1", 0), Handler)
tmp = PORTFILE + ".tmp"
with open(tmp, "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(tmp, PORTFILE)
srv.serve_forever()
