"""Task and execution listeners run against handlers registered in-process, in Camunda 7's order.

Reference: Camunda 7 docs "Delegation Code" → "Execution Listener", "Task Listener"; engine tests
``bpmn/executionlistener/ExecutionListenerTest`` (testExecutionListenersOnAllPossibleElements: start/end
around every element; testOnCancellingBoundaryEvents: an interrupted activity's ``end`` runs;
testScriptListener)
and ``bpmn/tasklistener/TaskListenerTest`` (create after the assignee is set, complete before the task ends).
Listeners the runtime cannot run are refused by name at deploy (SX-D114, SX-D115, SX-D143, SX-D144,
SX-D145)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from engine.app import create_app
from engine.config import Settings
from engine.deadlines.timers import fire_due_timers
from engine.runner.script_engine import HandlerCall
from tests.conformance.c7.driver import Case, deploy, deployed
from tests.conftest import make_context
from tests.support import MovableClock

Calls = list[tuple[str, str | None, dict[str, Any]]]


@pytest.fixture
def calls() -> Calls:
    return []


@pytest.fixture
def node(settings: Settings, clock: MovableClock, calls: Calls) -> Iterator[tuple[Any, Any]]:
    """A node that registered an ``audit`` handler (the registry service tasks use), with its API."""

    def audit(call: HandlerCall) -> dict[str, Any]:
        calls.append((call.element.element_id, call.event, dict(call.variables)))
        call.ask("audit.logged", event=call.event)
        return {"lastEvent": f"{call.element.element_id}:{call.event}"}

    ctx = make_context(settings, clock, rules="dialect", handlers={"audit": audit})
    app = create_app(ctx)
    app.config["TESTING"] = True
    yield app.test_client(), ctx
    ctx.database.dispose()


@pytest.fixture
def audited(node: tuple[Any, Any]) -> Any:
    return node[0]


def events(calls: Calls) -> list[str]:
    return [f"{element}:{event}" for element, event, _ in calls]


def test_start_listeners_run_before_the_task_exists_and_create_after_its_assignee(
    audited: Any, calls: Calls
) -> None:
    deployed(audited, "c7_listeners.bpmn")
    case = Case(audited, "c7_listeners", reviewer="zhao")
    assert events(calls) == ["c7_listeners:start", "Task_Review:start", "Task_Review:create"]
    assert calls[0][2]["reviewer"] == "zhao"  # the process start listener sees it
    assert case.task("Task_Review")["assignee"] == "zhao"
    assert case.variables["lastEvent"] == "Task_Review:create"  # handlers set variables


def test_complete_then_end_then_the_next_element_start_and_script_listeners(
    audited: Any, calls: Calls
) -> None:
    deployed(audited, "c7_listeners.bpmn")
    case = Case(audited, "c7_listeners", reviewer="zhao")
    calls.clear()
    case.done("Task_Review", "zhao", opinion="同意")
    assert events(calls) == ["Task_Review:complete", "Task_Review:end", "Task_Sign:end"]
    assert calls[0][2]["opinion"] == "同意"  # complete sees the submission
    assert case.variables["signedFor"] == "zhao"  # the manual task's script listener
    assert case.variables["lastEvent"] == "Task_Sign:end"
    calls.clear()
    case.done("Task_Decide", "sun")
    assert events(calls) == ["Task_Decide:end"]
    assert case.status == "completed" and case.variables["closedBy"] == "process end listener"


def test_an_interrupted_task_runs_its_end_listener(
    node: tuple[Any, Any], calls: Calls, clock: MovableClock
) -> None:
    client, ctx = node
    deployed(client, "c7_listeners.bpmn")
    case = Case(client, "c7_listeners", reviewer="zhao")
    case.done("Task_Review", "zhao")
    calls.clear()
    clock.advance(days=1, minutes=1)
    assert fire_due_timers(ctx, "node-a").fired == 1
    assert events(calls) == ["Task_Decide:end"]  # cancelled by the interrupting timer
    assert case.status == "completed" and case.variables["closedBy"] == "process end listener"
    with ctx.uow(readonly=True) as uow:  # the effect the handler asked for is on the record (unhandled)
        effects = [e.content for e in uow.records.for_case(case.id) if e.content.action == "effect.unhandled"]
    assert effects[-1].element_id == "Task_Decide"
    assert effects[-1].payload == {"kind": "audit.logged", "payload": {"event": "end"}}


def test_a_failing_listener_fails_the_step_and_nothing_moves(settings: Settings, clock: MovableClock) -> None:
    def refuse(call: HandlerCall) -> dict[str, Any]:
        raise RuntimeError("the audit store is down")

    ctx = make_context(settings, clock, rules="dialect", handlers={"audit": refuse})
    app = create_app(ctx)
    client = app.test_client()
    deployed(client, "c7_listeners.bpmn")
    opened = {"process": "c7_listeners", "variables": {"reviewer": "zhao"}}
    response = client.post("/api/v1/cases", json=opened, headers={"Authorization": "Bearer demo-wang"})
    assert response.status_code == 422
    assert "Handler audit of listener (start) c7_listeners failed" in response.get_json()["detail_en"]
    ctx.database.dispose()


def test_a_listener_naming_no_registered_handler_is_refused_at_deploy(client: Any) -> None:
    response = deploy(client, "c7_listeners.bpmn")  # this node registered no "audit" handler
    assert response.status_code == 400, response.get_json()
    findings = [f for f in response.get_json()["findings"] if f["severity"] == "error"]
    assert {f["code"] for f in findings} == {"SX-D143"}
    assert {f["element_id"] for f in findings} == {"c7_listeners", "Task_Review", "Task_Sign", "Task_Decide"}
    assert all("'audit'" in f["message_en"] for f in findings)


def test_on_a_multi_instance_task_the_listeners_run_for_each_instance_not_the_body(
    node: tuple[Any, Any], calls: Calls
) -> None:
    """Camunda 7's ``BpmnParse`` parses an activity's execution listeners on the inner activity of its
    ``#multiInstanceBody`` (ExecutionListenerTest.testMultiInstanceCancelation…): start, create and end per
    instance, each seeing its own element variable."""
    client, _ctx = node
    deployed(client, "c7_listeners_mi.bpmn")
    case = Case(client, "c7_listeners_mi", signers=["zhao", "sun"])
    starts = [
        (element, event, variables.get("signer"))
        for element, event, variables in calls
        if element == "Task_Sign"
    ]
    assert sorted(starts) == sorted(
        [
            ("Task_Sign", "start", "zhao"),
            ("Task_Sign", "create", "zhao"),
            ("Task_Sign", "start", "sun"),
            ("Task_Sign", "create", "sun"),
        ]
    )
    calls.clear()
    for task in case.waiting():
        case.client.post(
            f"/api/v1/tasks/{task['id']}/complete",
            json={"variables": {}},
            headers={"Authorization": f"Bearer demo-{task['assignee']}"},
        )
    assert events(calls) == ["Task_Sign:end", "Task_Sign:end"]  # each instance ends; the body has none
    assert case.status == "completed"
