"""BPMN errors thrown at a task are caught by the matching error boundary event, as in Camunda 7.

Reference: Camunda 7 docs "Error Events" (Error Boundary Event; ``camunda:errorCodeVariable``,
``camunda:errorMessageVariable``) and engine tests ``bpmn/event/error/BoundaryErrorEventTest``
(testCatchErrorThrownByJavaDelegateOnServiceTask: a ``BpmnError`` thrown by a delegate is caught on the
service task; testCatchErrorOnSubprocess: an error inside an embedded subprocess is caught on the
subprocess; testCatchErrorOnSubprocessSetsErrorVariables / testSetErrorVariables…; testUncaughtError…)
and ``api/task/TaskServiceTest.testHandleBpmnError…`` (``TaskService.handleBpmnError`` on a user task).
Every step runs through the API or the task service with the case saved and restored in between."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from engine.app import create_app
from engine.config import Settings
from engine.errors import Conflict
from engine.kernel.context import AppContext
from engine.kernel.ports import Actor
from engine.runner.calls.bpmn_error import BpmnError
from engine.runner.script_engine import HandlerCall
from engine.tasks.bpmn_errors import throw_task_error
from tests.conformance.c7.driver import Case, deployed
from tests.conftest import make_context
from tests.support import MovableClock

ZHAO = Actor(user_id="zhao", groups=frozenset({"handler"}))


def checker(call: HandlerCall) -> dict[str, Any]:
    if call.variables.get("expired"):
        raise BpmnError("INVALID", "证照已过期 / the licence expired")
    if call.variables.get("unknown"):
        raise BpmnError("UNMODELLED", "nobody catches this")
    return {"checked": True}


@pytest.fixture
def node(settings: Settings, clock: MovableClock) -> Iterator[tuple[Any, AppContext]]:
    ctx = make_context(settings, clock, rules="dialect", handlers={"checker": checker})
    app = create_app(ctx)
    app.config["TESTING"] = True
    client = app.test_client()
    deployed(client, "c7_error_boundary.bpmn")
    yield client, ctx
    ctx.database.dispose()


def records(ctx: AppContext, case_id: str, action: str) -> list[Any]:
    with ctx.uow(readonly=True) as uow:
        return [e.content for e in uow.records.for_case(case_id) if e.content.action == action]


def test_a_bpmn_error_from_a_service_handler_is_caught_on_the_service_task(node: tuple[Any, Any]) -> None:
    client, _ = node
    case = Case(client, "c7_error_boundary", expired=True)
    assert [t["element_id"] for t in case.waiting()] == ["Task_Fix"]
    assert case.variables["checkCode"] == "INVALID"
    assert case.variables["checkMessage"] == "证照已过期 / the licence expired"
    assert "checked" not in case.variables  # the service task was interrupted, not completed
    case.done("Task_Fix", "zhao")
    assert case.status == "completed"


def test_an_uncaught_bpmn_error_from_a_handler_fails_the_step_with_its_code(node: tuple[Any, Any]) -> None:
    client, _ = node
    response = client.post(
        "/api/v1/cases",
        json={"process": "c7_error_boundary", "variables": {"unknown": True}},
        headers={"Authorization": "Bearer demo-wang"},
    )
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["code"] == "bpmn-error-uncaught"
    assert "UNMODELLED" in body["detail_en"] and "Task_Check" in body["detail_en"]


def test_an_error_thrown_at_a_user_task_is_caught_on_the_enclosing_subprocess(node: tuple[Any, Any]) -> None:
    client, ctx = node
    case = Case(client, "c7_error_boundary")
    task = case.task("Task_Review")
    throw_task_error(ctx, task["id"], "INCOMPLETE", "缺身份证复印件", ZHAO)
    assert [t["element_id"] for t in case.waiting()] == ["Task_Supplement"]
    assert case.variables["reviewCode"] == "INCOMPLETE"
    assert case.variables["reviewMessage"] == "缺身份证复印件"
    statuses = {t["element_id"]: t["status"] for t in case.view()["tasks"]}
    assert statuses["Task_Review"] == "cancelled"
    [thrown] = records(ctx, case.id, "task.error_thrown")
    assert thrown.payload["error_code"] == "INCOMPLETE"
    assert thrown.payload["path"] == ["Boundary_Incomplete"]
    case.done("Task_Supplement", "zhao")
    assert case.status == "completed"


def test_a_catch_all_boundary_catches_a_code_no_specific_boundary_names(node: tuple[Any, Any]) -> None:
    client, ctx = node
    case = Case(client, "c7_error_boundary")
    throw_task_error(ctx, case.task("Task_Review")["id"], "MISFILED", "", ZHAO)
    assert [t["element_id"] for t in case.waiting()] == ["Task_Other"]
    assert case.variables["otherCode"] == "MISFILED"  # a specific code wins; only unnamed codes come here


def test_an_uncaught_error_at_a_user_task_is_refused_and_nothing_changes(node: tuple[Any, Any]) -> None:
    client, ctx = node
    case = Case(client, "c7_error_boundary")
    case.done("Task_Review", "zhao")
    decide = case.task("Task_Decide")
    with pytest.raises(Conflict) as refused:
        throw_task_error(ctx, decide["id"], "INCOMPLETE", "only the subprocess catches this", ZHAO)
    assert refused.value.code == "bpmn-error-uncaught"
    assert refused.value.details["error_code"] == "INCOMPLETE"
    assert [t["id"] for t in case.waiting()] == [decide["id"]]
    assert records(ctx, case.id, "task.error_thrown") == []
    throw_task_error(ctx, decide["id"], "WITHDRAWN", "申请人撤回申请", ZHAO)
    assert case.status == "completed"
    assert case.waiting() == []
