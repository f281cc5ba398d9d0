"""Sanxiang on a real socket, driven by pycamunda 0.6.1 over HTTP, every /engine-rest response checked
against Camunda 7.21's OpenAPI document (``camunda_openapi``).

``live`` (a fixture) serves the application on a free port; ``live.call(request, user)`` sends a
pycamunda request as that demo user (HTTP Basic, user id + API token) through a session whose every
response is validated, with an optional reason (``X-Sanxiang-Reason``). Operations pycamunda 0.6.1 has no
class for (the history, deployed forms, start forms, a task's variables) are sent by ``Missing``, a
request built on pycamunda's own ``CamundaRequest`` (its transport, authentication and error mapping).
At the end of the test, every response must have validated."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pycamunda.base
import pycamunda.deployment
import pytest
import requests
from requests.auth import HTTPBasicAuth
from werkzeug.serving import make_server

from engine.config import Settings
from engine.kernel.context import AppContext
from engine.people.staff import NewUser, add_user
from tests.conftest import make_context
from tests.integration.camunda_openapi import Checked, checked_session
from tests.support import ROOT, MovableClock

PROCESS = "outdoor_advertising"
FORMS = (
    "acceptance",
    "supplement",
    "material-review",
    "handler-review",
    "legal-review",
    "contest",
    "proposal-revision",
    "coordination",
    "decision",
    "delivery",
    "archive",
)


class Missing(pycamunda.base.CamundaRequest):
    """An operation pycamunda 0.6.1 has no class for, sent through pycamunda's CamundaRequest."""

    def __init__(
        self,
        url: str,
        method: str,
        path: str,
        params: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(url=url + path)
        self.method = pycamunda.base.RequestMethod[method]
        self.params = dict(params or {})
        self.body = dict(body) if body is not None else None

    @property
    def url(self) -> str:
        return str(self._url)

    def query_parameters(self, apply: Any = ...) -> dict[str, Any]:
        return {k: pycamunda.base.query_prepare(v) for k, v in self.params.items()}

    def body_parameters(self, apply: Any = ...) -> dict[str, Any] | None:  # type: ignore[override]
        return self.body

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        response = super().__call__(self.method, *args, **kwargs)
        if response.status_code == 204:
            return None
        kind = response.headers.get("Content-Type", "")
        return response.json() if "json" in kind else response.text


@dataclass
class Live:
    url: str  # …/engine-rest
    ctx: AppContext
    checked: Checked = field(default_factory=Checked)

    def session(self, reason: str | None = None) -> requests.Session:
        session = checked_session(self.checked)
        if reason is not None:
            session.headers["X-Sanxiang-Reason"] = quote(reason)
        return session

    def call(self, request: Any, user: str, *, reason: str | None = None) -> Any:
        request.auth = HTTPBasicAuth(user, f"demo-{user}")
        request.session = self.session(reason)
        return request()

    def missing(self, user: str, method: str, path: str, **options: Any) -> Any:
        return self.call(Missing(self.url, method, path, **options), user)

    def deploy(self) -> Any:
        create = pycamunda.deployment.Create(self.url, name=PROCESS, source="pycamunda")
        with ExitStack() as files:
            create.add_resource(files.enter_context((ROOT / "processes" / f"{PROCESS}.bpmn").open("rb")))
            for name in FORMS:
                create.add_resource(files.enter_context((ROOT / "forms" / f"{name}.form").open("rb")))
            return self.call(create, "li")


def serving(settings: Settings, clock: MovableClock, **options: Any) -> Iterator[Live]:
    from engine.app import create_app

    ctx = make_context(settings, clock, **options)
    server = make_server("127.0.0.1", 0, create_app(ctx), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    found = Live(f"http://127.0.0.1:{server.server_port}/engine-rest", ctx)
    try:
        yield found
    finally:
        server.shutdown()
        thread.join()
        ctx.database.dispose()
    assert found.checked.failures == [], "\n".join(found.checked.failures)


@pytest.fixture
def live(settings: Settings, clock: MovableClock) -> Iterator[Live]:
    """With every rule of the bureau (shipped diagrams)."""
    yield from serving(settings, clock)


@pytest.fixture
def dialect_live(settings: Settings, clock: MovableClock) -> Iterator[Live]:
    """With the Camunda 7 dialect's rules only (the small diagrams of tests/fixtures)."""
    yield from serving(settings, clock, rules="dialect")


def staff(ctx: AppContext, user_id: str, name: str, *groups: str) -> None:
    """Another member of staff with the demo token convention (``demo-<id>``)."""
    add_user(ctx, NewUser(user_id, name, groups, token=f"demo-{user_id}"))
