"""Each page and action × each role, allowed or refused exactly as docs/permissions.md says."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from engine.services import people, tasks
from engine.services.context import AppContext
from tests.integration.evidence_cases import ON_SITE, actor, case_at_on_site
from tests.integration.form_data import form_data
from tests.integration.pages_driver import deploy_shipped, food_case, log_in, page_token, waiting_task
from tests.integration.recordings import attach_recording
from tests.support import ROOT

ROLES = (
    "window-clerk",
    "handler",
    "legal-reviewer",
    "approver",
    "supervisor",
    "designer",
    "admin",
    "anonymous",
)
USER = {
    "window-clerk": "wang",
    "handler": "zhao",
    "legal-reviewer": "qian",
    "approver": "sun",
    "supervisor": "zhou",
    "designer": "li",
    "admin": "admin",
    "anonymous": None,
}


def matrix() -> dict[str, dict[str, bool]]:
    rows = {}
    for line in (ROOT / "docs" / "permissions.md").read_text(encoding="utf-8").splitlines():
        found = re.match(r"\| `([a-z-]+)` \|[^|]*\|(.*)\|\s*$", line)
        if found:
            cells = [c.strip() for c in found.group(2).split("|")]
            assert len(cells) == len(ROLES), line
            rows[found.group(1)] = {role: cell == "✓" for role, cell in zip(ROLES, cells, strict=True)}
    return rows


def client_for(app: Any, user: str | None) -> Any:
    client = app.test_client()
    if user:
        assert log_in(client, user).status_code == 302
    return client


def _flash_ok(response: Any) -> bool:
    """The action's own message (a flash) says it was done; the page after it may still be refused."""
    html = response.get_data(as_text=True)
    return 'flash flash-ok" role="status"' in html and 'flash flash-error" role="status"' not in html


def _post(client: Any, path: str, data: dict[str, str]) -> bool:
    token = page_token(client) if "/login" not in client.get("/tasks").headers.get("Location", "") else "x"
    response = client.post(path, data={**data, "csrf_token": token}, follow_redirects=True)
    return _flash_ok(response)


def task_list(ctx: AppContext, client: Any) -> bool:
    return client.get("/tasks").status_code == 200


def task_page(ctx: AppContext, client: Any) -> bool:
    task = waiting_task(ctx, food_case(ctx).case.id, "Task_Acceptance")
    return client.get(f"/tasks/{task.id}").status_code == 200


def claim(ctx: AppContext, client: Any) -> bool:
    task = waiting_task(ctx, food_case(ctx).case.id, "Task_Acceptance")
    return _post(client, f"/tasks/{task.id}/claim", {})


def complete(ctx: AppContext, client: Any) -> bool:
    task = waiting_task(ctx, food_case(ctx).case.id, "Task_Acceptance")
    token = page_token(client) if client.get("/tasks").status_code == 200 else "x"
    response = client.post(
        f"/tasks/{task.id}/complete",
        json={"variables": form_data("acceptance")},
        headers={"X-CSRFToken": token},
    )
    return response.status_code == 200 and response.get_json() == {"ok": True, "redirect": "/tasks"}


def transfer(ctx: AppContext, client: Any) -> bool:
    task = waiting_task(ctx, food_case(ctx).case.id, "Task_Acceptance")
    tasks.claim_task(ctx, task.id, actor(ctx, "wang"))
    return _post(client, f"/tasks/{task.id}/transfer", {"to": "ma", "reason": "工作调整"})


def urge(ctx: AppContext, client: Any) -> bool:
    task = waiting_task(ctx, food_case(ctx).case.id, "Task_Acceptance")
    return _post(client, f"/tasks/{task.id}/urge", {"message": "请尽快"})


def withdraw(ctx: AppContext, client: Any) -> bool:
    case = food_case(ctx)
    task = waiting_task(ctx, case.case.id, "Task_Acceptance")
    return _post(client, f"/tasks/{task.id}/withdraw", {"case_id": case.case.id, "reason": "申请人撤回"})


def on_site(ctx: AppContext, client: Any, user: str | None) -> bool:
    case_id, task = case_at_on_site(ctx)
    if user:
        attach_recording(ctx, case_id, task.id, "zhao")
    token = page_token(client) if user else "x"
    response = client.post(
        f"/tasks/{task.id}/complete", json={"variables": ON_SITE}, headers={"X-CSRFToken": token}
    )
    return response.status_code == 200


CHECKS: dict[str, Callable[[AppContext, Any], bool]] = {
    "task-list": task_list,
    "task-page": task_page,
    "claim": claim,
    "complete": complete,
    "transfer": transfer,
    "urge": urge,
    "withdraw": withdraw,
}


@pytest.mark.parametrize("action", sorted(CHECKS))
def test_pages_and_actions_follow_the_matrix(ctx: AppContext, app: Any, action: str) -> None:
    deploy_shipped(ctx)
    people.add_user(ctx, people.NewUser("ma", "马窗口", ["window-clerk"]))
    expected = matrix()[action]
    seen = {role: CHECKS[action](ctx, client_for(app, USER[role])) for role in ROLES}
    assert seen == expected


def test_on_site_work_follows_the_matrix(ctx: AppContext, app: Any) -> None:
    expected = matrix()["on-site"]
    seen = {role: on_site(ctx, client_for(app, USER[role]), USER[role]) for role in ROLES}
    assert seen == expected


def test_the_matrix_covers_every_role_and_action() -> None:
    assert set(matrix()) == {*CHECKS, "on-site"}
