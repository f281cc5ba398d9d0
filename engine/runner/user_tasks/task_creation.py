"""What happens when a user task is created: its attributes are resolved once and kept with the task.

Camunda 7 resolves a task's assignee, candidates, dates and priority when the task is created
(``TaskDecorator.decorate``) and never again. Here the step that makes a user task READY resolves them
against the task's variables (an instance of a multi-instance task: its own scope, element variable and
loop counter included; ``task_attributes.resolve``) and keeps the result in the task's
``internal_data``, which is saved with the case: a later ``ready_tasks()`` reads it back unchanged. An
attribute that cannot be resolved fails the step (``StepFailed``, ``expression-failed``) with the
attribute's name and the reason, and the step rolls back.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from SpiffWorkflow.util.task import TaskState

from engine.runner.calls.bpmn_error import keep_thrown_error
from engine.runner.expressions import ExpressionError
from engine.runner.listeners import Listeners, enter, fire, of_kind, process_event
from engine.runner.script_engine import SafeScriptEngine, step_failure
from engine.runner.types import Assignment, ElementInfo
from engine.runner.user_tasks.instances import instance_scope
from engine.runner.user_tasks.task_attributes import TaskAttributes, resolve

ASSIGNMENT_KEY = "sanxiang.assignment"


def settle_step(wf: Any, process: Any, engine: SafeScriptEngine, now: datetime, was_completed: bool) -> None:
    """What follows a step's engine work: the new user tasks are resolved (then their ``create`` listeners
    run); when the step completed the case, the process's own ``end`` listeners run on its variables."""
    ready = wf.get_tasks(state=TaskState.READY, manual=True)
    assign_new_tasks(ready, process.tasks, engine, now, process.listeners)
    keep_thrown_error(wf)  # an error end event nothing caught: the caller's call activity may catch it
    if wf.is_completed() and not was_completed:
        wf.data.update(process_event(engine, process, "end", wf.data))


def _resolved(task: Any, found: TaskAttributes, engine: SafeScriptEngine, now: datetime) -> Assignment:
    try:
        return resolve(found, instance_scope(task), engine.functions, engine.new_meter(), now)
    except ExpressionError as exc:
        raise step_failure(exc, exc.source or "", task.task_spec.bpmn_id) from exc


def assign_new_tasks(
    tasks: Iterable[Any],
    attributes: dict[str, TaskAttributes] | Any,
    engine: SafeScriptEngine,
    now: datetime,
    listeners: Listeners,
) -> list[Any]:
    """Resolve and keep the attributes of every READY user task that has none yet, then run its ``create``
    task listeners; the tasks created."""
    created = []
    for task in tasks:
        spec = task.task_spec
        found = attributes.get(getattr(spec, "bpmn_id", None) or "")
        if found is None or not getattr(spec, "manual", False) or ASSIGNMENT_KEY in task.internal_data:
            continue
        enter(task, of_kind(listeners, spec.bpmn_id, "executionListener"))  # if not entered yet
        task.internal_data[ASSIGNMENT_KEY] = _saved(_resolved(task, found, engine, now))
        fire(task, of_kind(listeners, spec.bpmn_id, "taskListener"), "create")
        created.append(task)
    return created


def assignment_of(task: Any, element: ElementInfo) -> Assignment:
    """The kept assignment of a task, or (for a task created before they were kept) its literal attributes."""
    saved = task.internal_data.get(ASSIGNMENT_KEY)
    if isinstance(saved, dict):
        return _restored(saved)

    def plain(entries: Iterable[str]) -> tuple[str, ...]:
        return tuple(entry for entry in entries if "{" not in entry)

    assignee = element.assignee if element.assignee and "{" not in element.assignee else None
    return Assignment(assignee, plain(element.candidate_users), plain(element.candidate_groups))


def _saved(assignment: Assignment) -> dict[str, Any]:
    return {
        "assignee": assignment.assignee,
        "users": list(assignment.candidate_users),
        "groups": list(assignment.candidate_groups),
        "due": assignment.due_at.isoformat() if assignment.due_at else None,
        "followUp": assignment.follow_up_at.isoformat() if assignment.follow_up_at else None,
        "priority": assignment.priority,
    }


def _restored(saved: dict[str, Any]) -> Assignment:
    def moment(key: str) -> datetime | None:
        value = saved.get(key)
        return datetime.fromisoformat(value) if isinstance(value, str) else None

    return Assignment(
        saved.get("assignee"),
        tuple(saved.get("users") or ()),
        tuple(saved.get("groups") or ()),
        moment("due"),
        moment("followUp"),
        int(saved.get("priority", 50)),
    )
