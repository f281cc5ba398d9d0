"""Drive the work pages like a browser would, with Flask's test client: log in, post forms with the
page's CSRF token, read what the page says."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from engine.cases.opening import open_case
from engine.kernel.ports import Actor
from engine.processes.deploy import deploy
from tests.support import ROOT

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def log_in(client: Any, user: str, password: str | None = None) -> Any:
    page = client.get("/login").get_data(as_text=True)
    return client.post(
        "/login",
        data={
            "login": user,
            "password": password or f"{user}-demo",
            "csrf_token": csrf_of(page),
            "next": "/tasks",
        },
    )


def page_token(client: Any, path: str = "/tasks") -> str:
    return csrf_of(client.get(path).get_data(as_text=True))


def post_form(client: Any, path: str, data: dict[str, str], *, from_page: str = "/tasks") -> Any:
    return client.post(path, data={**data, "csrf_token": page_token(client, from_page)})


def deploy_shipped(ctx: Any) -> None:
    files = [(p.name, p.read_bytes()) for p in sorted((ROOT / "forms").glob("*.form"))]
    files += [(p.name, p.read_bytes()) for p in sorted((ROOT / "processes").glob("*.bpmn"))]
    deploy(ctx, files, Actor("li", frozenset({"designer"})))


def food_case(ctx: Any, name: str = "济南泉城餐饮管理有限公司") -> Any:
    """A food business licence case waiting at the window for acceptance."""
    return open_case(
        ctx, "food_business_licence", {}, Actor("wang", frozenset({"window-clerk"})), applicant={"name": name}
    )


def waiting_task(ctx: Any, case_id: str, element_id: str) -> Any:
    with ctx.uow(readonly=True) as uow:
        return next(t for t in uow.tasks.for_case(case_id, "ready") if t.element_id == element_id)


def actions(ctx: Any, case_id: str | None = None) -> list[str]:
    with ctx.uow(readonly=True) as uow:
        entries = uow.records.for_case(case_id) if case_id else list(uow.records.all())
    return [e.content.action for e in entries]


def artifacts() -> Path:
    path = ROOT / "tests" / "e2e" / "browser" / "artifacts"
    path.mkdir(parents=True, exist_ok=True)
    return path
