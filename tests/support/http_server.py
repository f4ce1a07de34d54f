"""A local HTTP server for the tests: serves files from memory on 127.0.0.1, with Range
requests and If-Range as a CDN serves them, and the failures of a real network on
request: a connection dropped halfway through a file (once, or every time after), a
server error on every request, a server that ignores Range."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DROP_ONCE = "drop_once"
"""The first GET sends half of the file and closes the connection; later ones are served."""
DROP_THEN_FAIL = "drop_then_fail"
"""The first GET sends half of the file and closes; every later request gets a 503."""
FAIL = "fail"
"""Every request, HEAD included, gets a 503."""
NO_RANGES = "no_ranges"
"""Range headers are ignored: every GET sends the whole file (200)."""
ETAG = '"v1"'


@dataclass
class Served:
    """The files served by path, the failure of each path, the requests received."""

    files: dict[str, bytes] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)
    """(method, path, Range header) of every request, in order."""
    url: str = ""
    """The server's root, `http://127.0.0.1:PORT`."""

    def add(self, path: str, data: bytes, failure: str | None = None) -> str:
        """Serves `data` at `path` (from `/`), failing as `failure` says; its URL."""
        self.files[path] = data
        if failure:
            self.failures[path] = failure
        return self.url + path

    def gets(self, path: str) -> list[str | None]:
        """The Range header of every GET of `path`."""
        return [range_ for method, p, range_ in self.requests if method == "GET" and p == path]


class _Handler(BaseHTTPRequestHandler):
    served: Served
    lock: threading.Lock

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def do_GET(self) -> None:
        self._respond(body=True)

    def _respond(self, body: bool) -> None:
        served = self.served
        range_header = self.headers.get("Range")
        with self.lock:
            served.requests.append((self.command, self.path, range_header))
            failure = served.failures.get(self.path)
            if body and failure == DROP_ONCE:
                del served.failures[self.path]
            elif body and failure == DROP_THEN_FAIL:
                served.failures[self.path] = FAIL
        data = served.files.get(self.path)
        if data is None:
            self.send_error(404)
            return
        if failure == FAIL:
            self.send_error(503)
            return
        start = 0
        wanted = re.fullmatch(r"bytes=(\d+)-", range_header or "")
        if_range = self.headers.get("If-Range")
        if body and wanted and failure != NO_RANGES and if_range in (None, ETAG):
            start = int(wanted[1])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(data) - start))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", ETAG)
        self.end_headers()
        if not body:
            return
        if failure in (DROP_ONCE, DROP_THEN_FAIL):
            self.wfile.write(data[: len(data) // 2])
            self.close_connection = True
            return
        self.wfile.write(data[start:])


@contextmanager
def http_server() -> Iterator[Served]:
    """A server on 127.0.0.1 (a free port) for the duration of the block."""
    served = Served()
    handler = type("Handler", (_Handler,), {"served": served, "lock": threading.Lock()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    served.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
