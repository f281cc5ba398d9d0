"""Each page, API call, console action and /engine-rest call × each role, allowed or refused exactly as
docs/permissions.md says (its table "Each role × each action")."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from engine.cases import opening as cases
from engine.kernel.context import AppContext
from engine.people import staff as people
from engine.processes import deploy
from engine.tasks import claim_and_complete as tasks
from tests.integration.evidence_cases import ON_SITE, actor, case_at_on_site, pdf_bytes
from tests.integration.form_data import form_data
from tests.integration.pages_driver import deploy_shipped, food_case, log_in, page_token, waiting_task
from tests.integration.recordings import attach_recording
from tests.support import FIXTURES, ROOT, auth

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


class Caller:
    """One role's way in: a logged-in page session, and the API token of the same user."""

    def __init__(self, app: Any, user: str | None) -> None:
        self.user = user
        self.pages = app.test_client()
        if user:
            assert log_in(self.pages, user).status_code == 302
        self.api = app.test_client()

    @property
    def headers(self) -> dict[str, str]:
        return auth(self.user) if self.user else {}

    def api_ok(self, method: str, path: str, headers: dict[str, str] | None = None, **kwargs: Any) -> bool:
        response = self.api.open(path, method=method, headers={**self.headers, **(headers or {})}, **kwargs)
        return 200 <= response.status_code < 300


def _flash_ok(response: Any) -> bool:
    """The action's own message (a flash) says it was done; the page after it may still be refused."""
    html = response.get_data(as_text=True)
    return 'flash flash-ok" role="status"' in html and 'flash flash-error" role="status"' not in html


def _post(client: Any, path: str, data: dict[str, str]) -> bool:
    token = page_token(client) if "/login" not in client.get("/tasks").headers.get("Location", "") else "x"
    response = client.post(path, data={**data, "csrf_token": token}, follow_redirects=True)
    return _flash_ok(response)


def _acceptance(ctx: AppContext) -> Any:
    return waiting_task(ctx, food_case(ctx).case.id, "Task_Acceptance")


def other_case(ctx: AppContext) -> str:
    """A case wang may not read: opened by zhou, waiting at the handler's proposal, never a clerk's task."""
    with ctx.uow(readonly=True) as uow:
        deployed = uow.processes.latest("bypass_review") is not None
    if not deployed:
        files = [
            (n, (ROOT / "forms" / n).read_bytes())
            for n in ("handler-review.form", "legal-review.form", "decision.form")
        ]
        deploy.deploy(
            ctx,
            [*files, ("bypass_review.bpmn", (FIXTURES / "bypass_review.bpmn").read_bytes())],
            actor(ctx, "li"),
        )
    return cases.open_case(ctx, "bypass_review", {"skipReview": False}, actor(ctx, "zhou")).case.id


def case_at_review(ctx: AppContext) -> str:
    case_id: str = food_case(ctx).case.id
    tasks.complete_task(
        ctx, waiting_task(ctx, case_id, "Task_Acceptance").id, form_data("acceptance"), actor(ctx, "wang")
    )
    return case_id


# -- the work pages ------------------------------------------------------------------------------------
def task_list(ctx: AppContext, c: Caller) -> bool:
    return c.pages.get("/tasks").status_code == 200


def task_page(ctx: AppContext, c: Caller) -> bool:
    return c.pages.get(f"/tasks/{_acceptance(ctx).id}").status_code == 200


def claim(ctx: AppContext, c: Caller) -> bool:
    return _post(c.pages, f"/tasks/{_acceptance(ctx).id}/claim", {})


def complete(ctx: AppContext, c: Caller) -> bool:
    task = _acceptance(ctx)
    token = page_token(c.pages) if c.pages.get("/tasks").status_code == 200 else "x"
    response = c.pages.post(
        f"/tasks/{task.id}/complete",
        json={"variables": form_data("acceptance")},
        headers={"X-CSRFToken": token},
    )
    return response.status_code == 200 and response.get_json() == {"ok": True, "redirect": "/tasks"}


def transfer(ctx: AppContext, c: Caller) -> bool:
    task = _acceptance(ctx)
    tasks.claim_task(ctx, task.id, actor(ctx, "wang"))
    return _post(c.pages, f"/tasks/{task.id}/transfer", {"to": "ma", "reason": "工作调整"})


def urge(ctx: AppContext, c: Caller) -> bool:
    return _post(c.pages, f"/tasks/{_acceptance(ctx).id}/urge", {"message": "请尽快"})


def withdraw(ctx: AppContext, c: Caller) -> bool:
    case = food_case(ctx)
    task = waiting_task(ctx, case.case.id, "Task_Acceptance")
    return _post(c.pages, f"/tasks/{task.id}/withdraw", {"case_id": case.case.id, "reason": "申请人撤回"})


def on_site(ctx: AppContext, c: Caller) -> bool:
    case_id, task = case_at_on_site(ctx)
    if c.user:
        attach_recording(ctx, case_id, task.id, "zhao")
    token = page_token(c.pages) if c.user else "x"
    response = c.pages.post(
        f"/tasks/{task.id}/complete", json={"variables": ON_SITE}, headers={"X-CSRFToken": token}
    )
    return response.status_code == 200


# -- the JSON API --------------------------------------------------------------------------------------
def api_read(ctx: AppContext, c: Caller) -> bool:
    return c.api_ok("GET", f"/api/v1/cases/{food_case(ctx).case.id}")


def api_claim(ctx: AppContext, c: Caller) -> bool:
    return c.api_ok("POST", f"/api/v1/tasks/{_acceptance(ctx).id}/claim")


def api_complete(ctx: AppContext, c: Caller) -> bool:
    return c.api_ok(
        "POST", f"/api/v1/tasks/{_acceptance(ctx).id}/complete", json={"variables": form_data("acceptance")}
    )


def api_draft(ctx: AppContext, c: Caller) -> bool:
    return c.api_ok("PUT", f"/api/v1/tasks/{_acceptance(ctx).id}/draft", json={"data": {"note": "半填"}})


def api_urge(ctx: AppContext, c: Caller) -> bool:
    return c.api_ok("POST", f"/api/v1/tasks/{_acceptance(ctx).id}/urge", json={"message": "请尽快"})


def api_withdraw(ctx: AppContext, c: Caller) -> bool:
    return c.api_ok("POST", f"/api/v1/cases/{food_case(ctx).case.id}/withdraw", json={"reason": "申请人撤回"})


def api_read_other(ctx: AppContext, c: Caller) -> bool:
    return c.api_ok("GET", f"/api/v1/cases/{other_case(ctx)}")


def api_withdraw_other(ctx: AppContext, c: Caller) -> bool:
    return c.api_ok("POST", f"/api/v1/cases/{other_case(ctx)}/withdraw", json={"reason": "申请人撤回"})


def api_evidence(ctx: AppContext, c: Caller) -> bool:
    return c.api_ok(
        "POST",
        f"/api/v1/cases/{food_case(ctx).case.id}/evidence",
        data=pdf_bytes(),
        content_type="application/pdf",
        headers={"X-Filename": "materials.pdf"},
    )


def api_query_code(ctx: AppContext, c: Caller) -> bool:
    return c.api_ok("POST", f"/api/v1/cases/{food_case(ctx).case.id}/query-code")


def api_extension(ctx: AppContext, c: Caller) -> bool:
    return c.api_ok("POST", f"/api/v1/cases/{case_at_review(ctx)}/extension", json={"reason": "需专家论证"})


# -- the console ---------------------------------------------------------------------------------------
def console_move(ctx: AppContext, c: Caller) -> bool:
    return _post(
        c.pages,
        f"/console/cases/{food_case(ctx).case.id}/move",
        {"to": "Task_Review", "reason": "材料已齐，直接审查"},
    )


def console_suspend(ctx: AppContext, c: Caller) -> bool:
    return _post(c.pages, f"/console/cases/{food_case(ctx).case.id}/suspend", {"reason": "等待上级答复"})


def api_console_move(ctx: AppContext, c: Caller) -> bool:
    return c.api_ok(
        "POST",
        f"/api/v1/console/cases/{food_case(ctx).case.id}/move",
        json={"to": "Task_Review", "reason": "材料已齐，直接审查"},
    )


# -- /engine-rest --------------------------------------------------------------------------------------
def typed(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: {"value": value} for name, value in data.items()}


def rest_start(ctx: AppContext, c: Caller) -> bool:
    return c.api_ok("POST", "/engine-rest/process-definition/key/food_business_licence/start", json={})


def rest_claim(ctx: AppContext, c: Caller) -> bool:
    return c.api_ok("POST", f"/engine-rest/task/{_acceptance(ctx).id}/claim", json={"userId": c.user})


def rest_complete(ctx: AppContext, c: Caller) -> bool:
    return c.api_ok(
        "POST",
        f"/engine-rest/task/{_acceptance(ctx).id}/complete",
        json={"variables": typed(form_data("acceptance"))},
    )


CHECKS: dict[str, Callable[[AppContext, Caller], bool]] = {
    "task-list": task_list,
    "task-page": task_page,
    "claim": claim,
    "complete": complete,
    "transfer": transfer,
    "urge": urge,
    "withdraw": withdraw,
    "on-site": on_site,
    "api-read": api_read,
    "api-claim": api_claim,
    "api-complete": api_complete,
    "api-draft": api_draft,
    "api-urge": api_urge,
    "api-withdraw": api_withdraw,
    "api-read-other": api_read_other,
    "api-withdraw-other": api_withdraw_other,
    "api-evidence": api_evidence,
    "api-query-code": api_query_code,
    "api-extension": api_extension,
    "console-move": console_move,
    "console-suspend": console_suspend,
    "api-console-move": api_console_move,
    "rest-start": rest_start,
    "rest-claim": rest_claim,
    "rest-complete": rest_complete,
}


@pytest.mark.parametrize("action", sorted(CHECKS))
def test_each_role_is_allowed_or_refused_as_the_table_says(ctx: AppContext, app: Any, action: str) -> None:
    deploy_shipped(ctx)
    people.add_user(ctx, people.NewUser("ma", "马窗口", ["window-clerk"]))
    expected = matrix()[action]
    seen = {role: CHECKS[action](ctx, Caller(app, USER[role])) for role in ROLES}
    assert seen == expected


def test_the_table_covers_every_check() -> None:
    assert set(matrix()) == set(CHECKS)
