"""BPMN timers as due rows: created by the step that reaches them, claimed once, fired once, retried on
failure — on the injected clock (the clock moves, nothing sleeps)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from engine import scheduler
from engine.cases.opening import open_case
from engine.deadlines.timers import claim_due, fire_due_timers
from engine.kernel.context import AppContext
from engine.kernel.ports import Actor
from engine.processes.deploy import deploy
from engine.runner.expressions import ExpressionError
from engine.runner.timekeeping.calendar_sources import default_calendar
from engine.runner.timekeeping.clock import frozen_now
from engine.runner.timekeeping.workday_functions import workday_functions
from engine.scheduler import Claimer, run_claimer
from tests.conftest import make_context
from tests.support import FIXTURES

WANG = Actor("wang", frozenset({"window-clerk"}))


def _deploy(ctx: AppContext, name: str) -> None:
    deploy(ctx, [(name, (FIXTURES / name).read_bytes())], Actor("li", frozenset({"designer"})))


def _open(ctx: AppContext, process: str, due: datetime) -> str:
    return open_case(ctx, process, {"dueAt": due.isoformat()}, WANG).case.id


def _fired_records(ctx: AppContext) -> list[Any]:
    with ctx.uow(readonly=True) as uow:
        return [e for e in uow.records.all() if e.content.action == "timer.fired"]


def test_a_waiting_timer_is_a_due_row_that_fires_exactly_once(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    _deploy(ctx, "timer_wait.bpmn")
    due = clock.now + timedelta(hours=1)
    case_id = _open(ctx, "timer_wait", due)
    with ctx.uow(readonly=True) as uow:
        pending = uow.due.pending(case_id)
    assert [(r.kind, r.due_at, r.fired_at) for r in pending] == [("bpmn-timer", due, None)]
    assert fire_due_timers(ctx, "node-a").claimed == 0  # not yet due
    clock.advance(hours=1, seconds=1)
    assert fire_due_timers(ctx, "node-a").fired == 1
    assert fire_due_timers(ctx, "node-b").claimed == 0
    with ctx.uow(readonly=True) as uow:
        row = uow.due.get(pending[0].id)
        case = uow.cases.get(case_id)
        history = [e.content.action for e in uow.records.for_case(case_id)]
        assert uow.due.pending(case_id) == []
    assert (row.fired_at, row.lease_owner, row.attempts) == (clock.now, "node-a", 1)
    assert case.status == "completed"
    assert history == ["case.started", "timer.fired", "case.completed"]
    fired = _fired_records(ctx)[0].content
    assert (fired.element_id, fired.payload["path"], fired.payload["lateMs"]) == (
        "Event_Wait",
        ["Event_Wait", "End_Done"],
        1000,
    )


def test_two_claimers_racing_in_threads_fire_every_timer_once(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    _deploy(ctx, "timer_wait.bpmn")
    cases = [_open(ctx, "timer_wait", clock.now + timedelta(minutes=i % 7)) for i in range(40)]
    clock.advance(hours=1)
    start, fired, errors = threading.Barrier(2), {"node-a": 0, "node-b": 0}, []

    def node(owner: str) -> None:
        try:
            start.wait()
            while (report := fire_due_timers(ctx, owner, limit=3)).claimed:
                fired[owner] += report.fired
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=node, args=(owner,)) for owner in fired]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sum(fired.values()) == 40
    records = _fired_records(ctx)
    assert sorted(r.content.case_id for r in records) == sorted(cases)
    with ctx.uow(readonly=True) as uow:
        assert all(uow.cases.get(c).status == "completed" for c in cases)


def test_concurrent_claims_never_share_a_row(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    _deploy(ctx, "timer_wait.bpmn")
    for i in range(30):
        _open(ctx, "timer_wait", clock.now + timedelta(seconds=i))
    clock.advance(minutes=5)
    start, claimed = threading.Barrier(3), {}

    def node(owner: str) -> None:
        start.wait()
        with ctx.uow() as uow:
            claimed[owner] = {item.id for item in claim_due(uow, clock.now, owner, timedelta(seconds=60), 12)}
            uow.commit()

    threads = [threading.Thread(target=node, args=(f"node-{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    sets = list(claimed.values())
    assert sorted(len(s) for s in sets) == [6, 12, 12]  # each claim takes at most its limit
    assert len(set().union(*sets)) == 30  # and no row twice


def test_a_node_that_died_holding_a_lease_is_taken_over_and_cannot_fire_late(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    _deploy(ctx, "timer_wait.bpmn")
    case_id = _open(ctx, "timer_wait", clock.now)
    clock.advance(seconds=1)
    with ctx.uow() as uow:
        (held,) = claim_due(uow, clock.now, "node-dead", timedelta(seconds=30), 10)
        uow.commit()
    assert fire_due_timers(ctx, "node-b", lease=timedelta(seconds=30)).claimed == 0  # leased
    clock.advance(seconds=31)
    assert fire_due_timers(ctx, "node-b", lease=timedelta(seconds=30)).fired == 1
    with ctx.uow() as uow:
        assert uow.due.mark_fired(held.id, "node-dead", clock.now) is False  # the late node: already fired
        assert uow.due.get(held.id).lease_owner == "node-b"
    assert [r.content.case_id for r in _fired_records(ctx)] == [case_id]


def test_a_failing_timer_keeps_its_error_and_is_retried_after_a_back_off(settings, clock) -> None:  # type: ignore[no-untyped-def]
    calls: list[int] = []

    def flaky(call: Any) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("省级平台暂时不可用 / platform unavailable")

    ctx = make_context(settings, clock, rules="dialect", handlers={"test.flaky": flaky})
    try:
        _deploy(ctx, "timer_then_service.bpmn")
        case_id = _open(ctx, "timer_then_service", clock.now)
        clock.advance(seconds=1)
        assert fire_due_timers(ctx, "node-a").failed == 1
        with ctx.uow(readonly=True) as uow:
            (row,) = uow.due.pending(case_id)
            assert uow.cases.get(case_id).status == "running"
        assert (row.attempts, row.lease_owner, row.lease_until) == (1, None, clock.now + timedelta(seconds=2))
        assert "test.flaky" in row.last_error and "unavailable" in row.last_error
        assert fire_due_timers(ctx, "node-a").claimed == 0  # backing off
        clock.advance(seconds=3)
        assert fire_due_timers(ctx, "node-b").fired == 1
        assert [r.content.case_id for r in _fired_records(ctx)] == [case_id]
    finally:
        ctx.database.dispose()


def test_due_moments_missed_while_down_fire_once_when_the_claimer_starts(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    _deploy(ctx, "timer_wait.bpmn")
    missed = [_open(ctx, "timer_wait", clock.now + timedelta(hours=h)) for h in (1, 2, 3)]
    later = _open(ctx, "timer_wait", clock.now + timedelta(days=30))
    clock.advance(days=3)  # everything was down for three days
    claimer = Claimer(ctx, "node-boot", batch=2)
    run_claimer(claimer)
    run_claimer(claimer)
    assert claimer.fired == 3
    assert sorted(r.content.case_id for r in _fired_records(ctx)) == sorted(missed)
    with ctx.uow(readonly=True) as uow:
        assert [r.case_id for r in uow.due.pending(later)] == [later]


def test_a_workdays_timer_is_due_at_the_close_of_the_nth_working_day(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    # The linter (SX-D122) does not accept function calls in timers yet: store the version directly.
    xml = (FIXTURES / "workday_timer.bpmn").read_text(encoding="utf-8")
    clock.now = datetime(2026, 9, 29, 2, 0, tzinfo=UTC)  # Tue 29 Sep, 10:00 in Shanghai
    with ctx.uow() as uow:
        uow.processes.add(
            key="workday_timer",
            name="工作日定时测试流程",
            sha256="0" * 64,
            xml=xml,
            properties={},
            forms={},
            now=clock.now,
            actor="li",
        )
        uow.commit()
    case_id = open_case(ctx, "workday_timer", {}, WANG).case.id
    with ctx.uow(readonly=True) as uow:
        (row,) = uow.due.pending(case_id)
    assert row.due_at == datetime(2026, 10, 8, 15, 59, 59, tzinfo=UTC)  # 30 Sep, then 8 Oct after 国庆
    clock.now = row.due_at - timedelta(seconds=1)
    assert fire_due_timers(ctx, "node-a").claimed == 0
    clock.now = row.due_at
    assert fire_due_timers(ctx, "node-a").fired == 1
    with ctx.uow(readonly=True) as uow:
        assert [t.element_id for t in uow.tasks.for_case(case_id, status="ready")] == ["Task_FollowUp"]


def test_workdays_takes_a_whole_number_of_days_only() -> None:
    calendar = default_calendar()
    workdays = workday_functions(lambda: calendar)["workdays"]
    with frozen_now(datetime(2026, 12, 30, 1, 0, tzinfo=UTC)):
        assert workdays(0) == "2026-12-30T23:59:59+08:00"
        assert workdays(3) == "2027-01-05T23:59:59+08:00"  # 31 Dec, (1 Jan off), 4, 5 Jan
    for bad in (-1, 2.5, "3", True, None, 10**6):
        with pytest.raises(ExpressionError, match="whole number"):
            workdays(bad)


def count_the_call(ctx: AppContext) -> None:
    """A job as another area would register one (outbox delivery, the daily head export)."""


def test_the_scheduler_runs_the_claimer_and_every_registered_job(  # type: ignore[no-untyped-def]
    ctx, settings, monkeypatch
) -> None:
    monkeypatch.setattr(scheduler, "JOBS", [])
    scheduler.register_job(count_the_call, seconds=3600)
    scheduler.register_job(count_the_call, seconds=60)  # once per function
    background, claimer = scheduler.start(ctx, owner="node-test", interval=3600)
    try:
        jobs = {job.id: job for job in background.get_jobs()}
    finally:
        claimer.stopping.set()
        background.shutdown(wait=True)
    assert set(jobs) == {"sanxiang.claimer", f"job.{__name__}.count_the_call"}
    assert jobs[f"job.{__name__}.count_the_call"].trigger.interval == timedelta(hours=1)
    assert scheduler.start_with_server(settings.with_(scheduler=False)) is None
