"""The real application on a real socket (werkzeug, port 0) and a real HTTP client speaking to it.

The same wiring as the per-file ``server`` fixtures of ``test_durability`` and ``test_engine_rest_pycamunda``,
made reusable: ``serving(ctx)`` yields the base URL; ``Http`` sends JSON with a demo token and returns the
status and the body (a problem body for refusals).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
from werkzeug.serving import make_server

from engine.app import create_app
from engine.kernel.context import AppContext
from tests.support import auth


@contextmanager
def serving(ctx: AppContext) -> Iterator[str]:
    httpd = make_server("127.0.0.1", 0, create_app(ctx), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join()


class Http:
    """JSON over HTTP as one client would send it: ``call("POST", "/api/v1/…", "zhao", body)``."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()

    def call(self, method: str, path: str, user: str, body: Any = None) -> tuple[int, Any]:
        response = self.session.request(method, self.base + path, json=body, headers=auth(user), timeout=60)
        kind = response.headers.get("Content-Type", "")
        return response.status_code, response.json() if "json" in kind else response.text

    def ok(self, method: str, path: str, user: str, body: Any = None) -> Any:
        status, answer = self.call(method, path, user, body)
        assert status in (200, 201), (method, path, status, answer)
        return answer

    def deploy(self, paths: list[Any], user: str = "li") -> None:
        files = [(f"file{i}", (p.name, p.read_bytes())) for i, p in enumerate(paths)]
        response = self.session.post(
            self.base + "/api/v1/deployments", files=files, headers=auth(user), timeout=120
        )
        assert response.status_code == 201, response.text

    def upload(self, path: str, user: str, files: dict[str, bytes]) -> tuple[int, Any]:
        """POST files given as name -> bytes (e.g. a diagram made by the test) as multipart/form-data."""
        parts = [(f"file{i}", (name, data)) for i, (name, data) in enumerate(files.items())]
        response = self.session.post(self.base + path, files=parts, headers=auth(user), timeout=120)
        kind = response.headers.get("Content-Type", "")
        return response.status_code, response.json() if "json" in kind else response.text
