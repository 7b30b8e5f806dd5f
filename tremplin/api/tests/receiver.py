"""A local webhook receiver for tests, on a port of this project's range (8500–8599)."""

import http.server
import threading
from dataclasses import dataclass, field

from standardwebhooks.webhooks import Webhook


@dataclass
class Receiver:
    secret: str
    fail_first: int = 0  # answer 500 to this many requests, then 200
    status_after: int = 200
    received: list[dict] = field(default_factory=list)  # verified payloads answered 2xx
    requests: int = 0
    bad_signatures: int = 0
    hosts: list[str] = field(default_factory=list)  # the Host header of each request
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0

    def handle(self, body: bytes, headers: dict[str, str]) -> int:
        with self.lock:
            self.requests += 1
            try:
                payload = Webhook(self.secret).verify(body, headers)
            except Exception:  # noqa: BLE001 — counted and asserted by the tests
                self.bad_signatures += 1
                return 400
            if self.requests <= self.fail_first:
                return 500
            if 200 <= self.status_after < 300:
                self.received.append(payload | {"webhook-id": headers["webhook-id"]})
            return self.status_after

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"


def serve(receiver: Receiver) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            receiver.hosts.append(self.headers.get("Host", ""))
            status = receiver.handle(body, {k.lower(): v for k, v in self.headers.items()})
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    for port in range(8500, 8600):
        try:
            server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        except OSError:
            continue
        receiver.port = port
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server
    raise RuntimeError("no free port in 8500–8599")
