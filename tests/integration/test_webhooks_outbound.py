"""Outbound webhooks against a real receiver on 127.0.0.1: the outbox, order, retries, dead letters."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from engine.app import create_app
from engine.config import Settings
from engine.integration.delivery import deliver_due_events, deliver_outbox, node_owner
from engine.kernel.context import AppContext
from engine.kernel.ports import RecordDraft
from engine.record.append import record
from tests.conftest import make_context
from tests.integration.api_driver import REVIEW_FILES, complete, deploy, open_case
from tests.integration.webhook_receiver import Receiver
from tests.support import MovableClock, auth

LOOPBACK = ("127.0.0.0/8",)
CASE_EVENTS = ["case.started", "task.created", "task.completed", "task.created", "task.completed"]


@pytest.fixture
def webhook_ctx(settings: Settings, clock: MovableClock) -> Iterator[AppContext]:
    tuned = settings.with_(webhook_allow=LOOPBACK, webhook_max_attempts=3)
    context = make_context(tuned, clock, rules="dialect")
    yield context
    context.database.dispose()


@pytest.fixture
def api(webhook_ctx: AppContext) -> Any:
    app = create_app(webhook_ctx)
    app.config["TESTING"] = True
    return app.test_client()


@pytest.fixture
def receiver(clock: MovableClock) -> Iterator[Receiver]:
    running = Receiver(now=clock).start()
    yield running
    running.release.set()
    running.stop()


def subscribe(api: Any, receiver: Receiver, *types: str) -> dict[str, Any]:
    response = api.post(
        "/api/v1/webhooks/subscriptions",
        headers=auth("admin"),
        json={"url": receiver.url, "eventTypes": list(types or ["*"])},
    )
    assert response.status_code == 201, response.get_json()
    receiver.secret = response.get_json()["secret"]
    return dict(response.get_json())


def run_case(api: Any) -> str:
    case = open_case(api)
    assert complete(api, case["id"], "Task_Apply", "wang", amount=1, major=False).status_code == 200
    assert complete(api, case["id"], "Task_Approve", "sun", amount=1).status_code == 200
    return str(case["id"])


def outbox(ctx: AppContext) -> list[Any]:
    with ctx.uow(readonly=True) as uow:
        return list(uow.outbox.events(limit=500))


def test_receiver_down_then_back_gets_every_event_once_in_order_per_case(
    webhook_ctx: AppContext, api: Any, receiver: Receiver, clock: MovableClock
) -> None:
    assert deploy(api, *REVIEW_FILES).status_code == 201
    subscribe(api, receiver)
    receiver.stop()
    cases = [run_case(api) for _ in range(3)]
    for _ in range(2):
        report = deliver_due_events(webhook_ctx, "node-a", limit=100)
        assert (report.delivered, report.retrying, report.dead) == (0, 3, 0)  # only the head of each case
        clock.advance(hours=2)
    receiver.start()
    report = deliver_due_events(webhook_ctx, "node-a", limit=100)
    assert (report.delivered, report.retrying, report.dead) == (15, 0, 0)

    rows = outbox(webhook_ctx)
    assert {r.status for r in rows} == {"delivered"} and len(rows) == 15
    assert receiver.ids() == {r.id: 1 for r in rows}  # each exactly once by webhook-id
    assert all(d.signature_ok for d in receiver.deliveries)
    arrived: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for delivery in receiver.deliveries:
        arrived[str(delivery.case_id)].append((delivery.sequence, delivery.event_type))
    assert sorted(arrived) == sorted(cases)
    for case_id in cases:
        assert [s for s, _ in arrived[case_id]] == sorted(s for s, _ in arrived[case_id])
        assert [kind for _, kind in arrived[case_id]] == CASE_EVENTS
    heads = [r for r in rows if r.event_type == "case.started"]
    assert {r.attempts for r in heads} == {3} and {r.attempts for r in rows if r not in heads} == {1}


def test_every_attempt_is_logged_with_status_latency_and_error(
    webhook_ctx: AppContext, api: Any, receiver: Receiver, clock: MovableClock
) -> None:
    assert deploy(api, *REVIEW_FILES).status_code == 201
    subscribe(api, receiver, "case.started")
    receiver.stop()
    open_case(api)
    deliver_due_events(webhook_ctx, "node-a")
    clock.advance(hours=2)
    receiver.start()
    deliver_outbox(webhook_ctx)  # the scheduler's job: this process's own lease name
    (event,) = outbox(webhook_ctx)
    detail = api.get(f"/api/v1/webhooks/events/{event.id}", headers=auth("zhou")).get_json()
    log = detail["attemptLog"]
    assert [(a["ok"], a["owner"]) for a in log] == [(False, "node-a"), (True, node_owner())]
    assert log[0]["error"] == "connection refused" and log[0]["status"] is None
    assert log[1]["status"] == 204 and log[1]["error"] is None and log[1]["latencyMs"] > 0
    assert detail["status"] == "delivered" and detail["lastStatus"] == 204
    assert receiver.ids() == {event.id: 1}
    assert api.get(f"/api/v1/webhooks/events/{event.id}", headers=auth("wang")).status_code == 403


def test_dead_event_lets_the_next_one_go_and_a_supervisor_replays_it_with_the_same_id(
    webhook_ctx: AppContext, api: Any, receiver: Receiver, clock: MovableClock
) -> None:
    assert deploy(api, *REVIEW_FILES).status_code == 201
    subscribe(api, receiver, "case.started", "task.created")
    receiver.stop()
    case = open_case(api)
    for _ in range(3):
        deliver_due_events(webhook_ctx, "node-a")
        clock.advance(hours=2)
    head, second = sorted(outbox(webhook_ctx), key=lambda r: r.sequence)
    assert (head.status, head.attempts, second.status, second.attempts) == ("dead", 3, "pending", 1)
    dead = api.get("/api/v1/webhooks/events?status=dead", headers=auth("zhou")).get_json()
    assert [e["id"] for e in dead] == [head.id] and dead[0]["lastError"] == "connection refused"

    receiver.start()
    deliver_due_events(webhook_ctx, "node-a")
    assert [d.webhook_id for d in receiver.deliveries] == [second.id]
    assert (
        api.post(
            f"/api/v1/webhooks/events/{head.id}/replay", headers=auth("wang"), json={"reason": "x"}
        ).status_code
        == 403
    )
    replay = api.post(
        f"/api/v1/webhooks/events/{head.id}/replay",
        headers=auth("zhou"),
        json={"reason": "平台恢复 / platform is back"},
    )
    assert replay.status_code == 200 and replay.get_json()["status"] == "pending"
    deliver_due_events(webhook_ctx, "node-a")
    assert [d.webhook_id for d in receiver.deliveries] == [second.id, head.id]
    again = api.post(f"/api/v1/webhooks/events/{head.id}/replay", headers=auth("zhou"), json={})
    assert again.status_code == 409 and again.get_json()["code"] == "webhook-event-not-dead"
    history = api.get(f"/api/v1/cases/{case['id']}", headers=auth("zhou")).get_json()["history"]
    assert [h["actor"] for h in history if h["action"] == "webhook.replayed"] == ["zhou"]


def test_a_rolled_back_change_sends_nothing(webhook_ctx: AppContext, api: Any, receiver: Receiver) -> None:
    subscribe(api, receiver)
    with webhook_ctx.uow() as uow:
        draft = RecordDraft(
            action="case.started",
            actor="wang",
            case_id="2026-000099",
            payload={"process": "c7_review", "version": 1},
        )
        record(webhook_ctx, uow, draft, webhook_ctx.clock())
        assert uow.outbox.count() == 1  # written in the change's own transaction …
    assert outbox(webhook_ctx) == []  # … and gone with it
    assert deliver_due_events(webhook_ctx, "node-a").attempted == 0
    assert receiver.deliveries == []


def test_a_step_that_fails_queues_nothing(webhook_ctx: AppContext, api: Any, receiver: Receiver) -> None:
    assert deploy(api, *REVIEW_FILES).status_code == 201
    subscribe(api, receiver)
    case = open_case(api)
    before = {r.id for r in outbox(webhook_ctx)}
    refused = complete(api, case["id"], "Task_Apply", "zhao", amount=1, major=False)  # not a window clerk
    assert refused.status_code == 403
    assert {r.id for r in outbox(webhook_ctx)} == before


def test_a_claimed_event_is_leased_to_one_node_until_the_lease_expires(
    webhook_ctx: AppContext, api: Any, receiver: Receiver, clock: MovableClock
) -> None:
    subscribe(api, receiver)
    with webhook_ctx.uow() as uow:
        record(
            webhook_ctx,
            uow,
            RecordDraft(action="audit.head-exported", actor="admin", payload={"seq": 7}),
            clock(),
        )
        uow.commit()
    with webhook_ctx.uow() as uow:
        first = uow.outbox.claim_due("node-a", clock(), clock() + timedelta(minutes=2), 10)
        uow.commit()
    with webhook_ctx.uow() as uow:
        assert uow.outbox.claim_due("node-b", clock(), clock() + timedelta(minutes=2), 10) == []
    clock.advance(minutes=3)  # node-a died: its lease runs out
    with webhook_ctx.uow() as uow:
        second = uow.outbox.claim_due("node-b", clock(), clock() + timedelta(minutes=2), 10)
        uow.commit()
    assert [c.event.id for c in first] == [c.event.id for c in second] and len(first) == 1
    assert first[0].event.payload["type"] == "audit.head-exported" and first[0].event.case_id is None


def test_a_target_refused_at_send_time_is_dead_at_once_without_a_request(
    webhook_ctx: AppContext, api: Any, receiver: Receiver, clock: MovableClock
) -> None:
    subscribe(api, receiver, "audit.head-exported")
    with webhook_ctx.uow() as uow:
        record(webhook_ctx, uow, RecordDraft(action="audit.head-exported", actor="admin"), clock())
        uow.commit()
    strict = make_context(webhook_ctx.settings.with_(webhook_allow=()), clock, rules="dialect")
    try:
        report = deliver_due_events(strict, "node-a")
    finally:
        strict.database.dispose()
    (event,) = outbox(webhook_ctx)
    assert (report.dead, event.status, event.attempts) == (1, "dead", 1)
    assert event.last_error == (
        "target refused: target address 127.0.0.1 is a loopback address and may not be called"
    )
    assert receiver.deliveries == []
