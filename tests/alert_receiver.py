"""A real webhook receiver on 127.0.0.1 (port 0) for the alert tests: it records each JSON POST, and can
answer with errors or hold requests until released (a dead or slow endpoint)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    """What the server saw: decoded JSON payloads, raw bodies and headers, in arrival order."""

    def __init__(self) -> None:
        self.payloads: list[dict[str, Any]] = []
        self.raw: list[bytes] = []
        self.headers: list[dict[str, str]] = []
        self.fail_first = 0  # answer 500 to this many requests first
        self.hold = threading.Event()  # while unset and `holding`, requests wait
        self.holding = False
        self.arrived = threading.Event()  # set when any request comes in
        self._cv = threading.Condition()
        self.port = 0

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.port}/hook"

    def record(self, body: bytes, headers: dict[str, str]) -> int:
        self.arrived.set()
        if self.holding:
            self.hold.wait(30)
        with self._cv:
            if self.fail_first > 0:
                self.fail_first -= 1
                return 500
            self.raw.append(body)
            self.headers.append(headers)
            self.payloads.append(json.loads(body))
            self._cv.notify_all()
            return 200

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        with self._cv:
            return self._cv.wait_for(lambda: len(self.payloads) >= count, timeout)


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = receiver.record(body, dict(self.headers.items()))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # the test output stays quiet
            return

    return Handler


@contextmanager
def receiving() -> Iterator[Receiver]:
    """A running receiver; on exit, held requests are released and the server stops."""
    receiver = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, name="alert-receiver", daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.hold.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
