"""The work pages through Flask's test client: login and sessions, CSRF, language, the task list with its
filters and warnings, the task page, completing a task from the page, and the actions."""

from __future__ import annotations

import json
import re
from typing import Any

from engine.kernel.context import AppContext
from tests.integration.form_data import form_data
from tests.integration.pages_driver import (
    actions,
    csrf_of,
    deploy_shipped,
    food_case,
    log_in,
    page_token,
    post_form,
    waiting_task,
)
from tests.support import MovableClock, auth


def text(response: Any) -> str:
    return str(response.get_data(as_text=True))


def test_anonymous_visitors_are_sent_to_log_in_and_come_back_where_they_were(client: Any) -> None:
    response = client.get("/tasks?item=x")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=/tasks")
    page = text(client.get("/login?next=/tasks?item%3Dx"))
    assert "用户名" in page and "密码" in page
    back = client.post(
        "/login",
        data={"login": "wang", "password": "wang-demo", "csrf_token": csrf_of(page), "next": "/tasks?item=x"},
    )
    assert back.status_code == 302 and back.headers["Location"] == "/tasks?item=x"
    assert "王窗口" in text(client.get("/tasks"))


def test_login_never_redirects_off_site(client: Any) -> None:
    page = text(client.get("/login"))
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = client.post(
            "/login",
            data={"login": "wang", "password": "wang-demo", "csrf_token": csrf_of(page), "next": target},
        )
        assert response.headers["Location"] == "/tasks"
        page = text(client.get("/login"))


def test_a_wrong_password_says_so_and_the_sixth_try_is_locked(client: Any, clock: MovableClock) -> None:
    for _ in range(5):
        clock.advance(seconds=30)
        refused = log_in(client, "sun", "guess-guess")
        assert refused.status_code == 401 and "用户名或密码错误" in text(refused)
    locked = log_in(client, "sun")
    assert locked.status_code == 429 and "锁定" in text(locked)


def test_csrf_a_form_post_without_the_token_is_refused_and_changes_nothing(
    client: Any, ctx: AppContext
) -> None:
    deploy_shipped(ctx)
    task = waiting_task(ctx, food_case(ctx).case.id, "Task_Acceptance")
    log_in(client, "wang")
    for token in (None, "forged-token"):
        data = {} if token is None else {"csrf_token": token}
        refused = client.post(f"/tasks/{task.id}/claim", data=data)
        assert refused.status_code == 403 and 'data-code="csrf-failed"' in text(refused)
    with ctx.uow(readonly=True) as uow:
        assert uow.tasks.get(task.id).assignee is None
    login_form = client.post("/login", data={"login": "wang", "password": "wang-demo"})
    assert login_form.status_code == 403


def test_the_api_accepts_the_page_session_only_with_the_csrf_header_and_tokens_as_before(
    client: Any, ctx: AppContext
) -> None:
    deploy_shipped(ctx)
    task = waiting_task(ctx, food_case(ctx).case.id, "Task_Acceptance")
    log_in(client, "wang")
    assert client.get("/api/v1/tasks").status_code == 200  # reading needs no token
    refused = client.post(f"/api/v1/tasks/{task.id}/claim")
    assert refused.status_code == 403 and refused.get_json()["code"] == "csrf-failed"
    claimed = client.post(f"/api/v1/tasks/{task.id}/claim", headers={"X-CSRFToken": page_token(client)})
    assert claimed.status_code == 200 and claimed.get_json()["assignee"] == "wang"
    fresh = client.application.test_client()
    assert fresh.post(f"/api/v1/tasks/{task.id}/unclaim", headers=auth("wang")).status_code == 200
    assert fresh.post(f"/api/v1/tasks/{task.id}/unclaim").status_code == 401


def test_logout_ends_the_session(client: Any) -> None:
    log_in(client, "wang")
    assert client.post("/logout", data={"csrf_token": page_token(client)}).status_code == 302
    assert client.get("/tasks").status_code == 302
    assert "您已退出登录" in text(client.get("/login?done=1"))


def test_chinese_by_default_and_english_by_the_switch_link(client: Any) -> None:
    log_in(client, "wang")
    chinese = text(client.get("/tasks"))
    assert "我的待办" in chinese and 'lang="zh-CN"' in chinese and 'href="/lang/en?next=/tasks"' in chinese
    assert client.get("/lang/en?next=/tasks").headers["Location"] == "/tasks"
    english = text(client.get("/tasks"))
    assert "My tasks" in english and "我的待办" not in english and 'lang="en"' in english


def test_the_task_list_shows_what_waits_and_why_with_filters_and_search(client: Any, ctx: AppContext) -> None:
    deploy_shipped(ctx)
    first, second = food_case(ctx, "济南泉城餐饮管理有限公司"), food_case(ctx, "历下区趵突泉小吃店")
    log_in(client, "wang")
    page = text(client.get("/tasks"))
    assert page.count('class="case-link"') == 2
    assert "受理审查" in page and "等待窗口受理人员认领" in page and "环节性质: 受理" in page
    only = text(client.get("/tasks?q=趵突泉"))
    assert f'data-case="{second.case.id}"' in only and f'data-case="{first.case.id}"' not in only
    by_number = text(client.get(f"/tasks?q={first.case.id}"))
    assert f'data-case="{first.case.id}"' in by_number and f'data-case="{second.case.id}"' not in by_number
    assert 'class="case-link"' not in text(client.get("/tasks?item=outdoor_advertising"))
    assert text(client.get("/tasks?item=food_business_licence")).count('class="case-link"') == 2
    assert "这里没有您的待办任务" in text(client.get("/tasks?status=completed"))


def test_claim_and_unclaim_from_the_list(client: Any, ctx: AppContext) -> None:
    deploy_shipped(ctx)
    task = waiting_task(ctx, food_case(ctx).case.id, "Task_Acceptance")
    log_in(client, "wang")
    claimed = post_form(client, f"/tasks/{task.id}/claim", {})
    assert claimed.status_code == 302
    page = text(client.get("/tasks?scope=mine"))
    assert "已认领，请办理" in page and "王窗口（窗口受理） 已认领，等待其办理" in page
    post_form(client, f"/tasks/{task.id}/unclaim", {})
    assert 'class="case-link"' not in text(client.get("/tasks?scope=mine"))
    assert actions(ctx, task.case_id)[-2:] == ["task.claimed", "task.unclaimed"]


def test_due_dates_turn_yellow_then_red_as_time_passes(
    client: Any, ctx: AppContext, clock: MovableClock
) -> None:
    deploy_shipped(ctx)
    task = waiting_task(ctx, food_case(ctx).case.id, "Task_Acceptance")
    with ctx.uow(readonly=True) as uow:
        due = uow.work.open_deadlines([task.case_id]).get(task.case_id)
    assert due, "the deadlines area opens the acceptance notice deadline with the case"
    log_in(client, "wang")
    assert 'class="due-ok"' in text(client.get("/tasks")) or 'class="due-soon"' in text(client.get("/tasks"))
    clock.advance(days=30)
    assert client.get("/tasks").status_code == 302  # the login session (12 hours) has expired too
    log_in(client, "wang")
    red = text(client.get("/tasks?due=overdue"))
    assert 'class="due-overdue"' in red and "已超期" in red
    assert 'class="case-link"' not in text(client.get("/tasks?due=none"))


def test_the_task_page_shows_case_form_evidence_timeline_and_actions(client: Any, ctx: AppContext) -> None:
    deploy_shipped(ctx)
    task = waiting_task(ctx, food_case(ctx).case.id, "Task_Acceptance")
    log_in(client, "wang")
    page = text(client.get(f"/tasks/{task.id}"))
    schema = json.loads(
        re.search(r'<script type="application/json" id="form-schema">(.*?)</script>', page, re.S).group(1)
    )
    assert schema["id"] == "acceptance"
    assert "/static/vendor/form-js/form-viewer.umd.js" in page and "cdn" not in page.lower()
    assert f'data-url="/api/v1/cases/{task.case_id}/evidence"' in page
    assert "办件创建" in page and "济南泉城餐饮管理有限公司" in page
    assert 'id="urge-form"' in page and 'id="withdraw-form"' in page and 'id="claim"' in page
    assert client.get("/static/vendor/form-js/form-viewer.umd.js").status_code == 200
    assert client.get("/static/vendor/form-js/../../../pyproject.toml").status_code == 404


def test_completing_from_the_page_moves_the_case(client: Any, ctx: AppContext) -> None:
    deploy_shipped(ctx)
    task = waiting_task(ctx, food_case(ctx).case.id, "Task_Acceptance")
    log_in(client, "wang")
    done = client.post(
        f"/tasks/{task.id}/complete",
        json={"variables": form_data("acceptance")},
        headers={"X-CSRFToken": page_token(client, f"/tasks/{task.id}")},
    )
    assert done.get_json() == {"ok": True, "redirect": "/tasks"}
    assert waiting_task(ctx, task.case_id, "Task_Review")
    assert "任务已办结" in text(client.get("/tasks"))


def test_server_side_field_errors_are_shown_next_to_the_fields_when_the_browser_is_bypassed(
    client: Any, ctx: AppContext
) -> None:
    deploy_shipped(ctx)
    task = waiting_task(ctx, food_case(ctx).case.id, "Task_Acceptance")
    log_in(client, "wang")
    bad = form_data("acceptance") | {"applicantPhone": "not-a-phone"}
    refused = client.post(
        f"/tasks/{task.id}/complete",
        data={"variables": json.dumps(bad), "csrf_token": page_token(client, f"/tasks/{task.id}")},
    )
    page = text(refused)
    assert refused.status_code == 400
    errors = json.loads(re.search(r'id="form-errors-data">(.*?)</script>', page, re.S).group(1))
    assert set(errors) == {"applicantPhone"}
    assert '<li data-field="applicantPhone"><strong>联系电话</strong>' in page
    assert '"applicantPhone": "not-a-phone"' in page  # what was typed is kept
    as_json = client.post(
        f"/tasks/{task.id}/complete",
        json={"variables": bad},
        headers={"X-CSRFToken": page_token(client, f"/tasks/{task.id}")},
    )
    assert as_json.status_code == 400 and "applicantPhone" in as_json.get_json()["details"]["fields"]
    assert waiting_task(ctx, task.case_id, "Task_Acceptance").id == task.id


def test_an_on_site_task_warns_a_handler_without_a_valid_certificate(client: Any, ctx: AppContext) -> None:
    from engine.people import staff as people
    from tests.integration.evidence_cases import case_at_on_site

    _case_id, on_site = case_at_on_site(ctx)
    people.add_user(ctx, people.NewUser("liu", "刘承办", ["handler"], password="liu-secret-1"))
    log_in(client, "liu", "liu-secret-1")
    assert 'id="certificate-warning"' in text(client.get(f"/tasks/{on_site.id}"))
    other = client.application.test_client()
    log_in(other, "zhao")
    page = text(other.get(f"/tasks/{on_site.id}"))
    assert 'id="certificate-ok"' in page and 'id="covers-whole"' in page
