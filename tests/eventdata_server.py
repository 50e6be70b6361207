"""A static file server with HTTP range requests, for the ``events fetch`` tests (run as a child process).

Usage: python tests/eventdata_server.py FOLDER LOGFILE; binds 127.0.0.1 on a free port and prints it.
Every request is appended to LOGFILE as ``PATH RANGE`` so tests can see what was asked.
"""

from __future__ import annotations

import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(sys.argv[1]).resolve()
LOG = Path(sys.argv[2])


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        rng = self.headers.get("Range", "-")
        with open(LOG, "a", encoding="utf-8") as log:
            log.write(f"{self.path} {rng}\n")
        path = (ROOT / self.path.lstrip("/")).resolve()
        if ROOT not in path.parents or not path.is_file():
            self.send_error(404)
            return
        data = path.read_bytes()
        start = 0
        if rng.startswith("bytes=") and rng.endswith("-"):
            start = int(rng[6:-1])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        self.wfile.write(data[start:])

    def log_message(self, *args: object) -> None:
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
