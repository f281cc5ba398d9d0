"""Timers cannot flood a case (issue 13, item 5): ``R/PT0S`` or ``R999999999/PT1S`` used to spawn tasks
and record entries without end.

Through a real HTTP server: cycles under the period floor, without a bounded count, and absurd durations
are refused at deploy with their own codes (``/api/v1`` and ``/engine-rest``); a cycle computed from
case data fails its step within the budget; versions deployed before the rule, and cases that reached
such a timer under looser limits, are capped at run time, with the cap on the case's record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest

from engine.config import Settings
from engine.deadlines.timers import fire_due_timers
from engine.kernel.budgets import EvaluationBudget
from engine.kernel.context import AppContext
from engine.kernel.ports import Actor
from tests.conftest import make_context
from tests.integration.budget_diagrams import boundary_timer
from tests.integration.live_server import Http, serving
from tests.integration.test_evaluation_budget import (
    assert_failed_within_budget,
    case,
    complete,
    deploy,
    get,
    open_case,
)
from tests.support import MovableClock

TIGHT = EvaluationBudget(timer_max_cycles=5)  # few repetitions: the test fires them all


@pytest.fixture
def tight(settings: Settings, clock: MovableClock) -> Iterator[AppContext]:
    context = make_context(settings.with_(budget=TIGHT), clock, rules="dialect")
    yield context
    context.database.dispose()


@pytest.fixture
def http(tight: AppContext) -> Iterator[Http]:
    with serving(tight) as base:
        yield Http(base)


@pytest.mark.parametrize(
    ("kind", "value", "codes"),
    [
        ("timeCycle", "R/PT0S", {"SX-D129", "SX-D130"}),
        ("timeCycle", "R999999999/PT1S", {"SX-D129", "SX-D130"}),
        ("timeCycle", "R5/PT0.001S", {"SX-D129"}),
        ("timeCycle", "R/2026-01-01T00:00:00+08:00/PT0S", {"SX-D129", "SX-D130"}),
        ("timeCycle", "R2/P200Y", {"SX-D131"}),
        ("timeDuration", "P99999999Y", {"SX-D131"}),
        ("timeCycle", "0 0/5 * * * ?", {"SX-D122"}),  # cron-like
    ],
    ids=[
        "R/PT0S",
        "R999999999/PT1S",
        "R5/PT0.001S",
        "interval-with-start",
        "cycle-of-200-years",
        "P99999999Y",
        "cron",
    ],
)
def test_flooding_or_absurd_timers_are_refused_at_deploy_with_their_codes(
    http: Http, kind: str, value: str, codes: set[str]
) -> None:
    answer = deploy(http, "timer_attack", boundary_timer("timer_attack", kind, value))
    assert answer.status == 400 and answer.code == "invalid-diagram"
    found = [f for f in answer.body["findings"] if f["severity"] == "error"]
    assert {f["code"] for f in found} == codes
    assert all(
        f["element_id"] == "Event_Remind" and f["line"] and f["message_zh"] and f["message_en"] for f in found
    )
    assert get(http, "/api/v1/processes", "wang").body == []


def test_camunda_modeler_sees_the_same_codes_through_engine_rest(http: Http) -> None:
    diagram = boundary_timer("timer_attack", "timeCycle", "R/PT0S")
    answer = deploy(http, "timer_attack", diagram, "/engine-rest/deployment/create")
    assert answer.status == 400 and answer.body["type"] == "ParseException"
    errors = answer.body["details"]["timer_attack.bpmn"]["errors"]  # Camunda's problem shape, our codes
    ours = [e for e in errors if e["message"].startswith(("SX-D129", "SX-D130"))]
    assert len(ours) == 2 and all(e["mainElementId"] == "Event_Remind" and e["line"] for e in ours)


def test_a_cycle_computed_from_case_data_fails_its_step_within_the_budget(
    tight: AppContext, http: Http
) -> None:
    diagram = boundary_timer("dynamic_cycle", "timeCycle", "${cycle}", on="Task_Next")
    assert deploy(http, "dynamic_cycle", diagram).status == 201
    case_id, task_id = open_case(http, "dynamic_cycle", cycle="R/PT0S")
    answer = complete(http, task_id, amount=1)
    assert_failed_within_budget(tight, http, case_id, task_id, answer, "timer")
    assert "R/PT0S" in answer.body["detail_en"]


def install_before_the_budget(ctx: AppContext, key: str, diagram: bytes) -> None:
    """A version deployed before SX-D129/SX-D130 existed: stored as the deploy of that time stored it."""
    parsed = ctx.parse(diagram, None)
    with ctx.uow() as uow:
        form = uow.forms.latest("test-acceptance")
        assert form is not None
        uow.processes.add(
            key=key,
            name=key,
            sha256=hashlib.sha256(diagram).hexdigest(),
            xml=diagram.decode(),
            properties=dict(parsed.properties),
            forms={form.form_id: form.id},
            now=ctx.clock(),
            actor=Actor("li", frozenset({"designer"})).user_id,
        )
        uow.commit()


def reminders(http: Http, case_id: str) -> list[dict[str, Any]]:
    return [t for t in case(http, case_id)["tasks"] if t["element_id"] == "Task_Remind"]


def fire_for(ctx: AppContext, clock: MovableClock, minutes: int) -> int:
    """Let ``minutes`` pass a second at a time for the first minute, then a minute at a time, firing due
    timers as the scheduler would; the number fired."""
    fired = 0
    for step in [*([1] * 60), *([60] * (minutes - 1))]:
        clock.advance(seconds=step)
        fired += fire_due_timers(ctx, "node-a").fired
    return fired


def actions(ctx: AppContext, case_id: str) -> list[str]:
    with ctx.uow(readonly=True) as uow:
        return [e.content.action for e in uow.records.for_case(case_id)]


def test_an_old_version_with_r_pt0s_is_capped_at_run_time_and_the_cap_is_on_record(
    tight: AppContext, http: Http, clock: MovableClock
) -> None:
    assert deploy(http, "setup", boundary_timer("setup", "timeCycle", "R3/P1D")).status == 201  # the form
    install_before_the_budget(tight, "old_cycle", boundary_timer("old_cycle", "timeCycle", "R/PT0S"))
    case_id, _task = open_case(http, "old_cycle")
    assert fire_for(tight, clock, minutes=10) == 5  # was: a task and a record every refresh, for ever
    assert len(reminders(http, case_id)) == 5
    assert actions(tight, case_id).count("timer.fired") == 5
    with tight.uow(readonly=True) as uow:
        [capped] = [e.content for e in uow.records.for_case(case_id) if e.content.action == "timer.capped"]
    assert capped.element_id == "Event_Remind" and capped.payload == {"was": "R/PT0S", "now": "R5/PT60S"}


def test_a_case_that_reached_a_flooding_cycle_under_looser_limits_is_capped_on_its_next_step(
    settings: Settings, clock: MovableClock, tight: AppContext, http: Http
) -> None:
    looser = EvaluationBudget(timer_min_cycle_seconds=1, timer_max_cycles=1_000_000)
    loose = make_context(settings.with_(budget=looser), clock, rules="dialect")
    try:
        with serving(loose) as base:
            before = Http(base)
            diagram = boundary_timer("loose_cycle", "timeCycle", "R900000/PT1S")
            assert deploy(before, "loose_cycle", diagram).status == 201
            case_id, _task = open_case(before, "loose_cycle")
    finally:
        loose.database.dispose()
    assert fire_for(tight, clock, minutes=10) == 5  # the tighter server caps what the case holds
    assert len(reminders(http, case_id)) == 5
    assert "timer.capped" in actions(tight, case_id)
