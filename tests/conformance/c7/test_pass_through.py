"""``bpmn:manualTask`` and the abstract ``bpmn:task`` are passed through at once, as in Camunda 7.

Reference: Camunda 7 docs "Tasks" → "Manual Task" ("a task that is performed without the aid of any
business process execution engine … handled as a pass-through activity") and "Task" (an abstract task
behaves the same); ``ManualTaskActivityBehavior`` / ``TaskActivityBehavior`` leave immediately;
engine test ``api/runtime/RuntimeServiceTest.testActivityInstanceTreeForManualTask`` (no instance waits in
a manual task). In Sanxiang each one passed is on the step's record (``path``)."""

from __future__ import annotations

from typing import Any

from engine.kernel.context import AppContext
from tests.conformance.c7.driver import Case, deployed


def paths(ctx: AppContext, case_id: str) -> list[list[str]]:
    with ctx.uow(readonly=True) as uow:
        return [
            list(e.content.payload.get("path", []))
            for e in uow.records.for_case(case_id)
            if e.content.action in ("case.started", "task.completed")
        ]


def test_manual_and_abstract_tasks_complete_immediately_and_are_on_the_record(
    client: Any, ctx: AppContext
) -> None:
    deployed(client, "c7_pass_through.bpmn")
    case = Case(client, "c7_pass_through")
    assert [t["element_id"] for t in case.waiting()] == ["Task_Review"]  # nobody is offered a manual task
    assert paths(ctx, case.id) == [["StartEvent_1", "Task_Manual", "Task_Abstract"]]
    case.done("Task_Review", "zhao")
    assert case.status == "completed"
    assert paths(ctx, case.id)[-1] == ["Task_Review", "Task_Hand_Over", "End_1"]
