"""External tasks (``camunda:type="external"``) that wait for a worker: what waits, and finishing one.

A service task whose topic no in-process handler takes stays STARTED (``parser.HandlerServiceTask``)
until a worker completes it (``complete``) or throws a BPMN error on it (``throw``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.util.task import TaskState

from engine.errors import Conflict
from engine.runner.types import StepResult


@dataclass(frozen=True, slots=True)
class ExternalWait:
    """One external task the case waits at."""

    task_id: str
    element_id: str
    topic: str
    priority: int = 0


def _waiting(workflow: Any) -> list[Any]:
    elements = workflow.process.elements
    found = []
    for task in workflow._all_tasks():
        element = elements.get(task.task_spec.bpmn_id or "")
        external = element is not None and element.tag == "serviceTask" and bool(element.topic)
        if external and task.has_state(TaskState.STARTED) and element.topic not in workflow._engine.handlers:
            found.append(task)
    return found


def _priority(element: Any) -> int:
    text = (element.priority or "").strip()  # camunda:taskPriority, a number (expressions: 0)
    return int(text) if text.lstrip("-").isdigit() else 0


def external_waits(workflow: Any) -> list[ExternalWait]:
    """The external tasks ``workflow`` (a ``workflow.Workflow``) waits at."""
    elements = workflow.process.elements
    return [
        ExternalWait(
            str(t.id),
            t.task_spec.bpmn_id,
            elements[t.task_spec.bpmn_id].topic,
            _priority(elements[t.task_spec.bpmn_id]),
        )
        for t in _waiting(workflow)
    ]


def _task(workflow: Any, task_id: str) -> Any:
    try:
        wanted = UUID(task_id)
    except ValueError:
        wanted = None
    for task in _waiting(workflow):
        if task.id == wanted:
            return task
    raise Conflict(
        "外部任务已不在等待（可能已被完成）",
        f"External task {task_id} is not waiting any more",
        code="external-task-not-waiting",
    )


def complete(workflow: Any, task_id: str, variables: Mapping[str, Any], now: datetime) -> StepResult:
    """The worker's completion: ``variables`` into the case, then the engine goes on."""
    task = _task(workflow, task_id)

    def finish() -> None:
        task.data.update(variables)
        task.complete()

    result: StepResult = workflow._step(now, finish)
    return result


def throw(
    workflow: Any, task_id: str, code: str, message: str, variables: Mapping[str, Any], now: datetime
) -> StepResult:
    """The worker's BPMN error: ``variables`` into the case, then the error at the task
    (``Workflow.raise_error``: the boundary catching ``code`` takes the case on)."""
    task = _task(workflow, task_id)
    task.data.update(variables)
    result: StepResult = workflow.raise_error(task_id, code, message, now)
    return result


class ExternalSteps:
    """What ``workflow.Workflow`` offers for external tasks (kept here: the façade stays small)."""

    def external_waits(self) -> list[ExternalWait]:
        return external_waits(self)

    def complete_external(self, task_id: str, variables: Mapping[str, Any], now: datetime) -> StepResult:
        return complete(self, task_id, variables, now)

    def throw_external(
        self, task_id: str, code: str, message: str, variables: Mapping[str, Any], now: datetime
    ) -> StepResult:
        return throw(self, task_id, code, message, variables, now)
