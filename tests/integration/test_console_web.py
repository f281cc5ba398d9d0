"""The console through its edges: the pages (login session, CSRF forms, reasons), the JSON API for
supervisors only, and ``/metrics`` in Prometheus format (token or loopback only)."""

from __future__ import annotations

from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from engine.app import create_app
from engine.kernel.context import AppContext
from tests.conftest import make_context
from tests.integration.pages_driver import log_in, page_token
from tests.integration.supervision_driver import advance, deploy_fixture, deploy_shipped, finish, start
from tests.support import MovableClock, auth

REVIEW = ("c7_review.bpmn", "test-acceptance.form", "test-review.form")


def _stuck_case(ctx: AppContext, clock: MovableClock) -> str:
    deploy_shipped(ctx)
    case_id = start(ctx, "food_business_licence")
    finish(
        ctx,
        case_id,
        "Task_Acceptance",
        "wang",
        "acceptance",
        applicantType="person",
        applicantName="张三",
        applicantId="110101199003071233",
        applicantPhone="13812345678",
    )
    advance(ctx, clock, days=6)
    return case_id


def test_the_api_lists_findings_with_reasons_and_filters_for_supervisors_only(
    client: Any, ctx: AppContext, clock: MovableClock
) -> None:
    case_id = _stuck_case(ctx, clock)
    assert client.get("/api/v1/console", headers=auth("zhao")).status_code == 403
    body = client.get("/api/v1/console?status=stuck", headers=auth("zhou")).get_json()
    [stuck] = body["findings"]
    assert (stuck["caseId"], stuck["code"], stuck["elementId"], stuck["lane"]) == (
        case_id,
        "task-unclaimed",
        "Task_Review",
        "承办人",
    )
    assert stuck["reason_zh"] and stuck["reason_en"] and stuck["ageSeconds"] == 6 * 86400
    assert body["casesByStatus"] == {"running": 1} and body["findingsByStatus"]["stuck"] == 1
    assert (
        client.get("/api/v1/console?department=window-clerk&status=stuck", headers=auth("zhou")).get_json()[
            "findings"
        ]
        == []
    )
    reassigned = client.post(
        f"/api/v1/console/tasks/{stuck['ref']}/reassign",
        headers=auth("zhou"),
        json={"assignee": "zhao", "reason": "承办人赵承办接手"},
    )
    assert reassigned.status_code == 200 and reassigned.get_json()["assignee"] == "zhao"
    assert client.get("/api/v1/console?status=stuck", headers=auth("zhou")).get_json()["findings"] == []
    no_reason = client.post(
        f"/api/v1/console/cases/{case_id}/suspend", headers=auth("zhou"), json={"reason": " "}
    )
    assert no_reason.status_code == 400 and no_reason.get_json()["code"] == "reason-required"


def test_the_case_view_masks_personal_data_for_an_administrator_who_is_not_a_supervisor(
    client: Any, ctx: AppContext, clock: MovableClock
) -> None:
    case_id = _stuck_case(ctx, clock)
    full = client.get(f"/api/v1/console/cases/{case_id}", headers=auth("zhou")).get_json()
    assert full["variables"]["applicantId"] == "110101199003071233" and full["redacted"] is False
    assert full["path"][:2] == ["StartEvent_Applied", "Task_Acceptance"]
    assert [w["elementId"] for w in full["waiting"]] == ["Task_Review"] and full["secondsAt"][
        "Task_Review"
    ] > 0
    assert [t["action"] for t in full["timeline"]][0] == "case.started"
    with ctx.uow() as uow:
        uow.users.upsert("ops", "运维管理员", ["admin"], clock.now)
        uow.users.add_token("ops", "demo-ops", "test", clock.now)
        uow.commit()
    masked = client.get(f"/api/v1/console/cases/{case_id}", headers=auth("ops")).get_json()
    assert masked["redacted"] is True
    assert masked["variables"]["applicantId"] == "110101********1233"
    assert masked["variables"]["applicantPhone"] == "138****5678"


def test_the_pages_show_the_board_and_a_case_and_act_with_a_reason(
    client: Any, ctx: AppContext, clock: MovableClock
) -> None:
    case_id = _stuck_case(ctx, clock)
    assert client.get("/console").status_code == 302  # log in first
    log_in(client, "zhao")
    assert client.get("/console").status_code == 403
    client.post("/logout", data={"csrf_token": page_token(client)})
    log_in(client, "zhou")
    board = client.get("/console").get_data(as_text=True)
    assert 'data-code="task-unclaimed"' in board and case_id in board and "无人认领" in board
    english = client.get("/console?lang=en").get_data(as_text=True)
    assert "Supervisor console" in english and "unclaimed for" in english
    page = client.get(f"/console/cases/{case_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<svg" in html and 'id="case-overlays"' in html
    assert (
        "bpmn-navigated-viewer.production.min.js" in html
        and "script-src 'self'" in page.headers["Content-Security-Policy"]
    )
    assert client.get(f"/console/cases/{case_id}/diagram.bpmn").get_data(as_text=True).startswith("<?xml")
    token = page_token(client, f"/console/cases/{case_id}")
    refused = client.post(
        f"/console/cases/{case_id}/suspend", data={"csrf_token": token, "reason": ""}, follow_redirects=True
    )
    assert "理由" in refused.get_data(as_text=True)
    client.post(f"/console/cases/{case_id}/suspend", data={"csrf_token": token, "reason": "核查举报线索"})
    assert "暂停" in client.get(f"/console/cases/{case_id}").get_data(as_text=True)
    assert client.post(f"/console/cases/{case_id}/resume", data={"reason": "没有令牌"}).status_code == 403


def test_the_migration_page_shows_a_dry_run(client: Any, ctx: AppContext) -> None:
    deploy_fixture(ctx, *REVIEW)
    start(ctx, "c7_review")
    log_in(client, "zhou")
    html = client.get("/console/migrate?item=c7_review").get_data(as_text=True)
    assert 'id="migration-report"' in html and 'data-dry-run="yes"' in html


def test_metrics_count_cases_tasks_timers_and_webhooks(
    client: Any, ctx: AppContext, clock: MovableClock
) -> None:
    _stuck_case(ctx, clock)
    text = client.get("/metrics").get_data(as_text=True)
    families = {f.name: f for f in text_string_to_metric_families(text)}
    [cases] = families["sanxiang_cases"].samples
    assert (cases.labels, cases.value) == ({"process": "food_business_licence", "status": "running"}, 1.0)
    samples = families["sanxiang_task_waiting_seconds"].samples
    buckets = {s.labels["le"]: s.value for s in samples if s.name.endswith("_bucket")}
    totals = {s.name: s.value for s in samples if not s.name.endswith("_bucket")}
    assert (buckets["259200.0"], buckets["604800.0"], buckets["+Inf"]) == (0.0, 1.0, 1.0)
    assert totals == {
        "sanxiang_task_waiting_seconds_count": 1.0,
        "sanxiang_task_waiting_seconds_sum": 6 * 86400.0,
    }
    assert {s.labels["status"]: s.value for s in families["sanxiang_webhook_events"].samples} == {
        "pending": 0.0,
        "delivered": 0.0,
        "dead": 0.0,
    }
    assert any(
        s.labels == {"status": "stuck", "code": "task-unclaimed"}
        for s in families["sanxiang_findings"].samples
    )
    assert "sanxiang_timer_lag_seconds" in families


def test_metrics_want_the_token_when_one_is_set_and_refuse_strangers(
    settings: Any, clock: MovableClock
) -> None:
    ctx = make_context(settings.with_(metrics_token="s3cret"), clock, rules="dialect")
    try:
        client = create_app(ctx).test_client()
        assert client.get("/metrics").status_code == 403
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
        assert client.get("/metrics", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    finally:
        ctx.database.dispose()
    open_ctx = make_context(settings, clock, rules="dialect")
    try:
        remote = create_app(open_ctx).test_client()
        assert remote.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 403
        assert remote.get("/metrics").status_code == 200
    finally:
        open_ctx.database.dispose()
