"""What every step does after the engine ran: save, project the tasks, record — one transaction."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from engine.errors import Conflict
from engine.kernel.json_types import JsonObject, JsonValue
from engine.kernel.ports import Actor, CaseRow, RecordDraft, TaskRow, UnitOfWork
from engine.record.append import record
from engine.review.facts import mark_step

if TYPE_CHECKING:
    from engine.kernel.context import AppContext
    from engine.record.chain import Entry

    pass


def jsonable(data: Mapping[str, JsonValue]) -> JsonObject:
    """A JSON-native copy for the record (dates and decimals as their text)."""
    result: JsonObject = json.loads(json.dumps(dict(data), default=str, ensure_ascii=False))
    return result


def task_row(case: CaseRow, task: Any, now: datetime) -> TaskRow:
    """The projection row of a ready task, with the performers, dates and priority resolved when it was
    created (an instance of a multi-instance task: its own evaluated assignee and name)."""
    element, assigned = task.element, task.assignment
    return TaskRow(
        id=task.task_id,
        case_id=case.id,
        process_key=case.process_key,
        element_id=element.element_id,
        name=task.name or element.name or element.element_id,
        role=element.role,
        status="ready",
        assignee=str(task.assignee) if task.assignee is not None else assigned.assignee,
        candidate_groups=assigned.candidate_groups,
        candidate_users=assigned.candidate_users,
        form_id=element.form_id,
        due_at=assigned.due_at,
        created_at=now,
        follow_up_at=assigned.follow_up_at,
        priority=assigned.priority,
    )


@dataclass(frozen=True)
class StepContext:
    app: AppContext
    uow: UnitOfWork
    case: CaseRow
    actor: Actor
    now: datetime
    cancelled: list[JsonObject] = field(default_factory=list)  # tasks the step closed unfinished


def sync_tasks(
    step: StepContext, workflow: Any, before: set[str], completed_task: str | None
) -> list[TaskRow]:
    """Make the task projection match the workflow, given the ready tasks before the step.

    The projection always equals the workflow's ready tasks after a step (both change in the same
    transaction), so the difference needs no query. Returns the tasks that appeared."""
    ready = {t.task_id: t for t in workflow.ready_tasks()}
    if completed_task is not None:
        step.uow.tasks.close([completed_task], status="completed", now=step.now, actor=step.actor.user_id)
    gone = [tid for tid in before if tid not in ready and tid != completed_task]
    step.uow.tasks.close(gone, status="cancelled", now=step.now, actor=None)
    for row in (step.uow.tasks.get(tid) for tid in sorted(gone)):
        if row is not None:  # on the step's record (e.g. the instances a completion condition ended)
            step.cancelled.append({"task": row.id, "element": row.element_id, "assignee": row.assignee})
    new = [task_row(step.case, task, step.now) for tid, task in ready.items() if tid not in before]
    step.uow.tasks.add(new)
    return new


def save_case(step: StepContext, workflow: Any) -> CaseRow:
    # a suspended case stays suspended through steps that need no person (a message, a timer)
    status = (
        "completed"
        if workflow.is_completed
        else ("suspended" if step.case.status == "suspended" else "running")
    )
    ended = step.now if workflow.is_completed else None
    if not step.uow.cases.save_state(
        step.case.id,
        expected_version=step.case.version,
        state=workflow.dump(),
        status=status,
        now=step.now,
        ended_at=ended,
    ):
        raise Conflict(
            "办件已被他人同时处理，请刷新后重试",
            "The case was changed by someone else at the same time; reload and try again",
            code="case-version-conflict",
        )
    step.uow.due.sync_timers(step.case.id, workflow.waiting_timers(), step.now)  # due rows := waiting timers
    # external-task rows := the external tasks the workflow waits at (engine.external_tasks)
    step.uow.external_tasks.sync(step.case, workflow.external_waits(), step.now)
    return step.case


def record_step(step: StepContext, workflow: Any, draft: RecordDraft, *, may_lower: bool = False) -> Entry:
    """The step's own record, marked with what its facts raise (an ordinary step that would lower an
    established fact is refused: ``established.mark_step``), then the case's end when the step finished it."""
    if step.cancelled:
        draft = replace(draft, payload={**draft.payload, "cancelled": list(step.cancelled)})
    draft = mark_step(step.app, step.uow, step.case, workflow, draft, may_lower=may_lower)
    entry = record(step.app, step.uow, draft, step.now)
    if workflow.is_completed:
        record(
            step.app,
            step.uow,
            RecordDraft(action="case.completed", actor=step.actor.user_id, case_id=step.case.id),
            step.now,
        )
    return entry


def apply_effects(step: StepContext, result: JsonValue) -> None:
    """What service-task handlers asked for (``HandlerCall.ask``), carried out in the step's transaction
    by the effect handlers the context registers (e.g. ``disclosure.schedule``). An effect nobody
    handles is still recorded, so nothing a diagram asked for is silently lost."""
    for effect in result.effects:
        handler = step.app.effect_handlers.get(effect.kind)
        if handler is not None:
            handler(step, effect)
        else:
            _record_unhandled(step, effect)


def _record_unhandled(step: StepContext, effect: Any) -> None:
    draft = RecordDraft(
        action="effect.unhandled",
        actor="system",
        case_id=step.case.id,
        element_id=effect.element_id,
        payload={"kind": effect.kind, "payload": jsonable(effect.payload)},
    )
    record(step.app, step.uow, draft, step.now)


def step_payload(result: JsonValue, new_tasks: list[TaskRow], **extra: JsonValue) -> JsonObject:
    """One record per step: what the person did, the path the engine then took, what is now waiting."""
    payload = dict(extra)
    payload["path"] = [e for e in result.completed_elements if not e.endswith(".EndJoin")]
    payload["created"] = [{"task": r.id, "element": r.element_id, "name": r.name} for r in new_tasks]
    return payload
