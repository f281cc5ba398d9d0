"""The supervisor console lists every kind of stuck and failed case with the right reason, on the injected
clock, and the supervisor's fix (reassign, retry, the missing answer) takes it off the list."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from engine.config import Settings
from engine.deadlines.timers import fire_due_timers
from engine.errors import Conflict, StepFailed
from engine.integration.delivery import deliver_due_events
from engine.integration.inbound import correlate_message
from engine.kernel.context import AppContext
from engine.runner.script_engine import HandlerCall
from engine.scheduler import JOBS
from engine.supervision.actions import reassign_task
from engine.supervision.dashboard import scan_for_alerts
from engine.supervision.retries import retry_due_item, retry_failed_step, retry_webhook
from engine.tasks.claim_and_complete import claim_task
from tests.conftest import make_context
from tests.integration.deadline_driver import PEOPLE
from tests.integration.supervision_driver import (
    ZHOU,
    actions,
    advance,
    deploy_fixture,
    deploy_shipped,
    drive_major_case_to_proposal,
    findings,
    finish,
    last_record,
    reasons,
    start,
    task_at,
)
from tests.support import MovableClock

REVIEW = ("c7_review.bpmn", "test-acceptance.form", "test-review.form")


def test_a_task_nobody_claims_for_three_working_days_is_stuck_until_reassigned(
    ctx: AppContext, clock
) -> None:  # type: ignore[no-untyped-def]
    deploy_shipped(ctx)
    case_id = start(ctx, "food_business_licence")  # Friday 09:00: the acceptance task appears
    advance(ctx, clock, days=5)  # Wednesday: three working days not yet over
    assert ("stuck", "task-unclaimed", "Task_Acceptance") not in reasons(ctx, case_id)
    advance(ctx, clock, days=1)  # Thursday 09:00
    [stuck] = [f for f in findings(ctx, case_id=case_id) if f.status == "stuck"]
    assert (stuck.code, stuck.element_id, stuck.element_name) == (
        "task-unclaimed",
        "Task_Acceptance",
        "受理审查",
    )
    assert (
        "无人认领" in stuck.reason_zh and "unclaimed" in stuck.reason_en and "window-clerk" in stuck.reason_en
    )
    assert stuck.groups == ("window-clerk",) and stuck.assignee is None
    assert [f.case_id for f in findings(ctx, department="window-clerk", status="stuck")] == [case_id]
    assert findings(ctx, department="handler", status="stuck") == []
    assert findings(ctx, min_age_days=7) == [] and findings(ctx, min_age_days=6, status="stuck") != []

    reassign_task(ctx, stuck.ref, "wang", ZHOU, "王窗口今日在岗，请尽快受理")
    assert [f for f in findings(ctx, case_id=case_id) if f.status == "stuck"] == []
    note = last_record(ctx, case_id, "task.reassigned")
    assert (note.actor, note.payload["to"], note.payload["reason"]) == (
        "zhou",
        "wang",
        "王窗口今日在岗，请尽快受理",
    )


def test_a_claimed_task_past_its_expected_time_is_stuck_and_its_clock_restarts_on_reassign(
    ctx: AppContext, clock: MovableClock
) -> None:
    deploy_shipped(ctx)
    case_id = start(ctx, "food_business_licence")
    finish(ctx, case_id, "Task_Acceptance", "wang", "acceptance")
    review = task_at(ctx, case_id, "Task_Review")  # sanxiang.expected = 1 working day
    claim_task(ctx, review.id, PEOPLE["zhao"])
    advance(ctx, clock, days=3, hours=1)  # Monday 10:00: Monday is that working day
    assert [r for r in reasons(ctx, case_id) if r[0] == "stuck"] == []
    advance(ctx, clock, days=1)  # Tuesday
    [stuck] = findings(ctx, case_id=case_id, status="stuck")
    assert (stuck.code, stuck.assignee) == ("task-over-expected", "zhao")
    assert "超过预期 1 个工作日" in stuck.reason_zh and "expected 1 working day" in stuck.reason_en
    assert findings(ctx, assignee="zhao") != [] and findings(ctx, assignee="-", status="stuck") == []
    with pytest.raises(Exception, match="candidate"):
        reassign_task(ctx, review.id, "wang", ZHOU, "窗口人员不是承办人")
    with ctx.uow() as uow:  # a second handler joins the bureau
        uow.users.upsert("liu", "刘承办", ["handler"], clock.now)
        uow.commit()
    reassign_task(ctx, review.id, "liu", ZHOU, "赵承办休假，改派刘承办")
    assert findings(ctx, case_id=case_id, status="stuck") == []


def test_a_timer_past_due_by_more_than_a_minute_is_stuck_until_it_fires(
    ctx: AppContext, clock: MovableClock
) -> None:
    deploy_fixture(ctx, "timer_wait.bpmn")
    case_id = start(ctx, "timer_wait", dueAt=(clock.now + timedelta(hours=1)).isoformat())
    clock.advance(hours=1, seconds=30)
    assert reasons(ctx, case_id) == []  # late, but within a minute
    clock.advance(minutes=2)
    [late] = findings(ctx, case_id=case_id)
    assert (late.status, late.code, late.element_id, late.subject) == (
        "stuck",
        "timer-late",
        "Event_Wait",
        "bpmn-timer",
    )
    assert "已晚 2 分钟" in late.reason_zh
    assert fire_due_timers(ctx, "node-a").fired == 1
    assert reasons(ctx, case_id) == []


def test_a_case_waiting_for_an_external_answer_that_never_comes_is_stuck(ctx: AppContext, clock) -> None:  # type: ignore[no-untyped-def]
    deploy_fixture(ctx, "c7_message.bpmn", "test-acceptance.form")
    case_id = start(ctx, "c7_message", business_key="EXP-1")
    finish(ctx, case_id, "Task_Apply", "wang", amount=1)
    advance(ctx, clock, days=5)  # Wednesday: 3 working days (the default) not over
    assert reasons(ctx, case_id) == []
    advance(ctx, clock, days=1)
    [stuck] = findings(ctx, case_id=case_id)
    assert (stuck.code, stuck.element_id, stuck.element_name) == (
        "external-no-answer",
        "Event_ExpertDone",
        "专家评审完成",
    )
    assert "外部" in stuck.reason_zh and "3 个工作日" in stuck.reason_zh
    correlate_message(ctx, "expert-review-done", "EXP-1", {"expertConclusion": "agree"})
    assert reasons(ctx, case_id) == []


def test_a_failed_completion_is_listed_until_the_person_submits_again(
    ctx: AppContext, clock: MovableClock
) -> None:
    deploy_fixture(ctx, *REVIEW)
    case_id = start(ctx, "c7_review")
    with pytest.raises(StepFailed):
        finish(ctx, case_id, "Task_Apply", "wang", note="金额忘填")  # the gateway needs "amount"
    assert [a for a in actions(ctx, case_id) if not a.startswith("deadline.")] == [
        "case.started",
        "step.failed",
    ]
    failure = last_record(ctx, case_id, "step.failed")
    assert failure.payload["source"] == "task" and failure.payload["fields"] == ["note"]
    [failed] = findings(ctx, case_id=case_id)
    assert (failed.status, failed.code) == ("failed", "step-failed") and "amount" in failed.reason_en
    with pytest.raises(Conflict) as nothing:
        retry_failed_step(ctx, int(failed.ref or 0), ZHOU, "看看能否重试")
    assert nothing.value.code == "nothing-to-retry" and "submit again" in nothing.value.message_en
    clock.advance(minutes=5)
    finish(ctx, case_id, "Task_Apply", "wang", amount=10, major=False)
    assert reasons(ctx, case_id) == []


@pytest.fixture
def flaky(settings: Settings, clock: MovableClock) -> Iterator[tuple[AppContext, dict[str, bool]]]:
    state = {"down": True}

    def notify(call: HandlerCall) -> None:
        if state["down"]:
            raise RuntimeError("notification gateway unavailable")

    context = make_context(settings, clock, rules="dialect", handlers={"test.flaky": notify})
    yield context, state
    context.database.dispose()


def test_a_timer_whose_firing_fails_is_listed_and_a_retry_fires_it(flaky: Any, clock: MovableClock) -> None:
    ctx, state = flaky
    deploy_fixture(ctx, "timer_then_service.bpmn")
    case_id = start(ctx, "timer_then_service", dueAt=(clock.now + timedelta(minutes=10)).isoformat())
    clock.advance(minutes=10, seconds=1)
    assert fire_due_timers(ctx, "node-a").failed == 1
    [failed] = findings(ctx, case_id=case_id)
    assert (failed.status, failed.code, failed.element_id) == ("failed", "timer-failed", "Event_Wait")
    assert "unavailable" in failed.message and "test.flaky" in failed.reason_en
    assert last_record(ctx, case_id, "step.failed").payload["source"] == "timer"
    assert scan_for_alerts(ctx) == 1 and scan_for_alerts(ctx) == 0  # one alert per new condition
    assert any(job.func is scan_for_alerts for job in JOBS)  # the scheduler runs it every minute
    assert last_record(ctx, case_id, "case.failed").payload["code"] == "timer-failed"
    with pytest.raises(StepFailed):
        retry_due_item(ctx, int(failed.ref or 0), ZHOU, "网关恢复了吗")
    state["down"] = False
    retry_due_item(ctx, int(failed.ref or 0), ZHOU, "通知网关已恢复，立即重试")
    assert reasons(ctx, case_id) == []
    retried = [e for e in actions(ctx, case_id) if e == "timer.retried"]
    assert len(retried) == 2 and last_record(ctx, case_id, "timer.retried").payload["outcome"] == "fired"
    assert actions(ctx, case_id)[-2:] == ["case.completed", "timer.retried"]


@pytest.fixture
def dead_letter_ctx(settings: Settings, clock: MovableClock) -> Iterator[AppContext]:
    context = make_context(
        settings.with_(webhook_allow=("127.0.0.0/8",), webhook_max_attempts=1), clock, rules="dialect"
    )
    yield context
    context.database.dispose()


def test_a_dead_webhook_is_listed_as_failed_and_a_retry_queues_it_again(dead_letter_ctx: AppContext) -> None:
    from engine.integration.subscriptions import add_subscription

    ctx = dead_letter_ctx
    add_subscription(ctx, "http://127.0.0.1:9/hook", ["case.started"], PEOPLE["admin"])
    deploy_fixture(ctx, *REVIEW)
    case_id = start(ctx, "c7_review")
    assert deliver_due_events(ctx, "node-a").dead == 1
    [dead] = findings(ctx, case_id=case_id)
    assert (dead.status, dead.code, dead.subject) == ("failed", "webhook-dead", "case.started")
    assert "case.started" in dead.reason_en
    retry_webhook(ctx, str(dead.ref), ZHOU, "平台已恢复接收，重发")
    assert reasons(ctx, case_id) == []
    assert last_record(ctx, case_id, "webhook.replayed").payload["reason"] == "平台已恢复接收，重发"


def test_overdue_and_near_due_cases_are_listed_red_and_yellow_from_their_deadlines(
    ctx: AppContext, clock: MovableClock
) -> None:
    deploy_shipped(ctx)
    case_id = drive_major_case_to_proposal(ctx)
    finish(ctx, case_id, "Task_Proposal", "zhao", "handler-review", publicInterest=True)  # review: 3 days
    advance(ctx, clock, days=4)  # Tuesday: one working day of the review left
    assert ("near-due", "deadline-near", "Task_LegalReview") in reasons(ctx, case_id)
    advance(ctx, clock, days=2)  # Thursday: the review is a day late
    overdue = [f for f in findings(ctx, case_id=case_id) if f.status == "overdue"]
    assert [(f.code, f.element_id) for f in overdue] == [("deadline-overdue", "Task_LegalReview")]
    assert "已超期" in overdue[0].reason_zh and "1 working day(s) late" in overdue[0].reason_en
    assert "第四十二条" not in overdue[0].message  # the review round's own legal basis
    assert [f.code for f in findings(ctx, case_id=case_id, status="near-due")] == ["deadline-near"]


def test_a_new_stuck_case_is_recorded_once_and_sent_as_a_webhook(
    dead_letter_ctx: AppContext, clock: MovableClock
) -> None:
    from engine.integration.subscriptions import add_subscription

    ctx = dead_letter_ctx
    add_subscription(ctx, "http://127.0.0.1:9/hook", ["case.stuck"], PEOPLE["admin"])
    deploy_shipped(ctx)
    case_id = start(ctx, "food_business_licence")
    advance(ctx, clock, days=6)
    assert scan_for_alerts(ctx) == 1 and scan_for_alerts(ctx) == 0
    alert = last_record(ctx, case_id, "case.stuck")
    assert (alert.actor, alert.payload["code"]) == ("system", "task-unclaimed")
    assert alert.element_id == "Task_Acceptance"
    with ctx.uow(readonly=True) as uow:
        [event] = uow.outbox.events(limit=10)
    assert (event.event_type, event.case_id) == ("case.stuck", case_id)
    assert event.payload["data"]["code"] == "task-unclaimed"
