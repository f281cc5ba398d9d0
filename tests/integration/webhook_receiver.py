"""A real webhook receiver on 127.0.0.1 for the tests: a threaded ``http.server`` that verifies each
signature, remembers every delivery, can be taken down and brought back on the same port, and can
hold one chosen request open (to kill the sender mid-delivery)."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from webhooks import SignatureError, verify


@dataclass(frozen=True)
class Delivery:
    webhook_id: str
    event_type: str
    case_id: str | None
    sequence: int
    body: dict[str, Any]
    signature_ok: bool


class Receiver:
    def __init__(self, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.now = now
        self.secret = ""
        self.port = 0
        self.deliveries: list[Delivery] = []
        self.hold_request: int | None = None  # hold the n-th request (1-based) until released
        self.holding = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/sanxiang"

    def start(self) -> Receiver:
        server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler(self))
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Down: the port refuses connections until ``start`` binds it again."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            assert self._thread is not None
            self._thread.join()
            self._server = None

    def take(self, raw: bytes, headers: dict[str, str]) -> bool:
        """Remember one delivery; True when this request is the one to hold open."""
        try:
            verify(raw, headers, self.secret, now=self.now())
            ok = True
        except SignatureError:
            ok = False
        body = json.loads(raw)
        data = body["data"]
        with self._lock:
            self.deliveries.append(
                Delivery(headers["webhook-id"], body["type"], data.get("caseId"), data["sequence"], body, ok)
            )
            return self.hold_request is not None and len(self.deliveries) == self.hold_request

    def ids(self) -> Counter[str]:
        return Counter(d.webhook_id for d in self.deliveries)


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {k.lower(): v for k, v in self.headers.items()}
            if receiver.take(raw, headers):
                receiver.holding.set()
                receiver.release.wait(timeout=120)
            try:
                self.send_response(204)
                self.end_headers()
            except OSError:
                pass  # the sender is gone (killed mid-delivery)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

    return Handler
