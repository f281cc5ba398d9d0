"""The real application on a real socket (werkzeug, threaded) and real HTTP clients that can speak from a
chosen loopback address (127.0.0.2, 127.0.0.3 … are all this machine), with cookies like a browser."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from werkzeug.serving import make_server

from engine.app import create_app
from engine.kernel.context import AppContext

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@contextmanager
def serving(ctx: AppContext) -> Iterator[str]:
    """Serve ``create_app(ctx)`` on 127.0.0.1:<free port>; yields the base URL."""
    server = make_server("127.0.0.1", 0, create_app(ctx), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


class _FromAddress(HTTPAdapter):
    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def browser_at(address: str = "127.0.0.1") -> requests.Session:
    """A cookie-keeping client whose connections come from ``address``."""
    session = requests.Session()
    session.mount("http://", _FromAddress(address))
    return session


def page_login(
    client: requests.Session,
    url: str,
    user: str,
    password: str | None = None,
    headers: dict[str, str] | None = None,
) -> requests.Response:
    """Log in on the login page as a person does: fetch the form, post it with its CSRF token."""
    page = client.get(f"{url}/login", headers=headers, timeout=30).text
    token = CSRF.search(page)
    assert token, "no CSRF token on the login page"
    form = {
        "login": user,
        "password": password or f"{user}-demo",
        "csrf_token": token.group(1),
        "next": "/tasks",
    }
    return client.post(f"{url}/login", data=form, headers=headers, allow_redirects=False, timeout=30)
